/**
 * Shared plumbing for every backend request: one AbortController per request that fires when the caller aborts
 * or when nothing arrives for `idleTimeoutMs` (aborting closes the socket), client-side timings, and the mapping
 * of network failures to BackendError.
 */
import { MAX_ERROR_BODY_BYTES, readTextCapped } from './bodies';
import { BackendError } from './errors';
import type { Logger } from '../log';
import type { StreamEvent, Usage } from './types';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What every HTTP backend is built from (Ollama adds keep_alive). */
export interface HttpBackendOptions {
  endpoint: string;
  apiKey?: string;
  /** Overrides the window the server reports when > 0. */
  contextWindow?: number;
  idleTimeoutMs: number;
  fetch?: FetchLike;
  /** Where refused redirects and other notable events are logged. */
  logger?: Logger;
}

/** The longest delay setTimeout honours (longer ones fire after 1 ms). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Owns the abort of one request: caller signal + idle watchdog. */
export class RequestControl {
  readonly controller = new AbortController();
  private reason: 'aborted' | 'timeout' | undefined;
  /** Set once the answer's headers arrived: later network failures happened mid-stream. */
  started = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onCallerAbort = () => this.fire('aborted');
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly caller: AbortSignal | undefined,
    private readonly idleTimeoutMs: number,
  ) {
    if (caller?.aborted) this.fire('aborted');
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Something arrived: restart the idle watchdog. */
  touch(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.reason || !(this.idleTimeoutMs > 0)) return;
    // setTimeout treats anything above 2^31-1 ms as 1 ms.
    this.timer = setTimeout(() => this.fire('timeout'), Math.min(this.idleTimeoutMs, MAX_TIMER_MS));
  }

  /** Run `fn` when the request is aborted for either reason (e.g. the ollama client's iterator.abort()). */
  onAbort(fn: () => void): void {
    if (this.reason) fn();
    else this.listeners.push(fn);
  }

  private fire(reason: 'aborted' | 'timeout'): void {
    if (this.reason) return;
    this.reason = reason;
    if (this.timer) clearTimeout(this.timer);
    this.controller.abort();
    for (const fn of this.listeners.splice(0)) fn();
  }

  /** The BackendError for an abort we caused, or undefined when we did not abort. */
  abortError(what: string): BackendError | undefined {
    if (this.reason === 'aborted') return new BackendError('aborted', `${what}: cancelled`);
    if (this.reason === 'timeout') return new BackendError('timeout', `${what}: nothing received for ${Math.round(this.idleTimeoutMs / 1000)} s; the request was abandoned`);
    return undefined;
  }

  /** Stop the watchdog; aborts the request (closing its socket) if it is still running. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
    if (!this.controller.signal.aborted) this.controller.abort();
  }
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
