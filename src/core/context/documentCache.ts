/**
 * Parsed structure of the documents being edited, kept up to date per keystroke at a cost bounded by the edit, not by
 * the file: the change is found by comparing the old and new text (in blocks), the previous tree is edited with it and
 * handed to the parser (incremental re-parse), the grammar rewrites and the size checks are redone only around the
 * change, and only the top-level statements the re-parse touched are queried again for definitions and imports.
 */
import type { Tree } from 'web-tree-sitter';
import { checkAfterEdit, checkParseable, parseParseable, resolveLanguage, type FallbackReason, type ParseCheck } from './parser';
import { parseable as rewrite, updateParseable, type Parseable } from './grammarQuirks';
import type { LanguageName } from './languages';
import type { FileStructure } from './structure';
import { fullStructure, updateStructure, type TextEdit } from './structureUpdate';

export interface DocumentStructure extends FileStructure {
  language?: LanguageName;
  /** Set when the document was not parsed: the line-window fallback applies. */
  fallback?: FallbackReason;
  parseMs: number;
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
}

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
  const { start, oldEnd, newEnd } = edit;
  const at = pointAt(prev, start);
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
  return edit;
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
  /** Clock in ms (tests). */
  now?: () => number;
}

export class DocumentCache {
  private readonly entries = new Map<string, Entry>();
  /** The document being computed (its old tree may be edited to the new text and not yet re-parsed). */
  private computing: string | undefined;
  /** Parses run (whole or incremental), for diagnostics and tests. */
  parses = 0;

  private readonly limit: number;
  private readonly parseTimeoutMs: number;
  private readonly retryFirstMs: number;
  private readonly treeChars: number;
  private readonly now: () => number;

  constructor(options: DocumentCacheOptions = {}) {
    this.limit = options.limit ?? 8;
    this.parseTimeoutMs = options.parseTimeoutMs ?? 200;
    this.retryFirstMs = options.retryFirstMs ?? RETRY_FIRST_MS;
    this.treeChars = options.treeChars ?? TREE_CHARS;
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
    if (old && old.version === version && old.text.length === text.length && old.text === text) {
      this.touch(path, old);
      return old.structure;
    }
    const language = resolveLanguage(languageId) ?? resolveLanguage(path);
    const t0 = performance.now();
    // The previous version's tree, rewritten text and structure are reused when they are of the same language.
    const previous = old?.tree && old.parseable !== undefined && old.importStarts && old.structure.language === language
      ? { text: old.text, tree: old.tree, parseable: old.parseable, structure: { ...old.structure, importStarts: old.importStarts } }
      : undefined;
    let tree: Tree | undefined;
    let parseable: Parseable | undefined;
    let fallback: FallbackReason | undefined;
    let edit: TextEdit | undefined;
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
      edit = applyTextChange(previous.tree, previous.text, text);
      check = old!.check ? checkAfterEdit(previous.text, old!.check, text, edit) : checkParseable(text);
      fallback = check.reason;
      if (!fallback) {
        parseable = updateParseable(language, previous.parseable, text, edit);
        this.parses++;
        tree = await parseParseable(language, parseable.text, { oldTree: previous.tree, timeoutMs: this.parseTimeoutMs });
      }
    } else if ((fallback = (check = checkParseable(text)).reason) === undefined) {
      parseable = rewrite(language, text);
      this.parses++;
      tree = await parseParseable(language, parseable.text, { timeoutMs: this.parseTimeoutMs });
    }
    if (language && !fallback && !tree) fallback = 'timeout';
    const parseMs = performance.now() - t0;
    let entry: Entry;
    if (tree && language) {
      const s = previous && edit
        ? updateStructure(language, previous.tree, tree, previous.structure, edit, previous.text, text)
        : fullStructure(language, tree, text);
      entry = { version, text, check, tree, parseable, importStarts: s.importStarts, structure: { tags: s.tags, imports: s.imports, language, parseMs } };
    } else {
      entry = { version, text, check, structure: { tags: [], imports: [], language, fallback, parseMs } };
      if (fallback === 'timeout') {
        entry.timedOut = timedOut ?? { chars: text.length, at: now, waitMs: memo ? Math.min(RETRY_MAX_MS, memo.waitMs * 2) : this.retryFirstMs };
      }
    }
    old?.tree?.delete();
    this.touch(path, entry);
    return entry.structure;
  }

  private touch(path: string, entry: Entry): void {
    this.entries.delete(path);
    this.entries.set(path, entry);
    while (this.entries.size > this.limit) {
      const [k, e] = this.entries.entries().next().value as [string, Entry];
      e.tree?.delete();
      this.entries.delete(k);
    }
    // Newest first, trees past the character budget are freed (the entry just asked for always keeps its own).
    let chars = 0;
    for (const e of [...this.entries.values()].reverse()) {
      if (!e.tree) continue;
      chars += e.text.length;
      if (e === entry || chars <= this.treeChars) continue;
      e.tree.delete();
      e.tree = e.parseable = e.importStarts = undefined;
    }
  }

  /**
   * The tree of `path`'s latest version when its text is exactly `text` (a saved document re-indexed: see WorkspaceIndex's
   * openTree), else undefined; also undefined while a new version is being parsed (the old tree is then being edited).
   * The caller must use it synchronously and not keep or delete it.
   */
  treeOf(path: string, text: string): Tree | undefined {
    const e = this.entries.get(path);
    if (!e?.tree || this.computing === path || e.text.length !== text.length || e.text !== text) return undefined;
    return e.tree;
  }

  /** Documents whose trees are kept (for tests). */
  treesKept(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.tree) n++;
    return n;
  }

  forget(path: string): void {
    this.entries.get(path)?.tree?.delete();
    this.entries.delete(path);
  }

  dispose(): void {
    for (const e of this.entries.values()) e.tree?.delete();
    this.entries.clear();
  }
}
