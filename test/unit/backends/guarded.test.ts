// guardBackend: one log line per request and the context-overflow refusal before anything is sent.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { guardBackend, requestPromptTokens } from '../../../src/core/backends/guarded';
import { createBackend } from '../../../src/core/backends/factory';
import { BackendError } from '../../../src/core/backends/errors';
import type { Backend } from '../../../src/core/backends/types';
import { MemoryLogger } from '../../../src/core/log';
import { countTokens } from '../../../src/core/tokens';
import { renderPhi4 } from '../../../src/core/prompt/phi4';
import { startSimulator, type Simulator } from '../../sim/index';
import { collect, until } from './helpers';

let sim: Simulator;
let log: MemoryLogger;
let backend: Backend;
before(async () => {
  sim = await startSimulator({ kind: 'llamacpp', timing: { timeScale: 0 } });
});
after(() => sim.close());
beforeEach(() => {
  sim.resetStats();
  log = new MemoryLogger();
  const inner = createBackend({ kind: 'llamacpp', endpoint: sim.url, keepAlive: '30m', idleTimeoutMs: 2000, logger: log });
  backend = guardBackend(inner, { logger: log, contextLength: async () => 1000 });
});

test('refuses a prompt that would overflow the window before sending anything, with a clear message and a log line', async () => {
  const prompt = 'token '.repeat(990);
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt, sampling: { maxTokens: 64, temperature: 0 }, feature: 'completion' })), (e: unknown) => {
    assert.ok(e instanceof BackendError);
    assert.equal(e.code, 'context-overflow');
    assert.match(e.message, new RegExp(`prompt \\(${countTokens(prompt)} tokens\\) plus room for the answer \\(64\\) exceeds phi4's 1000-token window`));
    return true;
  });
  assert.equal(sim.stats.requests, 0);
  assert.equal(sim.allRequests.length, 0);
  assert.match(log.lines.at(-1)!, /^\[warn\] \[r\w+\] llamacpp phi4 completion prompt=\d+ outcome=context-overflow/);
});

test('a prompt that fits exactly is sent; promptTokens given by the caller is trusted', async () => {
  sim.setReply('ok');
  const r = await collect(backend.complete({ model: 'phi4', prompt: 'x', promptTokens: 936, sampling: { maxTokens: 64, temperature: 0 } }));
  assert.equal(r.text, 'ok');
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', promptTokens: 937, sampling: { maxTokens: 64, temperature: 0 } })), (e: unknown) => e instanceof BackendError && e.code === 'context-overflow');
});

test('logs one line per request: id, backend, model, feature, prompt tokens, ttft, total, outcome, cached', async () => {
  sim.setReply('hello world');
  await collect(backend.chat({ model: 'phi4', messages: [{ role: 'user', content: 'hi' }], sampling: { maxTokens: 10, temperature: 0 }, feature: 'chat' }));
  const line = log.lines.filter((l) => l.includes('outcome=')).at(-1)!;
  const tokens = countTokens(renderPhi4([{ role: 'user', content: 'hi' }]));
  assert.match(line, new RegExp(`^\\[info\\] \\[r\\w+\\] llamacpp phi4 chat prompt=${tokens} ttft=\\d+ms total=\\d+ms outcome=ok cached=0 completion=2 stop=stop$`));
});

test('errors and aborts are logged with their outcome, and passed through unchanged', async () => {
  sim.setReply({ status: 500, error: 'boom' });
  await assert.rejects(collect(backend.complete({ model: 'phi4', prompt: 'x', sampling: { maxTokens: 5, temperature: 0 } })), (e: unknown) => e instanceof BackendError && e.code === 'server');
  assert.match(log.lines.at(-1)!, /^\[warn\] .* outcome=error:server/);
  sim.setReply({ chunks: ['a'], hang: true });
  const ac = new AbortController();
  await assert.rejects(
    (async () => {
      for await (const ev of backend.complete({ model: 'phi4', prompt: 'x', sampling: { maxTokens: 5, temperature: 0 }, signal: ac.signal })) if (ev.type === 'text') ac.abort();
    })(),
  );
  assert.match(log.lines.at(-1)!, /^\[info\] .* ttft=\d+ms .* outcome=aborted/);
  await until(() => sim.stats.open === 0);
  const ids = log.lines.filter((l) => l.includes('outcome=')).map((l) => /\[(r\w+)\]/.exec(l)![1]);
  assert.equal(new Set(ids).size, ids.length, 'request ids are unique');
});

test('prompt token counting for each request shape', () => {
  const s = { maxTokens: 1, temperature: 0 };
  assert.equal(requestPromptTokens({ model: 'm', prompt: 'hello world', sampling: s }), countTokens('hello world'));
  assert.equal(requestPromptTokens({ model: 'm', messages: [{ role: 'user', content: 'q' }], sampling: s }), countTokens(renderPhi4([{ role: 'user', content: 'q' }])));
  assert.ok(requestPromptTokens({ model: 'm', prefix: 'a b c', suffix: 'd e', sampling: s }) >= countTokens('a b c') + countTokens('d e'));
});

test('createBackend picks the implementation and default endpoint by kind', () => {
  const l = new MemoryLogger();
  const o = createBackend({ kind: 'ollama', endpoint: '', keepAlive: '30m', idleTimeoutMs: 1000, logger: l });
  assert.equal(o.kind, 'ollama');
  assert.equal(o.endpoint, 'http://127.0.0.1:11434');
  assert.equal(typeof o.pull, 'function');
  const c = createBackend({ kind: 'llamacpp', endpoint: ' http://127.0.0.1:9999/ ', keepAlive: '30m', idleTimeoutMs: 1000, logger: l });
  assert.equal(c.endpoint, 'http://127.0.0.1:9999');
  const x = createBackend({ kind: 'openai', endpoint: 'http://gpu:8000/v1', keepAlive: '30m', idleTimeoutMs: 1000, logger: l, apiKey: 'k' });
  assert.equal(x.endpoint, 'http://gpu:8000');
  assert.equal(x.pull, undefined);
  assert.match(l.lines.at(-1)!, /^\[debug\] backend: openai at http:\/\/gpu:8000\/v1, with API key/);
  assert.equal(guardBackend(x, { logger: l, contextLength: () => 1 }).pull, undefined);
});
