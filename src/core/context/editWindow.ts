/**
 * The part of a document a keystroke re-parses when the whole document's incremental re-parse does not fit the
 * keystroke's budget: the top-level statements around the change (and the one before them), parsed alone (tree-sitter's included ranges), their
 * definitions and imports found again, every other definition kept from the last whole parse (see DocumentCache).
 * A change that unbalances a brace, or opens a comment or a template, makes a whole re-parse read the rest of the file
 * again (the changed ranges of a brace removed in a 19,000-line module run to its end: 40-80 ms of parse, 50-80 ms of
 * queries); the window's cost is that of the few statements it holds, whatever the file's length.
 */
import type { Point, Range, Tree } from 'web-tree-sitter';

/**
 * The most characters a keystroke parses and queries again in the window (~32 KB: parsing and querying run at ~6-10
 * characters per microsecond on this machine's warm parser, so 3-6 ms, about half the 10 ms a whole request may take
 * at p50). A statement longer than this (a table of data, a namespace of hundreds of declarations) is not windowed:
 * the document is re-parsed whole, as before.
 */
export const WINDOW_CHARS = 32_768;

/** A window, and the statement it opens with when that statement lies before the change (see `windowParsedAlike`). */
export interface EditWindow {
  range: Range;
  anchor?: { type: string; startIndex: number; endIndex: number };
}

/**
 * The range of `text` made of the top-level statements of `tree` that touch [from, to] (boundaries included: text
 * typed right after a statement may extend it), the statement before them (the anchor: see `windowParsedAlike`) and
 * the text between, or undefined past `maxChars`. `tree` is a tree of an earlier text already edited to match `text`
 * (its statements are where the edit moved them). When the span lies between statements, the window runs from the
 * statement before it to the start of the one after.
 */
export function editWindow(tree: Tree, text: string, from: number, to: number, maxChars = WINDOW_CHARS): EditWindow | undefined {
  const root = tree.rootNode;
  // The first statement ending at or after `from` (tree-sitter: the first child that contains or starts after the index).
  const first = root.firstChildForIndex(Math.max(0, from - 1));
  const anchor = first ? (first.startIndex <= from ? first.previousSibling : first.previousSibling ?? undefined) : root.lastChild;
  const startIndex = anchor ? anchor.startIndex : 0;
  const startPosition: Point = anchor ? anchor.startPosition : { row: 0, column: 0 };
  const last = root.firstChildForIndex(to);
  const endIndex = !last ? text.length : last.startIndex <= to ? last.endIndex : last.startIndex;
  if (endIndex - startIndex > maxChars || endIndex > text.length) return undefined;
  return {
    range: { startIndex, endIndex, startPosition, endPosition: pointAfter(text, startIndex, startPosition, endIndex) },
    anchor: anchor ? { type: anchor.type, startIndex: anchor.startIndex, endIndex: anchor.endIndex } : undefined,
  };
}

/**
 * Whether the window's own parse read its text as the whole document's parse did: its first statement, which the change
 * did not touch, came out the same (kind and extent). A grammar whose top level does not start afresh at a statement
 * (PHP reads text before `<?php` as inline HTML) fails it, and the document is then re-parsed whole.
 */
export function windowParsedAlike(part: Tree, window: EditWindow): boolean {
  const a = window.anchor;
  if (!a) return true;
  const first = part.rootNode.firstChildForIndex(a.startIndex);
  return !!first && first.type === a.type && first.startIndex === a.startIndex && first.endIndex === a.endIndex;
}

/** The position of `index` in `text`, counting lines from `from` (at `fromPosition`), which is at or before it. */
function pointAfter(text: string, from: number, fromPosition: Point, index: number): Point {
  let row = fromPosition.row;
  let lineStart = from - fromPosition.column;
  for (let i = text.indexOf('\n', from); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}
