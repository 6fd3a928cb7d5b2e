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
 *  - Variance annotations on type parameters (`<in A, out B>`, TypeScript 4.7): blanked, but for the line breaks of
 *    one split over lines (`<in` newline `out A>`): blanking those shifted every later line of the parse by one.
 *  - An escaped backtick (`` `a \` b` ``): read as two spaces (template literal types cannot hold escapes).
 *
 * The rewrites are kept as patches over the original text (Parseable), which the parser reads in chunks with the
 * patches applied (parseableReader): no rewritten copy of the whole text is made. After an edit, updateParseable()
 * redoes only what the edit can change, from the previous result: the call-signature lines whose look-back (recorded
 * with each) reaches into the edit, and the other rewrites (bounded matches) in a window around it; later patches are
 * shifted by the edit. A keystroke in a 28,000-line module then neither rewrites nor copies the whole file (a new
 * string per keystroke of 1.75 MB: a copy, and V8 flattening the concatenation on the parser's first read, ~6 ms each).
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

/** One rewrite: the original text's characters at [at, at + text.length) read as `text` (same length, newlines kept). */
export interface Patch {
  at: number;
  text: string;
}

/**
 * What the parser reads: the original text with patches over it (no rewritten copy of the whole text is made: the
 * parser reads it in chunks through parseableReader), and what updateParseable needs to redo it after an edit.
 * Immutable: a tree's text callback keeps reading it (node.text), so an update makes new arrays.
 */
export interface Parseable {
  /** The original text. */
  source: string;
  /** Every rewrite, sorted by offset, none overlapping another. */
  patches: readonly Patch[];
  /** The variance and backtick rewrites among them (sorted). */
  bounded: readonly Patch[];
  angles: readonly AngleLine[];
}

/** The text the parser should see for `text` (the same text when nothing needs rewriting). Same length and lines always. */
export function parseableText(language: LanguageName, text: string): string {
  return rewrittenText(parseable(language, text));
}

/** The whole rewritten text of `p` (tests, and callers that keep a string; the parser reads it through parseableReader). */
export function rewrittenText(p: Parseable): string {
  return applyPatches(p.source, p.patches, 0, p.source.length);
}

export function parseable(language: LanguageName, text: string): Parseable {
  if (language !== 'typescript' && language !== 'tsx') return plain(text);
  // In TSX a line opening with `<` is JSX.
  const angles = language === 'typescript' ? angleLines(text, 0, text.length) : [];
  const bounded = boundedPatches(text, 0, text.length);
  return { source: text, patches: withSemicolons(angles, bounded), bounded, angles };
}

function plain(text: string): Parseable {
  return { source: text, patches: [], bounded: [], angles: [] };
}

/**
 * parseable(language, next), from `prev` = parseable(language, <previous text>) and the one change between the two
 * texts (`[start, oldEnd)` of the previous became `next[start, newEnd)`). Exact: the unit tests compare it with a full
 * rewrite over random edits. Costs the patches' count (they are copied, the later ones shifted) and a window around the
 * edit, not the text's length.
 */
export function updateParseable(language: LanguageName, prev: Parseable, next: string, edit: { start: number; oldEnd: number; newEnd: number }): Parseable {
  if (language !== 'typescript' && language !== 'tsx') return plain(next);
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
  // in a window holding it and their context on both sides. Those starting before it are kept, those after it shifted.
  const lineEnd = next.indexOf('\n', redoTo + 1);
  const changedFrom = Math.max(0, Math.min(editedLine, edit.start) - CONTEXT_CHARS);
  const changedTo = Math.min(next.length, Math.max(lineEnd < 0 ? next.length : lineEnd, edit.newEnd) + CONTEXT_CHARS);
  const from = Math.max(0, changedFrom - CONTEXT_CHARS);
  const to = Math.min(next.length, changedTo + CONTEXT_CHARS);
  const window = boundedPatches(next, from, to).filter((p) => p.at >= changedFrom && p.at < changedTo);
  const kept = prev.bounded.slice(0, firstPatchFrom(prev.bounded, changedFrom));
  const shifted = prev.bounded.slice(firstPatchFrom(prev.bounded, changedTo - delta)).map((p) => ({ at: p.at + delta, text: p.text }));
  const bounded = kept.concat(window, shifted);
  return { source: next, patches: withSemicolons(angles, bounded), bounded, angles };
}

/** Index of the first of `patches` (sorted, not overlapping) for which `reached` holds (false for all before it). */
function firstPatch(patches: readonly Patch[], reached: (p: Patch) => boolean): number {
  let lo = 0;
  let hi = patches.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (reached(patches[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the first of `patches` (sorted) starting at or after `offset`. */
const firstPatchFrom = (patches: readonly Patch[], offset: number) => firstPatch(patches, (p) => p.at >= offset);
/** Index of the first of `patches` (sorted, not overlapping) ending after `offset`. */
const firstPatchEndingAfter = (patches: readonly Patch[], offset: number) => firstPatch(patches, (p) => p.at + p.text.length > offset);

/** source[from, to) with `patches` (sorted, not overlapping) applied. */
function applyPatches(source: string, patches: readonly Patch[], from: number, to: number): string {
  let i = firstPatchEndingAfter(patches, from);
  if (i >= patches.length || patches[i].at >= to) return source.slice(from, to);
  const parts: string[] = [];
  let last = from;
  for (; i < patches.length && patches[i].at < to; i++) {
    const p = patches[i];
    if (p.at > last) parts.push(source.slice(last, p.at));
    const end = Math.min(p.at + p.text.length, to);
    parts.push(p.text.slice(last - p.at > 0 ? last - p.at : 0, end - p.at));
    last = end;
  }
  if (last < to) parts.push(source.slice(last, to));
  return parts.join('');
}

/**
 * The parser's read callback for `p`: up to `chunk` characters of the rewritten text from `index`, cut from the
 * original text with the patches there applied.
 */
export function parseableReader(p: Parseable, chunk: number): (index: number) => string {
  const { source, patches } = p;
  if (patches.length === 0) return (index) => source.slice(index, index + chunk);
  return (index) => applyPatches(source, patches, index, Math.min(source.length, index + chunk));
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

/** The `;` of `angles` (sorted) merged with `bounded` (sorted): every patch, sorted. */
function withSemicolons(angles: readonly AngleLine[], bounded: readonly Patch[]): Patch[] {
  const semicolons = angles.filter((a) => a.patch >= 0).map((a) => ({ at: a.patch, text: ';' }));
  return semicolons.length === 0 ? [...bounded] : mergePatches(bounded, semicolons);
}

/**
 * The variance and backtick rewrites of text[from, to) (read alone: each is decided by the text within CONTEXT_CHARS
 * of it), at their offsets in `text`. A variance annotation is blanked but for its line breaks (`<in` newline `out A>`
 * keeps its lines).
 */
function boundedPatches(text: string, from: number, to: number): Patch[] {
  const window = text.slice(from, to);
  const out: Patch[] = [];
  VARIANCE.lastIndex = 0;
  for (let m = VARIANCE.exec(window); m; m = VARIANCE.exec(window)) {
    out.push({ at: from + m.index + m[1].length, text: m[2].replace(/[^\r\n]/g, ' ') });
  }
  if (!window.includes('\\`')) return out;
  const escapes = escapedBackticks(window).map((i) => ({ at: from + i, text: '  ' }));
  return out.length === 0 ? escapes : mergePatches(out, escapes);
}

/** Two sorted lists of patches (not overlapping one another) as one. */
function mergePatches(a: readonly Patch[], b: readonly Patch[]): Patch[] {
  const out: Patch[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i].at < b[j].at) ? a[i++] : b[j++]);
  return out;
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

/** Offsets of the escaped backticks (after an odd run of backslashes): each read as two spaces, the grammar has no escapes in template types. */
function escapedBackticks(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\\`'); i >= 0; i = text.indexOf('\\`', i + 2)) {
    let k = i;
    while (k > 0 && i - k < MAX_ESCAPE_RUN && text[k - 1] === '\\') k--;
    if ((i + 1 - k) % 2 === 0) continue;
    out.push(i);
  }
  return out;
}
