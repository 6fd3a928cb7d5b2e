/** Turns any error a backend call raised into one user-facing problem: a stable key, a message, the status it implies. */
import { BackendError, isKeyRejected } from '../core/backends/errors';
import type { BackendKind, BackendState } from '../core/backends/types';
import { inertText, isValidModelId } from '../core/untrusted';

export interface Problem {
  /** Same key = same problem: notified once until cleared. */
  key: string;
  /** Safe to show: single-line, capped, no link syntax (server text is quoted in it). */
  message: string;
  /** The whole message, for the log. */
  fullMessage: string;
  /** The backend status this problem implies, if any. */
  state?: BackendState;
  /** Set when the problem is a missing model that could be pulled. */
  model?: string;
}

export function describeKind(kind: BackendKind): string {
  return kind === 'ollama' ? 'Ollama' : kind === 'llamacpp' ? 'llama.cpp server' : 'OpenAI-compatible server';
}

/**
 * The problem an error means. Error messages quote what the server sent, so the message is made inert here (the
 * Notifier does it again for every notification); the model a Pull would fetch is the one the failed request was
 * for (`BackendError.model`), and only ever a well-formed model id.
 */
export function problemFor(err: unknown, feature: string, chatModel: string): Problem {
  const p = rawProblem(err, feature, chatModel);
  const model = p.model !== undefined && isValidModelId(p.model) ? p.model : undefined;
  return { ...p, message: inertText(p.message), fullMessage: p.message, model };
}

function rawProblem(err: unknown, feature: string, chatModel: string): Omit<Problem, 'fullMessage'> {
  if (!(err instanceof BackendError)) {
    const message = err instanceof Error ? err.message : String(err);
    return { key: `unexpected:${feature}:${message}`, message: `${feature} failed: ${message}` };
  }
  switch (err.code) {
    case 'offline':
      return { key: 'offline', message: err.message, state: 'offline' };
    case 'loading':
      return { key: 'loading', message: err.message, state: 'loading' };
    case 'auth':
      // A 401/403 is a key the server refused; an endpoint we refuse to use (also 'auth') is a settings problem.
      return isKeyRejected(err) ? { key: 'key-rejected', message: err.message, state: 'key-rejected' } : { key: `auth:${feature}`, message: `${feature}: ${err.message}` };
    case 'model-missing': {
      const model = err.model ?? /model ['"]?([^'"\s]+)['"]? not found/i.exec(err.message)?.[1] ?? chatModel;
      return { key: `model-missing:${model}`, message: err.message, state: 'model-missing', model };
    }
    case 'no-fim':
      return { key: `no-fim:${feature}`, message: `${err.message} Phi Coder falls back to its hole-filling prompt.` };
    default:
      return { key: `${err.code}:${feature}`, message: `${feature}: ${err.message}` };
  }
}
