// First-byte deadline vs idle limit: a server that sends nothing (not even headers) while it loads the model and reads
// the prompt is waited for; once the answer has started, a silence longer than the idle limit abandons it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OllamaBackend } from '../../../src/core/backends/ollama';
import { LlamaCppBackend } from '../../../src/core/backends/llamacpp';
import { BackendError } from '../../../src/core/backends/errors';
import { RequestControl } from '../../../src/core/backends/deadlines';
import { startSimulator } from '../../sim/index';
import { PHI4_MODEL } from '../../sim/types';
import { collect, rawServer, SAMPLING } from './helpers';

const timeout = (re: RegExp) => (e: unknown) => e instanceof BackendError && e.code === 'timeout' && re.test(e.message);

test('Ollama: headers that come later than the idle limit are waited for (first-byte deadline); later than that deadline, timeout', async () => {
  // Ollama writes nothing, not even headers, until the model is loaded and the prompt read; then the whole answer here.
  const done = { model: 'phi4', created_at: '2026-11-30T00:00:00Z', response: '', done: true, done_reason: 'stop', prompt_eval_count: 1, eval_count: 1 };
  const body = JSON.stringify({ model: 'phi4', created_at: '2026-11-30T00:00:00Z', response: 'hello', done: false }) + '\n' + JSON.stringify(done) + '\n';
  const raw = await rawServer((req, res) => {
    if (req.url === '/api/show') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ model_info: { 'general.architecture': 'phi3', 'phi3.context_length': 16384 }, capabilities: ['completion'], details: { family: 'phi3' } }));
    setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/x-ndjson' }).end(body), 1500);
  });
  try {
    const patient = new OllamaBackend({ endpoint: raw.url, keepAlive: '30m', idleTimeoutMs: 300, firstByteTimeoutMs: 30_000 });
    assert.equal((await collect(patient.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING }))).text, 'hello');
    const hasty = new OllamaBackend({ endpoint: raw.url, keepAlive: '30m', idleTimeoutMs: 300, firstByteTimeoutMs: 800 });
    await assert.rejects(collect(hasty.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), timeout(/Ollama generate: the server did not start answering within/));
  } finally {
    await raw.close();
  }
});

test('llama.cpp: once the answer has started, the idle limit applies between pieces', async () => {
  const sim = await startSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], timing: { timeScale: 0 } });
  try {
    sim.setReply({ chunks: ['a'], hang: true });
    const b = new LlamaCppBackend({ endpoint: sim.url, idleTimeoutMs: 150, firstByteTimeoutMs: 60_000 });
    const t0 = Date.now();
    await assert.rejects(collect(b.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), timeout(/nothing received for/));
    assert.ok(Date.now() - t0 < 30_000);
  } finally {
    await sim.close();
  }
});

test('RequestControl: a total cap ends a request that keeps streaming; the caller abort wins over the deadlines', async () => {
  const total = new RequestControl(undefined, { idleMs: 10_000, firstByteMs: 10_000, totalMs: 50 });
  total.markStarted();
  await new Promise<void>((r) => total.signal.addEventListener('abort', () => r()));
  assert.match(total.abortError('x')!.message, /in all; the request was abandoned/);
  const caller = new AbortController();
  const c = new RequestControl(caller.signal, { idleMs: 10_000 });
  caller.abort();
  assert.equal(c.abortError('x')!.code, 'aborted');
  c.dispose();
  total.dispose();
});
