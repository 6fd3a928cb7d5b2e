/**
 * Candidate generation for a cursor. Each function returns scored candidates of one source; the engine merges and packs.
 *  - definitions: identifiers used near the cursor, in the enclosing scope and in the imports, looked up in the index
 *    (files reached through the imports first); names in the enclosing signature are "types".
 *  - similar: Jaccard windows of open documents against the lines before the cursor.
 *  - recent edits: ranges the user just changed elsewhere.
 */
import type { ActivitySource, OpenDocument } from './activity';
import { isSecretPath } from './exclude';
import { isKeyword } from './keywords';
import { languageForId, languageForPath } from './languages';
import type { Candidate } from './packing';
import { listCandidates, type CandidateRun } from './candidateRuns';
import type { ImportRef, Tag } from './structure';
import { forEachWord, identifierSet, isWordPart, jaccardIds, wordIds, type WindowCache } from './similarity';
import type { IndexedFile, IndexedTag, TagRef, WorkspaceIndex } from './workspaceIndex';
import { newlineAfterWithin, newlineBefore, newlineBeforeWithin } from '../strings';

export interface CursorInfo {
  relPath: string;
  languageId: string;
  text: string;
  offset: number;
  /** 0-based line of the cursor. */
  line: number;
  tags: readonly Tag[];
  imports: readonly ImportRef[];
  scopes: readonly Tag[];
  /** Files the imports resolve to (Go: the package's files too), with the line distance of the nearest import naming them. */
  importedFiles: ReadonlyMap<string, number>;
  /** importedFiles plus what the barrels among them re-export (`index.ts` -> `export * from "./api"`). */
  reachableFiles: ReadonlySet<string>;
  /** Names bound by the import statements that resolved to workspace files. */
  resolvedBindings: ReadonlySet<string>;
  /**
   * Names used as qualifiers (`core.x`, `de::x`, `Utils.x`) near the cursor, with a use weight in (0, 1]: bound by an
   * import, or defined elsewhere in the workspace as a class, module or type.
   */
  qualifiers: ReadonlyMap<string, number>;
}

/** How far (chars) around the cursor identifiers are collected; bounds the work on huge files. */
const SCAN_BEFORE = 60_000;
const SCAN_AFTER = 15_000;
/** Many uses of a name add up to at most this weight. */
export const MAX_NAME_WEIGHT = 3;

/**
 * How far (chars) either side of the cursor the line-based scans (linesAround, lastLines) read at most: a minified or
 * generated file's single line can be megabytes long. Far beyond what their few dozen ordinary lines span.
 */
const LINES_AROUND_REACH = 60_000;

/** The text around the cursor that names are collected from ([from, to)), and the line `from` is on. */
export function scanWindow(cur: Pick<CursorInfo, 'text' | 'offset' | 'line'>): { from: number; to: number; firstLine: number } {
  const from = Math.max(0, cur.offset - SCAN_BEFORE);
  let firstLine = cur.line;
  for (let i = newlineBefore(cur.text, cur.offset); i >= from; i = newlineBefore(cur.text, i)) firstLine--;
  return { from, to: Math.min(cur.text.length, cur.offset + SCAN_AFTER), firstLine };
}

/** What one use of a name `d` lines from the cursor weighs: 1 on its line, falling over ~12 lines above, ~8 below. */
export function nearness(d: number): number {
  return d <= 0 ? 1 / (1 + -d / 12) : 0.7 / (1 + d / 8);
}
const DOT = 46;
/** Names defined more often than this in the workspace are too ambiguous to fetch unless an import points at them. */
const MAX_AMBIGUITY = 6;
const MAX_DEFS_PER_NAME = 2;
/** Kinds of definition that are types, never a module's alias. */
const TYPE_KINDS = new Set(['class', 'struct', 'enum', 'interface', 'trait', 'union']);

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** Weight of each identifier for this cursor: near uses count most; imported names and signature names get a bonus. */
export function identifierWeights(cur: CursorInfo): { weights: Map<string, number>; imported: Set<string>; typeNames: Set<string> } {
  const { from, to, firstLine } = scanWindow(cur);
  // Weight and uses per word in one entry: one map look-up per occurrence (~10,000 in 75,000 characters) instead of four.
  const seen = new Map<string, { w: number; n: number }>();
  const language = languageForId(cur.languageId) ?? languageForPath(cur.relPath);
  const scanned = cur.text.slice(from, to);
  forEachWord(scanned, firstLine, (word, line, index) => {
    // A reserved word counts only as a member name (`z.object(...)`); `if`, `: never`, `const` name no definition.
    if (isKeyword(language, word) && scanned.charCodeAt(index - 1) !== DOT) return;
    const w = nearness(line - cur.line);
    const e = seen.get(word);
    if (e) {
      e.w = Math.min(MAX_NAME_WEIGHT, e.w + w);
      e.n++;
    } else seen.set(word, { w: Math.min(MAX_NAME_WEIGHT, w), n: 1 });
  });
  const weights = new Map<string, number>();
  for (const [word, e] of seen) weights.set(word, e.w);
  const imported = new Set<string>();
  for (const imp of cur.imports) for (const n of imp.names) if (!isKeyword(language, n)) imported.add(n);
  const typeNames = new Set<string>();
  for (const s of cur.scopes) for (const w of identifierSet(s.signature)) if (w !== s.name && !isKeyword(language, w)) typeNames.add(w);
  for (const n of imported) weights.set(n, (weights.get(n) ?? 0) + importBonus(seen.get(n)?.n ?? 0, cur.imports.length));
  for (const n of typeNames) weights.set(n, (weights.get(n) ?? 0) + 1.5);
  return { weights, imported, typeNames };
}

/** The bonus of an imported name used this often in the file: the most used ones get it all. */
const IMPORT_BONUS = 1;
/** Uses (besides the import) at which an imported name gets the whole bonus in a file importing many names. */
const FREQUENT_USES = 8;
/** Up to this many import statements, every imported name gets the whole bonus (a few imports are all relevant). */
const FEW_IMPORTS = 8;

/**
 * How much naming `n` in an import adds to its weight, given how often the scanned text names it (`uses`, the import
 * included). In a file with a few imports, all of it; the more modules a file imports, the more the bonus follows
 * the file's own use of the name (log scale): in a file importing dozens of modules, the signature of a name used
 * twenty times beats that of one it names once.
 */
export function importBonus(uses: number, importStatements: number): number {
  const flat = Math.min(1, FEW_IMPORTS / Math.max(1, importStatements));
  const used = Math.min(1, Math.log1p(Math.max(0, uses - 1)) / Math.log1p(FREQUENT_USES));
  return IMPORT_BONUS * (flat + (1 - flat) * used);
}

/** Definitions of the identifiers around the cursor, from the workspace index. */
export function definitionCandidates(cur: CursorInfo, index: WorkspaceIndex, ids = identifierWeights(cur)): Candidate[] {
  const { weights, imported, typeNames } = ids;
  // An `impl Trait for Notify` block names a type, it does not define it (the struct is wherever it is declared).
  const local = new Set(cur.tags.filter((t) => t.kind !== 'impl').map((t) => t.name));
  const curDir = dirOf(cur.relPath);
  const language = languageForId(cur.languageId) ?? languageForPath(cur.relPath);
  let moduleDirs: string[] | undefined;
  const out: Candidate[] = [];
  for (const [name, w] of weights) {
    if (local.has(name) || w < 0.05) continue;
    // Most names in a 75,000-character window are locals and members the index does not define: no array made for them.
    const defined = index.lookup(name);
    if (defined.length === 0) continue;
    const refs = defined.filter((r) => r.file.path !== cur.relPath);
    if (refs.length === 0) continue;
    let viaImport = refs.filter((r) => cur.reachableFiles.has(r.file.path));
    // Rust: a name imported from a module that does not define it is re-exported there (`pub use notify::Notify;`, often
    // inside a `cfg_*!` macro tree-sitter leaves unparsed) from one of its submodules, in the module's folder.
    if (viaImport.length === 0 && cur.resolvedBindings.has(name) && language === 'rust') {
      moduleDirs ??= rustModuleDirs(cur.reachableFiles);
      viaImport = refs.filter((r) => moduleDirs!.some((d) => r.file.path.startsWith(d)));
    }
    if (viaImport.length === 0 && refs.length > MAX_AMBIGUITY) continue;
    // A namespace alias (`import * as util from "./util"`, used as `util.x`) defined in none of the files its import
    // reaches stands for the module itself: a `util` defined elsewhere is another thing. Not so a type imported by name
    // and used as a qualifier (`use crate::task::Inject;` then `Inject::new()`) whose module re-exports it from a file
    // the import does not reach (`pub use self::inject::Inject` inside a macro): a module alias is no struct or class.
    if (viaImport.length === 0 && cur.resolvedBindings.has(name) && cur.qualifiers.has(name) && !refs.some((r) => TYPE_KINDS.has(r.tag.kind))) continue;

    const pool = viaImport.length ? viaImport : refs;
    const ranked = pool
      .map((r) => ({ r, affinity: affinity(r, cur, curDir) }))
      .sort((a, b) => b.affinity - a.affinity)
      .slice(0, MAX_DEFS_PER_NAME);
    for (const { r, affinity: a } of ranked) {
      const source = viaImport.length || imported.has(name) ? 'import' : typeNames.has(name) ? 'type' : 'definition';
      const score = (w * a) / Math.sqrt(pool.length);
      const why = source === 'import' ? 'imported' : source === 'type' ? 'in the enclosing signature' : 'used near the cursor';
      out.push(definitionCandidate(r.file, r.tag, source, score, `${r.tag.kind} ${name}: ${why}${pool.length > 1 ? `, 1 of ${pool.length} definitions` : ''}`, 'multi-line'));
    }
  }
  return out;
}

/** The folders holding the submodules of Rust module files (`sync/mod.rs` -> `sync/`, `task.rs` -> `task/`), with a slash. */
function rustModuleDirs(files: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const f of files) {
    if (!f.endsWith('.rs')) continue;
    out.add(/(^|\/)(mod|lib|main)\.rs$/.test(f) ? dirOf(f) + '/' : f.slice(0, -3) + '/');
  }
  return [...out];
}

/** A file must define at least this many distinct names the current file uses to count as used without an import. */
const MIN_USED_NAMES = 3;
const MAX_USED_FILES = 4;

/**
 * Files the current file relies on without importing them: other files defining at least MIN_USED_NAMES of the names
 * it uses (each name counted once, split between its definitions), most relied on first, with that count. Ruby code
 * inside `module Rack` uses the constants of `rack.rb`, a Go file the helpers of its package's other files, a C file
 * what its headers declare: the next line likely uses another of them, so their surface is worth offering.
 */
export function usedFiles(cur: CursorInfo, index: WorkspaceIndex, ids = identifierWeights(cur)): Map<string, number> {
  const local = new Set(cur.tags.map((t) => t.name));
  const votes = new Map<string, number>();
  for (const name of ids.weights.keys()) {
    if (local.has(name)) continue;
    const refs = index.lookup(name);
    if (refs.length === 0 || refs.length > MAX_AMBIGUITY) continue;
    const files = new Set(refs.map((r) => r.file.path));
    if (files.has(cur.relPath)) continue;
    for (const f of files) votes.set(f, (votes.get(f) ?? 0) + 1 / files.size);
  }
  const ranked = [...votes].filter(([f, v]) => v >= MIN_USED_NAMES && !cur.reachableFiles.has(f)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return new Map(ranked.slice(0, MAX_USED_FILES));
}

/**
 * The text of lines [cursor line - before, cursor line + after] and the number of its first line, read no further than
 * LINES_AROUND_REACH characters either side of the cursor (every keystroke runs several of these scans). A line cut
 * there is cut between words (no fragment of an identifier is read as a name).
 */
export function linesAround(cur: CursorInfo, before: number, after: number): { text: string; firstLine: number } {
  const { text, offset } = cur;
  const floor = Math.max(0, offset - LINES_AROUND_REACH);
  const ceiling = Math.min(text.length, offset + LINES_AROUND_REACH);
  let from = newlineBeforeWithin(text, offset, floor) + 1;
  let firstLine = cur.line;
  // `from > floor`: text[from - 1] is a newline, so there is a line above to take.
  for (; firstLine > cur.line - before && from > floor; firstLine--) from = newlineBeforeWithin(text, from - 1, floor) + 1;
  let to = offset;
  for (let i = 0; i <= after && to >= 0; i++) to = newlineAfterWithin(text, i === 0 ? to : to + 1, ceiling);
  if (to < 0) to = ceiling;
  return { text: text.slice(wordStartAtOrAfter(text, from), wordEndAtOrBefore(text, to)), firstLine };
}

/** `at`, moved past the rest of an identifier it falls inside of (a cut in the middle of a word). */
function wordStartAtOrAfter(text: string, at: number): number {
  if (at === 0 || !isWordPart(text.charCodeAt(at - 1))) return at;
  while (at < text.length && isWordPart(text.charCodeAt(at))) at++;
  return at;
}

/** `at`, moved back to the start of an identifier it falls inside of. */
function wordEndAtOrBefore(text: string, at: number): number {
  if (at >= text.length || !isWordPart(text.charCodeAt(at))) return at;
  while (at > 0 && isWordPart(text.charCodeAt(at - 1))) at--;
  return at;
}

/**
 * Identifiers on the `span` lines above and below the cursor line (and on it, unless `skipCursorLine`), each with its
 * nearest signed line distance.
 */
export function wordsAround(cur: CursorInfo, span: number, skipCursorLine = false): Map<string, number> {
  const { text, firstLine } = linesAround(cur, span, span);
  const nearest = new Map<string, number>();
  forEachWord(text, firstLine, (word, line) => {
    const d = line - cur.line;
    if (skipCursorLine && d === 0) return;
    if (!nearest.has(word) || Math.abs(d) < Math.abs(nearest.get(word)!)) nearest.set(word, d);
  });
  return nearest;
}

/** Lines around the cursor whose identifiers seed the name family search; shortest prefix considered. */
const FAMILY_LINES = 3;
const FAMILY_MIN_PREFIX = 4;
const FAMILY_PER_NAME = 3;
/** A family member counts this much of an exact use of its prefix at the same distance. */
const FAMILY_FACTOR = 0.5;

/**
 * Definitions whose names extend an identifier used right around the cursor (`$ZodEmoji` -> `$ZodEmojiInternals`,
 * `Foo` -> `FooOptions`): code next to a use of X very often needs X's companion types, which the line being typed names
 * but the visible text does not.
 */
export function nameFamilyCandidates(cur: CursorInfo, index: WorkspaceIndex): Candidate[] {
  const nearest = wordsAround(cur, FAMILY_LINES);
  for (const word of nearest.keys()) if (word.length < FAMILY_MIN_PREFIX) nearest.delete(word);
  // An `impl Trait for Notify` block names a type, it does not define it (the struct is wherever it is declared).
  const local = new Set(cur.tags.filter((t) => t.kind !== 'impl').map((t) => t.name));
  const curDir = dirOf(cur.relPath);
  const out: Candidate[] = [];
  for (const [prefix, d] of nearest) {
    const family = index.namesExtending(prefix, FAMILY_PER_NAME * 2).filter((n) => !local.has(n) && !nearest.has(n)).slice(0, FAMILY_PER_NAME);
    const near = nearness(d);
    for (const name of family) {
      const refs = index.lookup(name).filter((r) => r.file.path !== cur.relPath);
      if (refs.length === 0 || refs.length > MAX_AMBIGUITY) continue;
      const best = refs.map((r) => ({ r, a: affinity(r, cur, curDir) })).sort((x, y) => y.a - x.a)[0];
      out.push({
        source: 'definition',
        path: best.r.file.path,
        languageId: best.r.file.language,
        startLine: best.r.tag.startLine,
        endLine: best.r.tag.endLine,
        body: best.r.tag.snippet,
        brief: best.r.tag.snippet.includes('\n') ? best.r.tag.signature : undefined,
        score: (FAMILY_FACTOR * near * best.a) / Math.sqrt(family.length * refs.length),
        reason: `${best.r.tag.kind} ${name}: its name extends ${prefix}, used near the cursor`,
      });
    }
  }
  return out;
}

/** How much a definition in a file the imports reach counts against one found by name elsewhere. */
export const IMPORT_AFFINITY = 1.5;

function affinity(r: TagRef, cur: CursorInfo, curDir: string): number {
  if (cur.reachableFiles.has(r.file.path)) return IMPORT_AFFINITY;
  if (dirOf(r.file.path) === curDir) return 1.2;
  return 1;
}

/**
 * Definitions of one imported file offered as signatures: at least this many, and more while their signatures total
 * under MAX_SURFACE_CHARS (a file of many one-line constants, such as a module's table of names, is offered whole).
 */
const MAX_SURFACE_PER_FILE = 40;
const MAX_SURFACE_CHARS = 4000;
/** Kinds that are members of something else (listed after the top-level API). */
const MEMBER_KINDS = new Set(['method', 'field', 'enumerator']);

/**
 * How much of the workspace uses each of `names`, relative to the most used of them: log(1 + files naming it) over
 * log(1 + the most any of them has), in [0, 1]. Ranks a module's definitions by how much the codebase relies on them.
 */
export function usageShares(names: Iterable<string>, index: WorkspaceIndex): Map<string, number> {
  const counts = new Map<string, number>();
  let most = 0;
  for (const n of names) {
    if (counts.has(n)) continue;
    const u = index.usage(n);
    counts.set(n, u);
    if (u > most) most = u;
  }
  const top = Math.log1p(most);
  for (const [n, u] of counts) counts.set(n, top > 0 ? Math.log1p(u) / top : 0);
  return counts;
}

/** An imported file's definitions score between this and 1 + this times their base score, by workspace usage. */
const SURFACE_USAGE_FLOOR = 0.5;

/**
 * The API surface of imported files: signatures of their definitions, scored low and by how close the import is to
 * the cursor, and by how much the workspace uses each (a module's most used helpers first, the rarely used ones last:
 * a file importing dozens of modules cannot show all of them). They fill what the budget has left after the
 * definitions of names in view (in an import or re-export block, the neighbouring modules' names are the likely next
 * ones).
 */
export function importSurfaceCandidates(cur: CursorInfo, index: WorkspaceIndex, weight = 1, why = 'defined in an imported file'): Candidate[] {
  return listCandidates(importSurfaceRuns(cur, index, weight, why));
}

/**
 * importSurfaceCandidates as one run per file (see CandidateRun): the same candidates in the same order, made as
 * packing takes them. A file importing dozens of modules offers thousands of signatures; packing looks at a few hundred.
 */
export function importSurfaceRuns(cur: CursorInfo, index: WorkspaceIndex, weight = 1, why = 'defined in an imported file'): CandidateRun[] {
  const out: CandidateRun[] = [];
  for (const [path, distance] of cur.importedFiles) {
    const file = index.file(path);
    if (!file || file.tags.length === 0) continue;
    const near = (0.3 * weight) / (1 + distance / 5);
    out.push({
      open: function* () {
        let chars = 0;
        let i = 0;
        for (const { tag, score } of surfaceRanking(file, index, near)) {
          chars += tag.signature.length;
          if (i++ >= MAX_SURFACE_PER_FILE && chars > MAX_SURFACE_CHARS) return;
          yield definitionCandidate({ path, language: file.language }, tag, 'import', score, `${tag.kind} ${tag.name}: ${why}`);
        }
      },
    });
  }
  return out;
}

/** An imported file's definition with the factors of its surface score that do not depend on the cursor. */
interface SurfaceEntry {
  tag: IndexedTag;
  /** Position in the file's tags (the tie order). */
  index: number;
  kind: number;
  usage: number;
}

/**
 * One kind's definitions of a file, by usage, highest first, equal usage in file order; `runEnd[i]` is where the run of
 * entries with entry i's usage that i starts (or is in) ends.
 */
interface SurfaceGroup {
  entries: SurfaceEntry[];
  runEnd: number[];
}

/**
 * Per indexed file (a new object when the file is re-indexed), valid while the index's revision (its usage counts)
 * holds: the definitions grouped by `kind`, each group by usage (see SurfaceGroup).
 */
const surfaceOrders = new WeakMap<IndexedFile, { revision: number; groups: SurfaceGroup[] }>();

function surfaceGroups(file: IndexedFile, index: WorkspaceIndex): SurfaceGroup[] {
  const known = surfaceOrders.get(file);
  if (known && known.revision === index.revision) return known.groups;
  const shares = usageShares(file.tags.map((t) => t.name), index);
  const byKind = new Map<number, SurfaceEntry[]>();
  let lastEnd = -1;
  for (const [i, tag] of file.tags.entries()) {
    const topLevel = tag.startLine > lastEnd;
    if (topLevel) lastEnd = tag.endLine;
    const kind = topLevel && !MEMBER_KINDS.has(tag.kind) ? 1 : 0.3;
    const group = byKind.get(kind) ?? [];
    group.push({ tag, index: i, kind, usage: SURFACE_USAGE_FLOOR + shares.get(tag.name)! });
    byKind.set(kind, group);
  }
  const groups = [...byKind.values()].map((g) => {
    // A stable sort of entries listed in file order: equal usage stays in file order.
    const entries = g.sort((a, b) => b.usage - a.usage);
    const runEnd = new Array<number>(entries.length);
    for (let i = entries.length - 1; i >= 0; i--) runEnd[i] = i + 1 < entries.length && entries[i + 1].usage === entries[i].usage ? runEnd[i + 1] : i + 1;
    return { entries, runEnd };
  });
  surfaceOrders.set(file, { revision: index.revision, groups });
  return groups;
}

/**
 * One group's entries scored `near * kind * usage`, by score and then file order. A group's kind is one, so entries of
 * equal usage score alike and are in file order already (a run, skipped over whole); only where the product makes
 * unequal usages equal are the merged runs sorted by file order (the scan found ~1,000-entry runs of unused names).
 */
function* scoredGroup({ entries: group, runEnd }: SurfaceGroup, near: number): Generator<{ e: SurfaceEntry; score: number }> {
  for (let i = 0; i < group.length; ) {
    // Multiplying by the same positive factors keeps the usage order (rounding is monotonic); it can only make neighbours equal.
    const score = near * group[i].kind * group[i].usage;
    let j = runEnd[i];
    while (j < group.length && near * group[j].kind * group[j].usage === score) j = runEnd[j];
    if (j === runEnd[i]) for (let k = i; k < j; k++) yield { e: group[k], score };
    else for (const e of group.slice(i, j).sort((a, b) => a.index - b.index)) yield { e, score };
    i = j;
  }
}

/**
 * A file's definitions scored `near * kind * usage`, best first, equal scores in the file's order: exactly the order a
 * stable sort of the scores gives. Only the cursor's factor `near` changes per request, so the usage order is kept per
 * file and index revision and the kinds' groups are merged here, lazily (callers take a few dozen of hundreds).
 */
export function* surfaceRanking(file: IndexedFile, index: WorkspaceIndex, near: number): Generator<{ tag: IndexedTag; score: number }> {
  const heads = surfaceGroups(file, index).map((g) => scoredGroup(g, near)).map((it) => ({ it, cur: it.next() }));
  for (;;) {
    let best: (typeof heads)[number] | undefined;
    for (const h of heads) {
      if (h.cur.done) continue;
      if (!best || h.cur.value.score > best.cur.value!.score || (h.cur.value.score === best.cur.value!.score && h.cur.value.e.index < best.cur.value!.e.index)) best = h;
    }
    if (!best) return;
    const { e, score } = best.cur.value!;
    yield { tag: e.tag, score };
    best.cur = best.it.next();
  }
}

/** Lines per similarity window (and lines before the cursor compared with them). */
const SIMILAR_WINDOW_LINES = 40;

/** The windows of an open document, as similarCandidates will ask for them (computed once per document version). */
export function documentWindows(doc: OpenDocument, windows: WindowCache, size = SIMILAR_WINDOW_LINES) {
  return windows.get(`${doc.relPath}@${doc.version}`, () => doc.text, size, Math.max(1, size / 3));
}

/**
 * The last `n` lines of text[0, end) (the line `end` is on counting as one), read backwards from `end`: what
 * `text.slice(0, end).split('\n').slice(-n).join('\n')` gives, without splitting the whole prefix of a long file, and
 * no further back than `floor` (a line cut there is cut between words).
 */
export function lastLines(text: string, end: number, n: number, floor = 0): string {
  let from = end;
  for (let k = 0; k < n; k++) {
    const nl = from > floor ? newlineBeforeWithin(text, from, floor) : floor - 1;
    if (nl < floor) return text.slice(wordStartAtOrAfter(text, floor), end);
    from = nl;
  }
  return text.slice(from + 1, end);
}

/** Jaccard-similar windows of open documents (one per file), against the `size` lines before the cursor. */
export function similarCandidates(
  cur: CursorInfo,
  activity: ActivitySource | undefined,
  windows: WindowCache,
  options: { size?: number; maxWindows?: number; weight?: number } = {},
): Candidate[] {
  if (!activity) return [];
  const size = options.size ?? SIMILAR_WINDOW_LINES;
  const query = wordIds(identifierSet(lastLines(cur.text, cur.offset, size, Math.max(0, cur.offset - LINES_AROUND_REACH))));
  if (query.length === 0) return [];
  const best: Candidate[] = [];
  for (const doc of activity.openDocuments()) {
    if (doc.relPath === cur.relPath || isSecretPath(doc.relPath)) continue;
    const { slice, windows: ws } = documentWindows(doc, windows, size);
    let top: { s: number; w: (typeof ws)[number] } | undefined;
    for (const w of ws) {
      const s = jaccardIds(query, w.words);
      if (!top || s > top.s) top = { s, w };
    }
    if (!top || top.s <= 0.05) continue;
    best.push({
      source: 'similar',
      path: doc.relPath,
      languageId: doc.languageId,
      startLine: top.w.startLine,
      endLine: top.w.endLine - 1,
      body: slice(top.w.startLine, top.w.endLine),
      score: (options.weight ?? 1) * top.s,
      reason: `similar code (Jaccard ${top.s.toFixed(2)})`,
    });
  }
  return best.sort((a, b) => b.score - a.score).slice(0, options.maxWindows ?? 3);
}

/** Ranges the user edited recently, away from the cursor. Newer edits score higher. */
export function recentEditCandidates(cur: CursorInfo, activity: ActivitySource | undefined, now = Date.now()): Candidate[] {
  if (!activity) return [];
  const out: Candidate[] = [];
  for (const e of activity.recentEdits()) {
    if (isSecretPath(e.relPath)) continue;
    if (e.relPath === cur.relPath && Math.abs(e.startLine - cur.line) < 30) continue; // already in the prefix/suffix
    const ageMin = Math.max(0, (now - e.at) / 60_000);
    out.push({
      source: 'recent-edit',
      path: e.relPath,
      languageId: e.languageId,
      startLine: e.startLine,
      endLine: e.endLine,
      body: e.text,
      score: 1.2 / (1 + ageMin / 5),
      reason: `edited ${ageMin < 1 ? 'just now' : `${Math.round(ageMin)} min ago`}`,
    });
  }
  return out.slice(0, 6);
}

/**
 * A candidate that shows an indexed definition: its snippet, and its signature as the brief (`brief: 'multi-line'`
 * offers the signature only when the snippet is longer than one line).
 */
export function definitionCandidate(
  file: Pick<IndexedFile, 'path' | 'language'>,
  tag: Pick<IndexedTag, 'startLine' | 'endLine' | 'snippet' | 'signature'>,
  source: Candidate['source'],
  score: number,
  reason: string,
  brief: 'always' | 'multi-line' = 'always',
): Candidate {
  return {
    source,
    path: file.path,
    languageId: file.language,
    startLine: tag.startLine,
    endLine: tag.endLine,
    body: tag.snippet,
    brief: brief === 'always' || tag.snippet.includes('\n') ? tag.signature : undefined,
    score,
    reason,
  };
}
