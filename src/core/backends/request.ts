/**
 * Shared plumbing for every backend request: client-side timings and the mapping of network failures to
 * BackendError. Deadlines (first byte, idle, total) and aborting live in deadlines.ts.
 */
import { MAX_ERROR_BODY_BYTES, readTextCapped } from './bodies';
import type { Logger } from '../log';
import type { StreamEvent, Usage } from './types';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What every HTTP backend is built from (Ollama adds keep_alive). */
export interface HttpBackendOptions {
  endpoint: string;
  apiKey?: string;
  /** Overrides the window the server reports when > 0. */
  contextWindow?: number;
  /** Longest silence once an answer has started. */
  idleTimeoutMs: number;
  /** Longest wait for an answer to start (model load + prompt reading); defaults to DEFAULT_FIRST_BYTE_MS. */
  firstByteTimeoutMs?: number;
  fetch?: FetchLike;
  /** Where refused redirects and other notable events are logged. */
  logger?: Logger;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** The error code of a failed fetch (undici puts it in `cause`). */
export function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  if (err instanceof TypeError && /fetch failed|network/i.test(err.message)) return 'ECONNREFUSED';
  return undefined;
}

/** Is this an error fetch threw because its signal was aborted? */
export function isFetchAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}

/**
 * Wrap a backend's event stream: fills in client-side timings (time to first text, total) on the `done` usage.
 */
export async function* timed(start: number, events: AsyncIterable<StreamEvent>): AsyncGenerator<StreamEvent> {
  let first: number | undefined;
  for await (const ev of events) {
    if (ev.type === 'text') {
      if (first === undefined && ev.text.length > 0) first = performance.now();
      yield ev;
    } else {
      const end = performance.now();
      const usage: Usage = { ...ev.usage, timeToFirstTokenMs: Math.round((first ?? end) - start), totalMs: Math.round(end - start) };
      yield { type: 'done', usage };
    }
  }
}

/** Read an error answer's JSON (its first 64 KB) without throwing; its text as `{error}` when it is not JSON. */
export async function readJson(res: Response): Promise<unknown> {
  const text = await readTextCapped(res, MAX_ERROR_BODY_BYTES, 'error answer', true).catch(() => '');
  try {
    return JSON.parse(text);
  } catch {
    return text ? { error: text.slice(0, 500) } : undefined;
  }
}

const NAMES = { ollama: 'Ollama', llamacpp: 'The llama.cpp server', openai: 'The server' } as const;

/**
 * Messages for an unreachable server, one per backend kind. `midStream`: the connection broke after the answer had
 * started (the server crashed or was stopped), which is not the same advice as "start it".
 */
export function offlineMessage(kind: 'ollama' | 'llamacpp' | 'openai', endpoint: string, midStream = false): string {
  if (midStream) return `${NAMES[kind]} at ${endpoint} closed the connection in the middle of an answer (did it crash or stop?)`;
  if (kind === 'ollama') return `Ollama is not running at ${endpoint} — start it with \`ollama serve\``;
  if (kind === 'llamacpp') return `llama.cpp server is not running at ${endpoint} — start it with \`llama-server -m <model>.gguf --port ${portOf(endpoint)}\``;
  return `No OpenAI-compatible server answers at ${endpoint} — check that it is running and the endpoint setting`;
}

function portOf(endpoint: string): string {
  try {
    return new URL(endpoint).port || '8080';
  } catch {
    return '8080';
  }
}

/** Remove a trailing slash so paths can be appended. */
export function trimEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, '');
}

/** A model id for display: the file name of a path (llama-server lists the GGUF path), printable, at most 80 characters. */
export function shortName(id: string): string {
  const base = id.split(/[\\/]/).filter(Boolean).pop() ?? id;
  return base.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, 80);
}
