/**
 * TEST DOUBLE: public types of the LLM-server simulator (test/sim). Other tests, the UI suite and the benchmarks
 * code against these names; extend additively only.
 */

export type SimKind = 'ollama' | 'llamacpp' | 'openai';

/** A model the simulated server has. phi4: { name: 'phi4', contextLength: 16384, capabilities: ['completion'], family: 'phi3' }. */
export interface SimModel {
  name: string;
  contextLength: number;
  /** Ollama capability names: 'completion', 'insert' (FIM), 'tools', ... On llama.cpp 'insert' means the model has FIM tokens. */
  capabilities: string[];
  family: string;
}

/** One generation request as the simulator received it (after parsing, before answering). */
export interface SimRequest {
  kind: SimKind;
  /** Path, e.g. '/api/generate', '/completion', '/v1/chat/completions'. */
  endpoint: string;
  model: string;
  /** The raw prompt (Ollama generate, llama.cpp /completion, /v1/completions; for /infill the input_prefix). */
  prompt?: string;
  suffix?: string;
  messages?: { role: string; content: string }[];
  /** The parsed JSON body exactly as sent. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** Request headers (lower-case names). */
  headers?: Record<string, string | string[] | undefined>;
  /** Prompt tokens the server evaluated in total (after any silent truncation). */
  promptTokens?: number;
  /** Ollama only: the prompt was longer than num_ctx allows and was silently truncated. */
  truncated?: boolean;
  /** Ollama only: the prompt as the model's template rendered it. */
  rendered?: string;
}

export type SimReply =
  | string
  | {
      /** Answer text; streamed one token per chunk. */
      text?: string;
      /** Exact chunks to stream instead of `text`. */
      chunks?: string[];
      /** Answer with this HTTP status and an error body in the server's shape (with `error` as the message). */
      status?: number;
      /** Without `status`: an error sent mid-stream (status 200) after `errorAfterChunks` chunks. */
      error?: string;
      errorAfterChunks?: number;
      /** llama.cpp: mid-stream error framing, 'new' = `data: {"error":{...}}` (default), 'old' = `error: {...}`. */
      errorStyle?: 'old' | 'new';
      /** Send the chunks, then keep the connection open forever (until the client goes away). */
      hang?: boolean;
      /** Send the chunks, then end the response without the final chunk. */
      truncateStream?: boolean;
      /** Send the chunks, then one line/event that is not JSON, then finish normally. */
      malformed?: boolean;
      /** SSE kinds: send this many `: ping` comment lines before the first chunk. */
      comments?: number;
    };

export type Responder = (req: SimRequest) => SimReply | Promise<SimReply>;

export interface SimStats {
  /** Generation requests received (generate/chat/completion/infill/chat-completions/completions). */
  requests: number;
  /** Generation requests whose client went away before the answer was complete. */
  aborted: number;
  /** Generation requests in flight now, and the most at once. */
  open: number;
  maxOpen: number;
  /** Prompt tokens received in total, those actually prefilled, and those reused from a slot's KV cache. */
  promptTokens: number;
  prefilledTokens: number;
  cachedTokens: number;
  /** Ollama: model loads (first use, or a reload because num_ctx changed, or after keep_alive expired). */
  loads: number;
  /** Generation requests that completed with their final chunk. */
  completed: number;
}

export interface SimTiming {
  /** Time to load a model (Ollama: first request / reload; llama.cpp: /health 503 after start). Default 0. */
  loadMs?: number;
  /** Prompt processing speed. Default 2500 tokens/s. */
  prefillTokPerSec?: number;
  /** Generation speed. Default 45 tokens/s. */
  decodeTokPerSec?: number;
  /** Multiplies every delay: 0 = no delays (unit tests), 1 = real time (benchmarks, `npm run sim`). Default 1. */
  timeScale?: number;
  /** Parallel slots, each with its own KV cache. Default 1. */
  slots?: number;
}

export interface SimOptions {
  kind: SimKind;
  port?: number;
  models?: SimModel[];
  reply?: Responder | SimReply;
  timing?: SimTiming;
  /** Require `Authorization: Bearer <apiKey>` (llama.cpp --api-key, OpenAI-compatible servers). */
  apiKey?: string;
  /** Ollama: models `/api/pull` can download. Default: phi4, phi4-mini, qwen2.5-coder:1.5b. */
  registry?: SimModel[];
  /**
   * Ollama: write each NDJSON line in pieces of 1-7 bytes (seeded by this number), one per event-loop turn, so lines
   * and UTF-8 characters are split at arbitrary chunk boundaries, as a slow link or a proxy delivers them.
   */
  splitChunks?: number;
  /** Ollama: the registry cannot be reached (no network): /api/pull fails with Go's DNS error, as Ollama passes it on. */
  registryOffline?: boolean;
  /** Ollama: num_ctx used when a request does not send one (the server default). Default 4096. */
  defaultNumCtx?: number;
  /**
   * OpenAI-compatible kind: which server it imitates. 'vllm' (default) lists `max_model_len` in /v1/models; 'lmstudio'
   * lists no window there and answers LM Studio's own `/api/v0/models` (`max_context_length`, `loaded_context_length`,
   * `arch`).
   */
  openaiFlavour?: 'vllm' | 'lmstudio';
  /** llama.cpp: the served window per slot (`-c`), below the model's training window; default the training window. */
  nCtx?: number;
  /** Ollama: the version /api/version reports. Default 0.12.3 (the last with silent truncation). */
  version?: string;
}

export interface Simulator {
  url: string;
  port: number;
  kind: SimKind;
  stats: SimStats;
  /** Generation requests, oldest first. */
  requests: SimRequest[];
  /** Every API request (including /api/show, /props, /health, ...), oldest first; control paths excluded. */
  allRequests: { method: string; endpoint: string; body: unknown; headers: Record<string, string | string[] | undefined> }[];
  /** A responder, a fixed text, or one fixed reply object (e.g. {status: 503, error: '...'}). */
  setReply(r: Responder | SimReply): void;
  setModels(m: SimModel[]): void;
  setLoading(loading: boolean): void;
  resetStats(): void;
  close(): Promise<void>;
}

export const PHI4_MODEL: SimModel = { name: 'phi4', contextLength: 16384, capabilities: ['completion'], family: 'phi3' };
export const PHI4_MINI_MODEL: SimModel = { name: 'phi4-mini', contextLength: 131072, capabilities: ['completion', 'tools'], family: 'phi3' };
export const QWEN_CODER_MODEL: SimModel = { name: 'qwen2.5-coder:1.5b', contextLength: 32768, capabilities: ['completion', 'insert'], family: 'qwen2' };
/** A model whose vocabulary has no FIM tokens (llama.cpp /infill answers 501). */
export const LLAMA3_MODEL: SimModel = { name: 'llama3.2', contextLength: 131072, capabilities: ['completion', 'tools'], family: 'llama' };
