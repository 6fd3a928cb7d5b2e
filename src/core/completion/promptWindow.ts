/**
 * Which part of the current file goes into a completion prompt. The window's edges move in steps of ALIGN_LINES
 * lines, not with every keystroke, so consecutive prompts share their beginning and the server's KV cache is reused.
 */
import { countTokens, truncateStartToTokens, truncateToTokens } from '../tokens';

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

function lineTokens(line: string): number {
  return countTokens(line) + 1; // + the newline joining it to the next line
}

/** Cut `text` (at `offset`) into an aligned window of whole lines around the cursor line. */
export function fileWindow(text: string, offset: number, budget: WindowBudget = DEFAULT_WINDOW_BUDGET): FileWindow {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const before = text.slice(0, Math.max(0, lineStart - 1));
  const after = lineEnd < text.length ? text.slice(lineEnd + 1) : '';
  const aboveLines = lineStart > 0 ? before.split('\n') : [];
  const belowLines = lineEnd < text.length ? after.split('\n') : [];
  const cursorLine = aboveLines.length;

  // Lines above: the earliest start that fits, rounded UP to an aligned line so it only moves every ALIGN_LINES lines.
  let used = 0;
  let minStart = cursorLine;
  while (minStart > 0) {
    const t = lineTokens(aboveLines[minStart - 1]);
    if (used + t > budget.aboveTokens) break;
    used += t;
    minStart--;
  }
  const firstLine = minStart === 0 ? 0 : Math.min(cursorLine, Math.ceil(minStart / ALIGN_LINES) * ALIGN_LINES);

  // Lines below: the furthest end that fits, rounded DOWN to an aligned line.
  used = 0;
  let maxCount = 0;
  while (maxCount < belowLines.length) {
    const t = lineTokens(belowLines[maxCount]);
    if (used + t > budget.belowTokens) break;
    used += t;
    maxCount++;
  }
  const belowCount = maxCount === belowLines.length ? maxCount : Math.floor((cursorLine + 1 + maxCount) / ALIGN_LINES) * ALIGN_LINES - (cursorLine + 1);
  const keepBelow = Math.max(0, Math.min(maxCount, belowCount));

  return {
    above: aboveLines.slice(firstLine).join('\n'),
    linePrefix: truncateStartToTokens(text.slice(lineStart, offset), budget.linePrefixTokens),
    lineSuffix: truncateToTokens(text.slice(offset, lineEnd), budget.lineSuffixTokens),
    below: belowLines.slice(0, keepBelow).join('\n'),
    firstLine,
    cursorLine,
    lastLine: cursorLine + keepBelow,
    atStart: firstLine === 0,
    atEnd: keepBelow === belowLines.length,
  };
}

/** The window's text as a plain prefix/suffix pair (for FIM templates). */
export function windowPrefixSuffix(w: FileWindow): { prefix: string; suffix: string } {
  return {
    prefix: (w.above.length || w.cursorLine > w.firstLine ? w.above + '\n' : '') + w.linePrefix,
    suffix: w.lineSuffix + (w.below.length || w.lastLine > w.cursorLine ? '\n' + w.below : ''),
  };
}
