// The llama.cpp and OpenAI-compatible sides of the simulator (a test double), checked on the wire with raw fetch.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../../sim/index';
import { LLAMA3_MODEL, PHI4_MODEL, QWEN_CODER_MODEL } from '../../sim/types';
import { countTokens } from '../../../src/core/tokens';
import { until } from '../backends/helpers';

let sim: Simulator;
before(async () => {
  sim = await startSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], timing: { timeScale: 0, slots: 2 } });
});
after(() => sim.close());

const post = (path: string, body: unknown) => fetch(sim.url + path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

/** Split an SSE body into its raw events (blank-line separated). */
function sseEvents(text: string): string[] {
  return text.split('\n\n').filter((e) => e.length > 0);
}

test('/completion streams `data: {json}` events with content/stop and a final event with stop_type, tokens_* and timings; no [DONE]', async () => {
  sim.setReply('a b c');
  const prompt = 'hello world, this is a prompt';
  const res = await post('/completion', { prompt, stream: true, n_predict: 10 });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
  const events = sseEvents(await res.text());
  assert.ok(events.every((e) => e.startsWith('data: ')));
  const objs = events.map((e) => JSON.parse(e.slice(6)));
  assert.deepEqual(objs.slice(0, -1).map((o) => [o.content, o.stop]), [['a', false], [' b', false], [' c', false]]);
  const final = objs.at(-1);
  assert.equal(final.stop, true);
  assert.equal(final.content, '');
  assert.equal(final.stop_type, 'eos');
  assert.equal(final.tokens_evaluated, countTokens(prompt));
  assert.equal(final.tokens_predicted, 3);
  assert.equal(final.timings.prompt_n + final.timings.cache_n, countTokens(prompt));
  assert.equal(final.timings.predicted_n, 3);
  assert.equal(final.tokens_cached, countTokens(prompt) + 3, 'tokens_cached = tokens in the slot KV cache (n_past)');
  assert.ok(!events.some((e) => e.includes('[DONE]')));
});

test('timing model: reported prompt_ms/predicted_ms follow prefill 2500 tok/s and decode 45 tok/s; KV prefix reuse per slot', async () => {
  sim.setReply('x y');
  const base = 'line of code;\n'.repeat(100);
  const a = JSON.parse(sseEvents(await (await post('/completion', { prompt: base + 'A', stream: true, id_slot: 0 })).text()).at(-1)!.slice(6));
  assert.equal(a.timings.cache_n, 0);
  assert.ok(Math.abs(a.timings.prompt_ms - (a.timings.prompt_n / 2500) * 1000) < 1e-9);
  assert.ok(Math.abs(a.timings.predicted_ms - (2 / 45) * 1000) < 1e-9);
  const b = JSON.parse(sseEvents(await (await post('/completion', { prompt: base + 'B', stream: true, id_slot: 0 })).text()).at(-1)!.slice(6));
  assert.ok(b.timings.cache_n >= countTokens(base) - 1, `cache_n ${b.timings.cache_n}`);
  assert.equal(b.timings.prompt_n, b.tokens_evaluated - b.timings.cache_n);
  // Another slot has its own cache: nothing reused there.
  const c = JSON.parse(sseEvents(await (await post('/completion', { prompt: base + 'C', stream: true, id_slot: 1 })).text()).at(-1)!.slice(6));
  assert.equal(c.timings.cache_n, 0);
  // Without id_slot the server picks the slot with the longest common prefix.
  const d = JSON.parse(sseEvents(await (await post('/completion', { prompt: base + 'D', stream: true })).text()).at(-1)!.slice(6));
  assert.ok(d.timings.cache_n >= countTokens(base) - 1);
  // The same prompt again still evaluates its last token.
  const e = JSON.parse(sseEvents(await (await post('/completion', { prompt: base + 'D', stream: true, id_slot: d.id_slot })).text()).at(-1)!.slice(6));
  assert.equal(e.timings.prompt_n, 1);
});

test('real time: with timeScale 1 the first token waits for prefill of the uncached tokens', async () => {
  const slow = await startSimulator({ kind: 'llamacpp', reply: 'ok', timing: { timeScale: 1, prefillTokPerSec: 600, decodeTokPerSec: 1000 } });
  try {
    const prompt = 'word '.repeat(300); // 301 tokens: ~500 ms of prefill at 600 tok/s
    const t0 = performance.now();
    await (await fetch(slow.url + '/completion', { method: 'POST', body: JSON.stringify({ prompt, stream: true }) })).text();
    const first = performance.now() - t0;
    const t1 = performance.now();
    await (await fetch(slow.url + '/completion', { method: 'POST', body: JSON.stringify({ prompt, stream: true }) })).text();
    const second = performance.now() - t1;
    assert.ok(first >= 490, `first ${first}`);
    assert.ok(second < first, `cached prefix is faster: ${second} < ${first}`);
  } finally {
    await slow.close();
  }
});

test('non-streaming /completion returns one JSON with the whole content', async () => {
  sim.setReply('whole answer');
  const o = await (await post('/completion', { prompt: 'x' })).json();
  assert.equal(o.content, 'whole answer');
  assert.equal(o.stop, true);
});

test('errors: 400 exceed_context_size_error with n_prompt_tokens/n_ctx, 501 infill without FIM, 503 while loading, 404 unknown path', async () => {
  sim.setModels([{ ...PHI4_MODEL, contextLength: 32 }]);
  const over = await post('/completion', { prompt: 'word '.repeat(40), stream: true });
  assert.equal(over.status, 400);
  const body = await over.json();
  assert.equal(body.error.type, 'exceed_context_size_error');
  assert.equal(body.error.code, 400);
  assert.equal(body.error.n_ctx, 32);
  assert.equal(body.error.n_prompt_tokens, countTokens('word '.repeat(40)));
  sim.setModels([LLAMA3_MODEL]);
  const infill = await post('/infill', { input_prefix: 'a', input_suffix: 'b' });
  assert.equal(infill.status, 501);
  sim.setModels([PHI4_MODEL]);
  assert.equal((await infill.json()).error.type, 'not_supported_error');
  sim.setLoading(true);
  const health = await fetch(sim.url + '/health');
  assert.equal(health.status, 503);
  assert.deepEqual(await health.json(), { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } });
  assert.equal((await post('/completion', { prompt: 'x' })).status, 503);
  sim.setLoading(false);
  assert.deepEqual(await (await fetch(sim.url + '/health')).json(), { status: 'ok' });
  assert.equal((await fetch(sim.url + '/nope')).status, 404);
});

test('loadMs: /health answers 503 after start until the model is loaded', async () => {
  // 2 s of loading: the first probe lands inside it even on a loaded machine; then wait for the state, not a fixed time.
  const s = await startSimulator({ kind: 'llamacpp', timing: { loadMs: 2000, timeScale: 1 } });
  try {
    assert.equal((await fetch(s.url + '/health')).status, 503);
    let status = 503;
    for (const end = Date.now() + 30_000; status !== 200 && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await fetch(s.url + '/health')).status;
    }
    assert.equal(status, 200);
  } finally {
    await s.close();
  }
});

test('/props n_ctx and total_slots, /v1/models meta, /tokenize with Phi-4 specials as single tokens', async () => {
  const props = await (await fetch(sim.url + '/props')).json();
  assert.equal(props.default_generation_settings.n_ctx, 16384);
  assert.equal(props.total_slots, 2);
  const models = await (await fetch(sim.url + '/v1/models')).json();
  assert.equal(models.data[0].id, '/models/phi4.gguf');
  assert.equal(models.data[0].meta.n_ctx_train, 16384);
  assert.equal(models.data[0].meta.n_ctx, 16384);
  const tok = await (await post('/tokenize', { content: '<|im_start|>user' })).json();
  assert.deepEqual(tok.tokens, [100264, 882]);
});

test('/infill on a FIM model: FIM tokens around prefix/suffix, prefix capped at 3/4 of n_batch', async () => {
  sim.setModels([QWEN_CODER_MODEL]);
  sim.setReply('mid');
  const prefix = 'x = 1\n'.repeat(2000);
  const res = await post('/infill', { input_prefix: prefix, input_suffix: 'end', stream: true });
  const final = JSON.parse(sseEvents(await res.text()).at(-1)!.slice(6));
  assert.equal(final.tokens_evaluated, 1536 + countTokens('end') + 3);
  sim.setModels([PHI4_MODEL]);
});

test('/v1/chat/completions (llama.cpp flavour): role delta first, content deltas, finish_reason with usage+timings, then [DONE]', async () => {
  sim.setReply('hi there');
  const res = await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'q' }], stream: true });
  const events = sseEvents(await res.text());
  assert.equal(events.at(-1), 'data: [DONE]');
  const objs = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
  assert.deepEqual(objs[0].choices[0].delta, { role: 'assistant', content: '' });
  assert.equal(objs.map((o) => o.choices[0].delta.content ?? '').join(''), 'hi there');
  const last = objs.at(-1);
  assert.equal(last.choices[0].finish_reason, 'stop');
  assert.equal(last.object, 'chat.completion.chunk');
  assert.equal(typeof last.usage.prompt_tokens, 'number');
  assert.equal(typeof last.timings.cache_n, 'number');
});

test('mid-stream errors: new `data: {"error":...}` and old `error: {...}` framings', async () => {
  sim.setReply({ text: 'a b', error: 'oops', errorAfterChunks: 1 });
  const n = sseEvents(await (await post('/completion', { prompt: 'x', stream: true })).text());
  assert.deepEqual(JSON.parse(n.at(-1)!.slice(6)), { error: { code: 500, message: 'oops', type: 'server_error' } });
  sim.setReply({ text: 'a b', error: 'oops', errorAfterChunks: 1, errorStyle: 'old' });
  const o = sseEvents(await (await post('/completion', { prompt: 'x', stream: true })).text());
  assert.match(o.at(-1)!, /^error: \{"code":500,"message":"oops","type":"server_error"\}$/);
  sim.setReply({ text: 'a', comments: 2 });
  const c = sseEvents(await (await post('/completion', { prompt: 'x', stream: true })).text());
  assert.deepEqual(c.slice(0, 2), [': ping', ': ping']);
});

test('OpenAI-compatible kind: include_usage chunk with choices [], [DONE], 401 without the key, context_length_exceeded', async () => {
  const o = await startSimulator({ kind: 'openai', apiKey: 'k', reply: 'yo', timing: { timeScale: 0 } });
  try {
    const headers = { Authorization: 'Bearer k', 'Content-Type': 'application/json' };
    const res = await fetch(o.url + '/v1/completions', { method: 'POST', headers, body: JSON.stringify({ model: 'phi4', prompt: 'p', stream: true, stream_options: { include_usage: true } }) });
    const events = sseEvents(await res.text());
    assert.equal(events.at(-1), 'data: [DONE]');
    const usage = JSON.parse(events.at(-2)!.slice(6));
    assert.deepEqual(usage.choices, []);
    assert.equal(usage.usage.completion_tokens, 1);
    assert.equal(JSON.parse(events[0].slice(6)).object, 'text_completion');
    const unauth = await fetch(o.url + '/v1/models');
    assert.equal(unauth.status, 401);
    assert.equal((await unauth.json()).error.code, 'invalid_api_key');
    const over = await fetch(o.url + '/v1/completions', { method: 'POST', headers, body: JSON.stringify({ model: 'phi4', prompt: 'p', max_tokens: 17000 }) });
    assert.equal(over.status, 400);
    assert.equal((await over.json()).error.code, 'context_length_exceeded');
  } finally {
    await o.close();
  }
});

test('slots: with one slot a second request waits until the first finishes (queued, not parallel)', async () => {
  const one = await startSimulator({ kind: 'llamacpp', reply: { chunks: ['a'], hang: true }, timing: { timeScale: 0, slots: 1 } });
  try {
    const ac = new AbortController();
    const first = fetch(one.url + '/completion', { method: 'POST', body: JSON.stringify({ prompt: 'x', stream: true }), signal: ac.signal }).then((r) => r.body!.getReader().read());
    await first;
    one.setReply('b');
    const second = fetch(one.url + '/completion', { method: 'POST', body: JSON.stringify({ prompt: 'y', stream: true }) }).then((r) => r.text());
    await until(() => one.stats.open === 2);
    assert.equal(one.stats.completed, 0, 'second request is queued behind the hanging one');
    ac.abort();
    const text = await second;
    assert.match(text, /"content":"b"/);
    assert.equal(one.stats.aborted, 1);
    assert.equal(one.stats.completed, 1);
  } finally {
    await one.close();
  }
});

test('slots: a queued request whose client left does not block the ones behind it', async () => {
  const one = await startSimulator({ kind: 'llamacpp', reply: { chunks: ['a'], hang: true }, timing: { timeScale: 0, slots: 1 } });
  try {
    const first = new AbortController();
    await fetch(one.url + '/completion', { method: 'POST', body: JSON.stringify({ prompt: 'x', stream: true }), signal: first.signal }).then((r) => r.body!.getReader().read());
    one.setReply('b');
    const leaver = new AbortController();
    const gone = fetch(one.url + '/completion', { method: 'POST', body: JSON.stringify({ prompt: 'y', stream: true }), signal: leaver.signal }).catch(() => 'left');
    const third = fetch(one.url + '/completion', { method: 'POST', body: JSON.stringify({ prompt: 'z', stream: true }) }).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 30));
    leaver.abort();
    assert.equal(await gone, 'left');
    await new Promise((r) => setTimeout(r, 30));
    first.abort();
    assert.match(await third, /"content":"b"/);
    assert.equal(one.stats.completed, 1);
  } finally {
    await one.close();
  }
});

test('stop_type: eos at <|im_end|>, word with stopping_word, limit at n_predict', async () => {
  const final = async (body: object) => JSON.parse(sseEvents(await (await post('/completion', { prompt: 'x', stream: true, ...body })).text()).at(-1)!.slice(6));
  sim.setReply('done<|im_end|>more');
  const eos = await final({});
  assert.deepEqual([eos.stop_type, eos.tokens_predicted], ['eos', 1]);
  sim.setReply('a;\nb;\n');
  const word = await final({ stop: ['\n'] });
  assert.deepEqual([word.stop_type, word.stopping_word], ['word', '\n']);
  const limit = await final({ n_predict: 1 });
  assert.equal(limit.stop_type, 'limit');
});
