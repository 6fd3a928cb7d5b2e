/**
 * The one interface every backend implements. Pure TypeScript: no `vscode` import.
 * Every call takes an AbortSignal; aborting closes the underlying socket.
 */

export type BackendKind = 'ollama' | 'llamacpp' | 'openai';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Sampling options. The same object is built for every feature so Ollama never reloads the model. */
export interface SamplingOptions {
  /** Most tokens to generate. */
  maxTokens: number;
  temperature: number;
  stop?: string[];
}

interface RequestBase {
  model: string;
  sampling: SamplingOptions;
  signal?: AbortSignal;
  /** Tokens in the prompt as counted by the caller (cl100k); used for the overflow guard and logs. */
  promptTokens?: number;
  /** Feature that sent the request, for the log ("completion", "chat", "action:refactor", ...). */
  feature?: string;
}

/** A prompt the caller already rendered (e.g. Phi-4 chat format sent raw). */
export interface RawCompletionRequest extends RequestBase {
  prompt: string;
  /** llama.cpp: pin the request to one slot so its KV cache is reused across keystrokes. */
  slotId?: number;
}

/** Native fill-in-the-middle for models trained for it (Ollama `suffix`, llama.cpp `/infill`). */
export interface InfillRequest extends RequestBase {
  prefix: string;
  suffix: string;
  /** Extra files given to llama.cpp's /infill as input_extra; other backends put them in the prefix. */
  extra?: { filename: string; text: string }[];
  slotId?: number;
}

export interface ChatRequest extends RequestBase {
  messages: ChatMessage[];
}

/**
 * Why an answer ended: 'stop' (an end token or stop string), 'length' (the answer's own token limit), 'window' (the
 * context window filled before that limit: prompt + answer reached the server's n_ctx / num_ctx), 'abort' (the caller).
 */
export type StopReason = 'stop' | 'length' | 'window' | 'abort';

/**
 * A length stop as the servers report it (llama.cpp `stop_type: "limit"`, Ollama `done_reason: "length"`, OpenAI
 * `finish_reason: "length"`): every one says the same for "max tokens reached" and "window full", so it is the
 * window when the server says it truncated (llama.cpp `truncated`) or stopped before the tokens asked for.
 */
export function lengthStop(completionTokens: number | undefined, maxTokens: number | undefined, truncated = false): StopReason {
  if (truncated) return 'window';
  return completionTokens !== undefined && maxTokens !== undefined && maxTokens > 0 && completionTokens < maxTokens ? 'window' : 'length';
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the server reused from its KV cache (llama.cpp `tokens_cached`/`timings.cache_n`), when reported. */
  cachedTokens?: number;
  timeToFirstTokenMs: number;
  totalMs: number;
  stopReason: StopReason;
}

export type StreamEvent = { type: 'text'; text: string } | { type: 'done'; usage: Usage };

export interface ModelInfo {
  name: string;
  /** Context window in tokens as the server reports it (Ollama /api/show, llama.cpp /props n_ctx). */
  contextLength: number;
  /** Native fill-in-the-middle available (Ollama "insert" capability, llama.cpp FIM tokens). */
  fim: boolean;
  /** Model family for FIM templates, e.g. "qwen2", "phi3", lower-case; empty when unknown. */
  family: string;
  /**
   * The model the server actually serves when it serves one model whatever a request names (llama-server's GGUF file,
   * a single-model OpenAI-compatible server): shown in the status bar, and sent as `model` where the server checks it.
   */
  served?: string;
}

/** `key-rejected`: the server answered 401/403 (a wrong or missing API key), not that it is unreachable. */
export type BackendState = 'ready' | 'loading' | 'offline' | 'model-missing' | 'key-rejected';

export interface HealthReport {
  state: BackendState;
  detail: string;
}

export interface PullProgress {
  status: string;
  total?: number;
  completed?: number;
}

export interface Backend {
  readonly kind: BackendKind;
  readonly endpoint: string;
  /** Is the server up, loading, or is `model` missing? Never throws. */
  health(model: string, signal?: AbortSignal): Promise<HealthReport>;
  listModels(signal?: AbortSignal): Promise<string[]>;
  modelInfo(model: string, signal?: AbortSignal): Promise<ModelInfo>;
  complete(req: RawCompletionRequest): AsyncIterable<StreamEvent>;
  infill(req: InfillRequest): AsyncIterable<StreamEvent>;
  chat(req: ChatRequest): AsyncIterable<StreamEvent>;
  /** Download a model (Ollama only; others throw BackendError 'unsupported'). */
  pull?(model: string, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void>;
}
