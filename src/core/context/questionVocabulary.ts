/**
 * The vocabulary of the indexed code (every term of every file, with the number of files that have it), kept up to date
 * as files are re-read, for one look-up a question needs: **compounds**. Code glues words together without a capital
 * letter or an underscore (`testdata`, `intsets`, `callsite`, `importgraph`, `getattr`), so a question's `test data` or
 * `call site` shares no term with it. A compound here is a term made of two terms of the same vocabulary, one of them
 * the question's word: `testdata` = test + data, `callsit` = call + sit. The other part must itself be a term of the
 * code and at least MIN_REST letters long, so `reset` is no compound of `set` (re- is a prefix, not a word).
 */

/** The other part of a compound is at least this long. */
const MIN_REST = 3;
/** The question's part is at least this long. */
const MIN_PART = 3;
/** At most this many compounds per question word (the most common first). */
const MAX_COMPOUNDS = 12;

export class Vocabulary {
  /** term -> number of files that have it. */
  private readonly counts = new Map<string, number>();

  /** Adds (`sign` 1) or removes (-1) one file's terms. */
  count(terms: Iterable<string>, sign: 1 | -1): void {
    for (const t of terms) {
      if (t.startsWith('=')) continue;
      const n = (this.counts.get(t) ?? 0) + sign;
      if (n > 0) this.counts.set(t, n);
      else this.counts.delete(t);
    }
  }

  get size(): number {
    return this.counts.size;
  }

  /** True when `rest` (or `rest` without the `e` a stem dropped before it: typ|eparam) is a term of the code. */
  private isPart(rest: string): boolean {
    return (rest.length >= MIN_REST && this.counts.has(rest)) || (rest.length > MIN_REST && rest[0] === 'e' && this.counts.has(rest.slice(1)));
  }

  /**
   * The compounds of the code that contain each word as a whole part, at its start or its end, and the terms of the code
   * a compound word of the question is made of (`webpag` -> pag when `web` is a term too). One scan of the vocabulary.
   */
  compounds(words: readonly string[]): Map<string, string[]> {
    const out = new Map<string, { term: string; n: number }[]>();
    const ws = words.filter((w) => w.length >= MIN_PART);
    if (ws.length === 0) return new Map();
    for (const [v, n] of this.counts) {
      for (const w of ws) {
        if (v.length < w.length + MIN_REST) {
          // The question's word made of two code terms, the code's one being its end (its start is a prefix form already).
          if (v.length >= MIN_PART && w.length >= v.length + MIN_REST && w.endsWith(v) && this.counts.has(w.slice(0, -v.length))) {
            push(out, w, v, n);
          }
          continue;
        }
        if ((v.startsWith(w) && this.isPart(v.slice(w.length))) || (v.endsWith(w) && this.counts.has(v.slice(0, -w.length)))) push(out, w, v, n);
      }
    }
    const result = new Map<string, string[]>();
    for (const [w, list] of out) result.set(w, list.sort((a, b) => b.n - a.n).slice(0, MAX_COMPOUNDS).map((x) => x.term));
    return result;
  }
}

function push(out: Map<string, { term: string; n: number }[]>, w: string, term: string, n: number): void {
  let list = out.get(w);
  if (!list) out.set(w, (list = []));
  list.push({ term, n });
}
