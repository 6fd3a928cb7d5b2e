/**
 * How often a failed terminal command may raise the Explain / Fix notification. A command that keeps failing (a test
 * watcher, a build in a loop, the same typo retried) must not bury the user in notifications:
 * - the same command line is offered at most once per `perCommandMs` (5 minutes by default; command lines compared
 *   with their whitespace collapsed);
 * - never more than one offer is visible: while one is shown, later failures are not offered (the user can still run
 *   "Explain Last Terminal Command"). An offer counts as shown until the user answers or closes it, or at most
 *   `visibleMs` (VS Code hides a warning toast into the notification centre after about 18 s without a reply, and the
 *   reply may never come);
 * - at most `maxTracked` command lines are remembered (the oldest forgotten first), so memory stays bounded.
 * Pure: the clock is passed in.
 */
export interface OfferLimits {
  perCommandMs: number;
  visibleMs: number;
  maxTracked: number;
}

export const DEFAULT_OFFER_LIMITS: OfferLimits = { perCommandMs: 5 * 60_000, visibleMs: 20_000, maxTracked: 200 };

export type OfferVerdict = 'offer' | 'recently-offered' | 'one-visible';

export class OfferLimiter {
  private readonly lastOffered = new Map<string, number>();
  private visible: { id: number; since: number } | undefined;
  private nextId = 1;

  constructor(private readonly limits: OfferLimits = DEFAULT_OFFER_LIMITS) {}

  /** Whether a failure of `commandLine` at `now` may be offered; when it may, call `shown` right away. */
  verdict(commandLine: string, now: number): OfferVerdict {
    if (this.visible && now - this.visible.since < this.limits.visibleMs) return 'one-visible';
    const at = this.lastOffered.get(normalise(commandLine));
    if (at !== undefined && now - at < this.limits.perCommandMs) return 'recently-offered';
    return 'offer';
  }

  /** Records an offer as shown; returns the function to call when the user answered or closed it. */
  shown(commandLine: string, now: number): () => void {
    const key = normalise(commandLine);
    this.lastOffered.delete(key); // re-inserted last: the Map's order is the order of offers
    this.lastOffered.set(key, now);
    while (this.lastOffered.size > this.limits.maxTracked) this.lastOffered.delete(this.lastOffered.keys().next().value as string);
    const id = this.nextId++;
    this.visible = { id, since: now };
    return () => {
      if (this.visible?.id === id) this.visible = undefined;
    };
  }
}

function normalise(commandLine: string): string {
  return commandLine.trim().replace(/\s+/g, ' ');
}
