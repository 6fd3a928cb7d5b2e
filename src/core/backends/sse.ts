/**
 * Server-sent events from a fetch body, parsed by `eventsource-parser`. Yields `data:` payloads, `error:` fields
 * (old llama.cpp builds send `error: {...}`, which is not a standard SSE field) and comment pings (`: ping`).
 * An event longer than 1 MB (data without an end) fails with 'malformed' instead of growing without bound.
 */
import { createParser, type ParseError } from 'eventsource-parser';
import { MAX_LINE_CHARS } from './bodies';
import { BackendError } from './errors';

export type SseItem = { kind: 'data'; data: string } | { kind: 'error-field'; value: string } | { kind: 'comment' };

export async function* readSse(body: ReadableStream<Uint8Array>, onActivity: () => void): AsyncGenerator<SseItem> {
  const queue: SseItem[] = [];
  let overflow = false;
  const parser = createParser({
    maxBufferSize: MAX_LINE_CHARS,
    onEvent: (ev) => queue.push({ kind: 'data', data: ev.data }),
    onComment: () => queue.push({ kind: 'comment' }),
    onError: (err: ParseError) => {
      if (err.type === 'unknown-field' && err.field === 'error') queue.push({ kind: 'error-field', value: err.value ?? '' });
      if (err.type === 'max-buffer-size-exceeded') overflow = true;
    },
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onActivity();
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length) yield queue.shift()!;
      if (overflow) throw new BackendError('malformed', `the server sent an event longer than ${Math.round(MAX_LINE_CHARS / 1024)} KB; the answer was abandoned`);
    }
    // An event without its terminating blank line is incomplete and dropped, as the SSE spec says.
    parser.feed(decoder.decode());
    while (queue.length) yield queue.shift()!;
  } finally {
    reader.releaseLock();
  }
}
