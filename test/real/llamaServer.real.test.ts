// The REAL llama.cpp server tier: the extension's backends against llama-server with Phi-4's real tokenizer and chat
// template (tiny random weights). Run by scripts/real.js (part of npm test), which skips it, saying why, when no server
// is available. Three instances on free loopback ports: a 16,384 window, a 2,048 window and four 16,384 slots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LlamaCppBackend } from '../../src/core/backends/llamacpp';
import { OpenAIBackend } from '../../src/core/backends/openai';
import { BackendError } from '../../src/core/backends/errors';
import { problemFor } from '../../src/vscode/backendProblems';
import { buildPrompt } from '../../src/core/completion/buildPrompt';
import { fileWindow, DEFAULT_WINDOW_BUDGET } from '../../src/core/completion/promptWindow';
import { fitInfillWindow } from '../../src/core/completion/llamaInfill';
import { renderPhi4 } from '../../src/core/prompt/phi4';
import { countTokens } from '../../src/core/tokens';
import type { ChatMessage, StreamEvent, Usage } from '../../src/core/backends/types';
import { findLlama, startLlama, type RunningLlama } from './llamaServer';

const paths = findLlama();
if (typeof paths === 'string') throw new Error(`real-server tier started without a server: ${paths}`);

let big: RunningLlama;
let small: RunningLlama;
let quad: RunningLlama;
before(async () => {
  big = await startLlama(paths, { ctx: 16384 });
  small = await startLlama(paths, { ctx: 2048 });
  quad = await startLlama(paths, { ctx: 16384, slots: 4 });
});
after(async () => {
  await Promise.all([big, small, quad].filter(Boolean).map((s) => s.stop()));
});

const SAMPLING = { maxTokens: 8, temperature: 0 };
const llama = (s: RunningLlama) => new LlamaCppBackend({ endpoint: s.url, idleTimeoutMs: 60_000 });

async function run(events: AsyncIterable<StreamEvent>): Promise<{ text: string; usage?: Usage }> {
  let text = '';
  let usage: Usage | undefined;
  for await (const ev of events) {
    if (ev.type === 'text') text += ev.text;
    else usage = ev.usage;
  }
  return { text, usage };
}

async function serverCount(s: RunningLlama, content: string): Promise<number> {
  const r = (await (await fetch(`${s.url}/tokenize`, { method: 'POST', body: JSON.stringify({ content, parse_special: true }) })).json()) as { tokens: number[] };
  return r.tokens.length;
}

const CODE = Array.from({ length: 300 }, (_, i) => `export function step${i}(value: number): number {\n  return value * ${i} + ${i % 7};\n}`).join('\n');
const CONTEXT = '// Path: src/math.ts\nexport const SCALE = 3;\nexport function clamp(v: number, lo: number, hi: number): number {\n  return Math.min(hi, Math.max(lo, v));\n}\n';

test('health: 503 "Loading model" while the model loads is the loading state, then ready', async () => {
  for (const s of [big, small, quad]) assert.equal(s.startup.at(-1), 200);
  assert.ok([big, small, quad].every((s) => s.startup.every((c) => c === 503 || c === 200)));
  assert.equal((await llama(big).health('phi4')).state, 'ready');
});

test('window discovery: /props n_ctx per slot (llama.cpp backend) and /v1/models meta.n_ctx (OpenAI backend); never FIM for Phi-4', async () => {
  assert.deepEqual(await llama(big).modelInfo('phi4'), { name: 'phi4', contextLength: 16384, fim: false, family: '', served: 'tiny-phi4.gguf' });
  assert.equal((await llama(small).modelInfo('phi4')).contextLength, 2048);
  assert.equal((await llama(quad).modelInfo('phi4')).contextLength, 16384);
  // The OpenAI-compatible backend: the server lists only its GGUF path and serves any name.
  const openai = new OpenAIBackend({ endpoint: `${small.url}/v1`, idleTimeoutMs: 60_000 });
  assert.equal((await openai.health('phi4')).state, 'ready');
  assert.deepEqual(await openai.modelInfo('phi4'), { name: 'phi4', contextLength: 2048, fim: false, family: '', served: 'tiny-phi4.gguf' });
  const r = await run(openai.chat({ model: 'phi4', messages: [{ role: 'user', content: 'hi' }], sampling: SAMPLING }));
  assert.ok(r.usage && r.usage.completionTokens > 0);
});

test('streaming chat and the raw Phi-4 prompt: the server counts exactly the tokens we count', async () => {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'You are a careful coding assistant.' },
    { role: 'user', content: 'Explain this:\n```ts\n' + CODE.slice(0, 800) + '\n```' },
  ];
  const chat = await run(llama(big).chat({ model: 'phi4', messages, sampling: SAMPLING }));
  assert.ok(chat.usage);
  // The server applies the GGUF's template (Phi-4's Hugging Face template: no newline after <|im_sep|> or <|im_end|>);
  // we count Ollama's phi4 template, one newline more after each of those and after the open assistant turn: our
  // count is higher by exactly 2 per message + 1, a safe over-estimate for budgets.
  assert.equal(chat.usage!.promptTokens, countTokens(renderPhi4(messages)) - (2 * messages.length + 1));
  const window = fileWindow(CODE, CODE.indexOf('return value * 150'));
  const hole = buildPrompt({ relPath: 'src/steps.ts', languageId: 'typescript', window, context: CONTEXT, mode: 'single-line', model: { name: 'phi4', family: '', fim: false }, backendKind: 'llamacpp' });
  assert.equal(hole.kind, 'raw');
  if (hole.kind !== 'raw') return;
  const raw = await run(llama(big).complete({ model: 'phi4', prompt: hole.prompt, sampling: SAMPLING, slotId: 0 }));
  assert.equal(raw.usage!.promptTokens, hole.promptTokens);
  assert.equal(await serverCount(big, hole.prompt), hole.promptTokens);
});

test('/tokenize agrees with our counts on every prompt shape: chat, hole prompt, FIM markers, Phi-4 specials', async () => {
  const shapes = [
    renderPhi4([{ role: 'user', content: 'def f(x):\n    return x' }]),
    '<|fim_prefix|>def f(<|fim_suffix|>):\n<|fim_middle|>',
    '<|endofprompt|><|dummy_0|><|dummy_42|><|dummy_87|><|endoftext|>',
    CODE.slice(0, 3000),
    'naïve café — 日本語 🙂 tabs\tand\r\nCRLF',
  ];
  for (const s of shapes) assert.equal(countTokens(s), await serverCount(big, s), JSON.stringify(s.slice(0, 40)));
});

test('/infill with input_extra: the context survives, the prefix is kept whole, and the count is the server\'s', async () => {
  // The Phi-4 vocabulary has FIM tokens, so /infill works here; we use it to check the request shape, not quality.
  for (const [s, ctx, budget] of [[big, 16384, fitInfillWindow(DEFAULT_WINDOW_BUDGET)], [small, 2048, DEFAULT_WINDOW_BUDGET]] as const) {
    const window = fileWindow(CODE, CODE.indexOf('return value * 150'), budget);
    const p = buildPrompt({ relPath: 'src/steps.ts', languageId: 'typescript', window, context: CONTEXT, mode: 'single-line', model: { name: 'qwen2.5-coder', family: 'qwen2.5-coder', fim: true }, backendKind: 'llamacpp', contextWindow: ctx });
    assert.equal(p.kind, 'infill');
    if (p.kind !== 'infill') continue;
    const r = await run(llama(s).infill({ model: 'phi4', prefix: p.prefix, suffix: p.suffix, extra: p.extra, sampling: SAMPLING, slotId: 0 }));
    assert.equal(r.usage!.promptTokens, p.promptTokens, `window ${ctx}`);
  }
});

test('cancelling a stream frees the slot', async () => {
  const ac = new AbortController();
  const b = llama(big);
  let saw = false;
  await assert.rejects(
    (async () => {
      for await (const ev of b.complete({ model: 'phi4', prompt: 'Once upon a time', sampling: { maxTokens: 4000, temperature: 1 }, signal: ac.signal })) {
        if (ev.type === 'text' && !saw) {
          saw = true;
          ac.abort();
        }
      }
    })(),
    (e: unknown) => e instanceof BackendError && e.code === 'aborted',
  );
  assert.ok(saw);
  const end = Date.now() + 10_000;
  let busy = true;
  while (busy && Date.now() < end) {
    const slots = (await (await fetch(`${big.url}/slots`)).json()) as { is_processing: boolean }[];
    busy = slots.some((x) => x.is_processing);
    if (busy) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(busy, false, 'the slot is still processing 10 s after the abort');
});

test('a prompt longer than the window: HTTP 400 exceed_context_size_error becomes context-overflow', async () => {
  const prompt = CODE.slice(0, 12_000);
  assert.ok(countTokens(prompt) > 2048);
  await assert.rejects(run(llama(small).complete({ model: 'phi4', prompt, sampling: SAMPLING })), (e: unknown) => e instanceof BackendError && e.code === 'context-overflow');
});

test('four slots answer four requests at once', async () => {
  const b = llama(quad);
  const rs = await Promise.all([0, 1, 2, 3].map((i) => run(b.complete({ model: 'phi4', prompt: `// request ${i}\n${CODE.slice(0, 400)}`, sampling: SAMPLING, slotId: i }))));
  for (const r of rs) assert.ok(r.usage && r.usage.completionTokens > 0);
  const props = (await (await fetch(`${quad.url}/props`)).json()) as { total_slots: number };
  assert.equal(props.total_slots, 4);
});

test('a full window is told from "max tokens reached": /completion (stop_type limit, truncated) and the chat endpoint (finish_reason length)', async () => {
  // Greedy decoding on fixed weights: the same answer every run. It runs until prompt + answer fill the 2,048 window.
  const prompt = Array.from({ length: 280 }, (_, i) => `v${i} = ${i};`).join('\n');
  const full = await run(llama(small).complete({ model: 'phi4', prompt, sampling: { maxTokens: 1000, temperature: 0 } }));
  assert.equal(full.usage?.stopReason, 'window', JSON.stringify(full.usage));
  assert.equal((full.usage?.promptTokens ?? 0) + (full.usage?.completionTokens ?? 0), 2048);
  const capped = await run(llama(small).complete({ model: 'phi4', prompt, sampling: { maxTokens: 8, temperature: 0 } }));
  assert.equal(capped.usage?.stopReason, 'length');
  const messages: ChatMessage[] = [{ role: 'user', content: 'word '.repeat(1800) }];
  const chatFull = await run(llama(small).chat({ model: 'phi4', messages, sampling: { maxTokens: 1000, temperature: 0 } }));
  assert.equal(chatFull.usage?.stopReason, 'window', JSON.stringify(chatFull.usage));
  assert.equal((await run(llama(small).chat({ model: 'phi4', messages, sampling: { maxTokens: 8, temperature: 0 } }))).usage?.stopReason, 'length');
});

test('a wrong API key (--api-key) is "API key rejected", not offline, on both backends', async () => {
  const keyed = await startLlama(paths, { ctx: 2048, args: ['--api-key', 'sekret'] });
  try {
    const wrong = new LlamaCppBackend({ endpoint: keyed.url, apiKey: 'wrong', idleTimeoutMs: 60_000 });
    assert.equal((await wrong.health('phi4')).state, 'ready', '/health is public on llama-server');
    const err = await wrong.modelInfo('phi4').then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof BackendError && err.status === 401, String(err));
    assert.equal(problemFor(err, 'startup', 'phi4').state, 'key-rejected');
    // /v1/models is public on llama-server too: the OpenAI-compatible backend meets the key at its first request.
    const openaiWrong = new OpenAIBackend({ endpoint: `${keyed.url}/v1`, apiKey: 'wrong', idleTimeoutMs: 60_000 });
    const chatErr = await run(openaiWrong.chat({ model: 'phi4', messages: [{ role: 'user', content: 'hi' }], sampling: SAMPLING })).then(() => undefined, (e: unknown) => e);
    assert.ok(chatErr instanceof BackendError && chatErr.status === 401, String(chatErr));
    assert.equal(problemFor(chatErr, 'chat', 'phi4').state, 'key-rejected');
    assert.equal((await new OpenAIBackend({ endpoint: `${keyed.url}/v1`, apiKey: 'sekret', idleTimeoutMs: 60_000 }).health('phi4')).state, 'ready');
    assert.equal((await new LlamaCppBackend({ endpoint: keyed.url, apiKey: 'sekret', idleTimeoutMs: 60_000 }).modelInfo('phi4')).contextLength, 2048);
  } finally {
    await keyed.stop();
  }
});
