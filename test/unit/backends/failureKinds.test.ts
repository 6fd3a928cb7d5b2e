// Failures told apart (issue 15, item 9): a pull without network is not "no such model"; a full context window is not
// "max tokens reached"; a rejected API key is not "offline". Against the simulator (TEST DOUBLE) and raw servers that
// answer exactly as the real ones were seen to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OllamaBackend } from '../../../src/core/backends/ollama';
import { LlamaCppBackend } from '../../../src/core/backends/llamacpp';
import { OpenAIBackend } from '../../../src/core/backends/openai';
import { BackendError } from '../../../src/core/backends/errors';
import { lengthStop } from '../../../src/core/backends/types';
import { problemFor } from '../../../src/vscode/backendProblems';
import { startSimulator } from '../../sim/index';
import { PHI4_MODEL } from '../../sim/types';
import { collect, rawServer } from './helpers';

const isCode = (code: string) => (e: unknown) => e instanceof BackendError && e.code === code;

test('pull: no network to the registry says so (not "no such model"); an unknown model is still model-missing', async () => {
  const offline = await startSimulator({ kind: 'ollama', models: [], registryOffline: true, timing: { timeScale: 0 } });
  const online = await startSimulator({ kind: 'ollama', models: [], timing: { timeScale: 0 } });
  try {
    const b = new OllamaBackend({ endpoint: offline.url, keepAlive: '30m', idleTimeoutMs: 2000 });
    const err = await b.pull!('phi4', () => {}).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof BackendError, String(err));
    assert.notEqual(err.code, 'model-missing');
    assert.match(err.message, /could not reach its model registry to pull "phi4" \(no network/);
    assert.match(err.message, /no such host/, 'the server\'s own reason is kept');
    const p = problemFor(err, 'pull', 'phi4');
    assert.equal(p.state, undefined, 'Ollama itself is up: the backend does not go offline or model-missing');
    assert.equal(p.model, undefined, 'no "Pull" offer for a pull that failed for lack of network');
    const o = new OllamaBackend({ endpoint: online.url, keepAlive: '30m', idleTimeoutMs: 2000 });
    await assert.rejects(o.pull!('no-such-model', () => {}), (e: unknown) => isCode('model-missing')(e) && /no such model in the registry/.test((e as Error).message));
  } finally {
    await offline.close();
    await online.close();
  }
});

test('lengthStop: the servers\' one "length" is the window when they truncated or stopped before max tokens', () => {
  assert.equal(lengthStop(64, 64), 'length');
  assert.equal(lengthStop(10, 64), 'window');
  assert.equal(lengthStop(64, 64, true), 'window');
  assert.equal(lengthStop(undefined, 64), 'length');
});

test('llama.cpp /completion: a full window (stop_type limit, truncated) is "window"; n_predict reached is "length"', async () => {
  const sim = await startSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], nCtx: 64, timing: { timeScale: 0 }, reply: 'tok '.repeat(200) });
  try {
    const b = new LlamaCppBackend({ endpoint: sim.url, idleTimeoutMs: 2000 });
    const prompt = 'word '.repeat(40);
    const full = await collect(b.complete({ model: 'phi4', prompt, sampling: { maxTokens: 100, temperature: 0 } }));
    assert.equal(full.usage?.stopReason, 'window');
    assert.ok((full.usage?.completionTokens ?? 0) < 100);
    const capped = await collect(b.complete({ model: 'phi4', prompt, sampling: { maxTokens: 5, temperature: 0 } }));
    assert.equal(capped.usage?.stopReason, 'length');
    assert.equal(capped.usage?.completionTokens, 5);
  } finally {
    await sim.close();
  }
});

test('llama.cpp chat (OpenAI finish_reason "length") and OpenAI-compatible: stopped before max_tokens is "window"', async () => {
  const sim = await startSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], nCtx: 64, timing: { timeScale: 0 }, reply: 'tok '.repeat(200) });
  try {
    const b = new LlamaCppBackend({ endpoint: sim.url, idleTimeoutMs: 2000 });
    const full = await collect(b.chat({ model: 'phi4', messages: [{ role: 'user', content: 'word '.repeat(30) }], sampling: { maxTokens: 100, temperature: 0 } }));
    assert.equal(full.usage?.stopReason, 'window');
    const capped = await collect(b.chat({ model: 'phi4', messages: [{ role: 'user', content: 'hi' }], sampling: { maxTokens: 4, temperature: 0 } }));
    assert.equal(capped.usage?.stopReason, 'length');
  } finally {
    await sim.close();
  }
  // An OpenAI-compatible server (vLLM: usage chunk with include_usage) that ran out of window after 7 of 50 tokens.
  const raw = await rawServer((req, res) => {
    if (req.url === '/v1/models') return res.end(JSON.stringify({ data: [{ id: 'phi4', max_model_len: 100 }] }));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'a b c d e f g' }, finish_reason: null }] })}\n\n`);
    res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] })}\n\n`);
    res.write(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 93, completion_tokens: 7, total_tokens: 100 } })}\n\ndata: [DONE]\n\n`);
    res.end();
  });
  try {
    const o = new OpenAIBackend({ endpoint: `${raw.url}/v1`, idleTimeoutMs: 2000 });
    const r = await collect(o.chat({ model: 'phi4', messages: [{ role: 'user', content: 'q' }], sampling: { maxTokens: 50, temperature: 0 } }));
    assert.equal(r.usage?.stopReason, 'window');
  } finally {
    await raw.close();
  }
});

test('Ollama: done_reason "length" before num_predict is "window"; at num_predict it is "length"', async () => {
  let evalCount = 7;
  const raw = await rawServer((req, res) => {
    if (req.url === '/api/show') return res.end(JSON.stringify({ model_info: { 'phi3.context_length': 16384 }, details: { family: 'phi3' }, capabilities: ['completion'] }));
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(JSON.stringify({ model: 'phi4', response: 'abc', done: false }) + '\n');
    res.end(JSON.stringify({ model: 'phi4', response: '', done: true, done_reason: 'length', prompt_eval_count: 16377, eval_count: evalCount }) + '\n');
  });
  try {
    const b = new OllamaBackend({ endpoint: raw.url, keepAlive: '30m', idleTimeoutMs: 2000 });
    assert.equal((await collect(b.complete({ model: 'phi4', prompt: 'x', sampling: { maxTokens: 64, temperature: 0 } }))).usage?.stopReason, 'window');
    evalCount = 64;
    assert.equal((await collect(b.complete({ model: 'phi4', prompt: 'x', sampling: { maxTokens: 64, temperature: 0 } }))).usage?.stopReason, 'length');
  } finally {
    await raw.close();
  }
});

test('a wrong API key is "key-rejected", not offline: llama.cpp (/health is public, /props is not) and OpenAI-compatible', async () => {
  const lc = await startSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], apiKey: 'sekret', timing: { timeScale: 0 } });
  const oa = await startSimulator({ kind: 'openai', models: [PHI4_MODEL], apiKey: 'sekret', timing: { timeScale: 0 } });
  try {
    const llama = new LlamaCppBackend({ endpoint: lc.url, apiKey: 'wrong', idleTimeoutMs: 2000 });
    const err = await llama.modelInfo('phi4').then(() => undefined, (e: unknown) => e);
    const p = problemFor(err, 'startup', 'phi4');
    assert.equal(p.state, 'key-rejected');
    assert.equal(p.key, 'key-rejected');
    assert.match(p.message, /rejected the API key/);
    const openai = new OpenAIBackend({ endpoint: `${oa.url}/v1`, apiKey: 'wrong', idleTimeoutMs: 2000 });
    const h = await openai.health('phi4');
    assert.equal(h.state, 'key-rejected');
    assert.match(h.detail, /rejected the API key/);
    const good = new OpenAIBackend({ endpoint: `${oa.url}/v1`, apiKey: 'sekret', idleTimeoutMs: 2000 });
    assert.equal((await good.health('phi4')).state, 'ready');
  } finally {
    await lc.close();
    await oa.close();
  }
  // An endpoint we refuse to use is also an 'auth' error, but not a rejected key.
  const refused = problemFor(new BackendError('auth', 'The endpoint must be an http:// or https:// URL, not ftp:'), 'settings', 'phi4');
  assert.notEqual(refused.state, 'key-rejected');
});
