/**
 * WHEN to ask the model, per keystroke: trigger rules -> cache (incl. typing the suggestion, going back) -> reuse of
 * the in-flight request when the user types what it is producing -> adaptive debounce -> one request at a time
 * (a stale one is aborted, closing its socket) -> cache the result. Pure: the clock and the pipeline are injected.
 */
import type { Logger } from '../log';
import { nullLogger } from '../log';
import type { DocumentSnapshot } from '../context/types';
import { CompletionCache, PREFIX_KEY_CHARS } from './cache';
import { cursorText } from '../context/cursorText';
import type { Clock } from './clock';
import { AdaptiveDebounce } from './debounce';
import { cleanModelText } from './postprocess/clean';
import { stripEchoedLinePrefix } from './postprocess/echo';
import type { PreparedCompletion, RunHooks, RunResult } from './pipeline';
import { convertIndentation } from './postprocess/indent';
import { skipReason } from './triggers';
import type { CompletionTrigger, IndentStyle } from './types';

/** What the scheduler needs from the pipeline (the real CompletionPipeline + target, or a fake in tests). */
export interface CompletionRunner {
  /** Namespace for the cache (model + prompt style): changes invalidate cached completions. */
  cacheNamespace(): string;
  prepare(doc: DocumentSnapshot, indent: IndentStyle): Promise<PreparedCompletion>;
  /** Optional: do the prompt work for `doc` now (during the debounce) so that prepare() finds it cached. Never throws. */
  warm?(doc: DocumentSnapshot, indent: IndentStyle): void;
  run(p: PreparedCompletion, signal: AbortSignal, hooks: RunHooks): Promise<RunResult>;
}

export interface CompletionQuery {
  doc: DocumentSnapshot;
  trigger: CompletionTrigger;
  indent: IndentStyle;
  /** Fires when the editor no longer wants this answer (VS Code's CancellationToken, bridged). */
  signal: AbortSignal;
  suggestWidgetActive?: boolean;
}

export type AnswerSource = 'cache' | 'reuse' | 'request';

/** One provideInlineCompletions answer, with what the log line needs. */
export interface CompletionAnswer {
  text: string;
  source: AnswerSource;
  /** Set for answers from a request made (or reused) for this query. */
  request?: RequestRecord;
}

/** Metadata of one request, for the log, "Show Last Completion Prompt" and benchmarks. */
export interface RequestRecord {
  id: number;
  trigger: CompletionTrigger;
  prepared: PreparedCompletion;
  /** ms from the end of the debounce to the request being handed to the backend (our own overhead). */
  overheadMs: number;
  debounceMs: number;
  startedAt: number;
  result?: RunResult;
  /** The answer was cut short because a newer keystroke made it useless. */
  cancelled: boolean;
  error?: unknown;
}

export interface SchedulerStats {
  queries: number;
  skipped: number;
  requests: number;
  cancelled: number;
  cacheHits: number;
  reused: number;
}

export interface SchedulerOptions {
  runner: CompletionRunner;
  clock: Clock;
  debounceMs: number;
  logger?: Logger;
  isEnabled?: () => { enabled: boolean; disabledLanguages: readonly string[]; snoozed: boolean };
  /** Called when a request starts / finishes (status bar spinner, logs). */
  onRequest?: (r: RequestRecord) => void;
  onRequestDone?: (r: RequestRecord) => void;
}

/**
 * A cursor position as the per-keystroke steps see it: the text near the cursor (prefix = its last, suffix = its first
 * NEAR_CURSOR_CHARS characters, the whole of either when shorter: what the cache keys and the comparisons read) and
 * where it is in the document.
 */
interface Place {
  path: string;
  offset: number;
  /** The document's length. */
  length: number;
  prefix: string;
  suffix: string;
}

interface InFlight extends Place {
  record: RequestRecord;
  controller: AbortController;
  /** Raw text streamed so far. */
  raw: string;
  /** The ghost text, as soon as the answer is complete (the stream may go on for the hot streak). */
  answer: Promise<string | undefined>;
  done: Promise<RunResult | undefined>;
}

export class CompletionScheduler {
  readonly cache = new CompletionCache();
  readonly debounce: AdaptiveDebounce;
  readonly stats: SchedulerStats = { queries: 0, skipped: 0, requests: 0, cancelled: 0, cacheHits: 0, reused: 0 };
  lastRequest: RequestRecord | undefined;
  private inflight: InFlight | undefined;
  private closing: Promise<void> | undefined;
  private nextId = 1;
  private readonly log: Logger;

  constructor(private readonly o: SchedulerOptions) {
    this.debounce = new AdaptiveDebounce(o.debounceMs);
    this.log = o.logger ?? nullLogger;
  }

  /** The ghost text for this query, or undefined (nothing to show, or superseded by a newer query). */
  async provide(q: CompletionQuery): Promise<CompletionAnswer | undefined> {
    const now = this.o.clock.now();
    this.stats.queries++;
    const { doc } = q;
    // Only the text near the cursor: the whole text of an editor snapshot is a copy of the document, made on demand.
    const near = cursorText(doc);
    const place: Place = { path: doc.path, offset: doc.offset, length: near.length, prefix: near.before, suffix: near.after };
    const { prefix, suffix } = place;
    if (q.trigger === 'automatic') this.debounce.noteKeystroke(now);
    const gate = this.o.isEnabled?.() ?? { enabled: true, disabledLanguages: [], snoozed: false };
    const skip = skipReason({ path: doc.path, text: prefix + suffix, offset: prefix.length, length: near.length, languageId: doc.languageId, trigger: q.trigger, suggestWidgetActive: !!q.suggestWidgetActive, ...gate });
    if (skip) {
      this.stats.skipped++;
      this.log.trace(`completion skipped: ${skip}`);
      this.abortInflightUnlessReusable(place);
      return undefined;
    }
    this.cache.setNamespace(this.o.runner.cacheNamespace());

    const hit = this.cache.get(prefix, suffix);
    if (hit && (hit.text || q.trigger === 'automatic')) {
      this.stats.cacheHits++;
      return hit.text ? { text: hit.text, source: 'cache' } : undefined;
    }

    const reusable = this.abortInflightUnlessReusable(place);
    if (reusable) {
      this.stats.reused++;
      const text = await raceAbort(reusable.answer, q.signal);
      if (q.signal.aborted) return undefined;
      const typed = typedSince(place, reusable);
      if (text && text.startsWith(typed) && text.length > typed.length) {
        return { text: text.slice(typed.length), source: 'reuse', request: reusable.record };
      }
      // The answer went another way than the user (or they typed past it): its hot streak may still fit.
      await raceAbort(reusable.done, q.signal);
      const streak = this.cache.get(prefix, suffix);
      if (streak?.text) return { text: streak.text, source: 'cache' };
    }

    const delay = q.trigger === 'manual' ? 0 : this.debounce.delay(prefix.slice(-1));
    if (delay > 0) {
      // Warm up while we wait: the window's and prompt's token counts get cached, so the request leaves faster.
      this.o.runner.warm?.(q.doc, q.indent);
      if (!(await this.o.clock.sleep(delay, q.signal))) return undefined;
    }
    // While we waited, another query may have cached this position (an empty answer counts for automatic queries only:
    // a person who asks explicitly gets a new request, as above).
    const late = this.cache.get(prefix, suffix);
    if (late && (late.text || q.trigger === 'automatic')) return late.text ? { text: late.text, source: 'cache' } : undefined;
    this.abortInflightUnlessReusable(place, true);
    return this.request(q, place, delay);
  }

  private async request(q: CompletionQuery, place: Place, debounceMs: number): Promise<CompletionAnswer | undefined> {
    const { prefix, suffix } = place;
    // Let an aborted request finish closing first, so the server never sees two at once.
    if (this.closing) await this.closing;
    if (q.signal.aborted) return undefined;
    const t0 = this.o.clock.now();
    const prepared = await this.o.runner.prepare(q.doc, q.indent);
    if (q.signal.aborted) return undefined;
    const record: RequestRecord = { id: this.nextId++, trigger: q.trigger, prepared, overheadMs: 0, debounceMs, startedAt: t0, cancelled: false };
    const controller = new AbortController();
    let showAnswer: (text: string | undefined) => void = () => {};
    const answer = new Promise<string | undefined>((resolve) => (showAnswer = resolve));
    const flight: InFlight = { ...place, record, controller, raw: '', answer, done: Promise.resolve(undefined) };
    this.stats.requests++;
    this.inflight = flight;
    this.lastRequest = record;
    flight.done = this.o.runner
      .run(prepared, controller.signal, {
        onWire: () => {
          record.overheadMs = this.o.clock.now() - t0;
          this.o.onRequest?.(record);
        },
        onText: (raw) => {
          flight.raw = raw;
        },
        onAnswer: (text) => {
          this.cache.put(prefix, suffix, text);
          showAnswer(text);
        },
      })
      .then(
        (result) => {
          record.result = result;
          if (result.stopReason !== 'abort') {
            this.cache.put(prefix, suffix, result.text);
            this.cacheHotStreak(prefix, suffix, result, q.indent);
          }
          showAnswer(result.text);
          return result;
        },
        (err) => {
          record.error = err;
          showAnswer(undefined);
          return undefined;
        },
      )
      .finally(() => {
        if (this.inflight === flight) this.inflight = undefined;
        this.o.onRequestDone?.(record);
      });
    const text = await raceAbort(answer, q.signal);
    if (!text || q.signal.aborted) return undefined;
    return { text, source: 'request', request: record };
  }

  /**
   * "Hot streak": the model's lines after the ghost text are what it expects once the user has typed (or accepted)
   * the ghost and pressed Enter. Cache each as the completion at the start of its line, so a correct prediction
   * shows the next line at once, without a request.
   */
  private cacheHotStreak(prefix: string, suffix: string, result: RunResult, indent: IndentStyle): void {
    if (!result.text) return;
    // The cache keys a position by the prefix's last PREFIX_KEY_CHARS: joining the whole prefix would copy the document.
    let at = prefix.slice(Math.max(0, prefix.length - PREFIX_KEY_CHARS)) + result.text;
    for (const line of result.following) {
      if (!line.trim()) break;
      at += '\n';
      const styled = convertIndentation('\n' + line, indent).slice(1);
      this.cache.put(at, suffix, styled);
      at += styled;
    }
  }

  /**
   * Keep the in-flight request if the user is typing what it is producing (same document and suffix, the typed
   * characters are consistent with the streamed text so far); otherwise abort it. Returns the kept request, if any.
   */
  private abortInflightUnlessReusable(place: Place, forceAbort = false): InFlight | undefined {
    const f = this.inflight;
    if (!f) return undefined;
    if (!forceAbort && continuesFrom(place, f)) {
      const typed = typedSince(place, f);
      const sofar = stripEchoedLinePrefix(cleanModelText(f.raw), f.record.prepared.post.linePrefix);
      const consistent = typed.length === 0 || sofar.startsWith(typed) || typed.startsWith(sofar);
      if (consistent) return f;
    }
    f.record.cancelled = true;
    this.stats.cancelled++;
    f.controller.abort();
    this.inflight = undefined;
    const closing = f.done.then(() => undefined);
    this.closing = closing;
    void closing.then(() => {
      if (this.closing === closing) this.closing = undefined;
    });
    return undefined;
  }

  /** Abort whatever is in flight (completions turned off, editor closed). */
  cancelAll(): void {
    if (this.inflight) {
      this.inflight.record.cancelled = true;
      this.inflight.controller.abort();
      this.inflight = undefined;
    }
  }
}

/** Characters compared at the cursor's side of a prefix and a suffix (as the completion cache keys a position). */
const COMPARE_CHARS = 2048;

/**
 * `p` is the place `f` with characters typed at its cursor: the same document, the same suffix, and `f`'s prefix
 * right before the typed characters. Compared near the cursor only (the suffix's length and head, the last
 * COMPARE_CHARS characters of `f`'s prefix), not over the whole document: this runs on every keystroke. False when
 * more was typed than `p`'s text near the cursor holds with that tail.
 */
function continuesFrom(p: Place, f: Place): boolean {
  const typed = p.offset - f.offset;
  if (p.path !== f.path || typed < 0 || p.length - p.offset !== f.length - f.offset) return false;
  if (!p.suffix.startsWith(f.suffix.slice(0, Math.min(COMPARE_CHARS, p.suffix.length)))) return false;
  const n = Math.min(COMPARE_CHARS, f.prefix.length);
  const end = p.prefix.length - typed;
  return end - n >= 0 && p.prefix.startsWith(f.prefix.slice(f.prefix.length - n), end - n);
}

/** The characters typed since `f` at `p` (continuesFrom(p, f) holds). */
function typedSince(p: Place, f: Place): string {
  return p.prefix.slice(p.prefix.length - (p.offset - f.offset));
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve(undefined);
      },
    );
  });
}
