/** Indentation rules: the editor's tabs/spaces, the cursor's existing indentation, and indentation-delimited blocks. */
import type { IndentStyle } from '../types';

export function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

export function indentWidth(ws: string, tabSize: number): number {
  let w = 0;
  for (const ch of ws) w += ch === '\t' ? tabSize - (w % tabSize) : 1;
  return w;
}

function makeIndent(width: number, style: IndentStyle): string {
  if (style.insertSpaces) return ' '.repeat(width);
  return '\t'.repeat(Math.floor(width / style.tabSize)) + ' '.repeat(width % style.tabSize);
}

/** Rewrite the leading whitespace of every line after the first in the editor's style (tabs or N spaces). */
export function convertIndentation(text: string, style: IndentStyle): string {
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const ws = leadingWhitespace(lines[i]);
    if (!ws) continue;
    const wanted = makeIndent(indentWidth(ws, style.tabSize), style);
    if (wanted !== ws) lines[i] = wanted + lines[i].slice(ws.length);
  }
  return lines.join('\n');
}

/**
 * The cursor sits after the line's indentation (a blank line). Models often answer with the whole line, indentation
 * included: drop the part of the first line's indentation the editor already has. When the first line opens a block
 * and the next lines are indented relative to column 0 (the model ignored the cursor's indentation), shift them.
 */
export function fitToCursorIndent(text: string, linePrefix: string, tabSize: number): string {
  if (linePrefix.trim()) return text;
  const have = indentWidth(linePrefix, tabSize);
  const lines = text.split('\n');
  const ws = leadingWhitespace(lines[0]);
  const firstWidth = indentWidth(ws, tabSize);
  if (ws) {
    // Remove up to `have` columns of the first line's indentation.
    let cols = 0;
    let cut = 0;
    while (cut < ws.length && cols < have) {
      cols += ws[cut] === '\t' ? tabSize - (cols % tabSize) : 1;
      cut++;
    }
    lines[0] = lines[0].slice(cut);
  }
  if (have > 0 && firstWidth === 0 && lines.length > 1 && /[{[(:]\s*$/.test(lines[0])) {
    const next = lines.slice(1).find((l) => l.trim());
    if (next !== undefined && indentWidth(leadingWhitespace(next), tabSize) <= have) {
      const pad = linePrefix;
      for (let i = 1; i < lines.length; i++) if (lines[i].trim()) lines[i] = pad + lines[i];
    }
  }
  return lines.join('\n');
}

/** Languages whose blocks end by dedenting (and, for some, with an `end` keyword at the outer level). */
const DEDENT_LANGUAGES = new Set(['python', 'ruby', 'yaml', 'coffeescript', 'nim', 'fsharp', 'haskell', 'elixir', 'lua', 'julia', 'crystal']);
const END_KEYWORD_LANGUAGES = new Set(['ruby', 'lua', 'elixir', 'julia', 'crystal']);

export function endsBlocksByDedent(languageId: string): boolean {
  return DEDENT_LANGUAGES.has(languageId);
}

/**
 * The completion stops at the first line indented less than the block it started in (Python's dedent, a Go/C
 * `case` label after a case body, the next top-level declaration).
 * For `end`-keyword languages an `end` at the outer level is kept (once) unless the code below already has it.
 */
export function cutAtDedent(text: string, linePrefix: string, linesBelow: string[], languageId: string, tabSize: number): string {
  const lines = text.split('\n');
  // The level the completion's code starts at: the cursor's column for a blank line, else the first indented output line.
  let base: number;
  if (!linePrefix.trim()) base = indentWidth(linePrefix + leadingWhitespace(lines[0]), tabSize);
  else {
    const firstBody = lines.slice(1).find((l) => l.trim());
    if (firstBody === undefined) return text;
    base = indentWidth(leadingWhitespace(firstBody), tabSize);
  }
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    if (indentWidth(leadingWhitespace(lines[i]), tabSize) >= base) continue;
    // Brace languages: a closing bracket at the outer level is for the bracket rules to judge (keep or drop).
    if (!endsBlocksByDedent(languageId) && /^\s*[)\]}]/.test(lines[i])) return text;
    const isEnd = END_KEYWORD_LANGUAGES.has(languageId) && /^\s*end\b/.test(lines[i]);
    const belowHasEnd = /^\s*end\b/.test(linesBelow.find((l) => l.trim()) ?? '');
    if (isEnd && !belowHasEnd) return lines.slice(0, i + 1).join('\n');
    return lines.slice(0, i).join('\n');
  }
  return text;
}
