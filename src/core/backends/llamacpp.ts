/**
 * llama.cpp's llama-server: `/completion` (SSE, `cache_prompt: true`, `id_slot` to pin a slot's KV cache),
 * `/infill` for FIM models, `/v1/chat/completions` for chat, `/props` for n_ctx, `/health` (503 while loading).
 *
 * FIM is decided from what the server reports, without generating anything: the model's file name and alias and its
 * chat template (`/props`) name the family (never FIM for a Phi: Phi-4's vocabulary has FIM tokens it was not trained
 * on), and `/tokenize` confirms that the family's FIM marker is one token of the loaded vocabulary.
 */
import { isValidModelId } from '../untrusted';
import { BackendError, healthStateOf } from './errors';
import { errorMessage, errorType, HttpClient, parseEventJson } from './httpClient';
import { openaiEvents } from './openaiStream';
import { streamDeadlines } from './deadlines';
import { shortName, timed, type HttpBackendOptions } from './request';
import { fimTemplateFor, isPhiModel, type FimTemplate } from '../completion/fimTemplates';
import type { SseItem } from './sse';
import { lengthStop, type Backend, type ChatRequest, type HealthReport, type InfillRequest, type ModelInfo, type RawCompletionRequest, type StreamEvent } from './types';

export type LlamaCppOptions = HttpBackendOptions;

type Json = Record<string, unknown>;

export function mapLlamaCppStatus(status: number, body: unknown, path: string): BackendError {
  const msg = errorMessage(body) || `HTTP ${status}`;
  const type = errorType(body);
  if (type.includes('exceed_context_size_error') || /exceeds the available context size/i.test(msg)) return new BackendError('context-overflow', `llama.cpp: the prompt is longer than the context window (${msg})`, status);
  if (status === 501 || type.includes('not_supported_error')) return new BackendError('no-fim', `llama.cpp: this model cannot fill in the middle (${msg})`, status);
  if (status === 503) return new BackendError('loading', `llama.cpp is still loading the model (${msg})`, status);
  if (status === 401 || status === 403) return new BackendError('auth', `llama.cpp rejected the API key (${msg}) — set it with "Phi Coder: Set API Key"`, status);
  if (status === 429) return new BackendError('busy', `llama.cpp is busy (${msg})`, status);
  if (status === 404) return new BackendError('server', `llama.cpp has no ${path} endpoint (HTTP 404) — is this a llama-server?`, status);
  return new BackendError('server', `llama.cpp ${path}: ${msg}`, status);
}

function streamError(body: unknown): BackendError {
  const e = mapLlamaCppStatus(0, body, 'stream');
  return e.code === 'server' ? new BackendError('server', `llama.cpp reported an error mid-stream: ${errorMessage(body) || JSON.stringify(body)}`) : e;
}

export class LlamaCppBackend implements Backend {
  readonly kind = 'llamacpp' as const;
  readonly endpoint: string;
  private readonly http: HttpClient;
  private fim: Promise<FimTemplate | undefined> | undefined;

  constructor(private readonly o: LlamaCppOptions) {
    this.http = new HttpClient({ kind: 'llamacpp', endpoint: o.endpoint, apiKey: o.apiKey, fetch: o.fetch ?? fetch, stream: streamDeadlines(o), logger: o.logger, mapStatus: mapLlamaCppStatus });
    this.endpoint = this.http.base;
  }

  async health(_model: string, signal?: AbortSignal): Promise<HealthReport> {
    try {
      await this.http.json('/health', undefined, signal, 5000);
      return { state: 'ready', detail: `llama.cpp at ${this.endpoint} is ready` };
    } catch (err) {
      const e = err instanceof BackendError ? err : new BackendError('server', String(err));
      const state = healthStateOf(e);
      return { state: state === 'model-missing' ? 'offline' : state, detail: e.message };
    }
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    const r = await this.http.json<{ data?: { id: string }[] }>('/v1/models', undefined, signal);
    // llama-server lists the GGUF's absolute path: its file name is the model's name.
    return (r.data ?? []).map((m) => shortName(String(m.id))).filter(isValidModelId);
  }

  async modelInfo(model: string, signal?: AbortSignal): Promise<ModelInfo> {
    const props = await this.http.json<Json>('/props', undefined, signal);
    const settings = (props.default_generation_settings ?? {}) as Json;
    const nCtx = Number(settings.n_ctx ?? props.n_ctx ?? 0);
    const file = shortName(String(props.model_path ?? ''));
    const alias = typeof props.model_alias === 'string' ? shortName(props.model_alias) : '';
    const fim = await this.detectFim(`${file} ${alias}`, String(props.chat_template ?? ''), signal);
    return {
      name: model || file || 'model',
      contextLength: this.o.contextWindow && this.o.contextWindow > 0 ? this.o.contextWindow : nCtx,
      fim: fim !== undefined,
      family: fim?.id ?? '',
      ...(file && file !== model ? { served: file } : {}),
    };
  }

  /** The FIM template of the loaded model, when its names say which family it is and its vocabulary has the tokens. */
  private detectFim(names: string, chatTemplate: string, signal?: AbortSignal): Promise<FimTemplate | undefined> {
    this.fim ??= (async () => {
      if (isPhiModel(names) || isPhiModel(chatTemplate)) return undefined;
      const t = fimTemplateFor({ name: names, family: '' });
      if (!t) return undefined;
      const r = await this.http.json<{ tokens?: unknown[] }>('/tokenize', { content: t.marker, parse_special: true }, signal);
      return Array.isArray(r.tokens) && r.tokens.length === 1 ? t : undefined;
    })().catch((err) => {
      this.fim = undefined;
      throw err;
    });
    return this.fim;
  }

  complete(req: RawCompletionRequest): AsyncIterable<StreamEvent> {
    const body: Json = { prompt: req.prompt, ...this.sampling(req), stream: true, cache_prompt: true };
    if (req.slotId !== undefined) body.id_slot = req.slotId;
    return timed(performance.now(), this.completionEvents(this.http.sse('/completion', body, req.signal, req.sampling.maxTokens), req.sampling.maxTokens));
  }

  infill(req: InfillRequest): AsyncIterable<StreamEvent> {
    const body: Json = { input_prefix: req.prefix, input_suffix: req.suffix, input_extra: req.extra ?? [], prompt: '', ...this.sampling(req), stream: true, cache_prompt: true };
    if (req.slotId !== undefined) body.id_slot = req.slotId;
    return timed(performance.now(), this.completionEvents(this.http.sse('/infill', body, req.signal, req.sampling.maxTokens), req.sampling.maxTokens));
  }

  chat(req: ChatRequest): AsyncIterable<StreamEvent> {
    const body: Json = {
      messages: req.messages,
      max_tokens: req.sampling.maxTokens,
      temperature: req.sampling.temperature,
      stream: true,
      stream_options: { include_usage: true },
      cache_prompt: true,
    };
    if (req.sampling.stop?.length) body.stop = req.sampling.stop;
    return timed(performance.now(), openaiEvents(this.http.sse('/v1/chat/completions', body, req.signal, req.sampling.maxTokens), { kind: 'llama.cpp', chat: true, promptTokens: req.promptTokens, maxTokens: req.sampling.maxTokens, streamError }));
  }

  private sampling(req: RawCompletionRequest | InfillRequest): Json {
    const s: Json = { n_predict: req.sampling.maxTokens, temperature: req.sampling.temperature };
    if (req.sampling.stop?.length) s.stop = req.sampling.stop;
    return s;
  }

  private async *completionEvents(items: AsyncIterable<SseItem>, maxTokens: number): AsyncGenerator<StreamEvent> {
    for await (const item of items) {
      if (item.kind === 'comment') continue;
      if (item.kind === 'error-field') throw streamError(safeJson(item.value));
      const chunk = parseEventJson('llama.cpp', item.data);
      if (chunk.error !== undefined) throw streamError(chunk);
      if (typeof chunk.content === 'string' && chunk.content) yield { type: 'text', text: chunk.content };
      if (chunk.stop === true) {
        const t = (chunk.timings ?? {}) as Json;
        yield {
          type: 'done',
          usage: {
            promptTokens: num(chunk.tokens_evaluated) ?? (num(t.prompt_n) ?? 0) + (num(t.cache_n) ?? 0),
            completionTokens: num(chunk.tokens_predicted) ?? num(t.predicted_n) ?? 0,
            cachedTokens: num(t.cache_n),
            timeToFirstTokenMs: 0,
            totalMs: 0,
            stopReason: chunk.stop_type === 'limit' ? lengthStop(num(chunk.tokens_predicted) ?? num(t.predicted_n), maxTokens, chunk.truncated === true) : 'stop',
          },
        };
        return;
      }
    }
    throw new BackendError('malformed', 'llama.cpp: the stream ended before its final chunk (stop: true)');
  }
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return { error: s };
  }
}
