/**
 * One completion request, start to finish: snapshot -> aligned file window -> mode -> stable context -> prompt ->
 * backend stream (closed early once the answer is complete) -> post-processing. The scheduler decides WHEN this runs.
 */
import type { Backend, BackendKind, ModelInfo, StopReason, Usage } from '../backends/types';
import { isAbortError } from '../backends/errors';
import type { DocumentSnapshot } from '../context/types';
import { buildPrompt, promptStyleFor, type PromptRequest } from './buildPrompt';
import { fitInfillWindow } from './llamaInfill';
import type { Logger } from '../log';
import { countTokens, rememberLineCounts } from '../tokens';
import { LocalTrees } from './localTrees';
import { postprocess, isComplete, mayCompleteWith, type PostprocessInput } from './postprocess';
import { cleanModelText } from './postprocess/clean';
import { DEFAULT_WINDOW_BUDGET, type FileWindow, type WindowBudget } from './promptWindow';
import { windowAndModeAround, type RemoteWindow, type WindowAndMode, type WindowSource } from './cursorWindow';
import { TEXT_RULES } from './mode';
import type { StableContext } from './stableContext';
import type { BuiltPrompt, CompletionMode, CompletionOutcome, IndentStyle } from './types';

/** The model completions go to, as the backend service resolved it. */
export interface CompletionTarget {
  backend: Backend;
  backendKind: BackendKind;
  model: string;
  info: Pick<ModelInfo, 'name' | 'family' | 'fim' | 'contextLength'>;
  contextWindow: number;
}

export interface PipelineSettings {
  maxTokens: number;
  /** Tokens for cross-file context (0 = none). */
  contextTokens: number;
  window: WindowBudget;
  /** Most tokens of a single-line completion. */
  singleLineMaxTokens: number;
  maxLines: number;
  temperature: number;
}

export const DEFAULT_PIPELINE_SETTINGS: PipelineSettings = {
  maxTokens: 160,
  contextTokens: 1024,
  window: DEFAULT_WINDOW_BUDGET,
  singleLineMaxTokens: 64,
  maxLines: 24,
  temperature: 0.1,
};

/** A request ready for the wire, with what post-processing will need. */
export interface PreparedCompletion {
  prompt: BuiltPrompt;
  mode: CompletionMode;
  modeBySyntax: boolean;
  window: FileWindow;
  target: CompletionTarget;
  post: Omit<PostprocessInput, 'raw' | 'truncated'>;
  maxTokens: number;
  contextTokens: number;
}

export interface RunResult extends CompletionOutcome {
  usage?: Usage;
  /** Client-side time from the call to the first streamed text (ms). */
  ttftMs?: number;
  /** The stream was closed by us because the answer was already complete. */
  endedEarly: boolean;
  /**
   * Lines the model wrote after the ghost text ("hot streak"): what it expects on the next line(s) once the user
   * has typed or accepted the ghost. Cleaned of tags, not yet post-processed.
   */
  following: string[];
}

export type RunHooks = {
  onWire?: () => void;
  onText?: (raw: string) => void;
  /** The answer is complete (the stream goes on for the hot streak): show this ghost text now. */
  onAnswer?: (text: string) => void;
};

/** Lines streamed past a complete answer, to cache as the next line's completion. */
export const HOT_STREAK_LINES = 2;

/** How long a request waits for the worker's window (asked for at the warm-up, if any) before building it here. */
export const WINDOW_WAIT_MS = 50;

/**
 * Where the file window is built: by `source` (the context engine's worker, from its copy of the document, so this
 * thread tokenizes no new lines). A warm-up waits for its answer as long as it takes (the debounce is running); the
 * request, if it is still missing, waits WINDOW_WAIT_MS more and then builds the window here. `logger` hears once that
 * the worker could not answer (and once that it does again), never per keystroke.
 */
export interface WindowOptions {
  source: WindowSource;
  logger: Logger;
  waitMs?: number;
}

export class CompletionPipeline {
  constructor(
    private readonly context: StableContext | undefined,
    private settings: PipelineSettings = DEFAULT_PIPELINE_SETTINGS,
    /** The compact project rules for a document ('' when none); must return the same text until a rules file changes. */
    private readonly rules: (doc: DocumentSnapshot) => string = () => '',
    private readonly windows?: WindowOptions,
  ) {}

  /**
   * The last document position's window and mode, and the last prompt: the scheduler prepares a request twice (a
   * warm-up during the debounce, then the request), and the second finds the work done (or under way). Keyed by the
   * document's version, so an edit in between is never served stale.
   */
  private lastWindow: WindowEntry | undefined;
  private lastPrompt: { request: PromptRequest; prompt: BuiltPrompt } | undefined;
  private readonly localTrees = new LocalTrees();
  /** The worker could not answer a window request in time (logged once until it answers again). */
  private windowOutage = false;

  /**
   * The window and mode for this document position: the same object for the warm-up and the request (the prompt is
   * reused by identity). With a window source, the worker is asked once; a warm-up waits for its answer, a request
   * waits WINDOW_WAIT_MS at most, then the window is built here.
   */
  private async windowAndMode(doc: DocumentSnapshot, budget: WindowBudget, warmUp: boolean): Promise<WindowAndMode> {
    const key = [doc.path, doc.version, doc.offset, doc.near?.length ?? doc.text.length, doc.languageId, budget.aboveTokens, budget.belowTokens, budget.linePrefixTokens, budget.lineSuffixTokens].join('\u0000');
    let entry = this.lastWindow;
    if (entry?.key !== key) {
      entry = { key, remote: this.windows?.source.window(doc, budget).catch(() => undefined) };
      this.lastWindow = entry;
    }
    if (entry.value) return entry.value;
    // No window source (tests, tools): the window and the mode with syntax, here.
    if (!entry.remote) return (entry.value = windowAndModeAround(doc, budget, this.localTrees));
    const { logger, waitMs = WINDOW_WAIT_MS } = this.windows!;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = warmUp ? undefined : new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), waitMs)));
    const remote = await (late ? Promise.race([entry.remote, late]) : entry.remote);
    clearTimeout(timer);
    if (entry.value) return entry.value; // the other call (warm-up or request) settled it meanwhile
    if (remote && remote !== 'late') {
      if (this.windowOutage) logger.info('completion window: the context engine answers again; windows are built off this thread');
      this.windowOutage = false;
      rememberLineCounts(remote.counts);
      return (entry.value = { window: remote.window, mode: remote.mode, scope: remote.scope, bySyntax: remote.bySyntax });
    }
    if (!this.windowOutage) logger.info(`completion window: the context engine ${remote === 'late' ? `did not answer within ${waitMs} ms` : 'could not answer'}; building windows on this thread until it does`);
    this.windowOutage = true;
    // Built here, with the mode by the text rules: tree-sitter does not run on the extension host (cursorWindow.ts).
    return (entry.value = windowAndModeAround(doc, budget, TEXT_RULES));
  }

  configure(settings: Partial<PipelineSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  /**
   * Everything up to the wire. `indent` is the editor's indentation for this document. `warmUp`: done during the
   * debounce, ahead of the request's own prepare (it waits for the worker's window rather than building it here).
   */
  async prepare(doc: DocumentSnapshot, target: CompletionTarget, indent: IndentStyle, { warmUp = false } = {}): Promise<PreparedCompletion> {
    const s = this.settings;
    const infill = target.backendKind === 'llamacpp' && promptStyleFor(target.info) !== 'phi4-hole';
    const rules = this.rules(doc);
    const rulesTokens = rules ? countTokens(rules) : 0;
    const budget = scaleWindow(infill ? fitInfillWindow(s.window) : s.window, target.contextWindow, s.maxTokens, Math.max(0, s.contextTokens - rulesTokens), rulesTokens);
    const { window, mode, scope, bySyntax } = await this.windowAndMode(doc, budget.window, warmUp);
    const ctx = this.context ? await this.context.get(doc, window.cursorLine, budget.contextTokens) : { text: '', tokens: 0 };
    const maxTokens = mode === 'single-line' ? Math.min(s.singleLineMaxTokens, s.maxTokens) : s.maxTokens;
    const request: PromptRequest = { relPath: doc.relPath, languageId: doc.languageId, window, context: ctx.text, mode, model: target.info, backendKind: target.backendKind, contextWindow: target.contextWindow, rules };
    const same = this.lastPrompt && samePromptRequest(this.lastPrompt.request, request);
    const prompt = same ? this.lastPrompt!.prompt : buildPrompt(request);
    this.lastPrompt = { request, prompt };
    const linesAbove = window.above ? window.above.split('\n').slice(-8) : [];
    const linesBelow = window.below ? window.below.split('\n').slice(0, 8) : [];
    return {
      prompt,
      mode,
      modeBySyntax: bySyntax,
      window,
      target,
      maxTokens,
      contextTokens: ctx.tokens,
      post: { linePrefix: window.linePrefix, lineSuffix: window.lineSuffix, linesAbove, linesBelow, languageId: doc.languageId, mode, scope, indent, maxLines: s.maxLines },
    };
  }

  /**
   * Send the request and stream the answer. `onWire` runs right before the backend call (for overhead timing),
   * `onText` on every chunk. Aborting `signal` closes the socket; the result then has stopReason 'abort'.
   */
  async run(p: PreparedCompletion, signal: AbortSignal, hooks: RunHooks = {}): Promise<RunResult> {
    const own = new AbortController();
    const abort = () => own.abort();
    if (signal.aborted) own.abort();
    else signal.addEventListener('abort', abort, { once: true });
    const sampling = { maxTokens: p.maxTokens, temperature: this.settings.temperature, stop: p.prompt.stop };
    const common = { model: p.target.model, sampling, signal: own.signal, promptTokens: p.prompt.promptTokens, feature: 'completion', slotId: 0 };
    let raw = '';
    let usage: Usage | undefined;
    let ttftMs: number | undefined;
    let endedEarly = false;
    let answerAt = -1; // raw length when the answer was complete
    let answer = '';
    let stopReason: StopReason = 'stop';
    hooks.onWire?.();
    const t0 = performance.now();
    try {
      const stream =
        p.prompt.kind === 'raw'
          ? p.target.backend.complete({ ...common, prompt: p.prompt.prompt })
          : p.target.backend.infill({ ...common, prefix: p.prompt.prefix, suffix: p.prompt.suffix, extra: p.prompt.extra });
      for await (const ev of stream) {
        if (ev.type === 'done') {
          usage = ev.usage;
          stopReason = ev.usage.stopReason;
          break;
        }
        ttftMs ??= performance.now() - t0;
        raw += ev.text;
        hooks.onText?.(raw);
        // Per-token work stays O(new text): completeness is re-checked only when a line ends or a tag closes.
        if (answerAt < 0 && mayCompleteWith(ev.text) && isComplete({ ...p.post, raw, truncated: false })) {
          answerAt = raw.length;
          answer = postprocess({ ...p.post, raw, truncated: false }).text;
          if (answer) hooks.onAnswer?.(answer);
          if (!answer || !hooks.onAnswer) {
            endedEarly = true;
            break; // leaving the loop returns the iterator, which aborts the request and closes its socket
          }
        }
        if (answerAt >= 0 && linesAfter(raw, answer) > HOT_STREAK_LINES) {
          endedEarly = true;
          break;
        }
      }
    } catch (err) {
      if (!isAbortError(err) || !signal.aborted) throw err;
      stopReason = 'abort';
    } finally {
      signal.removeEventListener('abort', abort);
      own.abort();
    }
    if (signal.aborted && !endedEarly && !usage) stopReason = 'abort';
    if (answerAt >= 0) {
      // The answer was decided when it was complete; what came after is the hot streak.
      return { text: stopReason === 'abort' ? '' : answer, raw, stopReason, usage, ttftMs, endedEarly, following: stopReason === 'abort' ? [] : followingLines(raw, answer) };
    }
    const r = postprocess({ ...p.post, raw, truncated: stopReason === 'length' || stopReason === 'window' });
    return { text: stopReason === 'abort' ? '' : r.text, raw, stopReason, note: r.rejected, usage, ttftMs, endedEarly, following: [] };
  }
}

interface WindowEntry {
  key: string;
  /** The worker's answer (undefined when it cannot give one), when there is a window source. */
  remote?: Promise<RemoteWindow | undefined>;
  value?: WindowAndMode;
}

/** Every input of buildPrompt is the same (strings by value, the window and the model by identity). */
function samePromptRequest(a: PromptRequest, b: PromptRequest): boolean {
  return (
    a.window === b.window &&
    a.context === b.context &&
    a.mode === b.mode &&
    a.rules === b.rules &&
    a.relPath === b.relPath &&
    a.languageId === b.languageId &&
    a.model === b.model &&
    a.backendKind === b.backendKind &&
    a.contextWindow === b.contextWindow
  );
}

/** Complete lines of the cleaned output after the ghost text's lines (the last, unfinished line excluded). */
function followingLines(raw: string, answer: string): string[] {
  const lines = cleanModelText(raw).split('\n');
  const done = raw.endsWith('\n') ? lines.length : lines.length - 1;
  return lines.slice(answer.split('\n').length, done);
}

function linesAfter(raw: string, answer: string): number {
  return followingLines(raw, answer).length;
}

/** Shrink the default budgets for small windows (e.g. a 4K model) so prompt + answer always fit. */
function scaleWindow(window: WindowBudget, contextWindow: number, maxTokens: number, contextTokens: number, rulesTokens = 0): { window: WindowBudget; contextTokens: number } {
  const overhead = 200 + rulesTokens; // instructions, headers, chat tags, project rules
  const wanted = window.aboveTokens + window.belowTokens + window.linePrefixTokens + window.lineSuffixTokens + contextTokens + overhead;
  const available = Math.max(512, (contextWindow || 16384) - maxTokens - 64);
  if (wanted <= available) return { window, contextTokens };
  const f = available / wanted;
  const sc = (n: number) => Math.max(16, Math.floor(n * f));
  return { window: { aboveTokens: sc(window.aboveTokens), belowTokens: sc(window.belowTokens), linePrefixTokens: sc(window.linePrefixTokens), lineSuffixTokens: sc(window.lineSuffixTokens) }, contextTokens: Math.floor(contextTokens * f) };
}
