/**
 * Any OpenAI-compatible server (vLLM, LM Studio, llama.cpp's /v1, a team's GPU server): `/v1/chat/completions`
 * and `/v1/completions` streamed as SSE until `data: [DONE]`, `/v1/models`, bearer key. No FIM endpoint: a coder model
 * of a known family gets its FIM template rendered into a raw /v1/completions prompt (see buildPrompt).
 * `endpoint` is the server root (http://host:8000) or the API base (http://host:8000/v1); both work.
 */
import { PHI4_CONTEXT_WINDOW } from '../config';
import { isValidModelId } from '../untrusted';
import { fimTemplateFor } from '../completion/fimTemplates';
import { BackendError, healthStateOf } from './errors';
import { errorMessage, errorType, HttpClient } from './httpClient';
import { openaiEvents } from './openaiStream';
import { streamDeadlines } from './deadlines';
import { shortName, timed, type HttpBackendOptions } from './request';
import type { Backend, ChatRequest, HealthReport, InfillRequest, ModelInfo, RawCompletionRequest, StreamEvent } from './types';

export type OpenAIOptions = HttpBackendOptions;

type Json = Record<string, unknown>;

export function mapOpenAIStatus(status: number, body: unknown, path: string): BackendError {
  const msg = errorMessage(body) || `HTTP ${status}`;
  const type = errorType(body);
  if (/context_length_exceeded|exceed_context_size_error/.test(type) || /maximum context length|exceeds the available context size/i.test(msg)) return new BackendError('context-overflow', `the prompt is longer than the model's context window (${msg})`, status);
  if (status === 401 || status === 403) return new BackendError('auth', `the server rejected the API key (${msg}) — set it with "Phi Coder: Set API Key"`, status);
  if (status === 404 && /model/i.test(msg)) return new BackendError('model-missing', `model not found on the server (${msg})`, status);
  if (status === 429) return new BackendError('busy', `the server is busy (${msg})`, status);
  if (status === 503) return new BackendError(/load/i.test(msg) ? 'loading' : 'busy', `the server is unavailable (${msg})`, status);
  return new BackendError('server', `${path}: ${msg}`, status);
}

function streamError(body: unknown): BackendError {
  const e = mapOpenAIStatus(0, body, 'stream');
  return e.code === 'server' ? new BackendError('server', `the server reported an error mid-stream: ${errorMessage(body) || JSON.stringify(body)}`) : e;
}

export class OpenAIBackend implements Backend {
  readonly kind = 'openai' as const;
  readonly endpoint: string;
  private readonly http: HttpClient;
  /** Requested model -> the id of the only model a single-model server serves. */
  private readonly served = new Map<string, string>();
  private lmStudioList: Promise<Json[]> | undefined;

  constructor(private readonly o: OpenAIOptions) {
    const root = o.endpoint.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.http = new HttpClient({ kind: 'openai', endpoint: root, apiKey: o.apiKey, fetch: o.fetch ?? fetch, stream: streamDeadlines(o), logger: o.logger, mapStatus: mapOpenAIStatus });
    this.endpoint = this.http.base;
  }

  private async models(signal?: AbortSignal): Promise<Json[]> {
    const r = await this.http.json<{ data?: Json[] }>('/v1/models', undefined, signal);
    // Model ids end up in quick picks and messages: only well-formed ids are taken (llama-server lists the GGUF's
    // absolute path: its file name is what is shown).
    return Array.isArray(r.data) ? r.data.filter((m) => m && typeof m.id === 'string' && isValidModelId(shortName(m.id))) : [];
  }

  /**
   * The model entry a request for `model` is served by: the one with that id, or the only one when the server serves a
   * single model whatever a request names (llama-server lists its GGUF file; one-model vLLM / LM Studio setups).
   */
  private pick(list: Json[], model: string): Json | undefined {
    return list.find((m) => m.id === model) ?? (list.length === 1 ? list[0] : undefined);
  }

  async health(model: string, signal?: AbortSignal): Promise<HealthReport> {
    try {
      const list = await this.models(signal);
      if (model && list.length && !this.pick(list, model)) return { state: 'model-missing', detail: `${this.endpoint} does not serve "${model}" (it serves ${list.map((m) => shortName(String(m.id))).join(', ')})` };
      return { state: 'ready', detail: `${this.endpoint} is ready` };
    } catch (err) {
      const e = err instanceof BackendError ? err : new BackendError('server', String(err));
      const state = healthStateOf(e);
      return { state: state === 'model-missing' ? 'offline' : state, detail: e.message };
    }
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    return (await this.models(signal)).map((m) => (isValidModelId(String(m.id)) ? String(m.id) : shortName(String(m.id))));
  }

  async modelInfo(model: string, signal?: AbortSignal): Promise<ModelInfo> {
    const list = await this.models(signal);
    const m = this.pick(list, model);
    if (!m && list.length) throw new BackendError('model-missing', `${this.endpoint} does not serve "${model}"`, undefined, model);
    const id = m ? String(m.id) : model;
    if (id !== model) this.served.set(model, id);
    const meta = (m?.meta ?? {}) as Json;
    // The window the server runs with: llama.cpp's meta.n_ctx (not n_ctx_train), vLLM's max_model_len, LM Studio's
    // loaded context from its own /api/v0/models; the training window only when nothing else is known.
    const served = positive(meta.n_ctx) ?? positive(m?.max_model_len) ?? positive(m?.context_length) ?? (await this.lmStudioWindow(id, signal)) ?? positive(meta.n_ctx_train);
    const fim = fimTemplateFor({ name: id, family: (await this.lmStudioArch(id, signal)) ?? '' });
    return {
      name: model,
      contextLength: this.o.contextWindow && this.o.contextWindow > 0 ? this.o.contextWindow : (served ?? PHI4_CONTEXT_WINDOW),
      fim: fim !== undefined,
      family: fim?.id ?? '',
      ...(id !== model ? { served: shortName(id) } : {}),
    };
  }

  /** LM Studio's own model list (`/api/v0/models`): the loaded context length, the maximum, and the architecture. */
  private async lmStudio(id: string, signal?: AbortSignal): Promise<Json | undefined> {
    this.lmStudioList ??= this.http
      .json<{ data?: Json[] }>('/api/v0/models', undefined, signal, 5000)
      .then((r) => (Array.isArray(r.data) ? r.data : []))
      .catch(() => []);
    return (await this.lmStudioList).find((x) => x.id === id);
  }

  private async lmStudioWindow(id: string, signal?: AbortSignal): Promise<number | undefined> {
    const e = await this.lmStudio(id, signal);
    return positive(e?.loaded_context_length) ?? positive(e?.max_context_length);
  }

  private async lmStudioArch(id: string, signal?: AbortSignal): Promise<string | undefined> {
    const arch = (await this.lmStudio(id, signal))?.arch;
    return typeof arch === 'string' ? arch : undefined;
  }

  private body(req: RawCompletionRequest | ChatRequest): Json {
    const b: Json = { model: this.served.get(req.model) ?? req.model, max_tokens: req.sampling.maxTokens, temperature: req.sampling.temperature, stream: true, stream_options: { include_usage: true } };
    if (req.sampling.stop?.length) b.stop = req.sampling.stop;
    return b;
  }

  complete(req: RawCompletionRequest): AsyncIterable<StreamEvent> {
    const body = { ...this.body(req), prompt: req.prompt };
    return timed(performance.now(), openaiEvents(this.http.sse('/v1/completions', body, req.signal, req.sampling.maxTokens), { kind: 'openai', chat: false, promptTokens: req.promptTokens, maxTokens: req.sampling.maxTokens, streamError }));
  }

  chat(req: ChatRequest): AsyncIterable<StreamEvent> {
    const body = { ...this.body(req), messages: req.messages };
    return timed(performance.now(), openaiEvents(this.http.sse('/v1/chat/completions', body, req.signal, req.sampling.maxTokens), { kind: 'openai', chat: true, promptTokens: req.promptTokens, maxTokens: req.sampling.maxTokens, streamError }));
  }

  async *infill(_req: InfillRequest): AsyncGenerator<StreamEvent> {
    throw new BackendError('no-fim', 'OpenAI-compatible servers have no fill-in-the-middle endpoint; use a completion prompt instead');
  }
}

function positive(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : undefined;
}
