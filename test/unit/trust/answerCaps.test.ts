// Issue 14, finding 12: a server cannot keep a request alive forever (pings, a byte drip) nor send an endless
// answer, and per-token work on a newline-free answer stays linear. Real backends against raw loopback servers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { createBackend } from '../../../src/core/backends/factory';
import { guardBackend } from '../../../src/core/backends/guarded';
import { BackendError } from '../../../src/core/backends/errors';
import { MemoryLogger } from '../../../src/core/log';
import { isComplete } from '../../../src/core/completion/postprocess';
import { collect, rawServer } from '../backends/helpers';

/** Calls `send` every 20 ms until the client goes away; resolves when it did. */
function forever(res: ServerResponse, send: () => string): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => res.write(send()), 20);
    res.on('close', () => {
      clearInterval(timer);
      resolve();
    });
  });
}

const SHOW = '{"model_info":{"general.architecture":"phi3","phi3.context_length":16384},"capabilities":["completion"]}';

test('pings (SSE comments) and a byte drip (NDJSON blank lines) hit the total deadline: first-byte allowance + 1 s per asked token', { timeout: 60_000 }, async () => {
  const closed: Promise<void>[] = [];
  const server = await rawServer((req, res) => {
    if (req.url === '/api/show') return res.writeHead(200, { 'content-type': 'application/json' }), res.end(SHOW);
    const ndjson = req.url?.startsWith('/api/');
    res.writeHead(200, { 'content-type': ndjson ? 'application/x-ndjson' : 'text/event-stream' });
    closed.push(forever(res, () => (ndjson ? '\n' : ': ping\n\n')));
  });
  try {
    for (const kind of ['ollama', 'llamacpp', 'openai'] as const) {
      const backend = createBackend({ kind, endpoint: server.url, keepAlive: '30m', idleTimeoutMs: 2000, firstByteTimeoutMs: 2000, logger: new MemoryLogger() });
      const started = Date.now();
      await assert.rejects(
        () => collect(backend.complete({ model: 'phi4', prompt: 'p', sampling: { maxTokens: 1, temperature: 0 } })),
        (e: unknown) => e instanceof BackendError && e.code === 'timeout' && /in all/.test(e.message),
        kind,
      );
      const took = Date.now() - started;
      assert.ok(took >= 2900 && took < 20_000, `${kind}: abandoned at the 3 s deadline (took ${took} ms)`);
    }
    await Promise.all(closed);
  } finally {
    await server.close();
  }
});

test('an answer that ignores the token limit is cut at maxAnswerChars, stops with "length", and the socket closes', { timeout: 30_000 }, async () => {
  let closed: Promise<void> | undefined;
  const server = await rawServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    closed = forever(res, () => `data: ${JSON.stringify({ content: 'word '.repeat(50), stop: false })}\n\n`);
  });
  try {
    const log = new MemoryLogger();
    const backend = guardBackend(createBackend({ kind: 'llamacpp', endpoint: server.url, keepAlive: '30m', idleTimeoutMs: 5000, logger: log }), { logger: log, contextLength: () => 16384 });
    const r = await collect(backend.complete({ model: 'phi4', prompt: 'p', sampling: { maxTokens: 8, temperature: 0 } }));
    assert.equal(r.text.length, 8 * 32 + 4096);
    assert.equal(r.usage?.stopReason, 'length');
    await closed;
    assert.ok(log.lines.some((l) => /was cut there/.test(l)));
  } finally {
    await server.close();
  }
});

test('single-line completeness on a 256 KB newline-free answer is linear (it was quadratic per call)', { timeout: 20_000 }, () => {
  const raw = 'x = foo(' + 'a, '.repeat(256 * 1024 / 3);
  const input = { raw, linePrefix: 'const y = ', lineSuffix: ');', linesAbove: ['function f() {'], linesBelow: ['}'], languageId: 'typescript', mode: 'single-line' as const, indent: { insertSpaces: true, tabSize: 2 }, maxLines: 1, truncated: false };
  // Before the fix this call alone took minutes (a 32 KB line: ~2 s; 8 times longer: ~64 times slower).
  assert.equal(isComplete(input), false);
  assert.equal(isComplete({ ...input, raw: raw + '\nmore' }), true);
});
