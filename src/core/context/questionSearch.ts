/**
 * `@workspace` retrieval from the question itself, without embeddings: the question's terms (identifiers as written,
 * their sub-words, plain words, lightly stemmed) are matched against every indexed definition's name, file path and
 * snippet with BM25F-style scoring (name matches count most, then the path, then the code and comments of the snippet;
 * rare terms count more than common ones). The best hits are then expanded through the definitions their snippets use.
 *
 * Cost: each indexed file's terms are extracted once per version of its index entry (an edited file is re-read, a
 * removed one forgotten, and the vocabulary of compounds follows); a question then costs one scan of the vocabulary
 * (compounds, ~1 ms) and one map look-up per file and term.
 * No per-keystroke work: this runs only when a chat question is sent.
 */
import { pack, type Candidate } from './packing';
import { questionTerms, termForms, terms } from './questionTerms';
import { Vocabulary } from './questionVocabulary';
import { forEachWord } from './similarity';
import type { PackedContext } from './types';
import type { IndexedFile, TagRef, WorkspaceIndex } from './workspaceIndex';

export interface QuestionHit {
  ref: TagRef;
  score: number;
  /** The query terms the definition matched, best first. */
  matched: string[];
  /** Set on a definition added because a top hit uses it: the name of that hit. */
  usedBy?: string;
  /** Set on a definition added because it sits in the same file as a top hit: the name of that hit. */
  near?: string;
}

/** Definitions ranked per question (before expansion): enough that the budget fills with signatures when bodies do not fit. */
export const QUESTION_HITS = 80;
/** Field weights: how much one occurrence of a term in each part of a definition counts. */
const NAME_WEIGHT = 3;
const PATH_WEIGHT = 1.2;
const BODY_WEIGHT = 1;
/** A term repeated in a snippet counts at most this many times. */
const MAX_BODY_TF = 3;
/** BM25 saturation and length normalisation. */
const K1 = 1.2;
const B = 0.75;
/** At most this many distinct words of a snippet are indexed (long container snippets list many member names). */
const MAX_SNIPPET_TERMS = 80;
/** Expansion: the definitions used by this many top hits are added, each at this share of its user's score. */
const EXPAND_TOP = 5;
const EXPAND_SHARE = 0.35;
/** The files of the best this many hits offer their other definitions, at this share of the hit's score. */
const NEIGHBOUR_FILES = 3;
const NEIGHBOUR_SHARE = 0.3;
const MAX_NEIGHBOURS = 40;
/** A used name defined in more places than this is too ambiguous to expand. */
const EXPAND_MAX_DEFS = 2;
/** Longest stretch of work between two turns of the event loop. */
const SLICE_MS = 8;
/** Definitions in test files count this much, unless the question is about tests. */
const TEST_FILE_SHARE = 0.6;
const TEST_PATH = /(^|[\\/])(tests?|testing|__tests__|specs?)([\\/]|$)|[._-](test|spec)s?\.\w+$|(^|[\\/])test_[^\\/]*$/i;
const TEST_INPUT_PATH = /(^|[\\/])(testdata|test_data|fixtures|__fixtures__|__mocks__)[\\/]/i;

/** True for a path that looks like a test file (a `test/` folder, `*.test.ts`, `test_*.py`, `*_test.go`). */
export function isTestPath(p: string): boolean {
  return TEST_PATH.test(p);
}

/** True for a test's input or fixture (a `testdata/` folder, which Go's tools skip; `fixtures/`; `__mocks__/`). */
export function isTestInputPath(p: string): boolean {
  return TEST_INPUT_PATH.test(p);
}

/**
 * True when two files are copies of one module, as packages that ship their sources beside their build output have:
 * the same file name before its first dot, and either the same last two folders (`src/v4/core/util.ts`,
 * `v4/core/util.js`) or the same path below different top-level folders (`lib/number.d.ts`, `es6/number.d.ts`).
 */
export function sameModule(a: string, b: string): boolean {
  const split = (p: string) => {
    const dirs = p.split(/[\\/]/);
    const base = dirs.pop() ?? '';
    return { dirs, stem: base.split('.')[0] };
  };
  const x = split(a);
  const y = split(b);
  if (x.stem !== y.stem) return false;
  const same = (p: string[], q: string[]) => p.length === q.length && p.every((d, i) => d === q[i]);
  return same(x.dirs.slice(-2), y.dirs.slice(-2)) || (x.dirs.length > 0 && same(x.dirs.slice(1), y.dirs.slice(1)));
}

/** The best `limit` hits, keeping one of each definition that copies of one module repeat (the best-scoring). */
function withoutCopies(sorted: readonly QuestionHit[], limit: number): QuestionHit[] {
  const out: QuestionHit[] = [];
  for (const h of sorted) {
    if (out.length >= limit) break;
    if (out.some((o) => o.ref.tag.name === h.ref.tag.name && sameModule(o.ref.file.path, h.ref.file.path))) continue;
    out.push(h);
  }
  return out;
}

/** Per-file postings: term -> (tag index, weighted term frequency) pairs, flattened. */
interface FileTerms {
  postings: Map<string, number[]>;
  /** Weighted length of each tag (for length normalisation). */
  lengths: Float32Array;
}

function weightedAdd(bag: Map<string, number>, term: string, weight: number, cap = Infinity): void {
  bag.set(term, Math.min(cap, (bag.get(term) ?? 0) + weight));
}

function extractFileTerms(file: IndexedFile): FileTerms {
  const pathTerms = new Set<string>();
  for (const part of file.path.split(/[\\/.]/)) for (const t of terms(part)) pathTerms.add(t);
  const postings = new Map<string, number[]>();
  const lengths = new Float32Array(file.tags.length);
  file.tags.forEach((tag, i) => {
    const bag = new Map<string, number>();
    bag.set('=' + tag.name.toLowerCase(), NAME_WEIGHT * 2);
    for (const t of terms(tag.name)) weightedAdd(bag, t, NAME_WEIGHT);
    for (const t of pathTerms) weightedAdd(bag, t, PATH_WEIGHT);
    const body = new Map<string, number>();
    forEachWord(tag.snippet, 0, (word) => {
      if (body.size >= MAX_SNIPPET_TERMS && !body.has(word)) return;
      body.set(word, (body.get(word) ?? 0) + 1);
    });
    for (const [word, n] of body) {
      if (word === tag.name) continue;
      for (const t of terms(word)) weightedAdd(bag, t, BODY_WEIGHT * Math.min(n, MAX_BODY_TF), NAME_WEIGHT + PATH_WEIGHT + BODY_WEIGHT * MAX_BODY_TF);
    }
    let length = 0;
    for (const [t, w] of bag) {
      length += w;
      let list = postings.get(t);
      if (!list) postings.set(t, (list = []));
      list.push(i, w);
    }
    lengths[i] = length;
  });
  return { postings, lengths };
}

/** The other definitions of the best hits' files (code asked about tends to sit beside what matched best). */
function neighbours(top: readonly QuestionHit[], seen: Set<unknown>): QuestionHit[] {
  const out: QuestionHit[] = [];
  const files = new Set<IndexedFile>();
  for (const hit of top) {
    if (files.size >= NEIGHBOUR_FILES) break;
    if (files.has(hit.ref.file)) continue;
    files.add(hit.ref.file);
    // The definitions nearest the hit first (what sits beside it in the file is most likely related to it).
    const tags = hit.ref.file.tags;
    const at = Math.max(0, tags.indexOf(hit.ref.tag));
    const nearest = tags.map((tag, i) => ({ tag, d: Math.abs(i - at) })).sort((a, b) => a.d - b.d).slice(0, MAX_NEIGHBOURS + 1);
    for (const { tag } of nearest) {
      if (seen.has(tag)) continue;
      seen.add(tag);
      out.push({ ref: { file: hit.ref.file, tag }, score: hit.score * NEIGHBOUR_SHARE, matched: [], near: hit.ref.tag.name });
    }
  }
  return out;
}

/** Gives the event loop a turn when the current turn has run for SLICE_MS; throws when `signal` is aborted. */
class TimeSlice {
  private start = performance.now();
  private count = 0;

  constructor(private readonly signal?: AbortSignal) {}

  async maybeYield(): Promise<void> {
    if (++this.count % 64 !== 0 || performance.now() - this.start < SLICE_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.signal?.throwIfAborted();
    this.start = performance.now();
  }
}

/** Ranks the indexed definitions for a question. One instance per index; it caches each file's terms. */
export class QuestionSearch {
  /** Each file's terms, for the index entry they were read from (an edited file's entry is replaced). */
  private readonly cache = new Map<string, { file: IndexedFile; ft: FileTerms }>();
  private readonly vocabulary = new Vocabulary();

  constructor(private readonly index: WorkspaceIndex) {}

  private fileTerms(file: IndexedFile): FileTerms {
    const had = this.cache.get(file.path);
    if (had?.file === file) return had.ft;
    if (had) this.vocabulary.count(had.ft.postings.keys(), -1);
    const ft = extractFileTerms(file);
    this.cache.set(file.path, { file, ft });
    this.vocabulary.count(ft.postings.keys(), 1);
    return ft;
  }

  /** Forgets the terms of files no longer in the index. */
  private sweep(): void {
    for (const [p, { file, ft }] of this.cache) {
      if (this.index.file(p) === file) continue;
      this.cache.delete(p);
      this.vocabulary.count(ft.postings.keys(), -1);
    }
  }

  /** Extracts every file's terms now (e.g. once the index is built), so the first question does not pay for it. */
  async warm(signal?: AbortSignal): Promise<void> {
    const slice = new TimeSlice(signal);
    for (const f of this.index.allFiles()) {
      this.fileTerms(f);
      await slice.maybeYield();
    }
  }

  /**
   * The best `limit` definitions for the question, each with its score and matched terms, then their expansions. Yields
   * to the event loop every few milliseconds, so a large workspace never blocks its thread for long.
   */
  async search(question: string, limit = QUESTION_HITS, signal?: AbortSignal): Promise<QuestionHit[]> {
    const terms = questionTerms(question);
    if (terms.length === 0) return [];
    const slice = new TimeSlice(signal);
    // Pass 1: document frequencies and the average weighted length, over every definition.
    const df = new Map<string, number>();
    let docs = 0;
    let totalLength = 0;
    const files: { file: IndexedFile; ft: FileTerms }[] = [];
    let visited = 0;
    for (const file of this.index.allFiles()) {
      await slice.maybeYield();
      visited++;
      const ft = this.fileTerms(file);
      if (file.tags.length > 0) files.push({ file, ft });
    }
    if (this.cache.size > visited) this.sweep();
    const query = termForms(terms, this.vocabulary.compounds(terms.filter((t) => !t.term.startsWith('=')).map((t) => t.term)));
    for (const { file, ft } of files) {
      docs += file.tags.length;
      for (const l of ft.lengths) totalLength += l;
      for (const q of query) {
        for (const f of q.forms) {
          const list = ft.postings.get(f.term);
          if (list) df.set(f.term, (df.get(f.term) ?? 0) + list.length / 2);
        }
      }
    }
    if (docs === 0) return [];
    const avgLength = totalLength / docs;
    const idf = (t: string) => {
      const n = df.get(t) ?? 0;
      return Math.log(1 + (docs - n + 0.5) / (n + 0.5));
    };
    // Pass 2: BM25F scores of the definitions that match at least one term.
    const scored: QuestionHit[] = [];
    const aboutTests = query.some((q) => q.term === 'test' || q.term === 'spec');
    for (const { file, ft } of files) {
      await slice.maybeYield();
      const share = !aboutTests && (isTestPath(file.path) || isTestInputPath(file.path)) ? TEST_FILE_SHARE : 1;
      const perTag = new Map<number, { score: number; matched: string[] }>();
      for (const q of query) {
        // Each definition gets the best of the term's forms (the word itself or an abbreviation of it).
        const best = new Map<number, { score: number; form: string }>();
        for (const f of q.forms) {
          const list = ft.postings.get(f.term);
          if (!list) continue;
          const w = idf(f.term) * q.weight * f.factor;
          for (let k = 0; k < list.length; k += 2) {
            const i = list[k];
            const tf = list[k + 1];
            const score = w * tf * (K1 + 1) / (tf + K1 * (1 - B + (B * ft.lengths[i]) / avgLength));
            if (score > (best.get(i)?.score ?? 0)) best.set(i, { score, form: f.term });
          }
        }
        for (const [i, b] of best) {
          let s = perTag.get(i);
          if (!s) perTag.set(i, (s = { score: 0, matched: [] }));
          s.score += b.score;
          s.matched.push(b.form.replace(/^=/, ''));
        }
      }
      for (const [i, s] of perTag) scored.push({ ref: { file, tag: file.tags[i] }, score: s.score * share, matched: [...new Set(s.matched)] });
    }
    scored.sort((a, b) => b.score - a.score);
    const top = withoutCopies(scored, limit);
    const used = this.expand(top);
    return [...top, ...used, ...neighbours(top, new Set([...top, ...used].map((h) => h.ref.tag)))];
  }

  /** Definitions the top hits use (names in their snippets defined in at most EXPAND_MAX_DEFS places), not already hits. */
  private expand(top: readonly QuestionHit[]): QuestionHit[] {
    const seen = new Set(top.map((h) => h.ref.tag));
    const out: QuestionHit[] = [];
    for (const hit of top.slice(0, EXPAND_TOP)) {
      const names = new Set<string>();
      forEachWord(hit.ref.tag.snippet, 0, (w) => {
        if (w !== hit.ref.tag.name && w.length > 2) names.add(w);
      });
      for (const name of names) {
        const defs = this.index.lookup(name);
        if (defs.length === 0 || defs.length > EXPAND_MAX_DEFS) continue;
        for (const ref of defs) {
          if (seen.has(ref.tag)) continue;
          seen.add(ref.tag);
          out.push({ ref, score: hit.score * EXPAND_SHARE, matched: [], usedBy: hit.ref.tag.name });
        }
      }
    }
    return out;
  }
}

/** What `@workspace` retrieval packs for a question: the packed context and, for the answer's chips, what was found. */
export interface QuestionContext extends PackedContext {
  /** The packed definitions, best first: file, symbol, score and why. */
  found: { path: string; symbol: string; line: number; score: number; why: string }[];
}

/** Packs the hits into `budget` tokens (exact counts): full snippets for the best, signatures for the rest when needed. */
export function packQuestionHits(hits: readonly QuestionHit[], budget: number): QuestionContext {
  const t0 = performance.now();
  const why = (h: QuestionHit) =>
    h.usedBy ? `used by ${h.usedBy}` : h.near ? `beside ${h.near}` : `matches ${h.matched.slice(0, 5).join(', ')}`;
  const candidates: Candidate[] = hits.map((h) => ({
    source: 'definition',
    path: h.ref.file.path,
    startLine: h.ref.tag.startLine,
    endLine: h.ref.tag.endLine,
    body: h.ref.tag.snippet,
    brief: h.ref.tag.signature.split('\n', 1)[0] === h.ref.tag.snippet ? undefined : h.ref.tag.signature,
    score: h.score,
    reason: `${why(h)} (score ${h.score.toFixed(1)})`,
  }));
  const packed = pack(candidates, budget);
  const byPlace = new Map(hits.map((h) => [`${h.ref.file.path}:${h.ref.tag.startLine}`, h]));
  const found = packed.items
    .map((it) => byPlace.get(`${it.path}:${it.startLine}`))
    .filter((h): h is QuestionHit => h !== undefined)
    .sort((a, b) => b.score - a.score)
    .map((h) => ({ path: h.ref.file.path, symbol: h.ref.tag.name, line: h.ref.tag.line, score: Math.round(h.score * 10) / 10, why: why(h) }));
  return { ...packed, elapsedMs: performance.now() - t0, budgetTokens: budget, found };
}
