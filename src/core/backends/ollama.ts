/**
 * Ollama through the official `ollama` client: `/api/generate` with `raw: true` for prompts we template ourselves,
 * `/api/generate` with `suffix` for native FIM, `/api/chat`, always streaming. `options.num_ctx` is always sent
 * (from /api/show's `<arch>.context_length`, cached per model, unless overridden) and every feature sends the same
 * option keys, so Ollama never reloads the model between chat and completions.
 */
import { Ollama, type AbortableAsyncIterator } from 'ollama';
import { PHI4_CONTEXT_WINDOW } from '../config';
import { isValidModelId } from '../untrusted';
import { BackendError, healthStateOf } from './errors';
import { isPhiModel } from '../completion/fimTemplates';
import { countTokens } from '../tokens';
import { byteCap, MAX_JSON_BODY_BYTES } from './bodies';
import { ndjsonGuard } from './ndjsonGuard';
import { sameOriginRedirectsOnly } from './redirects';
import type { Logger } from '../log';
import { RequestControl, streamDeadlines, withAnswerDeadline } from './deadlines';
import { isFetchAbort, networkCode, offlineMessage, readJson, timed, trimEndpoint, type FetchLike } from './request';
import { lengthStop, type Backend, type ChatRequest, type HealthReport, type InfillRequest, type ModelInfo, type PullProgress, type RawCompletionRequest, type SamplingOptions, type StreamEvent } from './types';

export interface OllamaOptions {
  endpoint: string;
  /** keep_alive sent with every request ("30m", "-1", "0", ...). */
  keepAlive: string;
  /** num_ctx for every request when > 0; otherwise /api/show's context length. */
  contextWindow?: number;
  idleTimeoutMs: number;
  /** Longest wait for an answer to start: Ollama writes nothing until the model is loaded and the prompt read. */
  firstByteTimeoutMs?: number;
  fetch?: FetchLike;
  /** Sent as a bearer token (Ollama behind an authenticating proxy). */
  apiKey?: string;
  logger?: Logger;
}

type Json = Record<string, unknown>;

interface OllamaPart {
  response?: string;
  message?: { content?: string };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

/**
 * Ollama's keep_alive: a bare number is seconds (a JSON number); anything else must be a Go duration ("30m", "1h30m",
 * "-1s"), which Ollama parses with time.ParseDuration and answers 400 to everything otherwise ("" or "1d"). Such a
 * value is not sent (undefined): Ollama then keeps its own default.
 */
export function keepAliveValue(v: string): string | number | undefined {
  const s = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return /^-?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.test(s) ? s : undefined;
}

/**
 * num_ctx for a model: the user's window, else the model's own capped at Phi-4's 16,384. A 128K model would otherwise
 * ask Ollama for a 128K KV cache (and turn off its own sizing and out-of-memory fallback). One value for every feature,
 * so the model never reloads.
 */
export function numCtxFor(modelWindow: number, override?: number): number {
  if (override && override > 0) return override;
  return Math.min(modelWindow > 0 ? modelWindow : PHI4_CONTEXT_WINDOW, PHI4_CONTEXT_WINDOW);
}

export class OllamaBackend implements Backend {
  readonly kind = 'ollama' as const;
  readonly endpoint: string;
  private readonly info = new Map<string, Promise<ModelInfo>>();

  constructor(private readonly o: OllamaOptions) {
    this.endpoint = trimEndpoint(o.endpoint);
  }

  /** A client whose requests are bound to `ctl` (abort, idle watchdog, NDJSON check). */
  private client(ctl: RequestControl): Ollama {
    const base = sameOriginRedirectsOnly(this.o.fetch ?? fetch, (from, to) => this.o.logger?.warn(`ollama: refused a redirect from ${from} to ${to}`));
    const wrapped: FetchLike = async (input, init) => {
      const signal = init?.signal ? AbortSignal.any([init.signal, ctl.signal]) : ctl.signal;
      const res = await base(input, { ...init, signal });
      ctl.markStarted();
      if (!res.body) return res;
      const init2 = { status: res.status, statusText: res.statusText, headers: res.headers };
      // An error answer: its first 64 KB are plenty for the message (a server can send megabytes).
      if (!res.ok) return new Response(JSON.stringify((await readJson(res)) ?? {}), { ...init2, headers: { 'content-type': 'application/json' } });
      // A plain JSON answer (/api/show, /api/tags, ...): capped in size.
      if ((res.headers.get('content-type') ?? '').includes('application/json')) return new Response(res.body.pipeThrough(byteCap(MAX_JSON_BODY_BYTES, 'Ollama')), init2);
      // Streams (NDJSON, or anything that is not a plain JSON answer, e.g. a web page from the wrong server) are checked line by line.
      return new Response(res.body.pipeThrough(ndjsonGuard(() => ctl.touch())), init2);
    };
    return new Ollama({ host: this.endpoint, fetch: wrapped as typeof fetch, headers: this.o.apiKey ? { Authorization: `Bearer ${this.o.apiKey}` } : undefined });
  }

  /** Run a one-shot call with its own control. */
  private async call<T>(signal: AbortSignal | undefined, what: string, fn: (c: Ollama) => Promise<T>, model?: string): Promise<T> {
    const d = streamDeadlines(this.o);
    const ctl = new RequestControl(signal, { idleMs: Math.min(d.idleMs, 30_000), firstByteMs: Math.min(d.firstByteMs ?? d.idleMs, 30_000) });
    try {
      return await fn(this.client(ctl));
    } catch (err) {
      throw this.mapError(err, ctl, what, model);
    } finally {
      ctl.dispose();
    }
  }

  async health(model: string, signal?: AbortSignal): Promise<HealthReport> {
    try {
      const v = await this.call(signal, 'version', (c) => c.version());
      if (!model) return { state: 'ready', detail: `Ollama ${v.version} at ${this.endpoint}` };
      await this.modelInfo(model, signal);
      return { state: 'ready', detail: `Ollama ${v.version} at ${this.endpoint}, model ${model}` };
    } catch (err) {
      const e = err instanceof BackendError ? err : new BackendError('server', String(err));
      return { state: healthStateOf(e), detail: e.message };
    }
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    const r = await this.call(signal, 'list models', (c) => c.list());
    return r.models.map((m) => m.name).filter(isValidModelId);
  }

  modelInfo(model: string, signal?: AbortSignal): Promise<ModelInfo> {
    let p = this.info.get(model);
    if (!p) {
      p = this.call(signal, 'show', (c) => c.show({ model }), model).then((show) => {
        const info = (show.model_info ?? {}) as unknown as Json;
        const arch = String(info['general.architecture'] ?? '');
        const ctx = Number(info[`${arch}.context_length`] ?? 0);
        const family = String(show.details?.family ?? arch).toLowerCase();
        // The window requests run with (num_ctx); FIM only for models with the insert capability that are not a Phi.
        return { name: model, contextLength: numCtxFor(ctx, this.o.contextWindow), fim: (show.capabilities ?? []).includes('insert') && !isPhiModel(`${model} ${family}`), family };
      });
      this.info.set(model, p);
      p.catch(() => this.info.delete(model));
    }
    return p;
  }

  /** num_ctx for `model`: the override, or the model's context length. */
  private async numCtx(model: string, signal: AbortSignal): Promise<number> {
    if (this.o.contextWindow && this.o.contextWindow > 0) return this.o.contextWindow;
    return (await this.modelInfo(model, signal)).contextLength;
  }

  /** The one option set every feature sends: num_ctx plus sampling fields only. */
  private options(numCtx: number, s: SamplingOptions): Json {
    const o: Json = { num_ctx: numCtx, num_predict: s.maxTokens, temperature: s.temperature };
    if (s.stop?.length) o.stop = s.stop;
    return o;
  }

  complete(req: RawCompletionRequest): AsyncIterable<StreamEvent> {
    return timed(performance.now(), this.stream(req, 'generate', { prompt: req.prompt, raw: true }));
  }

  infill(req: InfillRequest): AsyncIterable<StreamEvent> {
    const extra = (req.extra ?? []).map((e) => `${e.filename}\n${e.text}\n\n`).join('');
    // Ollama applies the FIM template only when `suffix` is not empty (server/routes.go); at the end of a file an empty
    // suffix would make the request a chat turn. A newline is what follows the cursor there anyway.
    return timed(performance.now(), this.stream(req, 'generate', { prompt: extra + req.prefix, suffix: req.suffix || '\n' }));
  }

  chat(req: ChatRequest): AsyncIterable<StreamEvent> {
    return timed(performance.now(), this.stream(req, 'chat', { messages: req.messages }));
  }

  private async *stream(req: RawCompletionRequest | InfillRequest | ChatRequest, api: 'generate' | 'chat', fields: Json): AsyncGenerator<StreamEvent> {
    const ctl = new RequestControl(req.signal, withAnswerDeadline(streamDeadlines(this.o), req.sampling.maxTokens));
    let it: AbortableAsyncIterator<OllamaPart> | undefined;
    ctl.onAbort(() => it?.abort());
    try {
      const numCtx = await this.numCtx(req.model, ctl.signal);
      const keepAlive = keepAliveValue(this.o.keepAlive);
      const body = { model: req.model, ...fields, stream: true as const, ...(keepAlive === undefined ? {} : { keep_alive: keepAlive }), options: this.options(numCtx, req.sampling) };
      const client = this.client(ctl);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      it = (api === 'chat' ? await client.chat(body as any) : await client.generate(body as any)) as unknown as AbortableAsyncIterator<OllamaPart>;
      let streamed = '';
      try {
        for await (const part of it) {
          ctl.touch();
          const text = api === 'chat' ? part.message?.content : part.response;
          if (text) {
            streamed += text;
            yield { type: 'text', text };
          }
          if (part.done) {
            yield {
              type: 'done',
              usage: { promptTokens: part.prompt_eval_count ?? req.promptTokens ?? 0, completionTokens: part.eval_count ?? 0, timeToFirstTokenMs: 0, totalMs: 0, stopReason: part.done_reason === 'length' ? lengthStop(part.eval_count, req.sampling.maxTokens) : 'stop' },
            };
            return;
          }
        }
      } catch (err) {
        // Ollama's repeated-token guard: older servers end the stream without `done` (the client throws "did not
        // receive done"), newer ones send {"error":"prediction aborted, token repeat limit reached"}. Either way the
        // text already streamed is the answer: keep it.
        if (!streamed || !/did not receive done|token repeat limit/i.test(err instanceof Error ? err.message : String(err))) throw err;
      }
      if (streamed) {
        this.o.logger?.warn(`ollama ${api}: the stream ended without its final "done" line (Ollama cuts an answer off when a token repeats more than 30 times); the ${streamed.length} characters received are kept`);
        yield { type: 'done', usage: { promptTokens: req.promptTokens ?? 0, completionTokens: countTokens(streamed), timeToFirstTokenMs: 0, totalMs: 0, stopReason: 'length' } };
        return;
      }
      throw new BackendError('malformed', 'Ollama: the stream ended without its final "done" line');
    } catch (err) {
      throw this.mapError(err, ctl, api, req.model);
    } finally {
      ctl.dispose();
      it?.abort();
    }
  }

  async pull(model: string, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    const ctl = new RequestControl(signal, streamDeadlines(this.o));
    let it: AbortableAsyncIterator<{ status: string; total?: number; completed?: number }> | undefined;
    ctl.onAbort(() => it?.abort());
    try {
      it = await this.client(ctl).pull({ model, stream: true });
      for await (const p of it) {
        ctl.touch();
        onProgress({ status: p.status, total: p.total || undefined, completed: p.total ? p.completed : undefined });
        if (p.status === 'success') break;
      }
      this.info.delete(model);
    } catch (err) {
      throw pullError(this.mapError(err, ctl, 'pull', model), model);
    } finally {
      ctl.dispose();
    }
  }

  private mapError(err: unknown, ctl: RequestControl, what: string, model?: string): BackendError {
    const mine = ctl.abortError(`Ollama ${what}`);
    if (mine) return mine;
    if (err instanceof BackendError) return err;
    const e = err as { name?: string; message?: string; status_code?: number; error?: string };
    if (e?.name === 'ResponseError' && typeof e.status_code === 'number') {
      const msg = String(e.error ?? e.message ?? '');
      const s = e.status_code;
      if (s === 404 && /model/i.test(msg)) return new BackendError('model-missing', `Model "${model ?? '?'}" is not installed in Ollama — pull it with \`ollama pull ${model ?? '<model>'}\``, s, model);
      if (s === 400 && /does not support insert/.test(msg)) return new BackendError('no-fim', `"${model}" cannot fill in the middle (Ollama: ${msg})`, s, model);
      if (s === 400 && /context length|longer than the context/i.test(msg)) return new BackendError('context-overflow', `Ollama: ${msg}`, s);
      if (s === 401 || s === 403) return new BackendError('auth', `Ollama rejected the request (${msg})`, s);
      if (s === 503 || s === 429) return new BackendError('busy', `Ollama is busy (${msg})`, s);
      return new BackendError('server', `Ollama ${what}: ${msg} (HTTP ${s})`, s);
    }
    if (isFetchAbort(err)) return new BackendError('aborted', `Ollama ${what}: cancelled`);
    if (networkCode(err)) return new BackendError('offline', offlineMessage('ollama', this.endpoint, ctl.started));
    const msg = err instanceof Error ? err.message : String(err);
    if (/did not receive done|missing body/i.test(msg)) return new BackendError('malformed', `Ollama: the stream ended without its final "done" line`);
    return new BackendError('server', `Ollama reported an error: ${msg}`);
  }
}

/**
 * What a failed pull means. Ollama answers an unknown model with `pull model manifest: file does not exist`; when it
 * cannot reach its registry it passes Go's network error on (`pull model manifest: Get "https://registry.ollama.ai/…":
 * dial tcp: lookup registry.ollama.ai: no such host`, `… i/o timeout`, `max retries exceeded: …`): that is no network,
 * not a missing model.
 */
export function pullError(e: BackendError, model: string): BackendError {
  if (e.code !== 'server') return e;
  if (/dial tcp|no such host|i\/o timeout|network is unreachable|no route to host|connection refused|connection reset|server misbehaving|TLS handshake|max retries exceeded|context deadline exceeded|getaddrinfo/i.test(e.message)) {
    return new BackendError('server', `Ollama could not reach its model registry to pull "${model}" (no network, or a proxy or DNS problem): ${e.message}`, e.status, model);
  }
  if (/file does not exist/.test(e.message)) return new BackendError('model-missing', `Ollama cannot pull "${model}": no such model in the registry (${e.message})`, e.status, model);
  return e;
}
