/**
 * The first completion's warm-up in a focused document (focusWarmUp.ts): it runs once after the rest, for the last
 * focus only, with the budget the completions use, and a request or an edit (cancel) stops it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FocusWarmUp, type WarmTarget } from '../../../src/core/context/focusWarmUp';
import { until } from '../backends/helpers';

const target = (path: string, line = 3): WarmTarget => ({ path, version: 1, offset: line * 10, line });

test('a focus warms its cursor once after the rest; a later focus within the rest replaces it', async () => {
  const runs: { target: WarmTarget; budget: number }[] = [];
  const logs: string[] = [];
  const warm = new FocusWarmUp(async (t, budget) => void runs.push({ target: t, budget }), (m) => logs.push(m), 20);
  warm.focus(target('/w/a.ts'));
  warm.focus(target('/w/b.ts', 7));
  await until(() => logs.length === 1);
  assert.deepEqual(runs, [{ target: target('/w/b.ts', 7), budget: 1024 }]);
  assert.match(logs[0], /warmed \/w\/b\.ts at line 8/);
  // The budget of the completions' requests is the one warmed next.
  warm.noteBudget(2048);
  warm.focus(target('/w/c.ts'));
  await until(() => runs.length === 2);
  assert.equal(runs[1].budget, 2048);
});

test('cancel drops a pending warm-up and aborts a running one (no "warmed" line for it)', async () => {
  const signals: AbortSignal[] = [];
  const paths: string[] = [];
  const logs: string[] = [];
  const warm = new FocusWarmUp(
    (t, _b, signal) => {
      signals.push(signal);
      paths.push(t.path);
      return new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    },
    (m) => logs.push(m),
    20,
  );
  // Pending: cancelled before its rest ends, it does not run (its timer would have fired before b.ts's).
  warm.focus(target('/w/a.ts'));
  warm.cancel();
  // Running: cancelled while the assemble is under way, its signal is aborted.
  warm.focus(target('/w/b.ts'));
  await until(() => signals.length === 1);
  assert.deepEqual(paths, ['/w/b.ts']);
  assert.equal(signals[0].aborted, false);
  warm.cancel();
  assert.equal(signals[0].aborted, true);
  // The rejection is settled within the same turn: after it, an aborted warm-up has logged nothing.
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(logs, []);
});
