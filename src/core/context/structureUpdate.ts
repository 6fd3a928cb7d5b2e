/**
 * A document's definitions after an edit, from its definitions before it. A keystroke in a 5,000-line file used to
 * re-run the tags query over the whole tree (~15 ms, thousands of objects); now only the top-level statements that
 * the edit or the re-parse touched are queried again, and every other definition is kept, moved by the edit's length
 * and line count. The result equals a full extraction (test/unit/context/structureUpdate.test.ts checks it over
 * random edits in several languages).
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { LanguageName } from './languages';
import { extractTags, extractTagsIn, type IndexRange, type Tag } from './structure';

/** One contiguous change: `prev[start, oldEnd)` became `next[start, newEnd)`. */
export interface TextEdit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Past this share of the document to query again, a full extraction is as cheap and simpler. */
const MAX_DIRTY_SHARE = 0.5;

/**
 * Definitions of `next`. `oldTree` is the tree of `prev` already edited with `edit` (and used to parse `newTree`):
 * their changed ranges say where the syntax moved beyond the edited text.
 */
export function updateTags(
  name: LanguageName,
  oldTree: Tree,
  newTree: Tree,
  oldTags: readonly Tag[],
  edit: TextEdit,
  prev: string,
  next: string,
): Tag[] {
  const spans: IndexRange[] = oldTree.getChangedRanges(newTree).map((r) => ({ startIndex: r.startIndex, endIndex: r.endIndex }));
  spans.push({ startIndex: edit.start, endIndex: edit.newEnd });
  const dirty = touchedStatements(newTree.rootNode, spans);
  if (dirty.reduce((n, r) => n + r.endIndex - r.startIndex, 0) > next.length * MAX_DIRTY_SHARE) return extractTags(name, newTree, next);
  const delta = edit.newEnd - edit.oldEnd;
  const lineDelta = newlines(next, edit.start, edit.newEnd) - newlines(prev, edit.start, edit.oldEnd);
  const kept: Tag[] = [];
  for (const t of oldTags) {
    let moved: Tag;
    if (t.endIndex <= edit.start) moved = t;
    else if (t.startIndex >= edit.oldEnd) moved = shift(t, delta, lineDelta);
    else continue; // overlaps the edit: its statement is dirty and queried again
    if (!dirty.some((r) => moved.startIndex < r.endIndex && r.startIndex < moved.endIndex)) kept.push(moved);
  }
  const fresh = extractTagsIn(name, newTree, next, dirty);
  return kept.concat(fresh).sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
}

/**
 * The ranges of the root's children (top-level statements) that meet any span, boundaries included (text typed right
 * after a statement may extend it), merged. Every definition lies inside one top-level statement.
 */
function touchedStatements(root: Node, spans: readonly IndexRange[]): IndexRange[] {
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
