/**
 * Which part of the current file goes into a completion prompt. The window's edges move in steps of ALIGN_LINES
 * lines, not with every keystroke, so consecutive prompts share their beginning and the server's KV cache is reused.
 */
import { lineTokens, truncateStartToTokens, truncateToTokens } from '../tokens';
import { newlineBefore } from '../strings';

/** Window edges snap to multiples of this many lines. */
export const ALIGN_LINES = 16;

export interface WindowBudget {
  /** Tokens for the whole lines above the cursor line. */
  aboveTokens: number;
  /** Tokens for the whole lines below the cursor line. */
  belowTokens: number;
  /** Tokens for the cursor line's text before / after the cursor (minified files have huge lines). */
  linePrefixTokens: number;
  lineSuffixTokens: number;
}

export const DEFAULT_WINDOW_BUDGET: WindowBudget = { aboveTokens: 1536, belowTokens: 384, linePrefixTokens: 384, lineSuffixTokens: 96 };

export interface FileWindow {
  /** Lines [firstLine, cursorLine) joined with '\n' (no trailing newline). */
  above: string;
  /** Cursor line text before / after the cursor. */
  linePrefix: string;
  lineSuffix: string;
  /** Lines (cursorLine, lastLine] joined with '\n'. */
  below: string;
  firstLine: number;
  cursorLine: number;
  lastLine: number;
  /** True when the window starts at line 0 / ends at the last line. */
  atStart: boolean;
  atEnd: boolean;
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Cut `text` (at `offset`, on line `line` when the caller knows it) into an aligned window of whole lines around the
 * cursor line. Only the lines that can fit are visited (no split of the whole document), so with `line` given the cost
 * does not grow with the file.
 */
export function fileWindow(text: string, offset: number, budget: WindowBudget = DEFAULT_WINDOW_BUDGET, line?: number): FileWindow {
  const lineStart = newlineBefore(text, offset) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  // The editor knows the cursor's line; counting it from the top of the text is the fallback.
  const cursorLine = line ?? countNewlines(text, lineStart);

  // Lines above: the earliest start that fits, rounded UP to an aligned line so it only moves every ALIGN_LINES lines.
  const starts: number[] = []; // starts[k] = offset of line cursorLine-1-k
  let used = 0;
  let end = lineStart - 1; // the newline ending the line above
  while (end >= 0) {
    const start = newlineBefore(text, end) + 1;
    const t = lineTokens(text.slice(start, end));
    if (used + t > budget.aboveTokens) break;
    used += t;
    starts.push(start);
    end = start - 1;
  }
  const minStart = cursorLine - starts.length;
  const firstLine = minStart === 0 ? 0 : Math.min(cursorLine, Math.ceil(minStart / ALIGN_LINES) * ALIGN_LINES);
  const aboveCount = cursorLine - firstLine;
  const above = aboveCount > 0 ? text.slice(starts[aboveCount - 1], lineStart - 1) : '';

  // Lines below: the furthest end that fits, rounded DOWN to an aligned line.
  used = 0;
  const ends: number[] = []; // ends[k] = end offset of line cursorLine+1+k
  let pos = lineEnd + 1;
  let atEndOfText = lineEnd >= text.length;
  while (!atEndOfText) {
    let e = text.indexOf('\n', pos);
    if (e < 0) e = text.length;
    const t = lineTokens(text.slice(pos, e));
    if (used + t > budget.belowTokens) break;
    used += t;
    ends.push(e);
    if (e >= text.length) atEndOfText = true;
    pos = e + 1;
  }
  const maxCount = ends.length;
  const belowCount = atEndOfText ? maxCount : Math.floor((cursorLine + 1 + maxCount) / ALIGN_LINES) * ALIGN_LINES - (cursorLine + 1);
  const keepBelow = Math.max(0, Math.min(maxCount, belowCount));
  const below = keepBelow > 0 ? text.slice(lineEnd + 1, ends[keepBelow - 1]) : '';

  return {
    above,
    linePrefix: truncateStartToTokens(text.slice(lineStart, offset), budget.linePrefixTokens),
    lineSuffix: truncateToTokens(text.slice(offset, lineEnd), budget.lineSuffixTokens),
    below,
    firstLine,
    cursorLine,
    lastLine: cursorLine + keepBelow,
    atStart: firstLine === 0,
    atEnd: atEndOfText && keepBelow === maxCount,
  };
}

/** The window's text as a plain prefix/suffix pair (for FIM templates). */
export function windowPrefixSuffix(w: FileWindow): { prefix: string; suffix: string } {
  return {
    prefix: (w.above.length || w.cursorLine > w.firstLine ? w.above + '\n' : '') + w.linePrefix,
    suffix: w.lineSuffix + (w.below.length || w.lastLine > w.cursorLine ? '\n' + w.below : ''),
  };
}
