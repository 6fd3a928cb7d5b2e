/**
 * Did the document change while a proposal was being generated or reviewed, and can the proposal still be applied?
 *
 * A proposal replaces the range [start, end) of the text the document had when it was made. When the user edited the
 * document since then, the edit is located by comparing the two texts (common prefix and suffix). Edits strictly outside
 * the target range only move it; an edit that touches the range (or cannot be told apart from it) is a conflict, and the
 * caller must tell the user and overwrite nothing.
 */

export interface OffsetRange {
  start: number;
  end: number;
}

export type StaleCheck =
  | { kind: 'unchanged'; range: OffsetRange }
  /** Edited outside the target: the target now lives at `range` (same text as before). */
  | { kind: 'moved'; range: OffsetRange }
  /** Edited inside or next to the target: applying would overwrite the user's change. */
  | { kind: 'conflict'; reason: string };

/** Length of the common prefix of a and b, at most `limit`. */
function commonPrefix(a: string, b: string, limit: number): number {
  let i = 0;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common suffix of a and b, not reaching below the given prefix length in either. */
function commonSuffix(a: string, b: string, prefix: number): number {
  let i = 0;
  const limit = Math.min(a.length, b.length) - prefix;
  while (i < limit && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/**
 * Where the target range [range.start, range.end) of `before` is in `after`, if the edits between them left it intact.
 * An edit that ends exactly at the range start or starts exactly at its end counts as touching (a conflict):
 * typing right against the target is most likely a change to it.
 */
export function checkStale(before: string, range: OffsetRange, after: string): StaleCheck {
  if (range.start < 0 || range.end < range.start || range.end > before.length) {
    return { kind: 'conflict', reason: 'the target range is outside the document' };
  }
  if (before === after) return { kind: 'unchanged', range: { ...range } };
  const prefix = commonPrefix(before, after, Math.min(before.length, after.length));
  const suffix = commonSuffix(before, after, prefix);
  // The edit replaced before[prefix, before.length - suffix) with after[prefix, after.length - suffix).
  const editStart = prefix;
  const editEndBefore = before.length - suffix;
  const delta = after.length - before.length;
  if (editEndBefore < range.start) {
    return { kind: 'moved', range: { start: range.start + delta, end: range.end + delta } };
  }
  if (editStart > range.end) return { kind: 'moved', range: { ...range } };
  return { kind: 'conflict', reason: 'the code the proposal replaces was edited' };
}

/**
 * The smallest single replacement turning `oldText` into `newText`: trims their common prefix and suffix, so the
 * applied edit touches only what changed (markers, folding and the cursor outside it stay put).
 */
export function minimalReplacement(oldText: string, newText: string): { start: number; end: number; text: string } {
  const prefix = commonPrefix(oldText, newText, Math.min(oldText.length, newText.length));
  const suffix = commonSuffix(oldText, newText, prefix);
  return { start: prefix, end: oldText.length - suffix, text: newText.slice(prefix, newText.length - suffix) };
}

/** `text` with [range.start, range.end) replaced by `replacement`. */
export function spliceText(text: string, range: OffsetRange, replacement: string): string {
  return text.slice(0, range.start) + replacement + text.slice(range.end);
}
