import { capText, SERVER_MESSAGE_MAX_CHARS } from '../untrusted';

/** Every failure a backend can report, each with a message a user can act on. */
export type BackendErrorCode =
  | 'offline' // connection refused / DNS / reset before any answer
  | 'loading' // server up but the model is still loading (llama.cpp 503)
  | 'model-missing' // Ollama 404 model not found
  | 'no-fim' // model cannot fill in the middle (Ollama "does not support insert", llama.cpp 501)
  | 'context-overflow' // prompt longer than the window (llama.cpp 400 exceed_context_size_error, or our own guard)
  | 'malformed' // a stream or body we cannot parse, or a stream that ended without its final chunk
  | 'timeout' // nothing arrived for too long
  | 'aborted' // the caller aborted
  | 'auth' // 401/403
  | 'busy' // 503 queue full / 429
  | 'server' // any other error the server sent
  | 'unsupported'; // operation this backend does not have

/**
 * Messages are capped (they often quote what a server sent, which can be megabytes); `model` is the model the
 * failed request was for, so a "Pull" offer names the model that is actually missing.
 */
export class BackendError extends Error {
  constructor(
    readonly code: BackendErrorCode,
    message: string,
    readonly status?: number,
    readonly model?: string,
  ) {
    super(capText(message, SERVER_MESSAGE_MAX_CHARS));
    this.name = 'BackendError';
  }
}

/** A 401/403 from the server: the API key was wrong or missing (an endpoint we refuse to use is 'auth' without a status). */
export function isKeyRejected(err: unknown): boolean {
  return err instanceof BackendError && err.code === 'auth' && (err.status === 401 || err.status === 403);
}

/** The health state a failed check means: loading, API key rejected, model missing, or (anything else) offline. */
export function healthStateOf(err: unknown): 'loading' | 'key-rejected' | 'model-missing' | 'offline' {
  if (!(err instanceof BackendError)) return 'offline';
  if (err.code === 'loading' || err.code === 'model-missing') return err.code;
  return isKeyRejected(err) ? 'key-rejected' : 'offline';
}

export function isAbortError(err: unknown): boolean {
  return (err instanceof BackendError && err.code === 'aborted') || (err instanceof Error && err.name === 'AbortError');
}
