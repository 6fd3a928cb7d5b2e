/**
 * The text around a snapshot's cursor, for the steps that run on every keystroke on the extension host's thread
 * (trigger rules, the completion cache, the request in flight): they need the cursor's neighbourhood and the document's
 * length, never the whole text. An editor snapshot gives it directly (`DocumentSnapshot.near`), because the whole text
 * costs the editor a copy of the document after every edit; a plain snapshot gets it cut from its text (O(1) slices).
 */
import type { DocumentSnapshot } from './types';
import { newlineBefore } from '../strings';

/** Characters of the prefix / suffix kept around the cursor: more than any per-keystroke step reads. */
export const NEAR_CURSOR_CHARS = 4096;

export interface CursorText {
  /** The prefix's last NEAR_CURSOR_CHARS characters (the whole prefix when shorter). */
  before: string;
  /** The suffix's first NEAR_CURSOR_CHARS characters (the whole suffix when shorter). */
  after: string;
  /** The whole document's length. */
  length: number;
}

export function cursorText(doc: Pick<DocumentSnapshot, 'text' | 'offset' | 'near'>): CursorText {
  if (doc.near) return doc.near;
  const { text, offset } = doc;
  return { before: text.slice(Math.max(0, offset - NEAR_CURSOR_CHARS), offset), after: text.slice(offset, offset + NEAR_CURSOR_CHARS), length: text.length };
}

/** DocumentSnapshot.linesAround over a plain text (for snapshots that have the whole text, and for tests). */
export function linesAroundIn(text: string, offset: number, above: number, below: number): { text: string; offset: number } {
  let start = newlineBefore(text, offset) + 1;
  for (let i = 0; i < above && start > 0; i++) start = newlineBefore(text, start - 1) + 1;
  let end = text.indexOf('\n', offset);
  for (let i = 0; i < below && end >= 0; i++) end = text.indexOf('\n', end + 1);
  return { text: text.slice(start, end < 0 ? text.length : end), offset: offset - start };
}
