/**
 * A Backend decorator every feature goes through:
 *  (a) one log line per request: id, backend, model, feature, prompt tokens, time to first token, total time,
 *      outcome (ok / aborted / error code), cached tokens;
 *  (b) the last line of defence against overflow: a prompt whose tokens plus the answer budget exceed the window
 *      is refused with BackendError 'context-overflow' before anything is sent (callers budget first);
 *  (c) an answer longer than its token budget could be (maxAnswerChars) is cut and the request closed.
 */
import type { Logger } from '../log';
import { renderPhi4 } from '../prompt/phi4';
import { countTokens } from '../tokens';
import { SLOW_START_MS } from './deadlines';
import { BackendError, isAbortError } from './errors';
import type { Backend, ChatRequest, InfillRequest, RawCompletionRequest, StreamEvent, Usage } from './types';

export interface GuardOptions {
  logger: Logger;
  /** The window requests to `model` run with (num_ctx / n_ctx). */
  contextLength(model: string): number | Promise<number>;
  /**
   * Called with true when a request has waited SLOW_START_MS without its first piece (the server is loading the model
   * or reading a long prompt: it sends nothing meanwhile), and with false once that request streams or ends.
   */
  onSlowStart?(waiting: boolean): void;
}

let counter = 0;

type AnyRequest = RawCompletionRequest | InfillRequest | ChatRequest;

/** Phi-4 tokens of a request's prompt, as the server will see it. */
export function requestPromptTokens(req: AnyRequest): number {
  if (req.promptTokens !== undefined) return req.promptTokens;
  if ('messages' in req) return countTokens(renderPhi4(req.messages));
  if ('prefix' in req) return countTokens(req.prefix) + countTokens(req.suffix) + (req.extra ?? []).reduce((n, e) => n + countTokens(e.filename) + countTokens(e.text) + 2, 0) + 3;
  return countTokens(req.prompt);
}

/**
 * The most characters an answer of `maxTokens` tokens can have: no cl100k token of real output averages anywhere
 * near 32 characters. A server that ignores the limit is cut off there.
 */
export function maxAnswerChars(maxTokens: number): number {
  return Math.max(0, maxTokens) * 32 + 4096;
}

export function guardBackend(backend: Backend, o: GuardOptions): Backend {
  async function* run(req: AnyRequest, feature: string, send: () => AsyncIterable<StreamEvent>): AsyncGenerator<StreamEvent> {
    const id = `r${(++counter).toString(36)}`;
    const prompt = requestPromptTokens(req);
    const head = `[${id}] ${backend.kind} ${req.model} ${req.feature ?? feature} prompt=${prompt}`;
    const start = performance.now();
    const window = await o.contextLength(req.model);
    if (window > 0 && prompt + req.sampling.maxTokens > window) {
      o.logger.warn(`${head} outcome=context-overflow (not sent: ${prompt} + ${req.sampling.maxTokens} answer tokens > window ${window})`);
      throw new BackendError('context-overflow', `The prompt (${prompt} tokens) plus room for the answer (${req.sampling.maxTokens}) exceeds ${req.model}'s ${window}-token window by ${prompt + req.sampling.maxTokens - window} tokens; it was not sent.`);
    }
    let usage: Usage | undefined;
    let firstAt: number | undefined;
    let outcome = 'aborted';
    let slow = false;
    const endSlow = () => {
      clearTimeout(slowTimer);
      if (slow) o.onSlowStart?.(false);
      slow = false;
    };
    const slowTimer = setTimeout(() => {
      slow = true;
      o.onSlowStart?.(true);
    }, SLOW_START_MS);
    const maxChars = maxAnswerChars(req.sampling.maxTokens);
    let chars = 0;
    try {
      for await (const ev of send()) {
        endSlow();
        if (ev.type === 'text') {
          firstAt ??= performance.now();
          chars += ev.text.length;
          if (chars > maxChars) {
            // The server ignores the token limit: keep what fits, stop reading (returning closes the socket).
            yield { type: 'text', text: ev.text.slice(0, Math.max(0, ev.text.length - (chars - maxChars))) };
            usage = { promptTokens: prompt, completionTokens: req.sampling.maxTokens, timeToFirstTokenMs: Math.round(firstAt - start), totalMs: Math.round(performance.now() - start), stopReason: 'length' };
            o.logger.warn(`${head} the answer passed ${maxChars} characters (${req.sampling.maxTokens} tokens were asked for); it was cut there`);
            yield { type: 'done', usage };
            outcome = 'ok';
            return;
          }
        }
        if (ev.type === 'done') usage = ev.usage;
        yield ev;
      }
      outcome = 'ok';
    } catch (err) {
      outcome = isAbortError(err) ? 'aborted' : err instanceof BackendError ? `error:${err.code}` : 'error:unknown';
      throw err;
    } finally {
      endSlow();
      const total = Math.round(performance.now() - start);
      const ttft = usage?.timeToFirstTokenMs ?? (firstAt !== undefined ? Math.round(firstAt - start) : undefined);
      const line = `${head} ttft=${ttft === undefined ? '-' : `${ttft}ms`} total=${total}ms outcome=${outcome} cached=${usage?.cachedTokens ?? '-'} completion=${usage?.completionTokens ?? '-'}${usage ? ` stop=${usage.stopReason}` : ''}`;
      if (outcome.startsWith('error')) o.logger.warn(line);
      else o.logger.info(line);
    }
  }

  const guarded: Backend = {
    kind: backend.kind,
    endpoint: backend.endpoint,
    health: (model, signal) => backend.health(model, signal),
    listModels: (signal) => backend.listModels(signal),
    modelInfo: (model, signal) => backend.modelInfo(model, signal),
    complete: (req) => run(req, 'complete', () => backend.complete(req)),
    infill: (req) => run(req, 'infill', () => backend.infill(req)),
    chat: (req) => run(req, 'chat', () => backend.chat(req)),
  };
  if (backend.pull) guarded.pull = backend.pull.bind(backend);
  return guarded;
}
