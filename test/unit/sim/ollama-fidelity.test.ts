// The Ollama simulator (a TEST DOUBLE) where it used to differ from Ollama's server (issue 15): headers only with the
// first line, after the model is loaded and the prompt evaluated; the runner's repeated-token cut-off (no `done`
// line); NDJSON lines delivered in arbitrary pieces. Each is checked on the wire and through OllamaBackend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { OllamaBackend } from '../../../src/core/backends/ollama';
import { nullLogger } from '../../../src/core/log';
import { renderPhi4 } from '../../../src/core/prompt/phi4';
import { startSimulator } from '../../sim/index';
import { repeatCutoff } from '../../sim/ollama';
import { PHI4_MODEL } from '../../sim/types';
import { collect, rawServer } from '../backends/helpers';

/** POST and report when the response headers arrived, the body and how many separate data events it came in. */
function post(url: string, body: unknown): Promise<{ headersAt: number; text: string; reads: number; started: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      const headersAt = performance.now() - started;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headersAt, text: Buffer.concat(chunks).toString('utf8'), reads: chunks.length, started }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test('headers come with the first line: not before the model is loaded, the prompt evaluated and a token out', async () => {
  // 800 ms to load, 2,000 prompt tokens at 2,500 tok/s = 800 ms prefill, 200 ms per token; time scale 1 (real delays).
  const sim = await startSimulator({ kind: 'ollama', models: [PHI4_MODEL], timing: { loadMs: 800, prefillTokPerSec: 2500, decodeTokPerSec: 5, timeScale: 1 }, reply: 'ok' });
  try {
    const prompt = 'word '.repeat(2000);
    const r = await post(`${sim.url}/api/generate`, { model: 'phi4', prompt, raw: true, stream: true, options: { num_ctx: 16384 } });
    const promptTokens = sim.requests.at(-1)!.promptTokens!;
    const floor = 800 + (promptTokens / 2500) * 1000 + 200;
    assert.ok(r.headersAt >= floor - 20, `headers after ${r.headersAt.toFixed(0)} ms, before load + prefill + the first token (${floor.toFixed(0)} ms)`);
    assert.match(r.text, /"done":true/);
    // The extension waits for them with its first-byte deadline, not its (shorter) idle limit.
    const b = new OllamaBackend({ endpoint: sim.url, keepAlive: '30m', idleTimeoutMs: 300, firstByteTimeoutMs: 60_000 });
    sim.setReply('hello');
    const second = await collect(b.complete({ model: 'phi4', prompt: `${prompt} again`, sampling: { maxTokens: 8, temperature: 0 } }));
    assert.equal(second.text, 'hello');
  } finally {
    await sim.close();
  }
});

test('repeatCutoff: as llm/server.go counts, from "" and on trimmed pieces; the 31st repeat is the first not sent', () => {
  assert.equal(repeatCutoff(['a', ...Array(30).fill(' a')]), undefined);
  assert.equal(repeatCutoff(['a', ...Array(31).fill('a ')]), 31);
  assert.equal(repeatCutoff(Array(31).fill('\n')), 30, 'whitespace-only pieces repeat the initial empty token');
  assert.equal(repeatCutoff(['x', 'y', 'x', 'y']), undefined);
});

test('the repeated-token cut-off ends the stream without a done line; the backend keeps the text and says why', async () => {
  const sim = await startSimulator({ kind: 'ollama', models: [PHI4_MODEL], timing: { timeScale: 0 } });
  try {
    sim.setReply({ chunks: ['const x = ', ...Array(40).fill('0')] });
    const prompt = renderPhi4([{ role: 'user', content: 'zeros' }]);
    const wire = await post(`${sim.url}/api/generate`, { model: 'phi4', prompt, raw: true, stream: true, options: { num_ctx: 16384 } });
    const lines = wire.text.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 32, '"const x = ", the first "0" and 30 repeats of it; the 31st repeat is not sent');
    assert.ok(lines.every((l) => l.done === false), 'no done line');
    const b = new OllamaBackend({ endpoint: sim.url, keepAlive: '30m', idleTimeoutMs: 2000 });
    const r = await collect(b.complete({ model: 'phi4', prompt, sampling: { maxTokens: 100, temperature: 0 } }));
    assert.equal(r.text, `const x = ${'0'.repeat(31)}`);
    assert.equal(r.usage?.stopReason, 'length', 'kept, and said to be cut off');
  } finally {
    await sim.close();
  }
});

test('NDJSON split at arbitrary byte boundaries (inside lines and UTF-8 characters) parses to the same answer', async () => {
  const answer = 'déjà vu — 日本語 ✓\n  return "ok";';
  const whole = await startSimulator({ kind: 'ollama', models: [PHI4_MODEL], timing: { timeScale: 0 }, reply: answer });
  const split = await startSimulator({ kind: 'ollama', models: [PHI4_MODEL], timing: { timeScale: 0 }, reply: answer, splitChunks: 7 });
  try {
    const prompt = renderPhi4([{ role: 'user', content: 'say it' }]);
    const body = { model: 'phi4', prompt, raw: true, stream: true, options: { num_ctx: 16384 } };
    const a = await post(`${whole.url}/api/generate`, body);
    const s = await post(`${split.url}/api/generate`, body);
    assert.ok(s.reads > a.reads * 3, `the split stream arrived in ${s.reads} reads (whole: ${a.reads})`);
    const strip = (t: string) => t.replace(/"created_at":"[^"]*"|"[a-z_]+_duration":\d+/g, '');
    assert.equal(strip(s.text), strip(a.text), 'the same bytes, only delivered in pieces');
    for (const sim of [whole, split]) {
      const b = new OllamaBackend({ endpoint: sim.url, keepAlive: '30m', idleTimeoutMs: 2000 });
      const r = await collect(b.chat({ model: 'phi4', messages: [{ role: 'user', content: 'say it' }], sampling: { maxTokens: 100, temperature: 0 } }));
      assert.equal(r.text, answer);
      assert.equal(r.usage?.stopReason, 'stop');
    }
  } finally {
    await whole.close();
    await split.close();
  }
});

test('newer Ollama ends a repeat with {"error":"prediction aborted, token repeat limit reached"}: the text is kept too', async () => {
  const raw = await rawServer((req, res) => {
    if (req.url === '/api/show') return res.end(JSON.stringify({ model_info: { 'phi3.context_length': 16384 }, details: { family: 'phi3' }, capabilities: ['completion'] }));
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (const t of ['x = ', '0', '0']) res.write(JSON.stringify({ model: 'phi4', response: t, done: false }) + '\n');
    res.end(JSON.stringify({ error: 'prediction aborted, token repeat limit reached' }) + '\n');
  });
  try {
    const warnings: string[] = [];
    const logger = { ...nullLogger, warn: (m: string) => void warnings.push(m) };
    const b = new OllamaBackend({ endpoint: raw.url, keepAlive: '30m', idleTimeoutMs: 2000, logger });
    const r = await collect(b.complete({ model: 'phi4', prompt: 'x', sampling: { maxTokens: 100, temperature: 0 } }));
    assert.equal(r.text, 'x = 00');
    assert.equal(r.usage?.stopReason, 'length');
    assert.match(warnings.join('\n'), /ended without its final "done" line \(Ollama cuts an answer off when a token repeats/);
  } finally {
    await raw.close();
  }
});
