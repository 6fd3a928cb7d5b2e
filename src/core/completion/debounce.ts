/**
 * Adaptive debounce: how long to wait after a keystroke before asking the model.
 * - After a pause (the user stopped, then typed one key) the wait is short: they are likely to look at the result.
 * - In a burst the wait follows the user's own rhythm: a bit longer than most of their recent gaps between keys,
 *   so a request goes out when they stop, not between two keys.
 * - People pause at word boundaries (space, punctuation, newline), rarely inside a word: the wait after a boundary
 *   is short, inside a word long (a request there would mostly be aborted by the next key).
 * The base comes from settings.completions.debounceMs; the result stays within [base/2, 6*base].
 */

/** A gap longer than this ends a burst. */
export const PAUSE_MS = 800;
const HISTORY = 24;
/** Multiples of the user's rhythm to wait after a word boundary / inside a word. */
export const BOUNDARY_FACTOR = 1.0;
export const MID_WORD_FACTOR = 5;

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

export class AdaptiveDebounce {
  private lastKeyAt = -Infinity;
  private readonly gaps: number[] = [];
  private lastGap = Infinity;

  constructor(private baseMs: number) {}

  setBase(ms: number): void {
    this.baseMs = Math.max(0, ms);
  }

  /** Record a keystroke at `now`. */
  noteKeystroke(now: number): void {
    const gap = now - this.lastKeyAt;
    this.lastKeyAt = now;
    this.lastGap = gap;
    if (gap < PAUSE_MS) {
      this.gaps.push(gap);
      if (this.gaps.length > HISTORY) this.gaps.shift();
    }
  }

  /** The user's typical in-burst gap: the 80th percentile of recent gaps, or undefined before there are enough. */
  rhythm(): number | undefined {
    if (this.gaps.length < 4) return undefined;
    const sorted = [...this.gaps].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.8))];
  }

  /** Delay for the keystroke just recorded; `typed` is the character it inserted ('' if unknown). */
  delay(typed: string): number {
    const base = this.baseMs;
    if (base === 0) return 0;
    if (this.lastGap >= PAUSE_MS) return Math.round(base / 2);
    const rhythm = this.rhythm() ?? base;
    const boundary = !typed || !/[\p{L}\p{N}_$]/u.test(typed);
    // Inside a word the user is very likely to go on typing: wait well past their usual gap.
    const d = boundary ? clamp(rhythm * BOUNDARY_FACTOR, base, 3 * base) : clamp(rhythm * MID_WORD_FACTOR, 2 * base, 6 * base);
    return Math.round(d);
  }
}
