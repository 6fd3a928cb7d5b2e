/**
 * Where a streaming markdown answer can be cut so that the part before the cut will not change as more text arrives:
 * after the last blank line that is outside a code fence and followed by an unindented line. The view renders the
 * part before the cut once, and re-renders only the tail (the final render is always the whole answer).
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * The stable cut of a growing text, found incrementally: each call reads only the text added since the last one
 * (the text must only ever grow at its end), so the scan costs O(answer) over a whole stream.
 */
export class StreamSplitter {
  /** Start of the first line not yet complete (no newline after it yet). */
  private lineStart = 0;
  /** Where to look for that line's newline (the part before has none). */
  private searchFrom = 0;
  private fence: string | undefined;
  private previousBlank = false;
  private cut = 0;

  /** Offset of the last stable cut in `text` (0 when there is none). */
  advance(text: string): number {
    for (;;) {
      const start = this.lineStart;
      // A cut before a line needs only its first character (indented or not), so a still-growing last line counts.
      if (this.fence === undefined && this.previousBlank && start > 0 && start < text.length && !/[ \t\n]/.test(text[start])) this.cut = start;
      const nl = text.indexOf('\n', Math.max(start, this.searchFrom));
      if (nl < 0) {
        // The last line may still be growing: it cannot open or close a fence yet.
        this.searchFrom = text.length;
        return this.cut;
      }
      const line = text.slice(start, nl);
      const m = FENCE.exec(line);
      if (m) {
        if (this.fence === undefined) this.fence = m[1];
        else if (m[1][0] === this.fence[0] && m[1].length >= this.fence.length && line.trim() === m[1]) this.fence = undefined;
      }
      this.previousBlank = this.fence === undefined && line.trim() === '';
      this.lineStart = this.searchFrom = nl + 1;
    }
  }
}

/** Offset of the last stable cut in `text` (0 when there is none). */
export function stableBoundary(text: string): number {
  return new StreamSplitter().advance(text);
}
