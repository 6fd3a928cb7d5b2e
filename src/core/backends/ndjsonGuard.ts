/**
 * A byte-stream filter for Ollama's NDJSON answers, placed between fetch and the official client. The client skips
 * a line that is not JSON with a console warning; this turns such a line into BackendError 'malformed' instead, and
 * tells the idle watchdog that bytes arrived. It passes on whole lines only, so the client never re-scans a partial
 * one. Linear in the bytes received: a partial line is kept as pieces and joined once, when its newline arrives; a
 * line longer than `maxLineChars` (1 MB) is 'malformed' (no Ollama answer line comes near it).
 */
import { MAX_LINE_CHARS } from './bodies';
import { BackendError } from './errors';

export function ndjsonGuard(onActivity: () => void, maxLineChars = MAX_LINE_CHARS): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending: string[] = [];
  let pendingChars = 0;
  const tooLong = () => new BackendError('malformed', `Ollama sent a line longer than ${Math.round(maxLineChars / 1024)} KB; the answer was abandoned`);
  const check = (line: string) => {
    if (!line.trim()) return;
    if (line.length > maxLineChars) throw tooLong();
    try {
      JSON.parse(line);
    } catch {
      throw new BackendError('malformed', `Ollama sent a line that is not JSON: ${line.slice(0, 120)}`);
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      onActivity();
      const text = decoder.decode(chunk, { stream: true });
      const cut = text.lastIndexOf('\n');
      if (cut < 0) {
        pending.push(text);
        pendingChars += text.length;
        if (pendingChars > maxLineChars) throw tooLong();
        return;
      }
      pending.push(text.slice(0, cut + 1));
      const complete = pending.join('');
      const rest = text.slice(cut + 1);
      pending = rest ? [rest] : [];
      pendingChars = rest.length;
      for (const line of complete.split('\n')) check(line);
      if (pendingChars > maxLineChars) throw tooLong();
      controller.enqueue(encoder.encode(complete));
    },
    flush(controller) {
      const rest = pending.join('') + decoder.decode();
      check(rest);
      if (rest) controller.enqueue(encoder.encode(rest));
    },
  });
}
