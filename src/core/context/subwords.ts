/**
 * Identifier sub-words: `$ZodEmojiInternals` -> zod, emoji, internal; `parse_headers` -> parse, header; `JSONSchema` ->
 * json, schema. Lower-cased and crudely singularised, so `properties` meets `property`. Used to rank the members of a
 * namespace by how much their names have in common with the code around the cursor.
 */

import { detach } from '../strings';

const PART_RE = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;
const cache = new Map<string, readonly string[]>();
const CACHE_LIMIT = 50_000;

function singular(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/** The distinct sub-words of an identifier (cached). Single letters and bare numbers are dropped. */
export function subwords(name: string): readonly string[] {
  let hit = cache.get(name);
  if (hit) return hit;
  const out = new Set<string>();
  for (const m of name.matchAll(PART_RE)) {
    const w = m[0].toLowerCase();
    if (w.length < 2 || /^[0-9]+$/.test(w)) continue;
    out.add(singular(w));
  }
  hit = [...out];
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(detach(name), hit);
  return hit;
}

/** Context sub-words with weights: add every identifier's sub-words at `weight`, keeping the highest weight seen. */
export class SubwordBag {
  readonly weights = new Map<string, number>();

  add(identifier: string, weight: number): void {
    for (const w of subwords(identifier)) if ((this.weights.get(w) ?? 0) < weight) this.weights.set(w, weight);
  }

  get size(): number {
    return this.weights.size;
  }
}

/**
 * How well `name` matches the context: the sum over its sub-words of context weight x rarity (idf over the pool the
 * name is ranked in), divided by the square root of its sub-word count so long names do not win by length alone.
 */
export function subwordRelevance(name: string, context: SubwordBag, idf: (w: string) => number): number {
  const parts = subwords(name);
  if (parts.length === 0 || context.size === 0) return 0;
  let sum = 0;
  for (const w of parts) {
    const c = context.weights.get(w);
    if (c) sum += c * idf(w);
  }
  return sum / Math.sqrt(parts.length);
}

/** Inverse document frequency of sub-words over a list of names: log(1 + N / df). */
export function subwordIdf(names: readonly string[]): (w: string) => number {
  const df = new Map<string, number>();
  for (const n of names) for (const w of subwords(n)) df.set(w, (df.get(w) ?? 0) + 1);
  const total = Math.max(1, names.length);
  return (w) => Math.log(1 + total / (df.get(w) ?? 1));
}
