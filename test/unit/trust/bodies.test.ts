// Issue 14, finding 5: a long line or a huge body from a server fails cleanly and cheaply instead of freezing the
// extension host or filling its memory. Real backends against raw loopback servers (framings no real server sends).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { OllamaBackend } from '../../../src/core/backends/ollama';
import { LlamaCppBackend } from '../../../src/core/backends/llamacpp';
import { OpenAIBackend } from '../../../src/core/backends/openai';
import { BackendError } from '../../../src/core/backends/errors';
import { detectBackends } from '../../../src/core/backends/detect';
import { collect, rawServer, SAMPLING } from '../backends/helpers';

const MB = 1024 * 1024;

/** Writes `total` bytes of `fill` in 64 KB pieces, stopping when the client goes away; returns how much was written. */
function drip(res: ServerResponse, total: number, fill: string, tail = ''): Promise<number> {
  const piece = Buffer.from(fill.repeat(64 * 1024).slice(0, 64 * 1024));
  let sent = 0;
  return new Promise((resolve) => {
    const step = () => {
      if (res.destroyed || res.writableEnded) return resolve(sent);
      if (sent >= total) {
        res.end(tail);
        return resolve(sent);
      }
      sent += piece.length;
      if (res.write(piece)) setImmediate(step);
      else res.once('drain', step);
    };
    res.on('close', () => resolve(sent));
    step();
  });
}

async function failure(run: () => Promise<unknown>): Promise<BackendError> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof BackendError, `a BackendError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

test('Ollama: a 32 MB NDJSON line is refused as malformed after ~1 MB, and the socket is closed', async () => {
  let sent: Promise<number> | undefined;
  const server = await rawServer((req, res) => {
    if (req.url === '/api/show') return res.writeHead(200, { 'content-type': 'application/json' }), res.end('{"model_info":{"general.architecture":"phi3","phi3.context_length":16384},"capabilities":["completion"]}');
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write('{"response":"');
    sent = drip(res, 32 * MB, 'a', '","done":false}\n');
  });
  try {
    const backend = new OllamaBackend({ endpoint: server.url, keepAlive: '30m', idleTimeoutMs: 10_000 });
    const err = await failure(() => collect(backend.complete({ model: 'phi4', prompt: 'p', sampling: SAMPLING })));
    assert.equal(err.code, 'malformed');
    assert.match(err.message, /longer than 1024 KB/);
    assert.ok((await sent!) < 8 * MB, `the client stopped reading early (${await sent} bytes sent)`);
  } finally {
    await server.close();
  }
});

test('SSE (llama.cpp, OpenAI-compatible): an event with no end is refused after ~1 MB', async () => {
  let sent: Promise<number> | undefined;
  const server = await rawServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"content":"');
    sent = drip(res, 32 * MB, 'b', '"}\n\n');
  });
  try {
    for (const backend of [new LlamaCppBackend({ endpoint: server.url, idleTimeoutMs: 10_000 }), new OpenAIBackend({ endpoint: server.url, idleTimeoutMs: 10_000 })]) {
      const err = await failure(() => collect(backend.complete({ model: 'phi4', prompt: 'p', sampling: SAMPLING })));
      assert.equal(err.code, 'malformed', `${backend.kind}: ${err.message}`);
      assert.match(err.message, /longer than 1024 KB/);
      assert.ok((await sent!) < 8 * MB, `the client stopped reading early (${await sent} bytes sent)`);
    }
  } finally {
    await server.close();
  }
});

test('a 150 MB /api/show or /props is refused without reading it all', async () => {
  let written = 0;
  const server = await rawServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"model_info":{"x":"');
    void drip(res, 150 * MB, 'c', '"}}').then((n) => (written += n));
  });
  try {
    const before = process.memoryUsage().rss;
    const ollama = await failure(() => new OllamaBackend({ endpoint: server.url, keepAlive: '30m', idleTimeoutMs: 10_000 }).modelInfo('phi4'));
    assert.match(ollama.message, /larger than 8 MB/);
    const llama = await failure(() => new LlamaCppBackend({ endpoint: server.url, idleTimeoutMs: 10_000 }).modelInfo('phi4'));
    assert.match(llama.message, /larger than 8 MB/);
    assert.ok(written < 60 * MB, `stopped reading early (${Math.round(written / MB)} MB written by the server for two requests)`);
    assert.ok(process.memoryUsage().rss - before < 100 * MB, 'memory did not grow with the body');
  } finally {
    await server.close();
  }
});

test('auto-detection ignores a probe answer of megabytes', async () => {
  const server = await rawServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"version":"0.1","pad":"');
    void drip(res, 20 * MB, 'd', '"}');
  });
  try {
    assert.deepEqual(await detectBackends({ ollamaEndpoint: server.url, llamacppEndpoint: server.url, timeoutMs: 5000 }), []);
  } finally {
    await server.close();
  }
});
