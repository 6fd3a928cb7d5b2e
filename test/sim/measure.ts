/**
 * Measures the client-side cost of the backend layer against the simulator (a TEST DOUBLE; no model runs), and shows
 * the simulator's timing model. Run: `npx tsx test/sim/measure.ts [iterations]`. Prints one JSON object on its last line.
 *
 * Per request (timeScale 0, a 20-token answer), interleaved to share the machine's noise:
 *   raw fetch (baseline) | official ollama client | our OllamaBackend + guard   (Ollama protocol)
 *   raw fetch (baseline) | our LlamaCppBackend + guard                          (llama.cpp protocol)
 * Plus the simulated time to first token of a 4,000-token prompt, cold vs. with a shared prefix (KV reuse), from the
 * timings the simulator reports (prefill 2500 tok/s, decode 45 tok/s).
 */
import { Ollama } from 'ollama';
import { guardBackend } from '../../src/core/backends/guarded';
import { LlamaCppBackend } from '../../src/core/backends/llamacpp';
import { OllamaBackend } from '../../src/core/backends/ollama';
import type { StreamEvent } from '../../src/core/backends/types';
import { nullLogger } from '../../src/core/log';
import { startSimulator } from './index';

const N = Number(process.argv[2] ?? 300);
const ANSWER = 'function add(a: number, b: number): number {\n  return a + b;\n}\n';

async function drain(events: AsyncIterable<StreamEvent>): Promise<void> {
  for await (const _ of events) void _;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 1000) / 1000;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main(): Promise<void> {
  const ol = await startSimulator({ kind: 'ollama', reply: ANSWER, timing: { timeScale: 0 } });
  const lc = await startSimulator({ kind: 'llamacpp', reply: ANSWER, timing: { timeScale: 0 } });
  const prompt = '<|im_start|>user<|im_sep|>\nwrite add<|im_end|>\n<|im_start|>assistant<|im_sep|>\n';
  const sampling = { maxTokens: 64, temperature: 0.2 };
  const guard = { logger: nullLogger, contextLength: () => 16384 };
  const ours = guardBackend(new OllamaBackend({ endpoint: ol.url, keepAlive: '30m', idleTimeoutMs: 10_000 }), guard);
  const oursLc = guardBackend(new LlamaCppBackend({ endpoint: lc.url, idleTimeoutMs: 10_000 }), guard);
  const client = new Ollama({ host: ol.url });
  const body = JSON.stringify({ model: 'phi4', prompt, raw: true, stream: true, options: { num_ctx: 16384 } });
  const lcBody = JSON.stringify({ prompt, stream: true, cache_prompt: true, n_predict: 64 });
  const t: Record<string, number[]> = { ollamaRawFetch: [], ollamaClient: [], ollamaBackend: [], llamacppRawFetch: [], llamacppBackend: [] };
  const runs: [keyof typeof t, () => Promise<unknown>][] = [
    ['ollamaRawFetch', async () => (await fetch(`${ol.url}/api/generate`, { method: 'POST', body })).text()],
    ['ollamaClient', async () => { for await (const _ of await client.generate({ model: 'phi4', prompt, raw: true, stream: true, options: { num_ctx: 16384 } })) void _; }],
    ['ollamaBackend', () => drain(ours.complete({ model: 'phi4', prompt, sampling }))],
    ['llamacppRawFetch', async () => (await fetch(`${lc.url}/completion`, { method: 'POST', body: lcBody })).text()],
    ['llamacppBackend', () => drain(oursLc.complete({ model: 'phi4', prompt, sampling }))],
  ];
  for (let i = 0; i < 20; i++) for (const [, fn] of runs) await fn(); // warm-up
  for (let i = 0; i < N; i++) for (const [k, fn] of runs) t[k].push(await time(fn));

  // Timing model: simulated time to first token for a 4,000-token prompt, cold and with a shared prefix.
  lc.setReply('x');
  const big = 'const value = compute(input);\n'.repeat(666);
  const final = async (p: string) => {
    const text = await (await fetch(`${lc.url}/completion`, { method: 'POST', body: JSON.stringify({ prompt: p, stream: true, id_slot: 0 }) })).text();
    return JSON.parse(text.trim().split('\n\n').at(-1)!.slice(6)) as { tokens_evaluated: number; timings: { prompt_ms: number; predicted_ms: number; cache_n: number } };
  };
  const cold = await final(big + 'a');
  const warm = await final(big + 'ab');
  await ol.close();
  await lc.close();

  const summary: Record<string, unknown> = { iterations: N };
  for (const [k, xs] of Object.entries(t)) summary[k] = { p50: pct(xs, 50), p95: pct(xs, 95) };
  summary.ollamaBackendOverRawP50 = Math.round((pct(t.ollamaBackend, 50) / pct(t.ollamaRawFetch, 50)) * 100) / 100;
  summary.ollamaBackendOverClientP50 = Math.round((pct(t.ollamaBackend, 50) / pct(t.ollamaClient, 50)) * 100) / 100;
  summary.llamacppBackendOverRawP50 = Math.round((pct(t.llamacppBackend, 50) / pct(t.llamacppRawFetch, 50)) * 100) / 100;
  summary.simulatedTtftMs = {
    promptTokens: cold.tokens_evaluated,
    cold: Math.round(cold.timings.prompt_ms + cold.timings.predicted_ms),
    sharedPrefix: Math.round(warm.timings.prompt_ms + warm.timings.predicted_ms),
    cachedTokens: warm.timings.cache_n,
  };
  console.log(JSON.stringify(summary));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
