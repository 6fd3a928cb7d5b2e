/**
 * How often to redraw something that grows while an answer streams, when each redraw costs time in proportion to its
 * size (the diff preview re-transforms the whole answer; the chat view re-renders its unfinished tail). A fixed rate
 * makes the total work quadratic in the answer's length; here the interval grows with the size and with what the last
 * redraw cost, so the redraws of a growing text cost O(its length) in total and take at most a bounded share of the
 * thread. Pure (times are passed in), so host, webview and tests share it.
 */
export interface PacingOptions {
  /** Never redraw more often than this. */
  minIntervalMs: number;
  /** The interval grows by `msPerKiB` for each KiB of what is redrawn. */
  msPerKiB: number;
  /** And is at least this many times what the last redraw took (1 / costFactor = the largest share of the thread). */
  costFactor: number;
}

/** The diff preview, on the extension host's thread: at most every 100 ms, ~3 s at 1 MB, and at most ~10% of the thread. */
export const DIFF_PREVIEW_PACING: PacingOptions = { minIntervalMs: 100, msPerKiB: 3, costFactor: 10 };

/** The chat view's unfinished tail: every frame while it is small, ~0.25 s apart at 1 MB, at most ~25% of the view's thread. */
export const CHAT_TAIL_PACING: PacingOptions = { minIntervalMs: 0, msPerKiB: 0.25, costFactor: 3 };

export class RedrawPacer {
  private lastEnd = Number.NEGATIVE_INFINITY;
  private lastCost = 0;

  constructor(private readonly opts: PacingOptions) {}

  /** The time to wait after a redraw before redrawing `size` characters. */
  interval(size: number): number {
    const { minIntervalMs, msPerKiB, costFactor } = this.opts;
    return Math.max(minIntervalMs, (msPerKiB * size) / 1024, costFactor * this.lastCost);
  }

  /** Milliseconds from `now` until a redraw of `size` characters is due (0: now). */
  wait(now: number, size: number): number {
    return Math.max(0, this.lastEnd + this.interval(size) - now);
  }

  due(now: number, size: number): boolean {
    return this.wait(now, size) === 0;
  }

  /** A redraw ran from `start` to `end`. */
  drew(start: number, end: number): void {
    this.lastEnd = end;
    this.lastCost = Math.max(0, end - start);
  }

  /** Start over (a new stream). */
  reset(): void {
    this.lastEnd = Number.NEGATIVE_INFINITY;
    this.lastCost = 0;
  }
}

/** Above this many characters the diff preview stops re-transforming the answer while it streams (see LiveRedraws). */
export const LIVE_PREVIEW_LIMIT = 64 * 1024;

export type LiveStep = 'redraw' | 'progress' | 'wait';

/**
 * A preview that must re-transform the whole answer to redraw it (a caller's transform cannot be made incremental)
 * redraws it, paced, only while it is small; above `limit` characters it freezes on the last redraw and only reports how
 * much has arrived (at most every `progressEveryMs`), and the one full transform is the final one. So no redraw on the
 * shared thread handles more than `limit` characters, whatever the answer's size.
 */
export class LiveRedraws {
  private readonly pacer: RedrawPacer;
  private lastProgress = Number.NEGATIVE_INFINITY;

  constructor(pacing: PacingOptions, readonly limit = LIVE_PREVIEW_LIMIT, private readonly progressEveryMs = 250) {
    this.pacer = new RedrawPacer(pacing);
  }

  /** What to do now that `size` characters have arrived: redraw, report progress, or nothing yet. */
  step(now: number, size: number): LiveStep {
    if (size <= this.limit) return this.pacer.due(now, size) ? 'redraw' : 'wait';
    if (now - this.lastProgress < this.progressEveryMs) return 'wait';
    this.lastProgress = now;
    return 'progress';
  }

  /** Milliseconds from `now` until a redraw of `size` characters is due (for a caller that redraws on a timer). */
  wait(now: number, size: number): number {
    return this.pacer.wait(now, size);
  }

  /** A redraw ran from `start` to `end`. */
  drew(start: number, end: number): void {
    this.pacer.drew(start, end);
  }
}
