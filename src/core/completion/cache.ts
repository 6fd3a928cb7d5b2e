/**
 * LRU cache of finished completions keyed by the text around the cursor. A lookup also succeeds when the user has
 * typed the first characters of a cached completion since it was made ("typing the suggestion"), and when the user
 * goes back to a position seen before (backspace): both show the rest instantly without a request.
 */

/** Characters of the prefix / suffix that identify a cursor position. */
const PREFIX_KEY_CHARS = 1500;
const SUFFIX_KEY_CHARS = 300;
/** Most characters typed into a cached completion that still count as following it. */
export const MAX_TYPED_AHEAD = 96;

export interface CacheHit {
  text: string;
  /** Characters of the cached completion the user already typed. */
  typedAhead: number;
}

export class CompletionCache {
  private readonly map = new Map<string, string>();

  constructor(
    private readonly capacity = 500,
    /** Part of every key: a different model or prompt style never serves another's completions. */
    private namespace = '',
  ) {}

  setNamespace(ns: string): void {
    if (ns !== this.namespace) {
      this.namespace = ns;
      this.map.clear();
    }
  }

  get size(): number {
    return this.map.size;
  }

  private key(prefix: string, end: number, suffix: string): string {
    return `${this.namespace}\u0000${prefix.slice(Math.max(0, end - PREFIX_KEY_CHARS), end)}\u0000${suffix.slice(0, SUFFIX_KEY_CHARS)}`;
  }

  /** Remember the completion for this position ('' records "nothing useful here"). */
  put(prefix: string, suffix: string, text: string): void {
    const k = this.key(prefix, prefix.length, suffix);
    this.map.delete(k);
    this.map.set(k, text);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  /**
   * The completion to show at this position: an exact entry, or the rest of an entry made up to MAX_TYPED_AHEAD
   * characters earlier whose text starts with what was typed since. Undefined when nothing matches.
   */
  get(prefix: string, suffix: string): CacheHit | undefined {
    const limit = Math.min(MAX_TYPED_AHEAD, prefix.length);
    for (let typed = 0; typed <= limit; typed++) {
      const end = prefix.length - typed;
      const k = this.key(prefix, end, suffix);
      const text = this.map.get(k);
      if (text === undefined) continue;
      const typedText = prefix.slice(end);
      if (typed === 0 || (text.length > typed && text.startsWith(typedText))) {
        this.map.delete(k);
        this.map.set(k, text); // refresh recency
        return { text: text.slice(typed), typedAhead: typed };
      }
    }
    return undefined;
  }
}
