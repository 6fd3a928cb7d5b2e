/**
 * A completion's ranking at the cursor of a document just focused, done ahead of the first keystroke and discarded.
 *
 * Why: the first completion request in a file is the slow one (its imports resolved, the member pools of the
 * namespaces it uses and the surfaces of the modules it imports built, the exact token counts of what it packs taken;
 * BENCHMARKS.md, session 13: those first requests are the p95 of the keystroke benchmark), and someone who switches to
 * a file reads before typing. Later requests in the same file reuse those caches.
 *
 * How: after the cursor has rested WARM_DELAY_MS in a focused document, one assemble at that cursor runs, off the
 * extension host's thread (this lives in the engine's worker). A request, an edit or another focus cancels it: it stops
 * at the engine's next cancellation point, so a keystroke waits at most for the step under way.
 */

/** Where to warm: a focused document's path and version, and the editor's cursor in it. */
export interface WarmTarget {
  path: string;
  version: number;
  offset: number;
  line: number;
}

/** Rest between a focus and the warm-up (the same order as preparing the document's parse and windows). */
export const WARM_DELAY_MS = 400;
/** Context budget warmed before any completion request said which one it uses (the pipeline's default is 1,024). */
const DEFAULT_BUDGET_TOKENS = 1024;

export class FocusWarmUp {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: AbortController | undefined;
  private budget = DEFAULT_BUDGET_TOKENS;

  constructor(
    /** Runs the discarded assemble at `target` with `budgetTokens`; resolves when done (rejects when aborted). */
    private readonly run: (target: WarmTarget, budgetTokens: number, signal: AbortSignal) => Promise<unknown>,
    private readonly log: (message: string) => void = () => undefined,
    private readonly delayMs = WARM_DELAY_MS,
  ) {}

  /** The context budget of the last completion request: the warm-up packs as far as a request will. */
  noteBudget(tokens: number): void {
    if (tokens > 0) this.budget = tokens;
  }

  /** A document was focused with its cursor at `target`: warm there after the rest (replaces any earlier target). */
  focus(target: WarmTarget): void {
    this.cancel();
    this.timer = setTimeout(() => this.start(target), this.delayMs);
  }

  /** A request or an edit: drop the pending warm-up and stop the running one. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running?.abort();
    this.running = undefined;
  }

  private start(target: WarmTarget): void {
    this.timer = undefined;
    const ctl = new AbortController();
    this.running = ctl;
    const t0 = performance.now();
    void this.run(target, this.budget, ctl.signal).then(
      () => ctl.signal.aborted || this.log(`context: warmed ${target.path} at line ${target.line + 1} for its first completion (${Math.round(performance.now() - t0)} ms)`),
      (err) => ctl.signal.aborted || this.log(`context: warm-up of ${target.path} failed: ${err instanceof Error ? err.message : String(err)}`),
    ).finally(() => {
      if (this.running === ctl) this.running = undefined;
    });
  }
}
