/**
 * Which identifiers around the cursor the extension asks the editor's language server about (definitionHints.ts): the
 * distinct names of a few lines around it, nearest first, without keywords or the words of comments and strings; a
 * name the lines declare themselves (`const c = ...`, `function f`) is asked for its type only (its definition is
 * right there, in the file the context already shows).
 */
import { isKeyword } from './keywords';
import { languageForId } from './languages';
import { forEachWord } from './similarity';

/** Lines around the cursor whose names are asked about (the host's passes; the benchmark's simulation). */
export const HINT_LINES_ABOVE = 30;
export const HINT_LINES_BELOW = 10;

export interface HintName {
  name: string;
  /** Where one use of it is (0-based line and character), the one nearest to the cursor. */
  line: number;
  character: number;
  /** Declared in these lines: its definition is local, only its type is worth asking. */
  declared: boolean;
}

/** `//` comments and quoted strings of one line (blanked before reading names; columns are kept). */
const NOISE = /\/\/.*$|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\\n]|\\.)*`/gm;
const DECLARATION = /\b(?:const|let|var|function|class|interface|type|enum|def|func|fn|struct|trait)\s+(?:mut\s+)?([A-Za-z_$][\w$]*)/g;
const DOT = 46;

/**
 * The names of `text` (lines `firstLine`... of a document) to ask about for a cursor on `cursorLine`, at most `max`,
 * nearest first (lines above the cursor before lines as far below: the code above is what the cursor's code uses).
 */
export function hintNames(text: string, firstLine: number, cursorLine: number, languageId: string, max: number): HintName[] {
  const language = languageForId(languageId);
  const clean = text.replace(NOISE, (m) => ' '.repeat(m.length));
  const declared = new Set<string>();
  for (const m of clean.matchAll(DECLARATION)) declared.add(m[1]);
  const best = new Map<string, HintName & { distance: number }>();
  let lineStart = 0;
  let currentLine = firstLine;
  forEachWord(clean, firstLine, (word, line, index) => {
    if (isKeyword(language, word) && clean.charCodeAt(index - 1) !== DOT) return;
    if (line !== currentLine) {
      lineStart = clean.lastIndexOf('\n', index) + 1;
      currentLine = line;
    }
    const d = line - cursorLine;
    const distance = d <= 0 ? -d : d + 0.5;
    const had = best.get(word);
    if (!had || distance < had.distance) best.set(word, { name: word, line, character: index - lineStart, declared: declared.has(word), distance });
  });
  return [...best.values()]
    .sort((a, b) => a.distance - b.distance || a.line - b.line || a.character - b.character)
    .slice(0, max)
    .map(({ name, line, character, declared }) => ({ name, line, character, declared }));
}
