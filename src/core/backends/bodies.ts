/**
 * Size limits on what a server sends. A model server is untrusted: a 150 MB `/api/show`, a 20 MB error message or a
 * line with no end must fail cleanly (or be cut), never fill the extension host's memory or block its thread.
 */
import { BackendError } from './errors';

/** Longest NDJSON line or SSE event accepted (characters); a longer one makes the stream 'malformed'. */
export const MAX_LINE_CHARS = 1024 * 1024;
/** Largest non-streamed JSON answer (/api/show, /props, /v1/models, ...). */
export const MAX_JSON_BODY_BYTES = 8 * 1024 * 1024;
/** How much of an error answer is read: enough for any message a person reads. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

function tooLarge(what: string, max: number): BackendError {
  return new BackendError('malformed', `${what}: the answer is larger than ${Math.round(max / 1024 / 1024) || 1} MB; it was not read`);
}

/**
 * The body as text, read in chunks and never more than `maxBytes`: with `truncate`, what fits is returned (and the
 * rest left unread); otherwise a larger body fails with 'malformed'. The connection is released either way.
 */
export async function readTextCapped(res: Response, maxBytes: number, what: string, truncate = false): Promise<string> {
  if (!res.body) return '';
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (!truncate && declared > maxBytes) {
    await res.body.cancel().catch(() => undefined);
    throw tooLarge(what, maxBytes);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > maxBytes) {
        if (!truncate) throw tooLarge(what, maxBytes);
        parts.push(decoder.decode(value.subarray(0, maxBytes - size), { stream: true }));
        break;
      }
      size += value.byteLength;
      parts.push(decoder.decode(value, { stream: true }));
    }
    parts.push(decoder.decode());
    return parts.join('');
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** A byte stream that fails with 'malformed' once more than `maxBytes` went through it. */
export function byteCap(maxBytes: number, what: string): TransformStream<Uint8Array, Uint8Array> {
  let size = 0;
  return new TransformStream({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge(what, maxBytes);
      controller.enqueue(chunk);
    },
  });
}
