// OpenAIBackend against the simulator test double (OpenAI-compatible flavour, vLLM-like).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAIBackend } from '../../../src/core/backends/openai';
import { BackendError } from '../../../src/core/backends/errors';
import { countTokens } from '../../../src/core/tokens';
import { startSimulator, type Simulator } from '../../sim/index';
import { PHI4_MODEL, QWEN_CODER_MODEL } from '../../sim/types';
import { collect, deadPort, rawServer, until, SAMPLING } from './helpers';

let sim: Simulator;
let backend: OpenAIBackend;
before(async () => {
  sim = await startSimulator({ kind: 'openai', models: [PHI4_MODEL], apiKey: 'team-key', timing: { timeScale: 0 } });
});
after(() => sim.close());
beforeEach(() => {
  sim.setModels([PHI4_MODEL]);
  sim.resetStats();
  backend = new OpenAIBackend({ endpoint: `${sim.url}/v1`, apiKey: 'team-key', idleTimeoutMs: 2000 });
});
const isCode = (code: string) => (e: unknown) => e instanceof BackendError && e.code === code;

test('chat: /v1/chat/completions with bearer key, include_usage; deltas streamed until [DONE]; usage from the usage chunk', async () => {
  sim.setReply('def f():\n    return 1');
  const r = await collect(backend.chat({ model: 'phi4', messages: [{ role: 'user', content: 'write f' }], sampling: { maxTokens: 30, temperature: 0.3, stop: ['<|im_end|>'] } }));
  assert.equal(r.text, 'def f():\n    return 1');
  const w = sim.requests.at(-1)!;
  assert.equal(w.endpoint, '/v1/chat/completions');
  assert.equal(w.headers!.authorization, 'Bearer team-key');
  assert.deepEqual(w.body, { model: 'phi4', max_tokens: 30, temperature: 0.3, stream: true, stream_options: { include_usage: true }, stop: ['<|im_end|>'], messages: [{ role: 'user', content: 'write f' }] });
  assert.equal(r.usage!.promptTokens, w.promptTokens);
  assert.equal(r.usage!.completionTokens, r.pieces.length);
  assert.equal(r.usage!.stopReason, 'stop');
});

test('complete: /v1/completions with the raw prompt; max_tokens limit -> length', async () => {
  sim.setReply('a b c d e');
  const prompt = '<|im_start|>user<|im_sep|>\nx<|im_end|>\n<|im_start|>assistant<|im_sep|>\n';
  const r = await collect(backend.complete({ model: 'phi4', prompt, sampling: { maxTokens: 2, temperature: 0 } }));
  assert.equal(r.text, 'a b');
  assert.equal(sim.requests.at(-1)!.endpoint, '/v1/completions');
  assert.equal(sim.requests.at(-1)!.body.prompt, prompt);
  assert.equal(r.usage!.stopReason, 'length');
  assert.equal(r.usage!.promptTokens, countTokens(prompt));
});

test('models, modelInfo (max_model_len), health, infill -> no-fim', async () => {
  assert.deepEqual(await backend.listModels(), ['phi4']);
  assert.deepEqual(await backend.modelInfo('phi4'), { name: 'phi4', contextLength: 16384, fim: false, family: '' });
  sim.setModels([PHI4_MODEL, QWEN_CODER_MODEL]);
  await assert.rejects(backend.modelInfo('gpt-9'), isCode('model-missing'));
  assert.equal((await backend.health('phi4')).state, 'ready');
  assert.equal((await backend.health('gpt-9')).state, 'model-missing');
  // A coder model of a known family gets its FIM template (rendered raw into /v1/completions by buildPrompt).
  assert.deepEqual(await backend.modelInfo('qwen2.5-coder:1.5b'), { name: 'qwen2.5-coder:1.5b', contextLength: 32768, fim: true, family: 'qwen2.5-coder' });
  sim.setModels([PHI4_MODEL]);
  await assert.rejects(collect(backend.infill({ model: 'phi4', prefix: 'a', suffix: 'b', sampling: SAMPLING })), isCode('no-fim'));
  assert.equal(sim.stats.requests, 0);
});

test('wrong key -> auth; unknown model -> model-missing; overflow -> context-overflow; 503 -> busy', async () => {
  const bad = new OpenAIBackend({ endpoint: sim.url, apiKey: 'nope', idleTimeoutMs: 2000 });
  await assert.rejects(collect(bad.chat({ model: 'phi4', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING })), isCode('auth'));
  sim.setModels([PHI4_MODEL, QWEN_CODER_MODEL]);
  await assert.rejects(collect(backend.chat({ model: 'gpt-9', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING })), isCode('model-missing'));
  sim.setModels([PHI4_MODEL]);
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: { maxTokens: 20000, temperature: 0 } })), isCode('context-overflow'));
  sim.setReply({ status: 503, error: 'too many requests in queue' });
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), isCode('busy'));
});

test('error mid-stream -> server; malformed data -> malformed; truncated (no finish, no [DONE]) -> malformed', async () => {
  sim.setReply({ text: 'a b', error: 'engine died', errorAfterChunks: 1 });
  await assert.rejects(collect(backend.chat({ model: 'phi4', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING })), (e: unknown) => isCode('server')(e) && /engine died/.test((e as Error).message));
  sim.setReply({ text: 'a b', malformed: true });
  await assert.rejects(collect(backend.chat({ model: 'phi4', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING })), isCode('malformed'));
  sim.setReply({ text: 'a b', truncateStream: true });
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), isCode('malformed'));
});

test('timeout and abort close the socket; connection refused -> offline', async () => {
  const slow = new OpenAIBackend({ endpoint: sim.url, apiKey: 'team-key', idleTimeoutMs: 120 });
  sim.setReply({ chunks: ['a'], hang: true });
  await assert.rejects(collect(slow.chat({ model: 'phi4', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING })), isCode('timeout'));
  const ac = new AbortController();
  const it = backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING, signal: ac.signal });
  await assert.rejects(
    (async () => {
      for await (const ev of it) if (ev.type === 'text') ac.abort();
    })(),
    isCode('aborted'),
  );
  await until(() => sim.stats.open === 0);
  assert.equal(sim.stats.aborted, 2);
  const port = await deadPort();
  await assert.rejects(collect(new OpenAIBackend({ endpoint: `http://127.0.0.1:${port}`, idleTimeoutMs: 1000 }).chat({ model: 'm', messages: [], sampling: SAMPLING })), isCode('offline'));
});

test('a server without usage: prompt tokens from the caller, completion tokens counted client-side; [DONE] without finish_reason is complete', async () => {
  const raw = await rawServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write('data: {"choices":[{"index":0,"delta":{"content":"hello world"}}]}\n\n');
    res.end('data: [DONE]\n\n');
  });
  try {
    const b = new OpenAIBackend({ endpoint: raw.url, idleTimeoutMs: 1000 });
    const r = await collect(b.chat({ model: 'm', messages: [{ role: 'user', content: 'q' }], promptTokens: 42, sampling: SAMPLING }));
    assert.equal(r.text, 'hello world');
    assert.equal(r.usage!.promptTokens, 42);
    assert.equal(r.usage!.completionTokens, countTokens('hello world'));
  } finally {
    await raw.close();
  }
});

test('a server that serves one model is accepted whatever it calls it; requests name the served model; the status names it', async () => {
  sim.setModels([{ ...PHI4_MODEL, name: 'microsoft/phi-4' }]);
  assert.equal((await backend.health('phi4')).state, 'ready');
  const info = await backend.modelInfo('phi4');
  assert.equal(info.served, 'phi-4');
  assert.equal(info.fim, false);
  sim.setReply('ok');
  await collect(backend.chat({ model: 'phi4', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING }));
  // vLLM checks the name: the request carries the id the server listed.
  assert.equal(sim.requests.at(-1)!.body.model, 'microsoft/phi-4');
});

test("llama-server's /v1: the GGUF path as the only id, the served window from meta.n_ctx (not n_ctx_train)", async () => {
  const llama = await startSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], nCtx: 2048, timing: { timeScale: 0 } });
  try {
    const b = new OpenAIBackend({ endpoint: `${llama.url}/v1`, idleTimeoutMs: 2000 });
    assert.equal((await b.health('phi4')).state, 'ready');
    assert.deepEqual(await b.modelInfo('phi4'), { name: 'phi4', contextLength: 2048, fim: false, family: '', served: 'phi4.gguf' });
  } finally {
    await llama.close();
  }
});

test("LM Studio: no window in /v1/models; the loaded context length and the architecture come from /api/v0/models", async () => {
  const lms = await startSimulator({ kind: 'openai', openaiFlavour: 'lmstudio', models: [QWEN_CODER_MODEL, PHI4_MODEL], timing: { timeScale: 0 } });
  try {
    const b = new OpenAIBackend({ endpoint: lms.url, idleTimeoutMs: 2000 });
    assert.deepEqual(await b.modelInfo('qwen2.5-coder:1.5b'), { name: 'qwen2.5-coder:1.5b', contextLength: 8192, fim: true, family: 'qwen2.5-coder' });
    assert.deepEqual(await b.modelInfo('phi4'), { name: 'phi4', contextLength: 16384, fim: false, family: '' });
  } finally {
    await lms.close();
  }
});
