/**
 * OpenAI-style streamed chunks (`/v1/chat/completions`, `/v1/completions`) to StreamEvents. Shared by the
 * OpenAI-compatible backend and llama.cpp's chat endpoint. Usage comes from the `usage` chunk
 * (`stream_options.include_usage`) and llama.cpp's `timings`; without them it is counted client-side.
 */
import { countTokens } from '../tokens';
import { BackendError } from './errors';
import { parseEventJson } from './httpClient';
import type { SseItem } from './sse';
import { lengthStop, type StopReason, type StreamEvent } from './types';

type Json = Record<string, unknown>;

export interface OpenAIStreamOptions {
  kind: string;
  chat: boolean;
  /** Prompt tokens as the caller counted them, used when the server reports no usage. */
  promptTokens?: number;
  /** The answer's token limit the request asked for (tells "max tokens reached" from "window full"). */
  maxTokens?: number;
  /** Map an error object sent inside the stream. */
  streamError(body: unknown): BackendError;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export async function* openaiEvents(items: AsyncIterable<SseItem>, o: OpenAIStreamOptions): AsyncGenerator<StreamEvent> {
  let text = '';
  let finish: string | undefined;
  let usage: Json | undefined;
  let timings: Json | undefined;
  let doneMarker = false;
  for await (const item of items) {
    if (item.kind === 'comment') continue;
    if (item.kind === 'error-field') throw o.streamError(safeJson(item.value));
    if (item.data.trim() === '[DONE]') {
      doneMarker = true;
      break;
    }
    const chunk = parseEventJson(o.kind, item.data);
    if (chunk.error !== undefined || chunk.object === 'error') throw o.streamError(chunk);
    if (chunk.usage && typeof chunk.usage === 'object') usage = chunk.usage as Json;
    if (chunk.timings && typeof chunk.timings === 'object') timings = chunk.timings as Json;
    const choices = Array.isArray(chunk.choices) ? (chunk.choices as Json[]) : [];
    for (const c of choices) {
      const piece = o.chat ? ((c.delta as Json | undefined)?.content ?? '') : (c.text ?? '');
      if (typeof piece === 'string' && piece) {
        text += piece;
        yield { type: 'text', text: piece };
      }
      if (typeof c.finish_reason === 'string') finish = c.finish_reason;
    }
  }
  if (!doneMarker && finish === undefined) throw new BackendError('malformed', `${o.kind}: the stream ended before the answer was complete`);
  const details = usage?.prompt_tokens_details as Json | undefined;
  const completionTokens = num(usage?.completion_tokens) ?? num(timings?.predicted_n) ?? countTokens(text);
  const stopReason: StopReason = finish === 'length' ? lengthStop(completionTokens, o.maxTokens) : 'stop';
  yield {
    type: 'done',
    usage: {
      promptTokens: num(usage?.prompt_tokens) ?? num(timings ? (num(timings.prompt_n) ?? 0) + (num(timings.cache_n) ?? 0) : undefined) ?? o.promptTokens ?? 0,
      completionTokens,
      cachedTokens: num(timings?.cache_n) ?? num(details?.cached_tokens),
      timeToFirstTokenMs: 0,
      totalMs: 0,
      stopReason,
    },
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return { error: s };
  }
}

