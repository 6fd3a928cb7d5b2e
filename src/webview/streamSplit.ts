/**
 * Where a streaming markdown answer can be cut so that the part before the cut renders the same alone as it does with
 * whatever follows: after the last blank line that is outside a code fence and followed by an unindented line that does
 * not start a list item (a list item after a blank line joins the list above and makes it loose), before a code fence
 * opened in the first column, and after such a fence's closing line. The view renders each part before a cut once.
 *
 * Inside a fence opened in the first column the code is known line by line (markdown-it takes such a fence's lines
 * verbatim), so the view can append its new lines instead of re-rendering it: the splitter reports where it opens and
 * closes (`drain`).
 */

/** markdown-it's fence opener: up to 3 spaces, 3+ backticks (info without backticks) or 3+ tildes. */
const FENCE = /^( {0,3})(`{3,}(?=[^`]*$)|~{3,})/;
/** A line that starts a list item (or a thematic break made of list markers). */
const LIST_ITEM = /^([-+*]|\d{1,9}[.)])([ \t]|$)/;
/** A link reference definition: it applies to the whole answer, so the view renders such answers whole at the end. */
const REFERENCE = /^ {0,3}\[[^\]]+\]:/;

/** A fence opened in the first column: `start` is its opening line, `codeStart` the first character of its code. */
export interface OpenFence {
  start: number;
  codeStart: number;
}

export type SplitEvent =
  | { kind: 'cut'; at: number }
  | ({ kind: 'open' } & OpenFence)
  /** The fence opened at `start` closed: its code ends at `codeEnd` (the closing line's start), the line at `end`. */
  | { kind: 'close'; start: number; codeEnd: number; end: number };

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
  /** The fence being read when it was opened in the first column. */
  private column0: OpenFence | undefined;
  private previousBlank = false;
  private cut = 0;
  private events: SplitEvent[] = [];
  /** A line outside fences looked like a link reference definition. */
  sawReference = false;

  /** End of the last complete line (everything before it has its newline). */
  get completeEnd(): number {
    return this.lineStart;
  }

  /** The first-column fence the text ends inside, if any. */
  get openFence(): OpenFence | undefined {
    return this.column0;
  }

  /** Offset of the last stable cut in `text` (0 when there is none). */
  advance(text: string): number {
    for (;;) {
      const start = this.lineStart;
      // A cut before a line needs only its first character when that cannot start a list item, so a still-growing
      // last line counts; a possible list marker waits for its whole line.
      if (this.fence === undefined && this.previousBlank && start > 0 && start < text.length && !/[ \t\n]/.test(text[start]) && !/[-+*0-9]/.test(text[start])) this.setCut(start);
      const nl = text.indexOf('\n', Math.max(start, this.searchFrom));
      if (nl < 0) {
        // The last line may still be growing: it cannot open or close a fence yet.
        this.searchFrom = text.length;
        return this.cut;
      }
      const line = text.slice(start, nl);
      if (this.fence === undefined && this.previousBlank && start > 0 && /[-+*0-9]/.test(line[0] ?? '') && !LIST_ITEM.test(line)) this.setCut(start);
      const m = FENCE.exec(line);
      if (this.fence === undefined) {
        if (m) {
          this.fence = m[2];
          if (m[1] === '') {
            this.setCut(start);
            this.column0 = { start, codeStart: nl + 1 };
            this.events.push({ kind: 'open', ...this.column0 });
          }
        } else if (REFERENCE.test(line)) this.sawReference = true;
      } else if (m && m[2][0] === this.fence[0] && m[2].length >= this.fence.length && line.trim() === m[2]) {
        this.fence = undefined;
        if (this.column0) {
          this.events.push({ kind: 'close', start: this.column0.start, codeEnd: start, end: nl + 1 });
          this.column0 = undefined;
          this.setCut(nl + 1);
        }
      }
      this.previousBlank = this.fence === undefined && line.trim() === '';
      this.lineStart = this.searchFrom = nl + 1;
    }
  }

  /** The cuts and first-column fences found since the last call, in text order. */
  drain(): SplitEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  private setCut(at: number): void {
    if (at <= this.cut) return;
    this.cut = at;
    this.events.push({ kind: 'cut', at });
  }
}

/** Offset of the last stable cut in `text` (0 when there is none). */
export function stableBoundary(text: string): number {
  return new StreamSplitter().advance(text);
}
