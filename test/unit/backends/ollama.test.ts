// OllamaBackend (official `ollama` client) against the simulator test double: wire fields and parsed results.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { OllamaBackend, keepAliveValue } from '../../../src/core/backends/ollama';
import { BackendError } from '../../../src/core/backends/errors';
import { renderPhi4, PHI4_STOP } from '../../../src/core/prompt/phi4';
import { countTokens } from '../../../src/core/tokens';
import { startSimulator, type Simulator } from '../../sim/index';
import { PHI4_MODEL, QWEN_CODER_MODEL } from '../../sim/types';
import { collect, deadPort, until, SAMPLING } from './helpers';

let sim: Simulator;
let backend: OllamaBackend;
before(async () => {
  sim = await startSimulator({ kind: 'ollama', models: [PHI4_MODEL, QWEN_CODER_MODEL], timing: { timeScale: 0 } });
});
after(() => sim.close());
beforeEach(() => {
  sim.setModels([PHI4_MODEL, QWEN_CODER_MODEL]);
  sim.resetStats();
  backend = new OllamaBackend({ endpoint: sim.url, keepAlive: '30m', idleTimeoutMs: 2000 });
});

const isCode = (code: string) => (e: unknown) => e instanceof BackendError && e.code === code;

test('complete: raw prompt passed unchanged, streamed text and usage, num_ctx from /api/show, keep_alive, stop', async () => {
  sim.setReply('return a + b;<|im_end|>ignored');
  const prompt = renderPhi4([{ role: 'user', content: 'add two numbers' }]);
  const r = await collect(backend.complete({ model: 'phi4', prompt, sampling: { maxTokens: 50, temperature: 0.1, stop: PHI4_STOP } }));
  assert.equal(r.text, 'return a + b;');
  assert.ok(r.pieces.length > 1, 'streamed in pieces');
  const wire = sim.requests.at(-1)!;
  assert.equal(wire.endpoint, '/api/generate');
  assert.equal(wire.body.prompt, prompt);
  assert.equal(wire.body.raw, true);
  assert.equal(wire.body.stream, true);
  assert.equal(wire.body.keep_alive, '30m');
  assert.deepEqual(wire.body.options, { num_ctx: 16384, num_predict: 50, temperature: 0.1, stop: PHI4_STOP });
  assert.equal(wire.body.system, undefined);
  assert.equal(r.usage!.promptTokens, countTokens(prompt));
  assert.equal(r.usage!.completionTokens, r.pieces.length);
  assert.equal(r.usage!.stopReason, 'stop');
  assert.ok(r.usage!.totalMs >= r.usage!.timeToFirstTokenMs && r.usage!.timeToFirstTokenMs >= 0);
  assert.ok(sim.allRequests.some((x) => x.endpoint === '/api/show' && (x.body as { model: string }).model === 'phi4'));
});

test('num_ctx is identical for complete, chat and infill of a model, so the model loads once; /api/show is cached', async () => {
  sim.setReply('x');
  await collect(backend.complete({ model: 'qwen2.5-coder:1.5b', prompt: 'a', sampling: SAMPLING }));
  await collect(backend.chat({ model: 'qwen2.5-coder:1.5b', messages: [{ role: 'user', content: 'hi' }], sampling: { maxTokens: 500, temperature: 0.7 } }));
  await collect(backend.infill({ model: 'qwen2.5-coder:1.5b', prefix: 'def f(', suffix: '):', sampling: SAMPLING }));
  const opts = sim.requests.map((r) => r.body.options.num_ctx);
  // qwen2.5-coder's 32,768 window, capped at Phi-4's 16,384.
  assert.deepEqual(opts, [16384, 16384, 16384]);
  assert.deepEqual(sim.requests.map((r) => Object.keys(r.body.options).sort()), Array(3).fill(['num_ctx', 'num_predict', 'temperature']));
  assert.equal(sim.stats.loads, 1);
  assert.equal(sim.allRequests.filter((r) => r.endpoint === '/api/show').length, 1);
  assert.equal(sim.requests[1].endpoint, '/api/chat');
  assert.deepEqual(sim.requests[1].body.messages, [{ role: 'user', content: 'hi' }]);
  assert.equal(sim.requests[2].body.suffix, '):');
  assert.equal(sim.requests[2].body.raw, undefined);
});

test('a context window override replaces /api/show and is sent as num_ctx', async () => {
  const b = new OllamaBackend({ endpoint: sim.url, keepAlive: '-1', contextWindow: 8192, idleTimeoutMs: 2000 });
  sim.setReply('x');
  await collect(b.chat({ model: 'phi4', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING }));
  assert.equal(sim.requests.at(-1)!.body.options.num_ctx, 8192);
  assert.equal(sim.requests.at(-1)!.body.keep_alive, -1, 'a bare number goes out as a JSON number (seconds)');
  assert.equal(sim.allRequests.filter((r) => r.endpoint === '/api/show').length, 0);
  assert.equal(keepAliveValue('30m'), '30m');
  assert.equal(keepAliveValue('0'), 0);
});

test('modelInfo, capabilities -> fim, listModels, health', async () => {
  assert.deepEqual(await backend.modelInfo('phi4'), { name: 'phi4', contextLength: 16384, fim: false, family: 'phi3' });
  assert.deepEqual(await backend.modelInfo('qwen2.5-coder:1.5b'), { name: 'qwen2.5-coder:1.5b', contextLength: 16384, fim: true, family: 'qwen2' });
  assert.deepEqual(await backend.listModels(), ['phi4:latest', 'qwen2.5-coder:1.5b']);
  assert.equal((await backend.health('phi4')).state, 'ready');
  const missing = await backend.health('llama9');
  assert.equal(missing.state, 'model-missing');
  assert.match(missing.detail, /ollama pull llama9/);
});

test('model missing: 404 -> model-missing; pull with progress, then it works', async () => {
  sim.setModels([PHI4_MODEL]);
  await assert.rejects(collect(backend.complete({ model: 'qwen2.5-coder:1.5b', prompt: 'x', sampling: SAMPLING })), isCode('model-missing'));
  const progress: { status: string; total?: number; completed?: number }[] = [];
  await backend.pull!('qwen2.5-coder:1.5b', (p) => progress.push(p));
  assert.equal(progress[0].status, 'pulling manifest');
  assert.ok(progress.some((p) => p.total! > 0 && p.completed === p.total));
  assert.equal(progress.at(-1)!.status, 'success');
  const pullReq = sim.allRequests.find((r) => r.endpoint === '/api/pull')!.body as { name?: string; model?: string; stream: boolean };
  assert.equal(pullReq.name ?? pullReq.model, 'qwen2.5-coder:1.5b');
  assert.equal(pullReq.stream, true);
  sim.setReply('ok');
  assert.equal((await collect(backend.complete({ model: 'qwen2.5-coder:1.5b', prompt: 'x', sampling: SAMPLING }))).text, 'ok');
  await assert.rejects(backend.pull!('no-such-model', () => {}), isCode('model-missing'));
});

test('no-fim: suffix to phi4 -> 400 "does not support insert" -> no-fim', async () => {
  await assert.rejects(collect(backend.infill({ model: 'phi4', prefix: 'a', suffix: 'b', sampling: SAMPLING })), (e: unknown) => isCode('no-fim')(e) && (e as BackendError).status === 400);
});

test('connection refused -> offline with a message that says how to start Ollama', async () => {
  const port = await deadPort();
  const b = new OllamaBackend({ endpoint: `http://127.0.0.1:${port}`, keepAlive: '30m', idleTimeoutMs: 2000 });
  await assert.rejects(collect(b.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), (e: unknown) => isCode('offline')(e) && /Ollama is not running at http:\/\/127\.0\.0\.1:\d+ — start it with `ollama serve`/.test((e as Error).message));
  assert.equal((await b.health('phi4')).state, 'offline');
});

test('busy: 503 -> busy; server error line mid-stream -> server, after the text before it', async () => {
  sim.setReply({ status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' });
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), isCode('busy'));
  sim.setReply({ text: 'one two three', error: 'llama runner process has terminated', errorAfterChunks: 2 });
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const ev of backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })) if (ev.type === 'text') seen.push(ev.text);
    })(),
    (e: unknown) => isCode('server')(e) && /runner process has terminated/.test((e as Error).message),
  );
  assert.deepEqual(seen, ['one', ' two']);
});

test('malformed NDJSON line -> malformed; stream ending without done -> malformed', async () => {
  sim.setReply({ text: 'a b', malformed: true });
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), isCode('malformed'));
  // Ollama's runner ends a stream without `done` when it cuts off repeated tokens: the text is kept, not called malformed.
  sim.setReply({ text: 'a b', truncateStream: true });
  const cut = await collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING }));
  assert.equal(cut.text, 'a b');
  assert.equal(cut.usage!.stopReason, 'length');
  sim.setReply({ chunks: [], truncateStream: true });
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), isCode('malformed'));
});

test('a stream that never ends -> timeout, and the socket is closed', async () => {
  const b = new OllamaBackend({ endpoint: sim.url, keepAlive: '30m', idleTimeoutMs: 150 });
  sim.setReply({ chunks: ['a'], hang: true });
  // Only the idle timeout can end this stream (the simulator never sends more): without it the test would hang.
  await assert.rejects(collect(b.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), isCode('timeout'));
  await until(() => sim.stats.open === 0);
  assert.equal(sim.stats.aborted, 1);
});

test('abort mid-stream -> aborted; the simulator sees the socket close, nothing stays open', async () => {
  sim.setReply({ chunks: ['a', 'b', 'c'], hang: true });
  const ac = new AbortController();
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const ev of backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING, signal: ac.signal })) {
        if (ev.type === 'text') seen.push(ev.text);
        if (seen.length === 2) ac.abort();
      }
    })(),
    isCode('aborted'),
  );
  await until(() => sim.stats.open === 0);
  assert.equal(sim.stats.aborted, 1);
  assert.equal(sim.stats.completed, 0);
});

test('breaking out of the loop early also closes the socket', async () => {
  sim.setReply({ chunks: ['a', 'b'], hang: true });
  for await (const ev of backend.chat({ model: 'phi4', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING })) if (ev.type === 'text') break;
  await until(() => sim.stats.open === 0);
  assert.equal(sim.stats.aborted, 1);
});

test('num_predict limit -> stopReason length', async () => {
  sim.setReply('a b c d e f g h');
  const r = await collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: { maxTokens: 3, temperature: 0 } }));
  assert.equal(r.usage!.stopReason, 'length');
  assert.equal(r.usage!.completionTokens, 3);
});

test('a server that is not Ollama (HTML page) -> malformed with the offending line, not a silent empty answer', async () => {
  const { rawServer } = await import('./helpers');
  const raw = await rawServer((req, res) => {
    if (req.url === '/api/show') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ model_info: { 'general.architecture': 'phi3', 'phi3.context_length': 16384 }, capabilities: ['completion'], details: { family: 'phi3' } }));
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<html><body>Welcome</body></html>\n');
  });
  try {
    const b = new OllamaBackend({ endpoint: raw.url, keepAlive: '30m', idleTimeoutMs: 2000 });
    await assert.rejects(collect(b.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), (e: unknown) => isCode('malformed')(e) && /<html>/.test((e as Error).message));
  } finally {
    await raw.close();
  }
});

test('Ollama dies mid-answer -> offline, saying the connection broke mid-answer', async () => {
  const { rawServer } = await import('./helpers');
  const raw = await rawServer((req, res) => {
    if (req.url === '/api/show') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ model_info: { 'general.architecture': 'phi3', 'phi3.context_length': 16384 }, capabilities: ['completion'], details: { family: 'phi3' } }));
    }
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    res.write('{"model":"phi4","response":"par","done":false}\n');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  try {
    const b = new OllamaBackend({ endpoint: raw.url, keepAlive: '30m', idleTimeoutMs: 2000 });
    await assert.rejects(collect(b.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), (e: unknown) => isCode('offline')(e) && /closed the connection in the middle of an answer/.test((e as Error).message));
  } finally {
    await raw.close();
  }
});

test('FIM at the end of a file: an empty suffix is sent as a newline, so Ollama applies the FIM template (not a chat turn)', async () => {
  sim.setReply('x');
  await collect(backend.infill({ model: 'qwen2.5-coder:1.5b', prefix: 'def f():\n    return ', suffix: '', sampling: SAMPLING }));
  const w = sim.requests.at(-1)!;
  assert.equal(w.body.suffix, '\n');
  assert.ok(w.rendered!.startsWith('<|fim_prefix|>def f():'), w.rendered);
});

test('num_ctx: the model window capped at 16,384 (a 128K model does not get a 128K KV cache); the same for every feature', async () => {
  sim.setModels([PHI4_MODEL, { ...QWEN_CODER_MODEL, contextLength: 131072 }]);
  sim.setReply('x');
  await collect(backend.complete({ model: 'qwen2.5-coder:1.5b', prompt: 'x', sampling: SAMPLING }));
  await collect(backend.chat({ model: 'qwen2.5-coder:1.5b', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING }));
  assert.deepEqual(sim.requests.map((r) => r.body.options.num_ctx), [16384, 16384]);
  assert.equal((await backend.modelInfo('qwen2.5-coder:1.5b')).contextLength, 16384);
  assert.ok(sim.stats.loads <= 1, 'no reload between the features');
});

test('keep_alive: an invalid duration ("" or "1d", which Ollama answers with 400) is not sent; valid ones are', async () => {
  for (const bad of ['', '1d', 'forever', '5 m']) assert.equal(keepAliveValue(bad), undefined, bad);
  for (const [good, sent] of [['30m', '30m'], ['1h30m', '1h30m'], ['-1', -1], ['-1s', '-1s'], ['0', 0], ['1.5h', '1.5h'], ['300ms', '300ms']] as const) assert.equal(keepAliveValue(good), sent, good);
  sim.setReply('ok');
  const b = new OllamaBackend({ endpoint: sim.url, keepAlive: '1d', idleTimeoutMs: 2000 });
  assert.equal((await collect(b.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING }))).text, 'ok');
  assert.equal('keep_alive' in sim.requests.at(-1)!.body, false);
});
