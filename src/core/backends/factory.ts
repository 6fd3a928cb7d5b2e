/** Build the backend for the user's settings. Wrap it with guardBackend() for logging and the overflow guard. */
import { DEFAULT_ENDPOINTS } from '../config';
import type { Logger } from '../log';
import { checkEndpoint } from './endpoint';
import { LlamaCppBackend } from './llamacpp';
import { OllamaBackend } from './ollama';
import { OpenAIBackend } from './openai';
import type { FetchLike } from './request';
import type { Backend, BackendKind } from './types';

export interface BackendConfig {
  kind: BackendKind;
  /** Base URL; empty = the kind's default on loopback. */
  endpoint: string;
  apiKey?: string;
  /** Ollama keep_alive ("30m", "-1", ...). */
  keepAlive: string;
  /** Context window override; 0 or undefined = discover from the server. */
  contextWindow?: number;
  /** A stream that sends nothing for this long fails with 'timeout'. */
  idleTimeoutMs: number;
  /** A request whose answer has not started after this long fails with 'timeout' (default DEFAULT_FIRST_BYTE_MS). */
  firstByteTimeoutMs?: number;
  logger: Logger;
  fetch?: FetchLike;
}

/** Throws BackendError 'auth' for an endpoint with a user name or password in it (see endpoint.ts). */
export function createBackend(c: BackendConfig): Backend {
  const endpoint = c.endpoint.trim() || DEFAULT_ENDPOINTS[c.kind];
  checkEndpoint(endpoint);
  const common = { endpoint, apiKey: c.apiKey || undefined, contextWindow: c.contextWindow && c.contextWindow > 0 ? c.contextWindow : undefined, idleTimeoutMs: c.idleTimeoutMs, firstByteTimeoutMs: c.firstByteTimeoutMs, fetch: c.fetch, logger: c.logger };
  c.logger.debug(`backend: ${c.kind} at ${endpoint}${common.contextWindow ? `, context window ${common.contextWindow} (override)` : ''}${common.apiKey ? ', with API key' : ''}`);
  switch (c.kind) {
    case 'ollama':
      return new OllamaBackend({ ...common, keepAlive: c.keepAlive });
    case 'llamacpp':
      return new LlamaCppBackend(common);
    case 'openai':
      return new OpenAIBackend(common);
  }
}
