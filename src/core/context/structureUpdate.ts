/**
 * A document's definitions after an edit, from its definitions before it. A keystroke in a 5,000-line file used to
 * re-run the tags query over the whole tree (~15 ms, thousands of objects); now only the top-level statements that
 * the edit or the re-parse touched are queried again, and every other definition is kept, moved by the edit's length
 * and line count. Imports are updated the same way (the import query over a 28,000-line file was ~5 ms a keystroke).
 * The result equals a full extraction (test/unit/context/structureUpdate.test.ts checks it over random edits in
 * several languages).
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { LanguageName } from './languages';
import { extractImportsIn, extractTags, extractTagsHolding, extractTagsIn, importHolds, type ImportRef, type IndexRange, type Tag } from './structure';

/** One contiguous change: `prev[start, oldEnd)` became `next[start, newEnd)`. */
export interface TextEdit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Past this share of the document to query again, a full extraction is as cheap and simpler. */
export const MAX_DIRTY_SHARE = 0.5;

/**
 * A change inside a top-level statement longer than this (a namespace or class of thousands of lines: `Effect.ts`'s
 * `declare namespace fn` is 4,900 lines, 128 KB, and querying it again took 20-57 ms a keystroke) is narrowed to the
 * statements of the innermost node holding it (see narrowStatements).
 */
export const NARROW_CHARS = 16_384;

/**
 * Ranges of the new text whose definitions and imports are found again: whole top-level statements, or the touched
 * children of one node holding the change (see narrowStatements), with the definitions holding that node in the new
 * text (`holders`; the old ones hold the edit, so they are dropped as any definition meeting it).
 */
export type DirtyRanges = readonly IndexRange[] & { holders?: readonly Tag[] };

/** Definitions and imports of a document, with each import's start offset (parallel to `imports`). */
export interface UpdatableStructure {
  tags: Tag[];
  imports: ImportRef[];
  importStarts: number[];
}

/** Definitions and imports of `next`. `oldTree` is the tree of `prev` already edited with `edit` (and used to parse `newTree`). */
export function updateStructure(
  name: LanguageName,
  oldTree: Tree,
  newTree: Tree,
  old: UpdatableStructure,
  edit: TextEdit,
  prev: string,
  next: string,
  narrowChars = NARROW_CHARS,
): UpdatableStructure {
  return structureAfter(name, newTree, old, edit, prev, next, changedStatements(oldTree, newTree, edit, { name, next, old, minChars: narrowChars }));
}

/** mergeStructure over `next`'s whole tree, or a full extraction when `dirty` is most of the document. */
export function structureAfter(
  name: LanguageName,
  tree: Tree,
  old: UpdatableStructure,
  edit: TextEdit,
  prev: string,
  next: string,
  dirty: DirtyRanges,
): UpdatableStructure {
  if (rangesChars(dirty) > next.length * MAX_DIRTY_SHARE) return fullStructure(name, tree, next);
  return mergeStructure(name, tree, old, edit, prev, next, dirty);
}

/**
 * The top-level statements of `newTree` that the edit or the re-parse touched (`oldTree` is the tree of the previous
 * text, already edited with `edit`, and used to parse `newTree`): their changed ranges say where the syntax moved
 * beyond the edited text. Given `narrow` (the language, the new text, the old structure), a change inside one statement longer than
 * `minChars` is narrowed to the statements of the innermost node holding it where that is exact (narrowStatements).
 */
export function changedStatements(oldTree: Tree, newTree: Tree, edit: TextEdit, narrow?: { name: LanguageName; next: string; old: UpdatableStructure; minChars: number }): DirtyRanges {
  const spans: IndexRange[] = oldTree.getChangedRanges(newTree).map((r) => ({ startIndex: r.startIndex, endIndex: r.endIndex }));
  spans.push({ startIndex: edit.start, endIndex: edit.newEnd });
  const top = touchedStatements(newTree.rootNode, spans);
  if (!narrow || top.length !== 1 || top[0].endIndex - top[0].startIndex <= narrow.minChars) return top;
  return narrowStatements(narrow.name, newTree, narrow.next, spans, narrow.old, edit) ?? top;
}

/**
 * The children of the innermost node N strictly holding every span (the edit and the re-parse's changed ranges) that
 * touch a span, when querying only them is exact: every definition meeting N lies inside one of its children (queried
 * again if touched, else kept and moved: the re-parse changed nothing outside the spans) or holds N (an old one holds
 * the edit and is dropped; the new ones are found by a query at N's start, which visits only the nodes there), and no
 * import statement holds N, before or after the change.
 * Tried from the innermost such node outwards; undefined when none qualifies below the root (the top-level statements
 * are queried, as before).
 */
export function narrowStatements(name: LanguageName, tree: Tree, text: string, spans: readonly IndexRange[], old: UpdatableStructure, edit: TextEdit): DirtyRanges | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of spans) {
    lo = Math.min(lo, s.startIndex);
    hi = Math.max(hi, s.endIndex);
  }
  // The chain of nodes strictly holding [lo, hi] (boundaries excluded: text typed at a node's edge may extend it).
  const chain: Node[] = [];
  for (let node: Node | null = tree.rootNode; node; ) {
    const child: Node | null = node.firstChildForIndex(lo);
    if (!child || !(child.startIndex < lo && hi < child.endIndex)) break;
    chain.push(child);
    node = child;
  }
  const moved = (i: number) => (i >= edit.oldEnd ? i + edit.newEnd - edit.oldEnd : i);
  const importStarts = new Set(old.importStarts.map(moved));
  for (let k = chain.length - 1; k >= 0; k--) {
    const n = chain[k];
    let importHeld = false;
    for (let a: Node | null = n; a?.parent; a = a.parent) if (importStarts.has(a.startIndex)) importHeld = true;
    const range = { startIndex: n.startIndex, endIndex: n.endIndex };
    if (importHeld || importHolds(name, tree, range)) continue;
    const ranges = touchedStatements(n, spans);
    const fresh = extractTagsHolding(name, tree, text, range).filter((t) => !ranges.some((r) => t.startIndex >= r.startIndex && t.endIndex <= r.endIndex));
    return Object.assign(ranges, { holders: fresh });
  }
  return undefined;
}

/** Characters the ranges cover. */
export function rangesChars(ranges: readonly IndexRange[]): number {
  return ranges.reduce((n, r) => n + r.endIndex - r.startIndex, 0);
}

/**
 * Definitions and imports of `next` from those of `prev` (`old`), given the ranges of `next` (whole top-level
 * statements, holding everything the edit changed) whose definitions are to be found again in `tree`: every other
 * definition is kept, moved by the edit's length and line count. `tree` is `next`'s whole tree, or a tree of `next`
 * parsed over `dirty` only.
 */
export function mergeStructure(
  name: LanguageName,
  tree: Tree,
  old: UpdatableStructure,
  edit: TextEdit,
  prev: string,
  next: string,
  dirty: DirtyRanges,
): UpdatableStructure {
  return combineStructure(old, edit, prev, next, dirty, structureIn(name, tree, next, dirty));
}

/** The definitions and imports of `tree` (of `text`) inside `ranges` (whole top-level statements). */
export function structureIn(name: LanguageName, tree: Tree, text: string, ranges: readonly IndexRange[]): UpdatableStructure {
  const { imports, starts } = extractImportsIn(name, tree, ranges);
  return { tags: extractTagsIn(name, tree, text, ranges), imports, importStarts: starts };
}

/**
 * mergeStructure with the definitions and imports of `dirty` already extracted (`fresh`: in one go, or piece by piece
 * between requests, see statementChunks).
 */
export function combineStructure(
  old: UpdatableStructure,
  edit: TextEdit,
  prev: string,
  next: string,
  dirty: DirtyRanges,
  fresh: UpdatableStructure,
): UpdatableStructure {
  const delta = edit.newEnd - edit.oldEnd;
  const lineDelta = newlines(next, edit.start, edit.newEnd) - newlines(prev, edit.start, edit.oldEnd);
  const inDirty = (start: number, end: number) => dirty.some((r) => start < r.endIndex && r.startIndex < end);
  const kept: Tag[] = [];
  for (const t of old.tags) {
    let moved: Tag;
    if (t.endIndex <= edit.start) moved = t;
    else if (t.startIndex >= edit.oldEnd) moved = shift(t, delta, lineDelta);
    else continue; // overlaps the edit: its statement is dirty and queried again
    if (!inDirty(moved.startIndex, moved.endIndex)) kept.push(moved);
  }
  const tags = kept.concat(fresh.tags, dirty.holders ?? []).sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  // Imports: the same, by start offset (an import lies inside one top-level statement).
  const imports: { ref: ImportRef; start: number }[] = [];
  old.imports.forEach((ref, i) => {
    const was = old.importStarts[i];
    if (was >= edit.start && was < edit.oldEnd) return;
    const after = was >= edit.oldEnd;
    const start = after ? was + delta : was;
    if (!inDirty(start, start + 1)) imports.push({ ref: after && lineDelta !== 0 ? { ...ref, line: ref.line + lineDelta } : ref, start });
  });
  fresh.imports.forEach((ref, i) => imports.push({ ref, start: fresh.importStarts[i] }));
  imports.sort((a, b) => a.start - b.start);
  return { tags, imports: imports.map((x) => x.ref), importStarts: imports.map((x) => x.start) };
}

/**
 * `ranges` (unions of whole top-level statements of `tree`) cut into pieces of whole statements of about `chars`
 * characters each (a statement longer than that is a piece of its own): every definition lies in one statement, so
 * extracting piece by piece finds what one extraction over `ranges` finds.
 */
export function statementChunks(tree: Tree, ranges: readonly IndexRange[], chars: number): IndexRange[] {
  const chunks: IndexRange[] = [];
  for (const r of ranges) {
    let start = r.startIndex;
    for (let child = tree.rootNode.firstChildForIndex(r.startIndex); child && child.endIndex < r.endIndex; child = child.nextSibling) {
      if (child.endIndex - start >= chars) {
        chunks.push({ startIndex: start, endIndex: child.endIndex });
        start = child.endIndex;
      }
    }
    if (start < r.endIndex) chunks.push({ startIndex: start, endIndex: r.endIndex });
  }
  return chunks;
}

/**
 * The one contiguous change from `a`'s old text to the text after `b`, where `a` took the old text to a middle one
 * and `b` (in the middle text's offsets) took it to the last: the span holding both, in each text's offsets.
 */
export function composeEdits(a: TextEdit, b: TextEdit): TextEdit {
  const start = Math.min(a.start, b.start);
  // The end of the changed span in the middle text: a's new end, or b's old end when b reaches past it.
  const middleEnd = Math.max(a.newEnd, b.oldEnd);
  return { start, oldEnd: a.oldEnd + (middleEnd - a.newEnd), newEnd: middleEnd + (b.newEnd - b.oldEnd) };
}

/** Definitions and imports of a parsed document, extracted in full. */
export function fullStructure(name: LanguageName, tree: Tree, text: string): UpdatableStructure {
  const { imports, starts } = extractImportsIn(name, tree);
  return { tags: extractTags(name, tree, text), imports, importStarts: starts };
}

/**
 * The ranges of the root's children (top-level statements) that meet any span, boundaries included (text typed right
 * after a statement may extend it), merged. Every definition lies inside one top-level statement.
 */
export function touchedStatements(root: Node, spans: readonly IndexRange[]): IndexRange[] {
  const hit: IndexRange[] = [];
  for (const span of spans) {
    for (let child = root.firstChildForIndex(Math.max(0, span.startIndex - 1)); child && child.startIndex <= span.endIndex; child = child.nextSibling) {
      if (child.endIndex >= span.startIndex) hit.push({ startIndex: child.startIndex, endIndex: child.endIndex });
    }
  }
  hit.sort((a, b) => a.startIndex - b.startIndex);
  const merged: IndexRange[] = [];
  for (const r of hit) {
    const last = merged[merged.length - 1];
    if (last && r.startIndex <= last.endIndex) last.endIndex = Math.max(last.endIndex, r.endIndex);
    else merged.push({ ...r });
  }
  return merged;
}

function shift(t: Tag, delta: number, lineDelta: number): Tag {
  return {
    ...t,
    startIndex: t.startIndex + delta,
    endIndex: t.endIndex + delta,
    bodyIndex: t.bodyIndex === undefined ? undefined : t.bodyIndex + delta,
    startLine: t.startLine + lineDelta,
    endLine: t.endLine + lineDelta,
    nameLine: t.nameLine + lineDelta,
  };
}

function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
