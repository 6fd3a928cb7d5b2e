/**
 * LRU cache of finished completions keyed by the text around the cursor. A lookup also succeeds when the user has
 * typed the first characters of a cached completion since it was made ("typing the suggestion"), and when the user
 * goes back to a position seen before (backspace): both show the rest instantly without a request.
 *
 * A lookup runs on every keystroke on the extension host's thread, so it builds no key per typed-ahead length: entries
 * are grouped by their suffix key, and only the few entries with this suffix are compared against the prefix in place.
 */
import { detach } from '../strings';

/** Characters of the prefix / suffix that identify a cursor position. */
export const PREFIX_KEY_CHARS = 1500;
const SUFFIX_KEY_CHARS = 300;
/** Most characters typed into a cached completion that still count as following it. */
export const MAX_TYPED_AHEAD = 96;

export interface CacheHit {
  text: string;
  /** Characters of the cached completion the user already typed. */
  typedAhead: number;
}

interface Entry {
  suffixKey: string;
  /** The prefix's last PREFIX_KEY_CHARS characters (all of it when shorter). */
  tail: string;
  text: string;
  bucket: Map<string, Entry>;
}

export class CompletionCache {
  /** All entries, least recently used first. */
  private readonly lru = new Set<Entry>();
  /** The entries by suffix key, then by prefix key. */
  private readonly buckets = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly capacity = 500,
    /** Part of every key: a different model or prompt style never serves another's completions. */
    private namespace = '',
  ) {}

  setNamespace(ns: string): void {
    if (ns !== this.namespace) {
      this.namespace = ns;
      this.lru.clear();
      this.buckets.clear();
    }
  }

  get size(): number {
    return this.lru.size;
  }

  private suffixKey(suffix: string): string {
    return `${this.namespace}\u0000${suffix.slice(0, SUFFIX_KEY_CHARS)}`;
  }

  /** Remember the completion for this position ('' records "nothing useful here"). */
  put(prefix: string, suffix: string, text: string): void {
    // Detached: a key cut from a document would keep that whole version of it alive.
    const sk = detach(this.suffixKey(suffix));
    let bucket = this.buckets.get(sk);
    if (!bucket) this.buckets.set(sk, (bucket = new Map()));
    const tail = detach(prefix.slice(Math.max(0, prefix.length - PREFIX_KEY_CHARS)));
    const old = bucket.get(tail);
    if (old) this.lru.delete(old);
    const entry: Entry = { suffixKey: sk, tail, text, bucket };
    bucket.set(tail, entry);
    this.lru.add(entry);
    if (this.lru.size > this.capacity) {
      const e = this.lru.values().next().value as Entry;
      this.lru.delete(e);
      e.bucket.delete(e.tail);
      if (!e.bucket.size) this.buckets.delete(e.suffixKey);
    }
  }

  /**
   * The completion to show at this position: an exact entry, or the rest of an entry made up to MAX_TYPED_AHEAD
   * characters earlier whose text starts with what was typed since (the fewest typed characters win). Undefined when
   * nothing matches.
   */
  get(prefix: string, suffix: string): CacheHit | undefined {
    const sk = this.suffixKey(suffix);
    const bucket = this.buckets.get(sk);
    if (!bucket) return undefined;
    const limit = Math.min(MAX_TYPED_AHEAD, prefix.length);
    let best: Entry | undefined;
    let bestTyped = limit + 1;
    for (const e of bucket.values()) {
      const typed = typedSince(prefix, e, Math.min(limit, bestTyped - 1));
      if (typed !== undefined) [best, bestTyped] = [e, typed];
    }
    if (!best) return undefined;
    this.lru.delete(best);
    this.lru.add(best); // refresh recency
    return { text: best.text.slice(bestTyped), typedAhead: bestTyped };
  }
}

/**
 * How many characters the user typed after `e`'s position to reach the end of `prefix` (at most `limit`): the
 * prefix's characters before that point are the entry's key, and what was typed since begins the entry's completion
 * (which must go on past it). Compares in place, allocating nothing.
 */
function typedSince(prefix: string, e: Entry, limit: number): number | undefined {
  const len = prefix.length;
  for (let typed = 0; typed <= limit; typed++) {
    const end = len - typed;
    // A key shorter than PREFIX_KEY_CHARS is a whole prefix: the position is exactly its end.
    if (e.tail.length === PREFIX_KEY_CHARS ? end < PREFIX_KEY_CHARS : end !== e.tail.length) continue;
    if (typed > 0 && (e.text.length <= typed || !startsWithAt(e.text, prefix, end, typed))) continue;
    if (prefix.startsWith(e.tail, end - e.tail.length)) return typed;
  }
  return undefined;
}

/** text.startsWith(source.slice(from, from + n)) without the slice. */
function startsWithAt(text: string, source: string, from: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) !== source.charCodeAt(from + i)) return false;
  return true;
}
