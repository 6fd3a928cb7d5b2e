/** Turns a failed chat request into the sentence the chat view shows under the answer: what happened, what to do. */
import { BackendError } from '../backends/errors';

export function chatErrorText(err: unknown, model: string): string {
  if (!(err instanceof BackendError)) {
    const message = err instanceof Error ? err.message : String(err);
    return `The request failed unexpectedly: ${message}. See "Phi Coder: Show Log" for details.`;
  }
  switch (err.code) {
    case 'offline':
      return `No backend is reachable. ${err.message} Start Ollama (\`ollama serve\`) or llama-server, then press Re-check.`;
    case 'loading':
      return `The server is still loading the model. Try again in a few seconds. (${err.message})`;
    case 'model-missing':
      return `The model "${model}" is not installed on the server. Pull it (\`ollama pull ${model}\`) or pick another model. (${err.message})`;
    case 'context-overflow':
      return `The question and its context are longer than the model's window. Remove a context chip or shorten the question. (${err.message})`;
    case 'malformed':
      return `The server sent a response Phi Coder could not read; the answer may be incomplete. (${err.message})`;
    case 'timeout':
      return `The server sent nothing for too long and the request was abandoned (phiCoder.requestTimeoutSeconds). (${err.message})`;
    case 'aborted':
      return 'Stopped.';
    case 'auth':
      return `The server refused the request (${err.status ?? 'auth'}): check the API key with "Phi Coder: Set API Key".`;
    case 'busy':
      return `The server is busy (its queue is full). Try again shortly. (${err.message})`;
    case 'no-fim':
    case 'unsupported':
    case 'server':
      return `The server reported an error: ${err.message}`;
  }
}
