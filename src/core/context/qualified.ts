/**
 * Members of the namespaces the code around the cursor is using: `core.` / `util.` (TypeScript `import * as core`),
 * `utils.` (Python `from . import utils`), `cobra.` (a Go package), `de::` (a Rust module). The next line very often
 * names a member of the same namespace that the visible text never mentions (`core._never(...)` inside `never()`), so
 * the namespace's top-level definitions are offered as signatures, ranked by how much their names share with the
 * enclosing scopes and the lines around the cursor (sub-words weighted by rarity), and scored by how much the
 * namespace is used near the cursor.
 */
import type { ActivitySource, OpenDocument } from './activity';
import { expandBarrels } from './barrels';
import { isSecretPath } from './exclude';
import { topLevelDefinitions as topLevel } from './fileSurface';
import { isKeyword } from './keywords';
import { languageForId, languageForPath } from './languages';
import type { Candidate } from './packing';
import { definitionCandidate, linesAround, usageShares, type CursorInfo } from './retrieval';
import { forEachWord, isWordPart } from './similarity';
import { detach, newlinesBetween } from '../strings';
import { SubwordBag, subwordIdf, subwordRelevance, subwords } from './subwords';
import type { IndexedFile, IndexedTag, WorkspaceIndex } from './workspaceIndex';

/** Lines scanned for qualifier uses, above and below the cursor. */
const QUALIFIER_LINES_BEFORE = 80;
const QUALIFIER_LINES_AFTER = 30;
/** Lines around the cursor whose identifiers describe "what is being written". */
const CONTEXT_LINES = 3;
/** Most namespaces considered, files per namespace, and candidates offered in all. */
const MAX_NAMESPACES = 3;
const MAX_FILES = 40;
const MAX_CANDIDATES = 250;
/** Score = use x (FLOOR + GAIN x min(relevance, RELEVANCE_CAP)). */
const FLOOR = 0.2;
const GAIN = 0.35;
const RELEVANCE_CAP = 6;
const QUALIFIER_RE = /([A-Za-z_$][\w$]*)(?:\.|::|->)(?=[A-Za-z_$])/g;
const DOT = 46;
const COLON = 58;

export interface NamespaceDeps {
  index: WorkspaceIndex;
  /** Resolves an import source written in file `fromPath` to workspace files. */
  resolveFrom: (fromPath: string, source: string) => string[];
  /** Open documents: what they call on the same qualifiers (`util.stringifyPrimitive` in every sibling) ranks members. */
  activity?: ActivitySource;
  memberUses?: MemberUseCache;
  /** expandBarrels with the caller's cache (the engine's BarrelCache); plain expandBarrels when absent. */
  expand?: (files: readonly string[], limit: number) => { path: string; depth: number }[];
}

/** Relevance added for a member that every open document uses (scaled by the share of them that do). */
const POPULARITY_GAIN = 3;
/** Relevance added for the namespace's member the current file uses most (log-scaled by its uses in the file). */
const OWN_USE_GAIN = 3;
/** The current file's text scanned for its own `q.member` uses, before and after the cursor (bounds huge files). */
const OWN_SCAN_BEFORE = 200_000;
const OWN_SCAN_AFTER = 50_000;
/** Relevance added for the namespace's member the workspace uses most (scaled by usageShares). */
const USAGE_GAIN = 2;
/** Per open document (path@version) and qualifier: the members the document names after `q.` / `q::`. */
export class MemberUseCache {
  private readonly map = new Map<string, Map<string, Set<string>>>();
  constructor(private readonly limit = 64) {}

  get(doc: OpenDocument, q: string): ReadonlySet<string> {
    const key = `${doc.relPath}@${doc.version}`;
    let perDoc = this.map.get(key);
    if (!perDoc) {
      perDoc = new Map();
      this.map.set(key, perDoc);
      if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as string);
    }
    let members = perDoc.get(q);
    if (!members) perDoc.set(q, (members = membersAfter(doc.text, q)));
    return members;
  }
}

/** Identifiers that follow `q.` or `q::` in `text` (where `q` is a whole word). indexOf, not a regex: it runs per document. */
function membersAfter(text: string, q: string): Set<string> {
  return new Set(memberCounts(text, q, true).keys());
}

/**
 * How often each identifier follows `q.` or `q::` in `text` (where `q` is a whole word). `keep`: the member names are
 * stored beyond this request (see detach); the per-request own-use scan leaves them as cut.
 */
export function memberCounts(text: string, q: string, keep = false): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = text.indexOf(q); i >= 0; i = text.indexOf(q, i + q.length)) {
    if (i > 0 && isWordPart(text.charCodeAt(i - 1))) continue;
    let j = i + q.length;
    if (text.charCodeAt(j) === DOT) j++;
    else if (text.charCodeAt(j) === COLON && text.charCodeAt(j + 1) === COLON) j += 2;
    else continue;
    let k = j;
    while (k < text.length && isWordPart(text.charCodeAt(k))) k++;
    if (k > j) {
      const cut = text.slice(j, k);
      const member = keep ? detach(cut) : cut; // cached per document version: must not hold that version's text
      out.set(member, (out.get(member) ?? 0) + 1);
    }
  }
  return out;
}

/** How many open documents (other than the current one) there are and, per qualifier, how many of them use `q.member`. */
function memberPopularity(cur: CursorInfo, qualifiers: readonly string[], deps: NamespaceDeps): { docs: number; uses: Map<string, Map<string, number>> } {
  const out = new Map(qualifiers.map((q) => [q, new Map<string, number>()]));
  let docs = 0;
  if (!deps.activity || !deps.memberUses) return { docs, uses: out };
  for (const doc of deps.activity.openDocuments()) {
    if (doc.relPath === cur.relPath || isSecretPath(doc.relPath)) continue;
    docs++;
    for (const q of qualifiers) {
      const counts = out.get(q)!;
      for (const member of deps.memberUses.get(doc, q)) counts.set(member, (counts.get(member) ?? 0) + 1);
    }
  }
  return { docs, uses: out };
}

/** Kinds of definition whose members are reached through their name (`Utils.x`, `Rack::Utils`, `Foo::new`). */
const CONTAINER_KINDS = new Set(['class', 'module', 'struct', 'interface', 'enum', 'impl', 'namespace', 'trait']);
/** A container name defined in more files than this is too ambiguous to stand for one namespace. */
const MAX_CONTAINER_FILES = 3;

/**
 * The files defining `q` as a container (a class, a module, a struct and its impl blocks), other than `fromPath`: what
 * `q.` / `q::` names when no import binds `q` (Ruby and PHP constants, Rust types in scope, Java classes of the same
 * package). Empty when `q` is no container, or too ambiguous to tell.
 */
export function containerFiles(q: string, index: WorkspaceIndex, fromPath: string): string[] {
  const files = new Set<string>();
  for (const r of index.lookup(q)) if (CONTAINER_KINDS.has(r.tag.kind) && r.file.path !== fromPath) files.add(r.file.path);
  return files.size > MAX_CONTAINER_FILES ? [] : [...files];
}

/**
 * Qualifiers used near the cursor, with a use weight (near uses count most, capped at 1): names an import binds, and
 * names `isContainer` says the workspace defines as a class, module or type elsewhere.
 */
export function qualifierUses(cur: CursorInfo, isContainer: (q: string) => boolean = () => false): Map<string, number> {
  const qualifies = qualifierTest(cur, isContainer);
  const uses = new Map<string, number>();
  const importLines = new Set(cur.imports.map((imp) => imp.line));
  const { text, firstLine } = linesAround(cur, QUALIFIER_LINES_BEFORE, QUALIFIER_LINES_AFTER);
  let line = firstLine;
  let last = 0;
  for (const m of text.matchAll(QUALIFIER_RE)) {
    line += newlinesBetween(text, last, m.index!);
    last = m.index!;
    const q = m[1];
    // An import line is no use of a namespace: `"golang.org/x/tools/go/ssa"` and `"./core/index.js"` name no `golang.`
    // or `index.` member (their words are among the import's names).
    if (importLines.has(line) || (m.index! > 0 && /[\w$.]/.test(text[m.index! - 1])) || !qualifies(q)) continue;
    const d = line - cur.line;
    const w = d <= 0 ? 1 / (1 + -d / 10) : 0.6 / (1 + d / 6);
    uses.set(q, Math.min(1, (uses.get(q) ?? 0) + w / 3));
  }
  return uses;
}

/** Whether a name can qualify a member (`q.x`, `q::x`): an import binds it, or else (not defined in this file) it names a container elsewhere. */
export function qualifierTest(cur: Pick<CursorInfo, 'imports' | 'tags'>, isContainer: (q: string) => boolean): (q: string) => boolean {
  const bound = new Set<string>();
  for (const imp of cur.imports) for (const n of imp.names) bound.add(n);
  const local = new Set(cur.tags.map((t) => t.name));
  const known = new Map<string, boolean>();
  return (q: string) => {
    if (bound.has(q)) return true;
    if (local.has(q)) return false;
    let k = known.get(q);
    if (k === undefined) known.set(q, (k = isContainer(q)));
    return k;
  };
}

/** Files a qualifier stands for: its import's target (Python: the submodule `source.q` first), through barrels. */
export function namespaceFiles(cur: CursorInfo, q: string, deps: Pick<NamespaceDeps, 'index' | 'resolveFrom' | 'expand'>): { path: string; depth: number }[] {
  const language = languageForId(cur.languageId) ?? languageForPath(cur.relPath);
  const direct: string[] = [];
  for (const imp of cur.imports) {
    if (!imp.names.includes(q)) continue;
    const sub = language === 'python' ? deps.resolveFrom(cur.relPath, imp.source.endsWith('.') ? imp.source + q : `${imp.source}.${q}`) : [];
    direct.push(...(sub.length ? sub : deps.resolveFrom(cur.relPath, imp.source)));
  }
  // Not bound by an import: the files that define `q` as a class, a module or a type.
  if (!cur.imports.some((imp) => imp.names.includes(q))) direct.push(...containerFiles(q, deps.index, cur.relPath));
  const files = direct.filter((f) => f !== cur.relPath);
  return deps.expand ? deps.expand(files, MAX_FILES) : expandBarrels(files, deps.index, deps.resolveFrom, MAX_FILES);
}

/** Sub-words of what is being written: the enclosing scopes' names and the identifiers on the lines around the cursor. */
export function cursorSubwords(cur: CursorInfo, qualifiers: ReadonlySet<string>): SubwordBag {
  const bag = new SubwordBag();
  cur.scopes.forEach((s, i) => bag.add(s.name, i === cur.scopes.length - 1 ? 1 : 0.6));
  const language = languageForId(cur.languageId) ?? languageForPath(cur.relPath);
  const { text, firstLine } = linesAround(cur, CONTEXT_LINES, CONTEXT_LINES);
  forEachWord(text, firstLine, (word, line) => {
    if (!qualifiers.has(word) && !isKeyword(language, word)) bag.add(word, 0.6 / (1 + Math.abs(line - cur.line)));
  });
  return bag;
}

/**
 * What `q.` can name in `file`: the file's top-level definitions (`q` stands for the module: a namespace import, a
 * package) and, when the file defines `q` itself (`export namespace util { ... }`, a class, an enum, a Rust struct and
 * its impl blocks), that definition's members too. Both, because a name says neither: a functional-style module
 * `Effect.ts` defines an `interface Effect` and is imported as `* as Effect`, where `Effect.flatMap` is the module's.
 */
export function surfaceFor(file: IndexedFile, q: string): readonly IndexedTag[] {
  const top = topLevel(file);
  const selves = file.tags.filter((t) => t.name === q && (top.includes(t) || CONTAINER_KINDS.has(t.kind)));
  if (selves.length === 0) return top;
  const members = file.tags.filter((t) => t.name !== q && selves.some((self) => t.startLine >= self.startLine && t.endLine <= self.endLine));
  const seen = new Set(members);
  return [...members, ...top.filter((t) => t.name !== q && !seen.has(t))];
}

/** A namespace's members, with what does not depend on the cursor: usage shares, sub-word idf. */
interface NamespacePool {
  /** The qualifier and files it was built for, and the pools taken before it that it leaves out (see poolAfter). */
  key: string;
  entries: { file: IndexedFile; tag: IndexedTag; usage: number }[];
  tags: ReadonlySet<IndexedTag>;
  idf: (w: string) => number;
  /** The entries (positions) whose names have each sub-word: only those can match the cursor's sub-words. */
  bySubword: ReadonlyMap<string, readonly number[]>;
}

/** Positions of `names` by sub-word. */
function subwordPositions(names: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  names.forEach((n, i) => {
    for (const w of subwords(n)) {
      const list = out.get(w);
      if (list) list.push(i);
      else out.set(w, [i]);
    }
  });
  return out;
}

/**
 * Namespace pools kept across requests for one index revision (usage counts and files change only with it), by
 * qualifier and the files it stands for: the pool of `Effect.` in a file importing `* as Effect` is thousands of
 * definitions whose idf and usage shares were recomputed on every keystroke.
 */
export class NamespacePoolCache {
  private revision = -1;
  private readonly map = new Map<string, NamespacePool>();
  /** The pools after the namespaces taken before them (see poolAfter), apart: they must not push the whole ones out. */
  private readonly after = new Map<string, NamespacePool>();
  /** Whole pools built (for tests and diagnostics). */
  builds = 0;
  /** A few open files' namespaces (a file uses a handful near any cursor). */
  constructor(private readonly limit = 64) {}

  get(revision: number, key: string, build: () => NamespacePool): NamespacePool {
    return this.kept(this.map, revision, key, build);
  }

  /** The pool of `key` after the pools taken before it (`key` names them too). */
  getAfter(revision: number, key: string, build: () => NamespacePool): NamespacePool {
    return this.kept(this.after, revision, key, build);
  }

  private kept(map: Map<string, NamespacePool>, revision: number, key: string, build: () => NamespacePool): NamespacePool {
    if (revision !== this.revision) {
      this.map.clear();
      this.after.clear();
      this.revision = revision;
    }
    let pool = map.get(key);
    if (!pool) {
      map.set(key, (pool = build()));
      if (map === this.map) this.builds++;
      if (map.size > this.limit) map.delete(map.keys().next().value as string);
    }
    return pool;
  }
}

/** log(1 + N / df) of the pool's names, as subwordIdf gives it, each sub-word's value computed once. */
function memoIdf(names: readonly string[]): (w: string) => number {
  const idf = subwordIdf(names);
  const memo = new Map<string, number>();
  return (w) => {
    let v = memo.get(w);
    if (v === undefined) memo.set(w, (v = idf(w)));
    return v;
  };
}

/**
 * The members `q.` offers through `files`, but for those `offered` (under a namespace taken before): each once, in
 * file order, a member the current file also defines kept (`Effect.flatMap` in a module defining its own `flatMap`).
 */
function buildPool(key: string, q: string, files: readonly { path: string }[], offered: ReadonlySet<IndexedTag>, index: WorkspaceIndex): NamespacePool {
  const pool: { file: IndexedFile; tag: IndexedTag }[] = [];
  const tags = new Set<IndexedTag>();
  for (const { path } of files) {
    const file = index.file(path);
    if (!file) continue;
    for (const tag of surfaceFor(file, q)) {
      if (offered.has(tag) || tags.has(tag)) continue;
      tags.add(tag);
      pool.push({ file, tag });
    }
  }
  const names = pool.map((p) => p.tag.name);
  const usage = usageShares(names, index);
  return { key, entries: pool.map((p) => ({ ...p, usage: usage.get(p.tag.name)! })), tags, idf: memoIdf(names), bySubword: subwordPositions(names) };
}

/**
 * The pool of `q` when the namespaces taken before it (`taken`, most used first) have offered some of its members:
 * a definition two of them reach is offered once, under the first. Usually they share none, and the kept pool is it.
 * Kept like the whole pools, by the pools taken before (a module and a barrel re-exporting it, used together, made the
 * second's pool again on every keystroke: thousands of members' usage shares and idf).
 */
function poolAfter(q: string, files: readonly { path: string }[], taken: readonly NamespacePool[], deps: NamespaceDeps & { pools: NamespacePoolCache }): NamespacePool {
  const key = `${q}\u0000${files.map((f) => f.path).join('\u0001')}`;
  const whole = deps.pools.get(deps.index.revision, key, () => buildPool(key, q, files, new Set(), deps.index));
  if (taken.length === 0) return whole;
  const after = `${key}\u0002${taken.map((p) => p.key).join('\u0003')}`;
  return deps.pools.getAfter(deps.index.revision, after, () => {
    const shared = taken.some((p) => p.entries.some((e) => whole.tags.has(e.tag)));
    return shared ? buildPool(after, q, files, new Set(taken.flatMap((p) => p.entries.map((e) => e.tag))), deps.index) : whole;
  });
}

/**
 * The first `k` of `0 .. n-1` in the order `before` (a total order: negative when a comes first), as sorting them all
 * and keeping the first `k` would give, in O(n log k): a heap of the best `k` so far, its worst on top.
 */
export function firstInOrder(n: number, k: number, before: (a: number, b: number) => number): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i).sort(before);
  const heap: number[] = [];
  const worse = (a: number, b: number) => before(a, b) > 0;
  for (let i = 0; i < n; i++) {
    if (heap.length < k) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!worse(heap[c], heap[p])) break;
        [heap[c], heap[p]] = [heap[p], heap[c]];
        c = p;
      }
    } else if (k > 0 && before(i, heap[0]) < 0) {
      heap[0] = i;
      for (let p = 0; ; ) {
        const l = 2 * p + 1;
        const r = l + 1;
        let w = p;
        if (l < k && worse(heap[l], heap[w])) w = l;
        if (r < k && worse(heap[r], heap[w])) w = r;
        if (w === p) break;
        [heap[w], heap[p]] = [heap[p], heap[w]];
        p = w;
      }
    }
  }
  return heap.sort(before);
}

/**
 * Namespaces whose pools the focus warm-up builds: the file's most used (a request ranks the three most used near its
 * cursor). Eight: with 32, a few files focused in turn pushed each other's pools out of the cache (64), and the pools
 * built again on every focus (662 builds in 60 warm-ups in effect's five longest files, against 30 with 8) raised the
 * peak RSS by 25-45 MB.
 */
const WARM_POOLS = 8;

/**
 * Builds and keeps the member pools of the namespaces the whole file of `cur` uses most, as requests at their cursors
 * would (the first request near a namespace built its pool, usage shares and sub-word idf of hundreds to thousands of
 * members, on the keystroke path: 53 pools in 60 requests in effect's five longest files). For the focus warm-up;
 * stops when `signal` aborts. Returns the namespaces warmed.
 */
export function warmNamespacePools(cur: CursorInfo, deps: NamespaceDeps & { pools: NamespacePoolCache }, isContainer: (q: string) => boolean, signal?: AbortSignal): string[] {
  const qualifies = qualifierTest(cur, isContainer);
  const importLines = new Set(cur.imports.map((imp) => imp.line));
  const counts = new Map<string, number>();
  let line = 0;
  let last = 0;
  for (const m of cur.text.matchAll(QUALIFIER_RE)) {
    line += newlinesBetween(cur.text, last, m.index!);
    last = m.index!;
    // As qualifierUses: not on an import line, not a member of a member.
    if (importLines.has(line) || (m.index! > 0 && /[\w$.]/.test(cur.text[m.index! - 1]))) continue;
    counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  const warmed: string[] = [];
  for (const [q] of [...counts].sort((a, b) => b[1] - a[1])) {
    if (warmed.length >= WARM_POOLS || signal?.aborted) break;
    if (!qualifies(q)) continue;
    poolAfter(q, namespaceFiles(cur, q, deps), [], deps);
    warmed.push(q);
  }
  return warmed;
}

/** Signatures of the members of the namespaces used around the cursor, best first. */
export function namespaceMemberCandidates(cur: CursorInfo, deps: NamespaceDeps & { pools?: NamespacePoolCache }): Candidate[] {
  const uses = [...cur.qualifiers].sort((a, b) => b[1] - a[1]).slice(0, MAX_NAMESPACES);
  if (uses.length === 0) return [];
  const context = cursorSubwords(cur, new Set(uses.map(([q]) => q)));
  const popularity = memberPopularity(cur, uses.map(([q]) => q), deps);
  const withPools = { ...deps, pools: deps.pools ?? new NamespacePoolCache(0) };
  // Every member of every pool is scored (thousands under `Effect.`), but only the best MAX_CANDIDATES become
  // candidates: scores and relevances in flat arrays, one entry per member, instead of an object each.
  const pools: { pool: NamespacePool; q: string; popular: Map<string, number>; own: Map<string, number> }[] = [];
  const taken: NamespacePool[] = [];
  let total = 0;
  for (const [q] of uses) {
    const pool = poolAfter(q, namespaceFiles(cur, q, deps), taken, withPools);
    taken.push(pool);
    // The file's own usage pattern: a member it calls all over (`Effect.flatMap` in a stream module) is the likely next.
    const own = memberCounts(cur.text.slice(Math.max(0, cur.offset - OWN_SCAN_BEFORE), cur.offset + OWN_SCAN_AFTER), q);
    pools.push({ pool, q, popular: popularity.uses.get(q)!, own });
    total += pool.entries.length;
  }
  const scores = new Float64Array(total);
  const relevances = new Float64Array(total);
  const from = new Uint16Array(total);
  let n = 0;
  pools.forEach(({ pool, popular, own }, p) => {
    const use = uses[p][1];
    const ownTop = Math.log1p(Math.max(0, ...own.values()));
    // A member none of whose sub-words is the cursor's has relevance 0 from them (what subwordRelevance gives it).
    const matching = new Uint8Array(pool.entries.length);
    for (const w of context.weights.keys()) for (const i of pool.bySubword.get(w) ?? []) matching[i] = 1;
    pool.entries.forEach(({ tag, usage }, i) => {
      const relevance =
        (matching[i] ? subwordRelevance(tag.name, context, pool.idf) : 0) +
        (POPULARITY_GAIN * (popular.get(tag.name) ?? 0)) / Math.max(1, popularity.docs) +
        (ownTop > 0 ? (OWN_USE_GAIN * Math.log1p(own.get(tag.name) ?? 0)) / ownTop : 0) +
        USAGE_GAIN * usage;
      relevances[n] = relevance;
      scores[n] = use * (FLOOR + GAIN * Math.min(relevance, RELEVANCE_CAP));
      from[n++] = p;
    });
  });
  // By score, equal scores in scoring order: the order the stable sort of the scored entries gave (only the first
  // MAX_CANDIDATES are kept: selected, not sorted, out of thousands).
  const order = firstInOrder(total, MAX_CANDIDATES, (a, b) => scores[b] - scores[a] || a - b);
  const starts: number[] = [];
  for (let p = 0, at = 0; p < pools.length; at += pools[p++].pool.entries.length) starts.push(at);
  return order.map((i) => {
    const { pool, q, popular, own } = pools[from[i]];
    const { file, tag } = pool.entries[i - starts[from[i]]];
    const relevance = relevances[i];
    return definitionCandidate(file, tag, 'import', scores[i], `${tag.kind} ${tag.name}: a member of ${q}, used near the cursor${relevance > 0 ? ` (relevance ${relevance.toFixed(1)})` : ''}${popular.has(tag.name) ? `; ${popular.get(tag.name)} open files use ${q}.${tag.name}` : ''}${own.has(tag.name) ? `; this file uses ${q}.${tag.name} ${own.get(tag.name)} times` : ''}`);
  });
}
