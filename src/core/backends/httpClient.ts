/**
 * A small JSON/SSE HTTP client for the llama.cpp and OpenAI-compatible backends (Ollama uses its official client).
 * Every request has a RequestControl (caller abort + first-byte and idle deadlines); errors become BackendError through the
 * backend's own `mapStatus`.
 */
import { MAX_JSON_BODY_BYTES, readTextCapped } from './bodies';
import { BackendError } from './errors';
import type { Logger } from '../log';
import { sameOriginRedirectsOnly } from './redirects';
import { RequestControl, withAnswerDeadline, type Deadlines } from './deadlines';
import { isFetchAbort, networkCode, offlineMessage, readJson, trimEndpoint, type FetchLike } from './request';
import { readSse, type SseItem } from './sse';

export interface HttpClientOptions {
  kind: 'llamacpp' | 'openai';
  endpoint: string;
  apiKey?: string;
  fetch: FetchLike;
  /** Deadlines of streamed answers (one-shot JSON calls take a single short deadline each). */
  stream: Deadlines;
  logger?: Logger;
  /** Turn an HTTP error (status + parsed body) into a BackendError. */
  mapStatus(status: number, body: unknown, path: string): BackendError;
}

export class HttpClient {
  readonly base: string;
  private readonly fetch: FetchLike;
  constructor(private readonly o: HttpClientOptions) {
    this.base = trimEndpoint(o.endpoint);
    this.fetch = sameOriginRedirectsOnly(o.fetch, (from, to) => o.logger?.warn(`${o.kind}: refused a redirect from ${from} to ${to}`));
  }

  private headers(stream: boolean, hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = { Accept: stream ? 'text/event-stream' : 'application/json' };
    if (hasBody) h['Content-Type'] = 'application/json';
    if (this.o.apiKey) h.Authorization = `Bearer ${this.o.apiKey}`;
    return h;
  }

  private async send(path: string, body: unknown, ctl: RequestControl, stream: boolean): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetch(this.base + path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: this.headers(stream, body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctl.signal,
      });
    } catch (err) {
      throw this.failure(err, ctl, path);
    }
    ctl.markStarted();
    if (!res.ok) {
      const parsed = await readJson(res).catch(() => undefined);
      const e = this.o.mapStatus(res.status, parsed, path);
      const model = (body as { model?: unknown } | undefined)?.model;
      throw e.model === undefined && typeof model === 'string' ? new BackendError(e.code, e.message, e.status, model) : e;
    }
    return res;
  }

  private failure(err: unknown, ctl: RequestControl, path: string): BackendError {
    const mine = ctl.abortError(`${this.o.kind} ${path}`);
    if (mine) return mine;
    if (err instanceof BackendError) return err;
    if (isFetchAbort(err)) return new BackendError('aborted', `${this.o.kind} ${path}: cancelled`);
    if (networkCode(err)) return new BackendError('offline', offlineMessage(this.o.kind, this.base, ctl.started));
    return new BackendError('server', `${this.o.kind} ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** GET (body undefined) or POST a JSON request and parse the JSON answer. */
  async json<T>(path: string, body: unknown, signal: AbortSignal | undefined, timeoutMs = this.o.stream.idleMs): Promise<T> {
    const ctl = new RequestControl(signal, timeoutMs);
    try {
      const res = await this.send(path, body, ctl, false);
      const text = await readTextCapped(res, MAX_JSON_BODY_BYTES, `${this.o.kind} ${path}`);
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new BackendError('malformed', `${this.o.kind} ${path}: the answer is not JSON: ${text.slice(0, 120)}`);
      }
    } catch (err) {
      throw this.failure(err, ctl, path);
    } finally {
      ctl.dispose();
    }
  }

  /**
   * POST and yield the SSE items of an answer of at most `maxTokens` tokens (which sets its total deadline, see
   * withAnswerDeadline); closes the socket when the consumer stops early.
   */
  async *sse(path: string, body: unknown, signal: AbortSignal | undefined, maxTokens: number): AsyncGenerator<SseItem> {
    const ctl = new RequestControl(signal, withAnswerDeadline(this.o.stream, maxTokens));
    try {
      const res = await this.send(path, body, ctl, true);
      if (!res.body) throw new BackendError('malformed', `${this.o.kind} ${path}: the answer has no body`);
      yield* readSse(res.body, () => ctl.touch());
    } catch (err) {
      throw this.failure(err, ctl, path);
    } finally {
      ctl.dispose();
    }
  }
}

/** Parse one SSE data payload as JSON or fail with 'malformed'. */
export function parseEventJson(kind: string, data: string): Record<string, unknown> {
  try {
    const v = JSON.parse(data);
    if (v && typeof v === 'object') return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new BackendError('malformed', `${kind}: the server sent an event that is not JSON: ${data.slice(0, 120)}`);
}

/** The message in `{"error": "..."}`, `{"error": {"message": ...}}` or `{"message": ...}`. */
export function errorMessage(body: unknown): string {
  if (!body || typeof body !== 'object') return typeof body === 'string' ? body : '';
  const b = body as { error?: unknown; message?: unknown };
  if (typeof b.error === 'string') return b.error;
  if (b.error && typeof b.error === 'object' && typeof (b.error as { message?: unknown }).message === 'string') return (b.error as { message: string }).message;
  if (typeof b.message === 'string') return b.message;
  return '';
}

/** The `type`/`code` of an OpenAI- or llama.cpp-shaped error body. */
export function errorType(body: unknown): string {
  const e = body && typeof body === 'object' ? ((body as { error?: unknown }).error ?? body) : undefined;
  if (!e || typeof e !== 'object') return '';
  const o = e as { type?: unknown; code?: unknown };
  return [o.type, o.code].filter((x) => typeof x === 'string').join(' ');
}
