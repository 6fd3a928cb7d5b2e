/**
 * Where a streaming markdown answer can be cut so that the part before the cut will not change as more text arrives:
 * after the last blank line that is outside a code fence and followed by an unindented line. The view renders the
 * part before the cut once, and re-renders only the tail on each frame (the final render is always the whole answer).
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Offset of the last stable cut in `text` (0 when there is none). */
export function stableBoundary(text: string): number {
  let boundary = 0;
  let fence: string | undefined;
  let offset = 0;
  let previousBlank = false;
  for (const line of text.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    // A cut before a line needs only its first character (indented or not), so a still-growing last line counts.
    if (fence === undefined && previousBlank && line.length > 0 && !/^[ \t]/.test(line) && start > 0) boundary = start;
    if (offset > text.length) break; // the last line may still be growing: it cannot open or close a fence yet
    const m = FENCE.exec(line);
    if (m) {
      if (fence === undefined) fence = m[1];
      else if (m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = undefined;
    }
    previousBlank = fence === undefined && line.trim() === '';
  }
  return boundary;
}
