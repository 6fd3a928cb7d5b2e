// Issue 14, finding 8: auto-detection confirms llama-server's identity and nothing is sent to a detected server
// before the user allowed it (asked once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectBackends } from '../../../src/core/backends/detect';
import { startSimulator } from '../../sim/index';
import { PHI4_MODEL } from '../../sim/types';
import { rawServer, until } from '../backends/helpers';

test('a loopback server whose /health says {"status":"ok"} is not taken for llama.cpp without a llama-server /props', async () => {
  const impostor = await rawServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(req.url === '/health' ? '{"status":"ok"}' : '{"detail":"Not Found"}');
  });
  const dead = await rawServer((_req, res) => res.end('x'));
  const sim = await startSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], timing: { timeScale: 0 } });
  try {
    assert.deepEqual(await detectBackends({ ollamaEndpoint: dead.url, llamacppEndpoint: impostor.url, timeoutMs: 2000 }), []);
    const real = await detectBackends({ ollamaEndpoint: dead.url, llamacppEndpoint: sim.url, timeoutMs: 2000 });
    assert.deepEqual(real.map((d) => [d.kind, d.endpoint, d.loading]), [['llamacpp', sim.url, false]]);
  } finally {
    await impostor.close();
    await dead.close();
    await sim.close();
  }
});

test('a detected server is used only after the user allowed it; the question is asked once; the answer is kept', async () => {
  const { DetectedServerConsent } = await import('../../../src/core/backends/detectConsent');
  const stored = new Map<string, unknown>();
  const store = { get: <T>(k: string) => stored.get(k) as T | undefined, update: async (k: string, v: unknown) => void stored.set(k, v) };
  const answers: ((ok: boolean) => void)[] = [];
  let granted = 0;
  const consent = new DetectedServerConsent(store, () => new Promise<boolean>((r) => answers.push(r)), () => granted++);
  const found = { kind: 'llamacpp' as const, endpoint: 'http://127.0.0.1:8080', loading: false, detail: '' };
  assert.equal(consent.allowed(found), false);
  assert.equal(consent.allowed(found), false);
  assert.equal(answers.length, 1, 'asked once');
  answers[0](true);
  await until(() => granted === 1);
  assert.equal(consent.allowed(found), true);
  // Another server, declined: never allowed, not asked again this session.
  const other = { ...found, endpoint: 'http://127.0.0.1:9090' };
  assert.equal(consent.allowed(other), false);
  answers[1](false);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(consent.allowed(other), false);
  assert.equal(answers.length, 2);
  // Remembered across sessions (a new instance over the same store).
  assert.equal(new DetectedServerConsent(store, async () => false, () => undefined).allowed(found), true);
});
