/**
 * Rules against echoes: output that repeats the code before the cursor (the current line, the lines above) or the
 * code after it (the rest of the line, the lines below), and degenerate repetition.
 */

const WORD_CHAR = /[\p{L}\p{N}_$]/u;

function norm(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

/**
 * Remove a repeat of the cursor line's text before the cursor: the whole trimmed line prefix ("const x = " echoed
 * as "const x = 1"), or the partial word at the cursor ("ite" -> "items" becomes "ms").
 */
export function stripEchoedLinePrefix(text: string, linePrefix: string): string {
  const lp = linePrefix.trimStart();
  if (!lp) return text;
  const t = text.replace(/^[ \t]+/, '');
  if (t.startsWith(lp)) return t.slice(lp.length);
  let i = linePrefix.length;
  while (i > 0 && WORD_CHAR.test(linePrefix[i - 1])) i--;
  const partial = linePrefix.slice(i);
  if (partial && text.startsWith(partial) && text.length > partial.length && WORD_CHAR.test(text[partial.length])) {
    return text.slice(partial.length);
  }
  return text;
}

/** Remove leading output lines that repeat the last lines above the cursor (up to 3 lines as a block). */
export function stripEchoedLinesAbove(text: string, linesAbove: string[]): string {
  const out = text.split('\n');
  const above = linesAbove.filter((l) => l.trim());
  for (let m = Math.min(3, above.length, out.length - 1); m >= 1; m--) {
    const tail = above.slice(above.length - m).map(norm);
    const head = out.slice(0, m).map(norm);
    if (tail.every((l, i) => l === head[i]) && tail.some((l) => l.length > 2)) return out.slice(m).join('\n');
  }
  return text;
}

/** Levenshtein distance, bounded work for short strings (lines). */
function distance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** Same line for our purposes: equal after whitespace normalisation, or (long lines) within 10% edit distance. */
export function similarLines(a: string, b: string): boolean {
  const x = norm(a);
  const y = norm(b);
  if (x === y) return true;
  if (x.length < 12 || y.length < 12 || Math.abs(x.length - y.length) > Math.max(x.length, y.length) * 0.1) return false;
  return distance(x, y) <= Math.floor(Math.max(x.length, y.length) * 0.1);
}

/**
 * Cut the output where it starts repeating the code below the cursor: at the first output line (after the first)
 * that matches the first non-blank line below. Returns '' when the whole output is the code that already follows.
 */
export function cutAtSuffixEcho(text: string, lineSuffix: string, linesBelow: string[]): string {
  // Closer-only lines ("}", "end") are left to the block rules: a completion may close its own blocks.
  const next = linesBelow.find((l) => l.trim());
  const nextIsCode = next !== undefined && /[\p{L}\p{N}_]/u.test(next) && !/^\s*end\b\s*$/.test(next);
  const out = text.split('\n');
  // The whole completion is the start of the suffix (the model re-typed what follows the cursor).
  const suffixHead = (lineSuffix + '\n' + linesBelow.slice(0, out.length + 1).join('\n')).trimStart();
  if (text.trim() && suffixHead.startsWith(text.trim()) && text.trim().length >= 3) return '';
  if (next === undefined || !nextIsCode) return text;
  for (let i = 1; i < out.length; i++) {
    if (out[i].trim() && similarLines(out[i], next)) return out.slice(0, i).join('\n');
  }
  // A single-line output on a blank line that equals the next line.
  if (out.length === 1 && !lineSuffix.trim() && similarLines(out[0], next) && norm(next).length > 2) return '';
  return text;
}

/**
 * A word looping on one line (`smirk smirk smirk smirk`): four or more copies of one word separated only by spaces. Data
 * is not a loop: numbers and lists with separators (`0, 0, 0, 0`, `None, None, None`) never match.
 */
const WORD_LOOP = /(?<![\w$])([A-Za-z_][\w$]*)(?:[ \t]+\1(?![\w$])){3,}/;

/**
 * Stop degenerate loops: a completion ends where a word starts looping on one line (the loop and what follows are
 * dropped), and a line (of some substance) repeated 3 times in a row keeps only its first copy.
 */
export function cutRepetition(text: string): string {
  const loop = WORD_LOOP.exec(text);
  if (loop) text = text.slice(0, loop.index).trimEnd();
  const out = text.split('\n');
  for (let i = 2; i < out.length; i++) {
    const a = norm(out[i]);
    if (a.length >= 4 && a === norm(out[i - 1]) && a === norm(out[i - 2])) return out.slice(0, i - 1).join('\n');
  }
  return text;
}

/** The most blank lines any common style puts between two definitions (Python's top level has two). */
const MAX_BLANK_RUN = 2;

/**
 * Blank lines a person would not type: a completion opens with at most MAX_BLANK_RUN blank lines before its first text
 * (counting the cursor line when it is blank), and a longer run inside it is where it ends (models loop on newlines).
 */
export function limitBlankLines(text: string, cursorLineBlank: boolean): string {
  const lines = text.split('\n');
  let lead = 0;
  while (lead < lines.length - 1 && !lines[lead].trim()) lead++;
  // Line 0 is the rest of the cursor line: it counts as a blank line only when the cursor line is blank.
  const allowed = MAX_BLANK_RUN + (cursorLineBlank ? 0 : 1);
  const out = lead > allowed ? lines.slice(lead - allowed) : lines;
  let run = 0;
  for (let i = 1; i < out.length; i++) {
    run = out[i].trim() ? 0 : run + 1;
    if (run > MAX_BLANK_RUN && out.slice(0, i).some((l) => l.trim())) return out.slice(0, i - run + 1).join('\n');
  }
  return out.join('\n');
}
