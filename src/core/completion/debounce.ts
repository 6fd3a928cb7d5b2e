/**
 * Adaptive debounce: how long to wait after a keystroke before asking the model.
 * - After a pause (the user stopped, then typed one key) the wait is short: they are likely to look at the result.
 * - In a burst the wait follows the user's own rhythm: a bit longer than most of their recent gaps between keys,
 *   so a request goes out when they stop, not between two keys.
 * - Word boundaries (space, punctuation, newline) are where people pause, so the wait there is shorter.
 * The base comes from settings.completions.debounceMs; the result is clamped to [base/2, 4*base].
 */

/** A gap longer than this ends a burst. */
export const PAUSE_MS = 800;
const HISTORY = 24;

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
    const min = base / 2;
    const max = base * 4;
    if (this.lastGap >= PAUSE_MS) return min;
    const rhythm = this.rhythm();
    let d = rhythm === undefined ? base * 1.5 : rhythm * 1.25;
    if (typed && !/[\p{L}\p{N}_$]/u.test(typed)) d *= 0.75;
    return Math.round(Math.min(max, Math.max(min, d)));
  }
}
