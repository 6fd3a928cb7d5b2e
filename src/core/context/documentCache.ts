/**
 * Parsed structure of the documents being edited, kept up to date per keystroke at a cost bounded by the edit, not by
 * the file: the change is found by comparing the old and new text (in blocks), the previous tree is edited with it and
 * handed to the parser (incremental re-parse), the grammar rewrites and the size checks are redone only around the
 * change, and only the top-level statements the re-parse touched are queried again for definitions and imports.
 *
 * The whole re-parse gets a keystroke's budget (KEYSTROKE_PARSE_MS). A change that unbalances a brace or opens a
 * comment makes it read the rest of the file; over the budget, or when the re-parse moved more than a window's worth
 * of statements, the keystroke is answered from a window instead (editWindow.ts: the statements around every change
 * since the last whole parse, parsed alone; every other definition kept from that parse): the structure is then
 * provisional. The whole re-parse and its structure are finished afterwards, in slices of the same budget, between
 * requests (`settled()` resolves once done); a new version drops an unfinished one and starts again from the last
 * whole parse.
 */
import type { Tree } from 'web-tree-sitter';
import { checkAfterEdit, checkParseable, newParser, parseParseable, ResumableParse, resolveLanguage, type FallbackReason, type ParseCheck } from './parser';
import { parseable as rewrite, updateParseable, type Parseable } from './grammarQuirks';
import type { LanguageName } from './languages';
import type { FileStructure } from './structure';
import { changedStatements, combineStructure, composeEdits, fullStructure, MAX_DIRTY_SHARE, mergeStructure, NARROW_CHARS, rangesChars, statementChunks, structureAfter, structureIn, updateStructure, type DirtyRanges, type TextEdit, type UpdatableStructure } from './structureUpdate';
import type { IndexRange } from './structure';
import { editWindow, windowParsedAlike, WINDOW_CHARS } from './editWindow';

export interface DocumentStructure extends FileStructure {
  language?: LanguageName;
  /** Set when the document was not parsed: the line-window fallback applies. */
  fallback?: FallbackReason;
  /** Set when the definitions and imports around the edits come from a window, the others from the last whole parse. */
  provisional?: true;
  parseMs: number;
}

/** A version answered from a window: what its whole re-parse starts from and finishes with. */
interface Pending {
  /** The text of the last whole parse, its rewrite and size check, and its definitions and imports. */
  baseText: string;
  baseParseable: Parseable;
  baseCheck: ParseCheck | undefined;
  base: UpdatableStructure;
  /** The one change from baseText to the entry's text (every edit since, composed). */
  edit: TextEdit;
  /** A copy of the last whole parse's tree edited with `edit`: what the whole re-parse starts from. */
  edited: Tree;
  /** The whole re-parse of the entry's text, once finished (its structure still to compute). */
  parsed?: Tree;
  /** Its structure being extracted between requests: the statements to query, piece by piece, and what they held. */
  extracting?: { dirty: DirtyRanges; chunks: IndexRange[]; next: number; fresh: UpdatableStructure };
}

interface Entry {
  version: number;
  text: string;
  tree?: Tree;
  /** What the parser read (the grammar rewrites of `text`), when parsed. */
  parseable?: Parseable;
  /** The size and minified check of `text`, when it was made (the next version's is updated from it around the edit). */
  check?: ParseCheck;
  /** Start offsets of structure.imports, when parsed. */
  importStarts?: number[];
  structure: DocumentStructure;
  /** When a whole parse of this document ran over the budget: the text's length then, and when (performance.now()). */
  timedOut?: { chars: number; at: number; waitMs: number };
  /** Set while `structure` is provisional: `tree` is then the last whole parse's tree (of `pending.baseText`). */
  pending?: Pending;
  /** Parse steps per character of this document's last parse from scratch (see ParseOptions.maxSteps). */
  stepsPerChar?: number;
  /** Nodes of `tree` (see TREE_NODES). */
  nodes?: number;
}

/**
 * CPU ms of each slice of the work finished between requests (and a keystroke's budget for the whole re-parse of a
 * document whose parse steps were not counted, see reparse): half of the 10 ms a whole request may take at p50 (issue
 * 13), the other half being the ranking's.
 */
const KEYSTROKE_PARSE_MS = 5;

/**
 * A document whose parse ran over the budget is not parsed again per keystroke (each try cost the budget, 0.2-0.4 s of
 * the engine's thread, and fell back all the same) until its text shrinks to this share of the length that timed out,
 * or a wait has passed: RETRY_FIRST_MS after the first timeout, doubled after each further one, up to RETRY_MAX_MS.
 * A wait, not never: the budget is the process's CPU time, which other threads can use up while a parse runs once.
 */
const RETRY_SHARE = 0.75;
const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 60_000;
/**
 * Characters of documents whose trees are kept, newest first: older documents' trees are freed past it (their
 * definitions and imports stay; their next version is parsed whole), except the one last asked for. tree-sitter's wasm memory grows to the
 * most it ever held at once and never shrinks: without this, eight 20,000-line modules' trees could be held at once.
 */
const TREE_CHARS = 1_000_000;
/**
 * Nodes of the trees kept (the same rule as TREE_CHARS, by what a tree weighs in wasm memory): characters alone let a
 * few dense files hold far more. A tree takes ~85 bytes of wasm memory a node (measured: a 730 KB file of generated
 * Python rules, 557,646 nodes, 0.76 a character, took the wasm memory to 67 MB, two of them to 115 MB), and the
 * densest files hold six times as many nodes a character as the longest TypeScript modules (0.13). 250,000 nodes:
 * ~20 MB of trees.
 */
const TREE_NODES = 250_000;
/** Nodes a character assumed for a language none of whose documents has been parsed yet (above any measured). */
const UNKNOWN_DENSITY = 1;

/** A re-parse's result: the tree (the old one, edited, while `pending`) and the definitions and imports. */
interface Reparsed {
  tree: Tree;
  structure: UpdatableStructure;
  pending?: Pending;
  /** Measured when the text was parsed from scratch. */
  stepsPerChar?: number;
}

/** A tree's nodes (tree-sitter keeps the count in the root: O(1)). */
function nodesOf(tree: Tree): number {
  return tree.rootNode.descendantCount;
}

/** Blocks compared at once when looking for the change (string equality of two slices is a memory compare). */
const DIFF_BLOCK = 4096;

/** The one contiguous change between `prev` and `next`: `prev[start, oldEnd)` became `next[start, newEnd)`. */
export function findChange(prev: string, next: string): TextEdit {
  const max = Math.min(prev.length, next.length);
  let start = 0;
  while (start + DIFF_BLOCK <= max && prev.slice(start, start + DIFF_BLOCK) === next.slice(start, start + DIFF_BLOCK)) start += DIFF_BLOCK;
  while (start < max && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
  let oldEnd = prev.length;
  let newEnd = next.length;
  while (oldEnd - DIFF_BLOCK >= start && newEnd - DIFF_BLOCK >= start && prev.slice(oldEnd - DIFF_BLOCK, oldEnd) === next.slice(newEnd - DIFF_BLOCK, newEnd)) {
    oldEnd -= DIFF_BLOCK;
    newEnd -= DIFF_BLOCK;
  }
  while (oldEnd > start && newEnd > start && prev.charCodeAt(oldEnd - 1) === next.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  return { start, oldEnd, newEnd };
}

/** Row and column of `index`, counting lines from a known point (`from` at `at`) at or before it. */
function pointAt(text: string, index: number, from = { index: 0, row: 0, lineStart: 0 }): { row: number; column: number; lineStart: number } {
  let { row, lineStart } = from;
  for (let i = text.indexOf('\n', from.index); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart, lineStart };
}

/** Edit `tree` in place so that it matches `next` (one contiguous change between `prev` and `next`); the change. */
export function applyTextChange(tree: Tree, prev: string, next: string): TextEdit {
  const edit = findChange(prev, next);
  editTree(tree, prev, next, edit);
  return edit;
}

/**
 * A point at or before `index` whose row and line start are known from `tree` (a tree of `text`): the start of the
 * smallest node holding `index`, or the end of its last child before `index`, so that the lines counted from there to
 * `index` are those of one node at most (a keystroke in a 28,000-line file counted every line above it).
 */
export function pointBefore(tree: Tree, index: number): { index: number; row: number; lineStart: number } {
  const node = tree.rootNode.descendantForIndex(index);
  if (!node) return { index: 0, row: 0, lineStart: 0 };
  let known = { index: node.startIndex, row: node.startPosition.row, column: node.startPosition.column };
  const after = node.firstChildForIndex(index);
  const before = after ? after.previousSibling : node.lastChild;
  if (before && before.endIndex <= index && before.endIndex > known.index) known = { index: before.endIndex, row: before.endPosition.row, column: before.endPosition.column };
  if (known.index > index) return { index: 0, row: 0, lineStart: 0 };
  return { index: known.index, row: known.row, lineStart: known.index - known.column };
}

/** Edit `tree` (a tree of `prev`) in place with `edit`, the one change from `prev` to `next`. */
export function editTree(tree: Tree, prev: string, next: string, edit: TextEdit): void {
  const { start, oldEnd, newEnd } = edit;
  const at = pointAt(prev, start, pointBefore(tree, start));
  // Lines before the change are the same in both texts: count from its start.
  const from = { index: start, row: at.row, lineStart: at.lineStart };
  const oldEndPoint = pointAt(prev, oldEnd, from);
  const newEndPoint = pointAt(next, newEnd, from);
  tree.edit({
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: { row: at.row, column: at.column },
    oldEndPosition: { row: oldEndPoint.row, column: oldEndPoint.column },
    newEndPosition: { row: newEndPoint.row, column: newEndPoint.column },
  });
}

export interface DocumentCacheOptions {
  /** Documents kept (default 8). */
  limit?: number;
  /** Parse budget in CPU ms (default 200). */
  parseTimeoutMs?: number;
  /** Wait after a first timeout before a whole parse is tried again (see RETRY_FIRST_MS). */
  retryFirstMs?: number;
  /** See TREE_CHARS. */
  treeChars?: number;
  /** See TREE_NODES. */
  treeNodes?: number;
  /** See KEYSTROKE_PARSE_MS (tests: 0 answers every edit of a parsed document from a window; Infinity, never). */
  keystrokeParseMs?: number;
  /** See WINDOW_CHARS. */
  windowChars?: number;
  /** See NARROW_CHARS (tests: small, to narrow the changes of short files). */
  narrowChars?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

export class DocumentCache {
  private readonly entries = new Map<string, Entry>();
  /** The document being computed (its old tree may be edited to the new text and not yet re-parsed). */
  private computing: string | undefined;
  /** Parses run (whole or incremental), for diagnostics and tests. */
  parses = 0;
  /** Keystrokes whose definitions were found again in the statements of a node inside a long statement (NARROW_CHARS). */
  narrowed = 0;

  private readonly limit: number;
  private readonly parseTimeoutMs: number;
  private readonly retryFirstMs: number;
  private readonly treeChars: number;
  private readonly treeNodes: number;
  /** The most nodes a character of any document of a language parsed from scratch here (estimates a tree before its parse). */
  private readonly density = new Map<LanguageName, number>();
  private readonly keystrokeParseMs: number;
  private readonly windowChars: number;
  private readonly narrowChars: number;
  private readonly now: () => number;
  /** This cache's own parser per language for the whole re-parses run in slices (see ResumableParse). */
  private readonly resumables = new Map<LanguageName, Promise<ResumableParse | undefined>>();
  private readonly resumablesLoaded: ResumableParse[] = [];
  /** Documents with a provisional structure whose whole re-parse is to be finished between requests, oldest first. */
  private readonly unsettled = new Set<string>();
  private catchUpScheduled = false;
  private settledWaiters: (() => void)[] = [];

  constructor(options: DocumentCacheOptions = {}) {
    this.limit = options.limit ?? 8;
    this.parseTimeoutMs = options.parseTimeoutMs ?? 200;
    this.retryFirstMs = options.retryFirstMs ?? RETRY_FIRST_MS;
    this.treeChars = options.treeChars ?? TREE_CHARS;
    this.treeNodes = options.treeNodes ?? TREE_NODES;
    this.keystrokeParseMs = options.keystrokeParseMs ?? KEYSTROKE_PARSE_MS;
    this.windowChars = options.windowChars ?? WINDOW_CHARS;
    this.narrowChars = options.narrowChars ?? NARROW_CHARS;
    this.now = options.now ?? (() => performance.now());
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** Structure of `text` (version `version`) of the document at `path`. Calls are serialised (trees are edited in place). */
  get(path: string, languageId: string, version: number, text: string): Promise<DocumentStructure> {
    const run = this.queue.then(() => this.compute(path, languageId, version, text));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async compute(path: string, languageId: string, version: number, text: string): Promise<DocumentStructure> {
    this.computing = path;
    try {
      return await this.computeNow(path, languageId, version, text);
    } finally {
      this.computing = undefined;
    }
  }

  private async computeNow(path: string, languageId: string, version: number, text: string): Promise<DocumentStructure> {
    const old = this.entries.get(path);
    // A parsed document whose tree was freed (see TREE_CHARS) and is asked for again (focused, about to be edited) is
    // parsed whole now, so that its next keystroke re-parses from a tree instead of parsing the whole file.
    const freed = old && !old.tree && old.structure.language !== undefined && !old.structure.fallback;
    if (old && !freed && old.text.length === text.length && old.text === text) {
      // The same text (a new version number alone changes nothing parsed).
      old.version = version;
      this.touch(path, old);
      return old.structure;
    }
    const language = resolveLanguage(languageId) ?? resolveLanguage(path);
    const t0 = performance.now();
    const back = old?.pending;
    if (old && back && back.baseText.length === text.length && back.baseText === text) {
      // Back to the text of the last whole parse (a change undone): its tree and structure, as they were.
      await this.dropUnfinished(old);
      const entry: Entry = { ...old, version, text, parseable: back.baseParseable, check: back.baseCheck, pending: undefined, importStarts: back.base.importStarts };
      entry.structure = { tags: back.base.tags, imports: back.base.imports, language, parseMs: performance.now() - t0 };
      this.touch(path, entry);
      if (this.unsettled.delete(path)) this.notifyIfSettled();
      return entry.structure;
    }
    // The previous version's tree, rewritten text and structure are reused when they are of the same language.
    const previous = old?.tree && old.parseable !== undefined && old.importStarts && old.structure.language === language
      ? { text: old.text, tree: old.tree, parseable: old.parseable, structure: { ...old.structure, importStarts: old.importStarts } }
      : undefined;
    if (old) await this.dropUnfinished(old);
    let parsed: Reparsed | undefined;
    let parseable: Parseable | undefined;
    let fallback: FallbackReason | undefined;
    let check: ParseCheck | undefined;
    const memo = old?.timedOut && old.structure.language === language ? old.timedOut : undefined;
    const now = this.now();
    const timedOut = memo && text.length > memo.chars * RETRY_SHARE && now - memo.at < memo.waitMs ? memo : undefined;
    if (!language) fallback = 'no-grammar';
    else if (timedOut) {
      // Checked around the change only (the version that timed out was parseable, else it would not have been parsed).
      check = old!.check ? checkAfterEdit(old!.text, old!.check, text, findChange(old!.text, text)) : checkParseable(text);
      fallback = check.reason ?? 'timeout';
    }
    else if (previous) {
      const edit = findChange(previous.text, text);
      check = old!.check ? checkAfterEdit(previous.text, old!.check, text, edit) : checkParseable(text);
      fallback = check.reason;
      if (!fallback) {
        parseable = updateParseable(language, previous.parseable, text, edit);
        // What the whole re-parse starts from: the last whole parse (its tree, kept as it was), and every change since
        // as one edit (tree-sitter's re-parse after several edits of one tree can recover from an error differently
        // than after the one edit they make together, which is what a whole parse after a single change reads).
        const from = old!.pending;
        const base = from
          ? { ...from, parsed: undefined, edit: composeEdits(from.edit, edit) }
          : { baseText: previous.text, baseParseable: previous.parseable, baseCheck: old!.check, base: previous.structure, edit };
        const edited = previous.tree.copy();
        editTree(edited, base.baseText, text, base.edit);
        parsed = await this.reparse(language, previous.tree, text, parseable, { ...base, edited }, !from, old!.stepsPerChar);
      }
    } else if ((fallback = (check = checkParseable(text)).reason) === undefined) {
      parseable = rewrite(language, text);
      this.parses++;
      // The other documents' trees that this one's will push past the budgets are freed before, not after, its parse:
      // tree-sitter's memory grows to the most held at once (a 730 KB file's tree and parse: ~35-50 MB).
      this.freeTrees(undefined, { chars: text.length, nodes: text.length * (this.density.get(language) ?? UNKNOWN_DENSITY) }, path);
      const steps = { count: 0 };
      const tree = await parseParseable(language, parseable, { timeoutMs: this.parseTimeoutMs, steps });
      if (tree) {
        parsed = { tree, structure: fullStructure(language, tree, text), stepsPerChar: steps.count / Math.max(1, text.length) };
        const density = nodesOf(tree) / Math.max(1, text.length);
        if (density > (this.density.get(language) ?? 0)) this.density.set(language, density);
      }
    }
    if (language && !fallback && !parsed) fallback = 'timeout';
    const parseMs = performance.now() - t0;
    let entry: Entry;
    if (parsed && language) {
      const s = parsed.structure;
      const stepsPerChar = parsed.stepsPerChar ?? old?.stepsPerChar;
      entry = { version, text, check, tree: parsed.tree, nodes: nodesOf(parsed.tree), parseable, importStarts: s.importStarts, structure: { tags: s.tags, imports: s.imports, language, parseMs }, pending: parsed.pending, stepsPerChar };
      if (parsed.pending) entry.structure.provisional = true;
    } else {
      entry = { version, text, check, structure: { tags: [], imports: [], language, fallback, parseMs } };
      if (fallback === 'timeout') {
        entry.timedOut = timedOut ?? { chars: text.length, at: now, waitMs: memo ? Math.min(RETRY_MAX_MS, memo.waitMs * 2) : this.retryFirstMs };
      }
    }
    if (old?.tree && old.tree !== entry.tree) old.tree.delete();
    this.touch(path, entry);
    if (entry.pending) {
      this.unsettled.delete(path);
      this.unsettled.add(path);
      this.scheduleCatchUp();
    } else if (this.unsettled.delete(path)) this.notifyIfSettled();
    return entry.structure;
  }

  /**
   * The tree and structure of `text` from the last whole parse (`lastTree`, a tree of `base.baseText`; `base.edited`,
   * a copy of it edited to match `text`): the whole re-parse when it fits the keystroke's budget (`tryWhole`; not tried
   * again while the document is provisional: the change that made it run over, an unclosed brace, is usually still
   * there), else a window's (pending: finished between requests), else (no window: a statement longer than
   * WINDOW_CHARS) the whole re-parse within the document's budget. Undefined when that runs over too. The caller
   * frees `lastTree` unless it is the result's tree; `base.edited` is freed here unless the result is pending.
   */
  private async reparse(language: LanguageName, lastTree: Tree, text: string, parseable: Parseable, base: Pending, tryWhole: boolean, stepsPerChar: number | undefined): Promise<Reparsed | undefined> {
    const resumable = await this.resumable(language);
    const windowed = Number.isFinite(this.keystrokeParseMs);
    const done = (tree: Tree, structure: UpdatableStructure): Reparsed => {
      base.edited.delete();
      return { tree, structure };
    };
    if (tryWhole && resumable && this.keystrokeParseMs > 0) {
      this.parses++;
      // The whole re-parse may do a window's worth of this document's parse work (its steps per character, measured
      // on its last parse from scratch, times WINDOW_CHARS: 116-137 steps in effect's longest modules, where removing
      // a line inside a comment takes 31-92 and one that closes a brace hundreds to thousands); so the same edit
      // always takes the same path. The keystroke's CPU budget still bounds it where no count was measured.
      const maxSteps = windowed && stepsPerChar !== undefined ? Math.ceil(stepsPerChar * this.windowChars) : undefined;
      const budgetMs = maxSteps === undefined ? Math.min(this.keystrokeParseMs, this.parseTimeoutMs) : this.parseTimeoutMs;
      const tree = resumable.step(base, parseable, base.edited, budgetMs, maxSteps);
      if (tree) {
        const dirty = changedStatements(base.edited, tree, base.edit, { name: language, next: text, old: base.base, minChars: this.narrowChars });
        if (dirty.holders) this.narrowed++;
        if (!windowed || rangesChars(dirty) <= this.windowChars) return done(tree, structureAfter(language, tree, base.base, base.edit, base.baseText, text, dirty));
        base.parsed = tree; // moved more than a window: its structure is computed between requests
      }
    }
    const window = windowed ? editWindow(base.edited, text, base.edit.start, base.edit.newEnd, this.windowChars) : undefined;
    if (window) {
      const part = await parseParseable(language, parseable, { includedRanges: [window.range], timeoutMs: this.parseTimeoutMs });
      try {
        if (part && windowParsedAlike(part, window)) {
          return { tree: lastTree, pending: base, structure: mergeStructure(language, part, base.base, base.edit, base.baseText, text, [window.range]) };
        }
      } finally {
        part?.delete();
      }
    }
    this.parses++;
    const tree = base.parsed ?? (resumable ? resumable.step(base, parseable, base.edited, this.parseTimeoutMs) : await parseParseable(language, parseable, { oldTree: base.edited, timeoutMs: this.parseTimeoutMs }));
    if (!tree) {
      resumable?.reset();
      base.edited.delete();
      return undefined;
    }
    return done(tree, updateStructure(language, base.edited, tree, base.base, base.edit, base.baseText, text, this.narrowChars));
  }

  /** This cache's resumable parser for `language` (undefined when the grammar does not load). */
  private resumable(language: LanguageName): Promise<ResumableParse | undefined> {
    let r = this.resumables.get(language);
    if (!r) {
      r = newParser(language).then((p) => {
        if (!p) return undefined;
        const resumable = new ResumableParse(p);
        this.resumablesLoaded.push(resumable);
        return resumable;
      });
      this.resumables.set(language, r);
    }
    return r;
  }

  /** Drops `e`'s unfinished whole re-parse and frees its trees but the last whole parse's (a new version replaces `e`). */
  private async dropUnfinished(e: Entry): Promise<void> {
    const p = e.pending;
    if (!p) return;
    const language = e.structure.language;
    if (language) {
      const r = await this.resumable(language);
      if (r?.holds(p)) r.reset();
    }
    p.parsed?.delete();
    p.edited.delete();
  }

  private scheduleCatchUp(): void {
    if (this.catchUpScheduled || this.unsettled.size === 0) return;
    this.catchUpScheduled = true;
    // After the request that made the work: setImmediate runs once the current message is answered.
    setImmediate(() => {
      this.catchUpScheduled = false;
      const run = this.queue.then(() => this.catchUp());
      this.queue = run.catch(() => undefined);
    });
  }

  /**
   * One slice of the oldest provisional document's catching up: its whole re-parse (KEYSTROKE_PARSE_MS of CPU), the
   * statements it changed, their definitions and imports (a window's worth of text), or the merge with the rest.
   */
  private async catchUp(): Promise<void> {
    const path = this.unsettled.values().next().value as string | undefined;
    if (path === undefined) return this.notifyIfSettled();
    const e = this.entries.get(path);
    const p = e?.pending;
    const language = e?.structure.language;
    const resumable = language && (await this.resumable(language));
    if (!e || !p || !e.tree || !e.parseable || !language || !resumable) {
      this.unsettled.delete(path);
    } else if (!p.parsed) {
      p.parsed = resumable.step(p, e.parseable, p.edited, this.keystrokeParseMs > 0 ? this.keystrokeParseMs : KEYSTROKE_PARSE_MS);
    } else if (!p.extracting) {
      // What the re-parse changed (most of the document: all of it, as a full extraction would), in window-sized pieces.
      let dirty: DirtyRanges = changedStatements(p.edited, p.parsed, p.edit);
      if (rangesChars(dirty) > e.text.length * MAX_DIRTY_SHARE) dirty = [{ startIndex: 0, endIndex: e.text.length }];
      p.extracting = { dirty, chunks: statementChunks(p.parsed, dirty, this.windowChars), next: 0, fresh: { tags: [], imports: [], importStarts: [] } };
    } else if (p.extracting.next < p.extracting.chunks.length) {
      const x = p.extracting;
      const piece = structureIn(language, p.parsed, e.text, [x.chunks[x.next++]]);
      x.fresh.tags.push(...piece.tags);
      x.fresh.imports.push(...piece.imports);
      x.fresh.importStarts.push(...piece.importStarts);
    } else {
      const s = combineStructure(p.base, p.edit, p.baseText, e.text, p.extracting.dirty, p.extracting.fresh);
      e.tree.delete();
      p.edited.delete();
      e.tree = p.parsed;
      e.nodes = nodesOf(p.parsed);
      e.pending = undefined;
      e.importStarts = s.importStarts;
      e.structure = { tags: s.tags, imports: s.imports, language, parseMs: e.structure.parseMs };
      this.unsettled.delete(path);
    }
    if (this.unsettled.size > 0) this.scheduleCatchUp();
    else this.notifyIfSettled();
  }

  /**
   * Resolves once every provisional structure has been replaced by its whole parse's (tests, benchmarks: a document
   * still being edited keeps starting over).
   */
  settled(): Promise<void> {
    if (this.unsettled.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private notifyIfSettled(): void {
    if (this.unsettled.size > 0) return;
    for (const w of this.settledWaiters.splice(0)) w();
  }

  /**
   * The document being edited (the last a request was made in): its entry and tree are the last to go, whatever other
   * documents are opened or prepared meanwhile (another 20,000-line file opened beside it would otherwise free its tree,
   * and its next keystroke would parse it whole: ~1 s of CPU, then fall back). Undefined: none.
   */
  markActive(path: string | undefined): void {
    this.active = path;
  }

  private active: string | undefined;

  private touch(path: string, entry: Entry): void {
    this.entries.delete(path);
    this.entries.set(path, entry);
    while (this.entries.size > this.limit) {
      const [k, e] = [...this.entries].find(([k]) => k !== this.active && k !== path) ?? (this.entries.entries().next().value as [string, Entry]);
      this.release(e);
      this.entries.delete(k);
      this.unsettled.delete(k);
    }
    this.freeTrees(entry);
    this.notifyIfSettled();
  }

  /**
   * Newest first, frees the trees past the budgets (TREE_CHARS, TREE_NODES; `keep`, the entry just asked for, always
   * keeps its own unless the active document's comes before it), counting `ahead` first: a document about to be parsed
   * from scratch (`path`, skipped), whose tree will be the newest. The active document's tree (see markActive) is
   * counted first and kept. A provisional structure then stays as it is (the document's next version is parsed whole).
   */
  private freeTrees(keep: Entry | undefined, ahead = { chars: 0, nodes: 0 }, path?: string): void {
    let { chars, nodes } = ahead;
    const active = this.active !== undefined && this.active !== path ? this.entries.get(this.active) : undefined;
    if (active?.tree) {
      chars += active.text.length;
      nodes += active.nodes ?? 0;
    }
    for (const [k, e] of [...this.entries].reverse()) {
      if (!e.tree || k === path || e === active) continue;
      chars += e.text.length;
      nodes += e.nodes ?? 0;
      if ((e === keep && !active?.tree) || (chars <= this.treeChars && nodes <= this.treeNodes)) continue;
      this.release(e);
      e.tree = e.parseable = e.importStarts = e.pending = e.nodes = undefined;
      this.unsettled.delete(k);
    }
  }

  /** Frees `e`'s trees (its unfinished whole re-parse, if any, is dropped first: it reads the tree). */
  private release(e: Entry): void {
    const p = e.pending;
    if (p) {
      for (const r of this.resumablesLoaded) if (r.holds(p)) r.reset();
      p.parsed?.delete();
      p.edited.delete();
    }
    e.tree?.delete();
  }

  /**
   * The tree of `path`'s latest version when its text is exactly `text` (a saved document re-indexed: see WorkspaceIndex's
   * openTree), else undefined; also undefined while a new version is being parsed (the old tree is then being edited).
   * The caller must use it synchronously and not keep or delete it.
   */
  treeOf(path: string, text: string): Tree | undefined {
    const e = this.entries.get(path);
    if (!e?.tree || e.pending || this.computing === path || e.text.length !== text.length || e.text !== text) return undefined;
    return e.tree;
  }

  /** Documents whose trees are kept (for tests). */
  treesKept(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.tree) n++;
    return n;
  }

  forget(path: string): void {
    if (this.active === path) this.active = undefined;
    const e = this.entries.get(path);
    if (e) this.release(e);
    this.entries.delete(path);
    if (this.unsettled.delete(path)) this.notifyIfSettled();
  }

  dispose(): void {
    for (const e of this.entries.values()) this.release(e);
    this.entries.clear();
    this.unsettled.clear();
    this.notifyIfSettled();
    for (const r of this.resumablesLoaded.splice(0)) r.delete();
    this.resumables.clear();
  }
}
