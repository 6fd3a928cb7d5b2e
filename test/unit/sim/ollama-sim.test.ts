// The Ollama side of the simulator (a test double), exercised through the official `ollama` client.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { startSimulator, truncatePrompt, type Simulator } from '../../sim/index';
import { PHI4_MODEL, QWEN_CODER_MODEL } from '../../sim/types';
import { countTokens } from '../../../src/core/tokens';
import { until } from '../backends/helpers';
import { renderPhi4 } from '../../../src/core/prompt/phi4';

let sim: Simulator;
let client: Ollama;
before(async () => {
  sim = await startSimulator({ kind: 'ollama', models: [PHI4_MODEL, QWEN_CODER_MODEL], timing: { timeScale: 0 } });
  client = new Ollama({ host: sim.url });
});
after(() => sim.close());

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('generate streams NDJSON pieces and a final line with Ollama field names and real token counts', async () => {
  sim.setReply('function add(a, b) {\n  return a + b;\n}');
  const prompt = renderPhi4([{ role: 'user', content: 'write add' }]);
  const parts = await collect(await client.generate({ model: 'phi4', prompt, raw: true, stream: true, options: { num_ctx: 16384 } }));
  const final = parts.at(-1)!;
  assert.equal(parts.slice(0, -1).map((p) => p.response).join(''), 'function add(a, b) {\n  return a + b;\n}');
  assert.equal(final.done, true);
  assert.equal(final.done_reason, 'stop');
  assert.equal(final.prompt_eval_count, countTokens(prompt));
  assert.equal(final.eval_count, parts.length - 1);
  for (const k of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration'] as const) assert.equal(typeof final[k], 'number', k);
  assert.equal(sim.requests.at(-1)!.prompt, prompt);
  assert.equal(sim.requests.at(-1)!.body.raw, true);
});

test('stop strings end the answer before the stop text, num_predict limits it with done_reason length', async () => {
  sim.setReply('one two<|im_end|>three');
  const a = await collect(await client.generate({ model: 'phi4', prompt: 'x', raw: true, stream: true, options: { num_ctx: 16384, stop: ['<|im_end|>'] } }));
  assert.equal(a.map((p) => p.response).join(''), 'one two');
  sim.setReply('a b c d e f g');
  const b = await collect(await client.generate({ model: 'phi4', prompt: 'x', raw: true, stream: true, options: { num_ctx: 16384, num_predict: 3 } }));
  assert.equal(b.at(-1)!.done_reason, 'length');
  assert.equal(b.at(-1)!.eval_count, 3);
});

test('a prompt longer than num_ctx is silently truncated (num_keep 4 + tail), not refused', async () => {
  sim.setReply('ok');
  const prompt = 'word '.repeat(3000);
  const parts = await collect(await client.generate({ model: 'phi4', prompt, raw: true, stream: true, options: { num_ctx: 2048 } }));
  const final = parts.at(-1)!;
  assert.ok(countTokens(prompt) > 2048);
  assert.equal(final.prompt_eval_count, 2048 - Math.floor((2048 - 4) / 2));
  assert.equal(sim.requests.at(-1)!.truncated, true);
  const ids = Array.from({ length: 100 }, (_, i) => i);
  assert.deepEqual(truncatePrompt(ids, 50, 4).ids, [0, 1, 2, 3, ...ids.slice(100 - 23)]);
});

test('changing num_ctx reloads the model; identical options do not', async () => {
  sim.resetStats();
  sim.setReply('x');
  await collect(await client.generate({ model: 'phi4', prompt: 'a', raw: true, stream: true, options: { num_ctx: 8192 } }));
  await collect(await client.chat({ model: 'phi4', messages: [{ role: 'user', content: 'a' }], stream: true, options: { num_ctx: 8192 } }));
  assert.equal(sim.stats.loads, 1);
  await collect(await client.chat({ model: 'phi4', messages: [{ role: 'user', content: 'a' }], stream: true }));
  assert.equal(sim.stats.loads, 2, 'default num_ctx differs: reload');
});

test('errors: 404 model not found, 400 does not support insert, raw with system, mid-stream error line', async () => {
  await assert.rejects(client.generate({ model: 'nope', prompt: 'x', stream: true }), (e: { status_code: number; error: string }) => e.status_code === 404 && e.error === "model 'nope' not found");
  await assert.rejects(client.generate({ model: 'phi4', prompt: 'x', suffix: 'y', stream: true }), (e: { status_code: number; error: string }) => e.status_code === 400 && /does not support insert$/.test(e.error));
  await assert.rejects(client.generate({ model: 'phi4', prompt: 'x', system: 's', raw: true, stream: true }), (e: { status_code: number }) => e.status_code === 400);
  sim.setReply({ text: 'a b c', error: 'out of memory', errorAfterChunks: 2 });
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const p of await client.generate({ model: 'phi4', prompt: 'x', raw: true, stream: true })) seen.push(p.response ?? "");
  }, /out of memory/);
  assert.deepEqual(seen, ['a', ' b']);
});

test('suffix to a model with the insert capability is accepted', async () => {
  sim.setReply('mid');
  const parts = await collect(await client.generate({ model: 'qwen2.5-coder:1.5b', prompt: 'pre', suffix: 'post', stream: true }));
  assert.equal(parts.at(-1)!.done, true);
  assert.equal(sim.requests.at(-1)!.suffix, 'post');
});

test('show, tags, pull progress, and pull of an unknown model', async () => {
  const show = await client.show({ model: 'phi4' });
  const info = show.model_info as unknown as Record<string, unknown>;
  assert.equal(info['general.architecture'], 'phi3');
  assert.equal(info['phi3.context_length'], 16384);
  assert.deepEqual(show.capabilities, ['completion']);
  assert.ok(show.template.includes('<|im_start|>{{ .Role }}<|im_sep|>'));
  const tags = await client.list();
  assert.deepEqual(tags.models.map((m) => m.name), ['phi4:latest', 'qwen2.5-coder:1.5b']);
  const progress = await collect(await client.pull({ model: 'phi4-mini', stream: true }));
  assert.equal(progress[0].status, 'pulling manifest');
  assert.ok(progress.some((p) => p.total > 0 && p.completed === p.total && p.digest.startsWith('sha256:')));
  assert.equal(progress.at(-1)!.status, 'success');
  assert.ok((await client.list()).models.some((m) => m.name === 'phi4-mini:latest'));
  await assert.rejects(async () => collect(await client.pull({ model: 'no-such-model', stream: true })), /file does not exist/);
});

test('client abort closes the socket: the simulator counts an abort and no request stays open', async () => {
  sim.resetStats();
  sim.setReply({ chunks: ['a', 'b'], hang: true });
  const it = await client.generate({ model: 'phi4', prompt: 'x', raw: true, stream: true });
  const got: string[] = [];
  await assert.rejects(async () => {
    for await (const p of it) {
      got.push(p.response ?? "");
      if (got.length === 2) it.abort();
    }
  }, (e: Error) => e.name === 'AbortError');
  await until(() => sim.stats.open === 0);
  assert.equal(sim.stats.aborted, 1);
  assert.equal(sim.stats.completed, 0);
});

test('control surface: reply rules, stats and reset over HTTP', async () => {
  await fetch(`${sim.url}/__sim/reply`, { method: 'POST', body: JSON.stringify({ rules: [{ match: 'alpha', text: 'A!' }, { match: '/^be.a$/m', text: 'B!' }], text: 'other' }) });
  const answer = async (prompt: string) => (await collect(await client.generate({ model: 'phi4', prompt, raw: true, stream: true }))).map((p) => p.response).join('');
  assert.equal(await answer('say alpha'), 'A!');
  assert.equal(await answer('x\nbeta'), 'B!');
  assert.equal(await answer('gamma'), 'other');
  const stats = await (await fetch(`${sim.url}/__sim/stats`)).json();
  assert.equal(stats.requests.at(-1).prompt, 'gamma');
  await fetch(`${sim.url}/__sim/reset`, { method: 'POST' });
  assert.equal(sim.stats.requests, 0);
});

test('concurrent first requests share one model load; keep_alive 0 unloads after the request', async () => {
  const s = await startSimulator({ kind: 'ollama', reply: 'ok', timing: { timeScale: 0, slots: 2 } });
  try {
    const c = new Ollama({ host: s.url });
    await Promise.all([1, 2, 3].map(async () => collect(await c.generate({ model: 'phi4', prompt: 'x', raw: true, stream: true, options: { num_ctx: 4096 } }))));
    assert.equal(s.stats.loads, 1);
    const ps = await c.ps();
    assert.equal((ps.models[0] as unknown as { context_length: number }).context_length, 4096);
    await collect(await c.generate({ model: 'phi4', prompt: 'x', raw: true, stream: true, keep_alive: 0, options: { num_ctx: 4096 } }));
    assert.equal((await c.ps()).models.length, 0);
    await assert.rejects(c.generate({ model: 'phi4', prompt: 'x', stream: true, keep_alive: '-1' }), (e: { status_code: number; error: string }) => e.status_code === 400 && /missing unit/.test(e.error));
  } finally {
    await s.close();
  }
});

test('EOS and Modelfile stops: <|im_end|> ends the answer even when the request sends no stop', async () => {
  sim.setReply('answer<|im_end|>\n<|im_start|>user');
  const parts = await collect(await client.generate({ model: 'phi4', prompt: 'x', raw: true, stream: true }));
  assert.equal(parts.map((p) => p.response).join(''), 'answer');
  assert.equal(parts.at(-1)!.done_reason, 'stop');
  sim.setReply('line one\nline two');
  const cut = await collect(await client.generate({ model: 'phi4', prompt: 'x', raw: true, stream: true, options: { stop: ['\n'] } }));
  assert.equal(cut.map((p) => p.response).join(''), 'line one');
});

test('default responder: one line for a single-line hole request, a block for multi-line, markdown for chat', async () => {
  const { defaultResponder } = await import('../../sim/index');
  const base = { kind: 'ollama' as const, endpoint: '/api/generate', model: 'phi4', body: { options: { num_predict: 64 } } };
  const one = await defaultResponder({ ...base, prompt: 'Complete the edited line: reply with the rest of this line only. <HOLE>' });
  assert.equal(typeof one === 'string' && !one.includes('\n'), true);
  const block = await defaultResponder({ ...base, prompt: 'Write the code for <HOLE>; it may span several lines' });
  assert.equal(typeof block === 'string' && block.includes('\n'), true);
  const chat = await defaultResponder({ ...base, endpoint: '/api/chat', body: {}, messages: [{ role: 'user', content: 'How do I clamp a number?' }] });
  assert.match(String(chat), /```ts[\s\S]*```/);
});

test('faithful to Ollama: suffix "" renders the model template\'s chat branch; keep_alive "" and "1d" are 400 as time.ParseDuration rejects them', async () => {
  sim.setReply('x');
  const post = (body: unknown) => fetch(sim.url + '/api/generate', { method: 'POST', body: JSON.stringify(body) });
  await (await post({ model: 'qwen2.5-coder:1.5b', prompt: 'def f(', suffix: '', stream: false })).json();
  assert.match(sim.requests.at(-1)!.rendered!, /^<\|im_start\|>system\n[\s\S]*<\|im_start\|>user\ndef f\(<\|im_end\|>\n<\|im_start\|>assistant\n$/);
  await (await post({ model: 'qwen2.5-coder:1.5b', prompt: 'def f(', suffix: ')', stream: false })).json();
  assert.equal(sim.requests.at(-1)!.rendered, '<|fim_prefix|>def f(<|fim_suffix|>)<|fim_middle|>');
  for (const keep_alive of ['', '1d']) {
    const r = await post({ model: 'phi4', prompt: 'x', keep_alive, stream: false });
    assert.equal(r.status, 400, keep_alive);
    assert.match(((await r.json()) as { error: string }).error, /time: (invalid duration|unknown unit)/);
  }
  for (const keep_alive of ['1h30m', '300ms', '2us', '-1s']) assert.equal((await post({ model: 'phi4', prompt: 'x', keep_alive, stream: false })).status, 200, keep_alive);
});
