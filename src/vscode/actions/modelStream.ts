/**
 * One action request to the model: the chat messages streamed as text chunks, with the request counted as in flight
 * (status bar), logged with its token counts and timings, and a promise that settles when the stream ends.
 */
import type { ChatMessage, Usage } from '../../core/backends/types';
import type { ActiveBackend } from '../backendService';
import type { Services } from '../services';

export interface ModelStream {
  /** The answer's text as it arrives. Iterate once. */
  chunks: AsyncIterable<string>;
  /** Settles when the stream ends (done, failed or aborted); usage when the server reported it. */
  finished: Promise<Usage | undefined>;
}

export interface ModelStreamRequest {
  active: ActiveBackend;
  messages: ChatMessage[];
  promptTokens: number;
  feature: string;
  signal: AbortSignal;
  /** Called with the number of answer characters received so far. */
  onProgress?: (chars: number) => void;
}

export function streamAnswer(services: Services, req: ModelStreamRequest): ModelStream {
  let finish!: (u: Usage | undefined) => void;
  const finished = new Promise<Usage | undefined>((resolve) => (finish = resolve));
  const settings = services.settings();
  async function* chunks(): AsyncGenerator<string> {
    const end = services.backends.beginRequest();
    let usage: Usage | undefined;
    let chars = 0;
    const started = Date.now();
    try {
      const events = req.active.backend.chat({
        model: req.active.chatModel,
        messages: req.messages,
        sampling: { maxTokens: settings.chat.maxAnswerTokens, temperature: settings.temperature },
        signal: req.signal,
        promptTokens: req.promptTokens,
        feature: req.feature,
      });
      for await (const ev of events) {
        if (ev.type === 'text') {
          chars += ev.text.length;
          req.onProgress?.(chars);
          yield ev.text;
        } else {
          usage = ev.usage;
        }
      }
      services.logger.info(
        `${req.feature}: ${req.promptTokens} prompt tokens, ${usage?.completionTokens ?? '?'} answer tokens, ` +
          `first token ${usage?.timeToFirstTokenMs ?? '?'} ms, ${Date.now() - started} ms, stop=${usage?.stopReason ?? '?'}`,
      );
      if (usage?.stopReason === 'length') services.logger.warn(`${req.feature}: the answer hit the token limit and may be cut off`);
      if (usage?.stopReason === 'window') services.logger.warn(`${req.feature}: the model's context window filled up (prompt + answer); the answer may be cut off`);
    } finally {
      end();
      finish(usage);
    }
  }
  return { chunks: chunks(), finished };
}
