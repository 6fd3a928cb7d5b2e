// Cancellation storm: many requests aborted at once (fast typing) leave no open socket on the server and no
// listener behind on a signal shared by finished requests, for every backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createBackend } from '../../../src/core/backends/factory';
import { BackendError } from '../../../src/core/backends/errors';
import { nullLogger } from '../../../src/core/log';
import { startSimulator } from '../../sim/index';
import { collect, until, SAMPLING } from './helpers';

/** How long to wait for a state before failing: only reached when the state never comes. */
const STATE_WAIT_MS = 120_000;

for (const kind of ['ollama', 'llamacpp', 'openai'] as const) {
  test(`${kind}: 40 streams aborted together -> 40 aborts seen by the server, none open; finished requests leave no listener`, { timeout: 5 * STATE_WAIT_MS }, async () => {
    const sim = await startSimulator({ kind, reply: { chunks: ['a', 'b'], hang: true }, timing: { timeScale: 0, slots: 40 } });
    try {
      // The streams hang after two pieces until aborted: the idle limit must not end any of them first, however long a
      // loaded machine takes to open all 40 (what is checked is the abort, so every wait below is for a state).
      const backend = createBackend({ kind, endpoint: sim.url, keepAlive: '30m', idleTimeoutMs: 10 * 60_000, logger: nullLogger });
      const ac = new AbortController();
      const runs = Array.from({ length: 40 }, (_, i) =>
        collect(backend.complete({ model: 'phi4', prompt: `prompt ${i}`, sampling: SAMPLING, signal: ac.signal })).then(
          () => 'finished',
          (e: unknown) => (e instanceof BackendError ? e.code : String(e)),
        ),
      );
      await until(() => sim.stats.open === 40, STATE_WAIT_MS);
      ac.abort();
      assert.deepEqual(new Set(await Promise.all(runs)), new Set(['aborted']));
      await until(() => sim.stats.open === 0, STATE_WAIT_MS);
      assert.equal(sim.stats.aborted, 40);
      assert.equal(sim.stats.completed, 0);
      sim.setReply('done');
      const shared = new AbortController();
      for (let i = 0; i < 10; i++) assert.equal((await collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING, signal: shared.signal }))).text, 'done');
      assert.equal(getEventListeners(shared.signal, 'abort').length, 0);
    } finally {
      await sim.close();
    }
  });
}
