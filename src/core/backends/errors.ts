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

export class BackendError extends Error {
  constructor(
    readonly code: BackendErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

export function isAbortError(err: unknown): boolean {
  return (err instanceof BackendError && err.code === 'aborted') || (err instanceof Error && err.name === 'AbortError');
}
