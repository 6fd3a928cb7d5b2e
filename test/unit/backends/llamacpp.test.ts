// LlamaCppBackend against the simulator test double (and a raw server for framings the simulator cannot produce).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { LlamaCppBackend } from '../../../src/core/backends/llamacpp';
import { BackendError } from '../../../src/core/backends/errors';
import { countTokens } from '../../../src/core/tokens';
import { startSimulator, type Simulator } from '../../sim/index';
import { PHI4_MODEL, QWEN_CODER_MODEL, LLAMA3_MODEL } from '../../sim/types';
import { collect, deadPort, rawServer, until, SAMPLING } from './helpers';

let sim: Simulator;
let backend: LlamaCppBackend;
before(async () => {
  sim = await startSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], timing: { timeScale: 0, slots: 2 } });
});
after(() => sim.close());
beforeEach(() => {
  sim.setModels([PHI4_MODEL]);
  sim.setLoading(false);
  sim.resetStats();
  backend = new LlamaCppBackend({ endpoint: sim.url, idleTimeoutMs: 2000 });
});
const isCode = (code: string) => (e: unknown) => e instanceof BackendError && e.code === code;

test('complete: /completion with cache_prompt, id_slot, n_predict, stop, temperature; SSE text; usage from the final chunk', async () => {
  sim.setReply('x = 1\ny = 2\n\n\nz');
  const prompt = '<|im_start|>user<|im_sep|>\nset x<|im_end|>\n<|im_start|>assistant<|im_sep|>\n';
  const r = await collect(backend.complete({ model: 'phi4', prompt, slotId: 1, sampling: { maxTokens: 40, temperature: 0.1, stop: ['\n\n\n'] } }));
  assert.equal(r.text, 'x = 1\ny = 2');
  const body = sim.requests.at(-1)!.body;
  assert.equal(sim.requests.at(-1)!.endpoint, '/completion');
  assert.deepEqual(body, { prompt, n_predict: 40, temperature: 0.1, stop: ['\n\n\n'], stream: true, cache_prompt: true, id_slot: 1 });
  assert.equal(r.usage!.promptTokens, countTokens(prompt));
  assert.equal(r.usage!.completionTokens, r.pieces.length);
  assert.equal(r.usage!.cachedTokens, 0);
  assert.equal(r.usage!.stopReason, 'stop');
});

test('KV prefix reuse: a second prompt sharing a prefix reports timings.cache_n as cachedTokens', async () => {
  sim.setReply('ok');
  const base = 'function alpha() { return 1; }\n'.repeat(40);
  await collect(backend.complete({ model: 'phi4', prompt: base + 'const a', slotId: 0, sampling: SAMPLING }));
  const second = await collect(backend.complete({ model: 'phi4', prompt: base + 'const ab', slotId: 0, sampling: SAMPLING }));
  const shared = countTokens(base);
  assert.ok(second.usage!.cachedTokens! >= shared, `cached ${second.usage!.cachedTokens} >= ${shared}`);
  assert.equal(second.usage!.promptTokens, countTokens(base + 'const ab'));
  assert.equal(sim.stats.cachedTokens, second.usage!.cachedTokens);
});

test('n_predict limit -> stopReason length', async () => {
  sim.setReply('a b c d e f');
  const r = await collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: { maxTokens: 2, temperature: 0 } }));
  assert.equal(r.usage!.stopReason, 'length');
  assert.equal(r.text, 'a b');
});

test('infill: /infill with input_prefix/input_suffix/input_extra on a FIM model; 501 -> no-fim on a vocabulary without FIM tokens', async () => {
  sim.setModels([LLAMA3_MODEL]);
  await assert.rejects(collect(backend.infill({ model: 'llama', prefix: 'a', suffix: 'b', sampling: SAMPLING })), (e: unknown) => isCode('no-fim')(e) && (e as BackendError).status === 501);
  sim.setModels([QWEN_CODER_MODEL]);
  sim.setReply('mid');
  const r = await collect(backend.infill({ model: 'q', prefix: 'def f(', suffix: '):', extra: [{ filename: 'u.py', text: 'X = 1' }], sampling: SAMPLING }));
  assert.equal(r.text, 'mid');
  const body = sim.requests.at(-1)!.body;
  assert.equal(sim.requests.at(-1)!.endpoint, '/infill');
  assert.equal(body.input_prefix, 'def f(');
  assert.equal(body.input_suffix, '):');
  assert.deepEqual(body.input_extra, [{ filename: 'u.py', text: 'X = 1' }]);
  assert.equal(body.cache_prompt, true);
});

test('modelInfo: n_ctx from /props; FIM from the file name, chat template and vocabulary, never for Phi-4, nothing generated', async () => {
  // Phi-4's vocabulary has <|fim_prefix|> (the server would accept /infill), but Phi-4 was not trained for FIM.
  assert.deepEqual(await backend.modelInfo('phi4'), { name: 'phi4', contextLength: 16384, fim: false, family: '', served: 'phi4.gguf' });
  await backend.modelInfo('phi4');
  sim.setModels([QWEN_CODER_MODEL]);
  const fresh = new LlamaCppBackend({ endpoint: sim.url, idleTimeoutMs: 2000 });
  assert.deepEqual(await fresh.modelInfo('q'), { name: 'q', contextLength: 32768, fim: true, family: 'qwen2.5-coder', served: 'qwen2.5-coder:1.5b.gguf' });
  await fresh.modelInfo('q');
  // One /tokenize of the family's marker; no generation request of any kind.
  assert.equal(sim.allRequests.filter((r) => r.endpoint === '/tokenize').length, 1);
  assert.equal(sim.stats.requests, 0);
  assert.equal(sim.allRequests.filter((r) => r.endpoint === '/infill' || r.endpoint === '/completion').length, 0);
  // A coder name whose vocabulary lacks the tokens is not FIM.
  sim.setModels([{ ...LLAMA3_MODEL, name: 'qwen-lookalike' }]);
  assert.equal((await new LlamaCppBackend({ endpoint: sim.url, idleTimeoutMs: 2000 }).modelInfo('x')).fim, false);
  sim.setModels([QWEN_CODER_MODEL]);
  const override = new LlamaCppBackend({ endpoint: sim.url, idleTimeoutMs: 2000, contextWindow: 4096 });
  assert.equal((await override.modelInfo('q')).contextLength, 4096);
  assert.deepEqual(await backend.listModels(), ['qwen2.5-coder:1.5b.gguf']);
});

test('chat: /v1/chat/completions, OpenAI deltas, usage and timings', async () => {
  sim.setReply('Hello there');
  const r = await collect(backend.chat({ model: 'phi4', messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'hi' }], sampling: { maxTokens: 100, temperature: 0.5 } }));
  assert.equal(r.text, 'Hello there');
  const w = sim.requests.at(-1)!;
  assert.equal(w.endpoint, '/v1/chat/completions');
  assert.deepEqual(w.body.messages, [{ role: 'system', content: 's' }, { role: 'user', content: 'hi' }]);
  assert.equal(w.body.max_tokens, 100);
  assert.equal(w.body.stream, true);
  assert.equal(r.usage!.promptTokens, w.promptTokens);
  assert.equal(r.usage!.completionTokens, 2);
  assert.equal(r.usage!.cachedTokens, 0);
});

test('health: 503 while loading -> loading, then ready; requests while loading -> loading error', async () => {
  sim.setLoading(true);
  const h = await backend.health('phi4');
  assert.equal(h.state, 'loading');
  assert.match(h.detail, /Loading model/);
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), isCode('loading'));
  sim.setLoading(false);
  assert.equal((await backend.health('phi4')).state, 'ready');
});

test('context overflow: 400 exceed_context_size_error -> context-overflow', async () => {
  sim.setModels([{ ...PHI4_MODEL, contextLength: 64 }]);
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'word '.repeat(100), sampling: SAMPLING })), (e: unknown) => isCode('context-overflow')(e) && /exceeds the available context size/.test((e as Error).message));
});

test('API key: sent as a bearer token; a wrong key -> auth', async () => {
  const keyed = await startSimulator({ kind: 'llamacpp', apiKey: 'sekret', timing: { timeScale: 0 } });
  try {
    keyed.setReply('ok');
    const good = new LlamaCppBackend({ endpoint: keyed.url, apiKey: 'sekret', idleTimeoutMs: 2000 });
    assert.equal((await collect(good.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING }))).text, 'ok');
    assert.equal(keyed.requests.at(-1)!.headers!.authorization, 'Bearer sekret');
    const bad = new LlamaCppBackend({ endpoint: keyed.url, apiKey: 'wrong', idleTimeoutMs: 2000 });
    await assert.rejects(collect(bad.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), isCode('auth'));
  } finally {
    await keyed.close();
  }
});

test('SSE: comment pings are skipped; new and old error shapes mid-stream -> server', async () => {
  sim.setReply({ text: 'a b', comments: 3 });
  assert.equal((await collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING }))).text, 'a b');
  for (const errorStyle of ['new', 'old'] as const) {
    sim.setReply({ text: 'a b c', error: 'slot crashed', errorAfterChunks: 1, errorStyle });
    await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), (e: unknown) => isCode('server')(e) && /slot crashed/.test((e as Error).message), errorStyle);
  }
});

test('malformed SSE data and a truncated stream -> malformed', async () => {
  sim.setReply({ text: 'a b', malformed: true });
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), isCode('malformed'));
  sim.setReply({ text: 'a b', truncateStream: true });
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), isCode('malformed'));
  sim.setReply({ text: 'a b', truncateStream: true });
  await assert.rejects(collect(backend.chat({ model: 'phi4', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING })), isCode('malformed'));
});

test('timeout when nothing arrives; abort mid-stream closes the socket', async () => {
  const slow = new LlamaCppBackend({ endpoint: sim.url, idleTimeoutMs: 150 });
  sim.setReply({ chunks: ['a'], hang: true });
  await assert.rejects(collect(slow.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), isCode('timeout'));
  await until(() => sim.stats.open === 0);
  const ac = new AbortController();
  await assert.rejects(
    (async () => {
      for await (const ev of backend.chat({ model: 'phi4', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING, signal: ac.signal })) if (ev.type === 'text') ac.abort();
    })(),
    isCode('aborted'),
  );
  await until(() => sim.stats.open === 0);
  assert.equal(sim.stats.aborted, 2);
});

test('an already-aborted signal sends nothing', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING, signal: ac.signal })), isCode('aborted'));
  assert.equal(sim.stats.requests, 0);
});

test('connection refused -> offline, with how to start llama-server', async () => {
  const port = await deadPort();
  const b = new LlamaCppBackend({ endpoint: `http://127.0.0.1:${port}`, idleTimeoutMs: 2000 });
  await assert.rejects(collect(b.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })), (e: unknown) => isCode('offline')(e) && /llama-server/.test((e as Error).message));
  assert.equal((await b.health('phi4')).state, 'offline');
});

test('SSE split across arbitrary byte boundaries (multi-byte characters included) is reassembled', async () => {
  const events = ['data: {"content":"héllo ","stop":false}\n\n', ': ping\n\n', 'data: {"content":"wörld 🎉","stop":false}\n\n', 'data: {"content":"","stop":true,"stop_type":"eos","tokens_evaluated":7,"tokens_predicted":3,"timings":{"cache_n":2,"prompt_n":5,"predicted_n":3}}\n\n'];
  const bytes = Buffer.from(events.join(''));
  const raw = await rawServer(async (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    for (let i = 0; i < bytes.length; i += 3) {
      res.write(bytes.subarray(i, i + 3));
      await new Promise((r) => setImmediate(r));
    }
    res.end();
  });
  try {
    const b = new LlamaCppBackend({ endpoint: raw.url, idleTimeoutMs: 2000 });
    const r = await collect(b.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING }));
    assert.equal(r.text, 'héllo wörld 🎉');
    assert.deepEqual({ p: r.usage!.promptTokens, c: r.usage!.completionTokens, k: r.usage!.cachedTokens }, { p: 7, c: 3, k: 2 });
  } finally {
    await raw.close();
  }
});

test('the server dies mid-answer -> offline, saying the connection broke mid-answer', async () => {
  const raw = await rawServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write('data: {"content":"par","stop":false}\n\n');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  try {
    const b = new LlamaCppBackend({ endpoint: raw.url, idleTimeoutMs: 2000 });
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const ev of b.complete({ model: 'phi4', prompt: 'x', sampling: SAMPLING })) if (ev.type === 'text') seen.push(ev.text);
      })(),
      (e: unknown) => isCode('offline')(e) && /closed the connection in the middle of an answer/.test((e as Error).message),
    );
    assert.deepEqual(seen, ['par']);
  } finally {
    await raw.close();
  }
});
