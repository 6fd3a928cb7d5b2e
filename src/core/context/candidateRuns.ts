/**
 * Candidates made as packing takes them: a source with hundreds of candidates per request (an imported module's
 * surface) hands packing runs instead of lists, and packing, which looks at a few hundred in all, merges them.
 */
import type { Candidate } from './packing';

/**
 * Candidates of one source made only as packing reaches them: `open()` starts them afresh, best first (scores never
 * rising; equal scores in the order a list of them would have). Packing merges runs with the listed candidates in the
 * order a stable sort of the whole list by score gives (see bestFirst), so it packs exactly what it packs from every
 * candidate made up front, while a run of hundreds (an imported module's surface) makes only the few packing looks at.
 */
export interface CandidateRun {
  readonly open: () => Iterator<Candidate>;
}

/** What packing takes: candidates, and runs standing for the candidates they yield, in the list's place. */
export type CandidateInput = Candidate | CandidateRun;

function isRun(c: CandidateInput): c is CandidateRun {
  return 'open' in c;
}

/** Every candidate `inputs` stand for, in list order (a run's in its own order): what a probe or a test looks at. */
export function listCandidates(inputs: readonly CandidateInput[]): Candidate[] {
  const out: Candidate[] = [];
  for (const x of inputs) {
    if (!isRun(x)) out.push(x);
    else for (let it = x.open(), r = it.next(); !r.done; r = it.next()) out.push(r.value);
  }
  return out;
}

/** A candidate and its list position (a run's candidates share the run's), which breaks score ties. */
interface Placed {
  c: Candidate;
  slot: number;
}

const before = (a: Placed, b: Placed) => a.c.score > b.c.score || (a.c.score === b.c.score && a.slot < b.slot);

/**
 * The candidates of `inputs` by score, highest first, equal scores in list order (a run's candidates all in the run's
 * place, in its order): exactly `[...listCandidates(inputs)].sort((a, b) => b.score - a.score)` (finite scores), made
 * lazily. The listed candidates are sorted up front (they are few) and become one more run; the runs are merged
 * through a binary heap of their heads, so only the candidates taken are made.
 */
export function* bestFirst(inputs: readonly CandidateInput[]): Generator<Candidate> {
  const listed: Placed[] = [];
  const runs: { run: CandidateRun; slot: number }[] = [];
  inputs.forEach((x, slot) => (isRun(x) ? runs.push({ run: x, slot }) : listed.push({ c: x, slot })));
  listed.sort((a, b) => b.c.score - a.c.score);
  if (runs.length === 0) {
    for (const { c } of listed) yield c;
    return;
  }
  const heap = new HeadHeap();
  let li = 0;
  heap.add(() => listed[li++]);
  for (const { run, slot } of runs) {
    const it = run.open();
    heap.add(() => {
      const r = it.next();
      return r.done ? undefined : { c: r.value, slot };
    });
  }
  for (let c = heap.take(); c !== undefined; c = heap.take()) yield c;
}

/** Sorted sources of placed candidates, merged: take() gives the best head and advances its source. */
class HeadHeap {
  private readonly heads: { at: Placed; next: () => Placed | undefined }[] = [];

  add(next: () => Placed | undefined): void {
    const at = next();
    if (!at) return;
    const h = this.heads;
    let i = h.push({ at, next }) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i].at, h[p].at)) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  take(): Candidate | undefined {
    const h = this.heads;
    if (h.length === 0) return undefined;
    const top = h[0];
    const c = top.at.c;
    const at = top.next();
    if (at) top.at = at;
    else {
      const last = h.pop()!;
      if (h.length === 0) return c;
      h[0] = last;
    }
    for (let i = 0; ; ) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < h.length && before(h[l].at, h[m].at)) m = l;
      if (r < h.length && before(h[r].at, h[m].at)) m = r;
      if (m === i) return c;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
