/**
 * `bench:typing -- --server <url | shared>`: the requests a typing replay sent, replayed in order against a REAL
 * llama-server, and against a fresh simulator (TEST DOUBLE) the same way, so the two KV-reuse figures are for the same
 * requests. Real reuse comes from the server's own answers: 1 − Σ timings.prompt_n / Σ (timings.cache_n + prompt_n).
 * `shared` starts ../shared/llama's llama-server (or PHI_LLAMA_SERVER / PHI_LLAMA_MODEL) on a free loopback port.
 */
import * as http from 'node:http';
import { findLlama, startLlama, type RunningLlama } from '../../test/real/llamaServer';
import { startSimulator, PHI4_MODEL, type SimRequest } from '../../test/sim';

/** One request's prompt accounting, as the server reported it. */
export interface PromptTimings {
  /** Prompt tokens the server evaluated (prefilled). */
  promptN: number;
  /** Prompt tokens it reused from the slot's KV cache. */
  cacheN: number;
}

export interface ReuseTally {
  requests: number;
  promptTokens: number;
  prefilled: number;
}

export function emptyTally(): ReuseTally {
  return { requests: 0, promptTokens: 0, prefilled: 0 };
}

export function addTimings(t: ReuseTally, p: PromptTimings): void {
  t.requests++;
  t.promptTokens += p.promptN + p.cacheN;
  t.prefilled += p.promptN;
}

/** 1 − Σ prompt_n / Σ prompt tokens (0 when nothing was sent). */
export function reuseOf(t: ReuseTally): number {
  return t.promptTokens ? 1 - t.prefilled / t.promptTokens : 0;
}

/** The final SSE event's `timings` of a llama.cpp /completion or /infill stream. */
export function finalTimings(sse: string): PromptTimings {
  let last: { timings?: { prompt_n?: number; cache_n?: number }; stop?: boolean; error?: { message?: string } } | undefined;
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const ev = JSON.parse(line.slice(6));
    if (ev.error) throw new Error(`server error: ${ev.error.message ?? JSON.stringify(ev.error)}`);
    if (ev.stop) last = ev;
  }
  const t = last?.timings;
  if (typeof t?.prompt_n !== 'number' || typeof t.cache_n !== 'number') throw new Error('no final event with timings.prompt_n / cache_n in the stream');
  return { promptN: t.prompt_n, cacheN: t.cache_n };
}

/** Send one recorded request (its body verbatim) and read the prompt accounting from the answer. */
async function send(url: string, r: SimRequest): Promise<PromptTimings> {
  try {
    return await sendOnce(url, r);
  } catch (err) {
    throw new Error(`${url}${r.endpoint} failed on a request of ${r.promptTokens ?? '?'} prompt tokens (${JSON.stringify(r.body).slice(0, 200)}…): ${err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err)}`);
  }
}

async function sendOnce(url: string, r: SimRequest): Promise<PromptTimings> {
  // A fresh connection per request: between two clients' replays the server closes idle keep-alive sockets, and a
  // pooled fetch would write into one ("other side closed").
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(`${url}${r.endpoint}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(r.body));
  });
  if (status !== 200) throw new Error(`HTTP ${status}: ${text.slice(0, 300)}`);
  return finalTimings(text);
}

export interface ServerReplay {
  url: string;
  /** Replay `requests` in order on the real server and on a fresh simulator; adds to both tallies. */
  replay(requests: readonly SimRequest[], real: ReuseTally, sim: ReuseTally): Promise<void>;
  close(): Promise<void>;
}

/** `--server shared` starts the shared llama-server; any other value is the URL of a running one. */
export async function openServer(spec: string): Promise<ServerReplay> {
  let running: RunningLlama | undefined;
  let url = spec.replace(/\/+$/, '');
  if (spec === 'shared') {
    const found = findLlama();
    if (typeof found === 'string') throw new Error(`--server shared: ${found}`);
    running = await startLlama(found, { ctx: PHI4_MODEL.contextLength });
    url = running.url;
  } else if (!/^https?:\/\//.test(spec)) throw new Error(`--server wants a URL (http://127.0.0.1:8080) or "shared", not ${JSON.stringify(spec)}`);
  const props = await fetch(`${url}/props`).then((r) => (r.ok ? r.json() : undefined), () => undefined);
  if (!props?.default_generation_settings) throw new Error(`${url} does not answer /props as a llama-server does`);
  return {
    url,
    async replay(requests, real, sim) {
      const double = await startSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], timing: { timeScale: 0, slots: 1 }, reply: 'x' });
      try {
        for (const r of requests) {
          if (r.endpoint !== '/completion' && r.endpoint !== '/infill') continue;
          addTimings(real, await send(url, r));
          addTimings(sim, await send(double.url, r));
        }
      } finally {
        await double.close();
      }
    },
    close: async () => {
      await running?.stop();
    },
  };
}
