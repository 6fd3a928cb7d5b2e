// Issue 14, finding 13: a user name or password in the endpoint is refused before anything is sent or logged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend } from '../../../src/core/backends/factory';
import { BackendError } from '../../../src/core/backends/errors';
import { MemoryLogger } from '../../../src/core/log';
import { rawServer } from '../backends/helpers';

test('an endpoint with user info is refused for every backend; the password is in no message or log line', async () => {
  let requests = 0;
  const server = await rawServer((_req, res) => {
    requests++;
    res.end('{}');
  });
  try {
    const withPassword = server.url.replace('http://', 'http://alice:hunter2@');
    for (const kind of ['ollama', 'llamacpp', 'openai'] as const) {
      const logger = new MemoryLogger();
      let err: unknown;
      try {
        const backend = createBackend({ kind, endpoint: withPassword, keepAlive: '30m', idleTimeoutMs: 2000, logger });
        await backend.listModels();
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof BackendError && err.code === 'auth', `${kind}: refused (${String(err)})`);
      assert.doesNotMatch(err.message, /hunter2/);
      assert.match(err.message, /Set API Key/);
      assert.doesNotMatch(logger.lines.join('\n'), /hunter2/);
    }
    assert.equal(requests, 0, 'nothing was sent');
    assert.throws(() => createBackend({ kind: 'openai', endpoint: 'file:///etc/passwd', keepAlive: '30m', idleTimeoutMs: 2000, logger: new MemoryLogger() }), BackendError);
  } finally {
    await server.close();
  }
});

test('redactUrl hides user info in any URL of a text', async () => {
  const { redactUrl } = await import('../../../src/core/backends/endpoint');
  assert.equal(redactUrl('at http://bob:pw@10.0.0.1:8000/v1 and https://tok@h'), 'at http://***@10.0.0.1:8000/v1 and https://***@h');
  assert.equal(redactUrl('http://127.0.0.1:11434'), 'http://127.0.0.1:11434');
});
