/**
 * First-run auto-detection: probe Ollama (GET /api/version) and llama.cpp (GET /health, then GET /props for its
 * identity: a /health of {"status":"ok"} alone is any server) on loopback with short timeouts, in parallel. Ollama is preferred when both answer. Hosts/ports are injectable for tests.
 */
import { DEFAULT_ENDPOINTS } from '../config';
import type { BackendKind } from './types';
import type { FetchLike } from './request';
import { readTextCapped } from './bodies';
import { sameOriginRedirectsOnly } from './redirects';

/** A probe's answer is a few hundred bytes; anything much larger is not one of the servers we look for. */
const PROBE_MAX_BYTES = 256 * 1024;

export interface DetectOptions {
  ollamaEndpoint?: string;
  llamacppEndpoint?: string;
  /** Per-probe timeout. Default 800 ms. */
  timeoutMs?: number;
  fetch?: FetchLike;
  signal?: AbortSignal;
}

export interface Detection {
  kind: BackendKind;
  endpoint: string;
  /** llama.cpp answered /health with 503: up, still loading its model. */
  loading: boolean;
  /** What answered, for the log and the status bar ("Ollama 0.12.3 on http://127.0.0.1:11434"). */
  detail: string;
}

async function probe(url: string, o: DetectOptions): Promise<{ status: number; body: unknown } | undefined> {
  const signals = [AbortSignal.timeout(o.timeoutMs ?? 800), ...(o.signal ? [o.signal] : [])];
  try {
    const res = await sameOriginRedirectsOnly(o.fetch ?? fetch)(url, { signal: AbortSignal.any(signals), headers: { Accept: 'application/json' } });
    const text = await readTextCapped(res, PROBE_MAX_BYTES, url);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body };
  } catch {
    return undefined;
  }
}

async function probeOllama(o: DetectOptions): Promise<Detection | undefined> {
  const endpoint = (o.ollamaEndpoint ?? DEFAULT_ENDPOINTS.ollama).replace(/\/+$/, '');
  const r = await probe(`${endpoint}/api/version`, o);
  const version = (r?.body as { version?: unknown } | undefined)?.version;
  if (r?.status !== 200 || typeof version !== 'string') return undefined;
  return { kind: 'ollama', endpoint, loading: false, detail: `Ollama ${version} on ${endpoint}` };
}

async function probeLlamaCpp(o: DetectOptions): Promise<Detection | undefined> {
  const endpoint = (o.llamacppEndpoint ?? DEFAULT_ENDPOINTS.llamacpp).replace(/\/+$/, '');
  const r = await probe(`${endpoint}/health`, o);
  if (!r) return undefined;
  const body = r.body as { status?: unknown; error?: { message?: unknown } } | undefined;
  if (r.status === 200 && body?.status === 'ok') {
    // Many servers answer /health with {"status":"ok"}; llama-server's identity is the shape of its /props.
    if (!looksLikeLlamaCppProps((await probe(`${endpoint}/props`, o))?.body)) return undefined;
    return { kind: 'llamacpp', endpoint, loading: false, detail: `llama.cpp server on ${endpoint}` };
  }
  if (r.status === 503 && body?.error) return { kind: 'llamacpp', endpoint, loading: true, detail: `llama.cpp server on ${endpoint} (loading the model)` };
  return undefined;
}

/** llama-server's GET /props: default_generation_settings with a numeric n_ctx, and total_slots. */
function looksLikeLlamaCppProps(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const b = body as { default_generation_settings?: { n_ctx?: unknown }; total_slots?: unknown };
  return typeof b.default_generation_settings?.n_ctx === 'number' && typeof b.total_slots === 'number';
}

/** Every local server that answered, Ollama first. */
export async function detectBackends(o: DetectOptions = {}): Promise<Detection[]> {
  const [ollama, llamacpp] = await Promise.all([probeOllama(o), probeLlamaCpp(o)]);
  return [ollama, llamacpp].filter((d): d is Detection => d !== undefined);
}

/** The server to use: Ollama when both answer; undefined when none does. */
export async function detectBackend(o: DetectOptions = {}): Promise<Detection | undefined> {
  return (await detectBackends(o))[0];
}
