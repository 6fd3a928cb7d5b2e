/**
 * A byte-stream filter for Ollama's NDJSON answers, placed between fetch and the official client. The client skips
 * a line that is not JSON with a console warning; this turns such a line into BackendError 'malformed' instead, and
 * tells the idle watchdog that bytes arrived.
 */
import { BackendError } from './errors';

export function ndjsonGuard(onActivity: () => void): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let partial = '';
  const check = (line: string) => {
    if (!line.trim()) return;
    try {
      JSON.parse(line);
    } catch {
      throw new BackendError('malformed', `Ollama sent a line that is not JSON: ${line.slice(0, 120)}`);
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      onActivity();
      const text = partial + decoder.decode(chunk, { stream: true });
      const cut = text.lastIndexOf('\n');
      if (cut < 0) {
        partial = text;
        return;
      }
      const complete = text.slice(0, cut + 1);
      partial = text.slice(cut + 1);
      for (const line of complete.split('\n')) check(line);
      controller.enqueue(encoder.encode(complete));
    },
    flush(controller) {
      const rest = partial + decoder.decode();
      check(rest);
      if (rest) controller.enqueue(encoder.encode(rest));
    },
  });
}
