/** Turns any error a backend call raised into one user-facing problem: a stable key, a message, the status it implies. */
import { BackendError } from '../core/backends/errors';
import type { BackendKind, BackendState } from '../core/backends/types';

export interface Problem {
  /** Same key = same problem: notified once until cleared. */
  key: string;
  message: string;
  /** The backend status this problem implies, if any. */
  state?: BackendState;
  /** Set when the problem is a missing model that could be pulled. */
  model?: string;
}

export function describeKind(kind: BackendKind): string {
  return kind === 'ollama' ? 'Ollama' : kind === 'llamacpp' ? 'llama.cpp server' : 'OpenAI-compatible server';
}

export function problemFor(err: unknown, feature: string, chatModel: string): Problem {
  if (!(err instanceof BackendError)) {
    const message = err instanceof Error ? err.message : String(err);
    return { key: `unexpected:${feature}:${message}`, message: `${feature} failed: ${message}` };
  }
  switch (err.code) {
    case 'offline':
      return { key: 'offline', message: err.message, state: 'offline' };
    case 'loading':
      return { key: 'loading', message: err.message, state: 'loading' };
    case 'model-missing': {
      const model = /model ['"]?([^'"\s]+)['"]? not found/i.exec(err.message)?.[1] ?? chatModel;
      return { key: `model-missing:${model}`, message: err.message, state: 'model-missing', model };
    }
    case 'no-fim':
      return { key: `no-fim:${feature}`, message: `${err.message} Phi Coder falls back to its hole-filling prompt.` };
    default:
      return { key: `${err.code}:${feature}`, message: `${feature}: ${err.message}` };
  }
}
