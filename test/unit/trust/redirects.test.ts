// Issue 14, finding 7: a redirect to another origin never re-sends the prompt (or the API key) there; same-origin
// redirects still work. Real backends and fetch against two loopback servers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { LlamaCppBackend } from '../../../src/core/backends/llamacpp';
import { OpenAIBackend } from '../../../src/core/backends/openai';
import { BackendError } from '../../../src/core/backends/errors';
import { MemoryLogger } from '../../../src/core/log';
import { createBackend } from '../../../src/core/backends/factory';
import { collect, rawServer, SAMPLING } from '../backends/helpers';

async function body(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const c of req) s += c;
  return s;
}

test('a 307 to another origin is refused on every backend; the other server receives nothing', async () => {
  const seen: string[] = [];
  const elsewhere = await rawServer(async (req, res) => {
    seen.push(`${req.method} ${req.url} ${await body(req)}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  const server = await rawServer((req, res) => {
    res.writeHead(307, { location: `${elsewhere.url}${req.url}` });
    res.end();
  });
  try {
    const logger = new MemoryLogger();
    for (const kind of ['ollama', 'llamacpp', 'openai'] as const) {
      const backend = createBackend({ kind, endpoint: server.url, apiKey: 'sk-secret', keepAlive: '30m', contextWindow: 4096, idleTimeoutMs: 5000, logger });
      await assert.rejects(
        () => collect(backend.chat({ model: 'phi4', messages: [{ role: 'user', content: 'SECRET SOURCE CODE' }], sampling: SAMPLING })),
        (e: unknown) => e instanceof BackendError && /another server/.test(e.message),
        kind,
      );
    }
    assert.deepEqual(seen, [], 'nothing reached the other origin');
    assert.equal(logger.lines.filter((l) => /refused a redirect/.test(l)).length, 3, logger.lines.join('\n'));
  } finally {
    await server.close();
    await elsewhere.close();
  }
});

test('same-origin redirects are followed (a 308 keeps the POST body)', async () => {
  const server = await rawServer(async (req, res) => {
    if (req.url?.startsWith('/old/')) {
      res.writeHead(308, { location: req.url.slice(4) });
      return res.end();
    }
    const text = await body(req);
    if (req.url === '/v1/models') return res.writeHead(200, { 'content-type': 'application/json' }), res.end('{"data":[{"id":"phi4"}]}');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const ok = JSON.parse(text).messages?.[0]?.content === 'q';
    res.end(`data: {"choices":[{"delta":{"content":"${ok ? 'body kept' : 'body lost'}"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`);
  });
  try {
    const backend = new OpenAIBackend({ endpoint: `${server.url}/old`, idleTimeoutMs: 5000 });
    assert.deepEqual(await backend.listModels(), ['phi4']);
    const r = await collect(backend.chat({ model: 'phi4', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING }));
    assert.equal(r.text, 'body kept');
    const llama = new LlamaCppBackend({ endpoint: `${server.url}/old`, idleTimeoutMs: 5000 });
    assert.deepEqual(await llama.listModels(), ['phi4']);
  } finally {
    await server.close();
  }
});
