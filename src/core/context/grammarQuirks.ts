/**
 * Same-length rewrites of TypeScript the bundled grammar (tree-sitter-typescript, also in its latest release 0.23.2)
 * cannot parse. One such construct can turn a whole file into a single ERROR node: no definitions, no imports. In the
 * functional-style libraries this hits the modules every other file imports (overloaded `const f: { ... }` signatures),
 * so their most used helpers were missing from the index. Measured on a 570-file TypeScript library: 57 files parsed
 * to a root ERROR before, 0 after.
 *
 * The rewrites keep every offset, line and column (tags, edits and incremental re-parses are positioned in the
 * original text), and touch only what the parser sees: snippets and signatures are cut from the original text.
 *  - A call signature starting with `<` on its own line after a member without a separator (`(a: A): B` newline
 *    `<C>(c: C): D`): the grammar reads the `<` as a type-argument list of the previous member's type. A `;` replaces
 *    the last indentation character before the `<`.
 *  - Variance annotations on type parameters (`<in A, out B>`, TypeScript 4.7): blanked.
 *  - An escaped backtick (`` `a \` b` ``): read as two spaces (template literal types cannot hold escapes).
 *
 * After an edit, updateParseable() redoes only what the edit can change, from the previous result: the call-signature
 * lines whose look-back (recorded with each) reaches into the edit, and the other rewrites (bounded matches) in a
 * window around it. A keystroke in a 28,000-line module then no longer rewrites the whole file.
 */
import type { LanguageName } from './languages';

/** Characters that can end a type or member, after which a line starting with `<` is a new (generic) call signature. */
const ENDS_MEMBER = /[\w$)\]}>'"`]/;
/** A `<` opening a line (after indentation), followed by a type parameter name or the end of the line. */
const LINE_OPENING_ANGLE = /\n[ \t]+<(?=[A-Za-z_$]|[ \t]*\r?\n)/g;
// Bounded repetitions keep each match (with its look-ahead) under a thousand characters: see CONTEXT_CHARS.
const VARIANCE = /([<,]\s{0,200})(in\s{1,200}out|in|out)(\s{1,200})(?=[A-Za-z_$][\w$]{0,200}\s{0,200}(?:[,>=]|extends\b))/g;
const SPACE = /\s/;
/**
 * Backslashes counted before a backtick to tell whether it is escaped. A longer run (possible: a file with a few lines
 * of data over MINIFIED_LINE_CHARS is parsed) is read as this long, so the decision stays within CONTEXT_CHARS of the
 * backtick and a rewrite around an edit equals a full one.
 */
const MAX_ESCAPE_RUN = 1000;
/**
 * Text on either side of a variance or backtick rewrite that decides it, with room to spare: a bounded match with its
 * look-ahead, or a run of at most MAX_ESCAPE_RUN backslashes.
 */
const CONTEXT_CHARS = 3000;

/** A line opening with `<`: where its match starts (the newline before it), the lowest index its look-back read, and the `;` it got (-1: none). */
interface AngleLine {
  at: number;
  low: number;
  patch: number;
}

/** The rewritten text, and what updateParseable needs to redo it after an edit. */
export interface Parseable {
  text: string;
  angles: AngleLine[];
}

/** The text the parser should see for `text` (the same text when nothing needs rewriting). Same length always. */
export function parseableText(language: LanguageName, text: string): string {
  return parseable(language, text).text;
}

export function parseable(language: LanguageName, text: string): Parseable {
  if (language !== 'typescript' && language !== 'tsx') return { text, angles: [] };
  // In TSX a line opening with `<` is JSX.
  const angles = language === 'typescript' ? angleLines(text, 0, text.length) : [];
  return { text: boundedRewrites(withSemicolons(text, angles, 0, text.length)), angles };
}

/**
 * parseable(language, next), from `prev` = parseable(language, <previous text>) and the one change between the two
 * texts (`[start, oldEnd)` of the previous became `next[start, newEnd)`). Exact: the unit tests compare it with a full
 * rewrite over random edits.
 */
export function updateParseable(language: LanguageName, prev: Parseable, next: string, edit: { start: number; oldEnd: number; newEnd: number }): Parseable {
  if (language !== 'typescript' && language !== 'tsx') return { text: next, angles: [] };
  const delta = edit.newEnd - edit.oldEnd;
  // Call-signature lines: a match reads its own line forward and looks back through blanks and comments. Those on the
  // edited lines, and those after the edit whose look-back read into it, are found again; the others are kept.
  const editedLine = Math.max(0, next.lastIndexOf('\n', edit.start - 1));
  let redoTo = next.indexOf('\n', edit.newEnd);
  if (redoTo < 0) redoTo = next.length;
  for (const a of prev.angles) if (a.at >= edit.oldEnd && a.low < edit.oldEnd) redoTo = Math.max(redoTo, a.at + delta);
  const before = prev.angles.filter((a) => a.at < editedLine);
  const after = prev.angles.filter((a) => a.at >= edit.oldEnd && a.at + delta > redoTo).map((a) => ({ at: a.at + delta, low: a.low + delta, patch: a.patch < 0 ? -1 : a.patch + delta }));
  const angles = language === 'typescript' ? before.concat(angleLines(next, editedLine, redoTo), after) : [];
  // Everything that can differ from the previous text lies in [changedFrom, changedTo); the bounded rewrites are redone
  // in a window holding it and their context on both sides.
  const lineEnd = next.indexOf('\n', redoTo + 1);
  const changedFrom = Math.max(0, Math.min(editedLine, edit.start) - CONTEXT_CHARS);
  const changedTo = Math.min(next.length, Math.max(lineEnd < 0 ? next.length : lineEnd, edit.newEnd) + CONTEXT_CHARS);
  const from = Math.max(0, changedFrom - CONTEXT_CHARS);
  const to = Math.min(next.length, changedTo + CONTEXT_CHARS);
  const window = boundedRewrites(withSemicolons(next, angles, from, to));
  const text = prev.text.slice(0, changedFrom) + window.slice(changedFrom - from, changedTo - from) + prev.text.slice(changedTo - delta);
  return { text, angles };
}

/** The lines opening with `<` whose match starts in [from, to], with the look-back's decision. */
function angleLines(text: string, from: number, to: number): AngleLine[] {
  const out: AngleLine[] = [];
  LINE_OPENING_ANGLE.lastIndex = from;
  for (let m = LINE_OPENING_ANGLE.exec(text); m && m.index <= to; m = LINE_OPENING_ANGLE.exec(text)) {
    const angle = m.index + m[0].length - 1;
    const back = codeEndBefore(text, m.index);
    const ch = text[back.end];
    // `=>` ends an arrow whose body is a generic arrow function (`(a) =>` newline `<B>(b: B) => ...`).
    const member = back.end >= 0 && ENDS_MEMBER.test(ch) && !(ch === '>' && text[back.end - 1] === '=');
    out.push({ at: m.index, low: back.low, patch: member ? angle - 1 : -1 });
  }
  return out;
}

/** text[from, to) with a `;` at each patch of `angles` (sorted) in that range. */
function withSemicolons(text: string, angles: readonly AngleLine[], from: number, to: number): string {
  const parts: string[] = [];
  let last = from;
  for (const a of angles) {
    if (a.patch < from || a.patch >= to) continue;
    parts.push(text.slice(last, a.patch), ';');
    last = a.patch + 1;
  }
  if (last === from) return text.slice(from, to);
  parts.push(text.slice(last, to));
  return parts.join('');
}

/** The variance and backtick rewrites: each decided by the text within CONTEXT_CHARS of it. */
function boundedRewrites(text: string): string {
  const out = text.replace(VARIANCE, (_m, before: string, v: string, after: string) => before + ' '.repeat(v.length) + after);
  return out.includes('\\`') ? unescapeBackticks(out) : out;
}

/**
 * Index of the last code character at or before `i`, skipping whitespace and comments (-1 when there is none), and
 * the lowest index read to decide it.
 */
function codeEndBefore(text: string, i: number): { end: number; low: number } {
  let j = i;
  let low = i;
  for (;;) {
    while (j >= 0 && SPACE.test(text[j])) j--;
    low = Math.min(low, Math.max(0, j - 1));
    if (j >= 1 && text[j] === '/' && text[j - 1] === '*') {
      const open = text.lastIndexOf('/*', j - 2);
      if (open < 0) return { end: -1, low: 0 };
      low = Math.min(low, open);
      j = open - 1;
      continue;
    }
    const lineStart = text.lastIndexOf('\n', j) + 1;
    low = Math.min(low, Math.max(0, lineStart - 1));
    const line = text.slice(lineStart, j + 1);
    const comment = line.indexOf('//');
    // A line comment (when no quote precedes the `//`: a URL in a string is not one).
    if (comment >= 0 && !/["'`]/.test(line.slice(0, comment))) {
      j = lineStart + comment - 1;
      continue;
    }
    return { end: j, low };
  }
}

/** An escaped backtick (after an odd run of backslashes) becomes two spaces: the grammar has no escapes in template types. */
function unescapeBackticks(text: string): string {
  const parts: string[] = [];
  let last = 0;
  for (let i = text.indexOf('\\`'); i >= 0; i = text.indexOf('\\`', i + 2)) {
    let k = i;
    while (k > 0 && i - k < MAX_ESCAPE_RUN && text[k - 1] === '\\') k--;
    if ((i + 1 - k) % 2 === 0) continue;
    parts.push(text.slice(last, i), '  ');
    last = i + 2;
  }
  parts.push(text.slice(last));
  return parts.join('');
}
