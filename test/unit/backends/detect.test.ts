// Auto-detection probes Ollama (/api/version) and llama.cpp (/health, then /props) with injectable endpoints.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { detectBackend, detectBackends } from '../../../src/core/backends/detect';
import { startSimulator, type Simulator } from '../../sim/index';
import { deadPort, rawServer } from './helpers';

const started: Simulator[] = [];
after(() => Promise.all(started.map((s) => s.close())));
async function sim(kind: 'ollama' | 'llamacpp') {
  const s = await startSimulator({ kind, timing: { timeScale: 0 } });
  started.push(s);
  return s;
}

/**
 * Probe deadline where the servers under test do answer: the 800 ms default is for a user's idle machine; on a loaded
 * test machine an answering simulator can take longer, and what these tests check is what is detected, not how fast.
 */
const ANSWERING = 30_000;

test('prefers Ollama when both answer, reports both', async () => {
  const [o, l] = [await sim('ollama'), await sim('llamacpp')];
  const all = await detectBackends({ ollamaEndpoint: o.url, llamacppEndpoint: l.url, timeoutMs: ANSWERING });
  assert.deepEqual(all.map((d) => [d.kind, d.endpoint, d.loading]), [['ollama', o.url, false], ['llamacpp', l.url, false]]);
  assert.match(all[0].detail, /^Ollama 0\.12\.3 on /);
  assert.deepEqual(o.allRequests.map((r) => r.endpoint), ['/api/version']);
  assert.deepEqual(l.allRequests.map((r) => r.endpoint), ['/health', '/props'], 'llama.cpp identity from /props');
  assert.equal((await detectBackend({ ollamaEndpoint: o.url, llamacppEndpoint: l.url, timeoutMs: ANSWERING }))!.kind, 'ollama');
});

test('llama.cpp only, including while it loads; nothing -> undefined', async () => {
  const l = await sim('llamacpp');
  const none = `http://127.0.0.1:${await deadPort()}`;
  assert.equal((await detectBackend({ ollamaEndpoint: none, llamacppEndpoint: l.url, timeoutMs: ANSWERING }))!.kind, 'llamacpp');
  l.setLoading(true);
  const d = await detectBackend({ ollamaEndpoint: none, llamacppEndpoint: l.url, timeoutMs: ANSWERING });
  assert.deepEqual([d!.kind, d!.loading], ['llamacpp', true]);
  assert.equal(await detectBackend({ ollamaEndpoint: none, llamacppEndpoint: none, timeoutMs: ANSWERING }), undefined);
});

test('a server that does not answer in time, or answers something else, is not detected', async () => {
  const silent = await rawServer(() => {});
  const other = await rawServer((_req, res) => res.end('<html>hello</html>'));
  try {
    // The silent server never answers: only the probe's own deadline ends the wait (without it this would hang).
    const t0 = Date.now();
    assert.equal(await detectBackend({ ollamaEndpoint: silent.url, llamacppEndpoint: other.url, timeoutMs: 150 }), undefined);
    assert.ok(Date.now() - t0 < ANSWERING / 3, `gave up after ${Date.now() - t0} ms`);
  } finally {
    await silent.close();
    await other.close();
  }
});
