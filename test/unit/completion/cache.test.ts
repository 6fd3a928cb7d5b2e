import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionCache, MAX_TYPED_AHEAD, type CacheHit } from '../../../src/core/completion/cache';
import { rng } from '../../../bench/rng';

/**
 * The cache's rules written out directly (one key per typed-ahead length, as the cache looked them up before it
 * grouped entries by suffix): prefix key = the last 1,500 characters before the position, suffix key = the first 300
 * after it, least recently used evicted first.
 */
class ReferenceCache {
  private readonly map = new Map<string, string>();
  constructor(private readonly capacity: number) {}
  private key(prefix: string, end: number, suffix: string) {
    return `${prefix.slice(Math.max(0, end - 1500), end)}\u0001${suffix.slice(0, 300)}`;
  }
  put(prefix: string, suffix: string, text: string) {
    const k = this.key(prefix, prefix.length, suffix);
    this.map.delete(k);
    this.map.set(k, text);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
  get(prefix: string, suffix: string): CacheHit | undefined {
    for (let typed = 0; typed <= Math.min(MAX_TYPED_AHEAD, prefix.length); typed++) {
      const k = this.key(prefix, prefix.length - typed, suffix);
      const text = this.map.get(k);
      if (text === undefined) continue;
      if (typed === 0 || (text.length > typed && text.startsWith(prefix.slice(prefix.length - typed)))) {
        this.map.delete(k);
        this.map.set(k, text);
        return { text: text.slice(typed), typedAhead: typed };
      }
    }
    return undefined;
  }
}

test('cache: typed-ahead, going back, short prefixes and eviction agree with the one-key-per-length lookup over random sessions', () => {
  const random = rng(11);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  let hits = 0;
  let typedHits = 0;
  for (let session = 0; session < 25; session++) {
    const capacity = 3 + Math.floor(random() * 30);
    const cache = new CompletionCache(capacity);
    const ref = new ReferenceCache(capacity);
    // Documents near the 1,500-character key length, so that both short (whole-prefix) and cut keys occur.
    let doc = 'ab\n'.repeat(Math.floor(random() * 700));
    let offset = Math.floor(random() * doc.length);
    for (let step = 0; step < 300; step++) {
      const r = random();
      if (r < 0.35) {
        const text = pick(['', 'x', 'xy = 1', 'abab', 'ab\nab', 'q'.repeat(120)]);
        cache.put(doc.slice(0, offset), doc.slice(offset), text);
        ref.put(doc.slice(0, offset), doc.slice(offset), text);
      } else if (r < 0.75) {
        // Type a character (often the next one of a completion made earlier).
        const ch = pick(['x', 'y', ' ', '=', '1', 'a', 'b', '\n', 'q']);
        doc = doc.slice(0, offset) + ch + doc.slice(offset);
        offset++;
      } else if (r < 0.9 && offset > 0) {
        doc = doc.slice(0, offset - 1) + doc.slice(offset);
        offset--;
      } else {
        offset = Math.max(0, Math.min(doc.length, offset + Math.floor(random() * 7) - 3));
      }
      const want = ref.get(doc.slice(0, offset), doc.slice(offset));
      assert.deepEqual(cache.get(doc.slice(0, offset), doc.slice(offset)), want, `session ${session} step ${step}`);
      if (want) hits++;
      if (want && want.typedAhead > 0) typedHits++;
      assert.equal(cache.size, Math.min(capacity, cache.size));
    }
  }
  // The sessions exercised both kinds of hit.
  assert.ok(hits > 300, `hits ${hits}`);
  assert.ok(typedHits > 60, `typed-ahead hits ${typedHits}`);
});
