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
 */
import type { LanguageName } from './languages';

/** Characters that can end a type or member, after which a line starting with `<` is a new (generic) call signature. */
const ENDS_MEMBER = /[\w$)\]}>'"`]/;
/** A `<` opening a line (after indentation), followed by a type parameter name or the end of the line. */
const LINE_OPENING_ANGLE = /\n[ \t]+<(?=[A-Za-z_$]|[ \t]*\r?\n)/g;
const VARIANCE = /([<,]\s*)(in\s+out|in|out)(\s+)(?=[A-Za-z_$][\w$]*\s*(?:[,>=]|extends\b))/g;
const SPACE = /\s/;

/** The text the parser should see for `text` (the same text when nothing needs rewriting). Same length always. */
export function parseableText(language: LanguageName, text: string): string {
  if (language !== 'typescript' && language !== 'tsx') return text;
  let out = text;
  // In TSX a line opening with `<` is JSX.
  if (language === 'typescript') out = separateCallSignatures(out);
  if (out.includes(' in ') || out.includes(' out ') || out.includes('<in ') || out.includes('<out ')) {
    out = out.replace(VARIANCE, (_m, before: string, v: string, after: string) => before + ' '.repeat(v.length) + after);
  }
  if (out.includes('\\`')) out = unescapeBackticks(out);
  return out;
}

function separateCallSignatures(text: string): string {
  let parts: string[] | undefined;
  let last = 0;
  LINE_OPENING_ANGLE.lastIndex = 0;
  for (let m = LINE_OPENING_ANGLE.exec(text); m; m = LINE_OPENING_ANGLE.exec(text)) {
    const angle = m.index + m[0].length - 1;
    const end = codeEndBefore(text, m.index);
    if (end < 0) continue;
    const ch = text[end];
    // `=>` ends an arrow whose body is a generic arrow function (`(a) =>` newline `<B>(b: B) => ...`).
    if (!ENDS_MEMBER.test(ch) || (ch === '>' && text[end - 1] === '=')) continue;
    (parts ??= []).push(text.slice(last, angle - 1), ';');
    last = angle;
  }
  if (!parts) return text;
  parts.push(text.slice(last));
  return parts.join('');
}

/** Index of the last code character at or before `i`, skipping whitespace and comments; -1 when there is none. */
function codeEndBefore(text: string, i: number): number {
  let j = i;
  for (;;) {
    while (j >= 0 && SPACE.test(text[j])) j--;
    if (j >= 1 && text[j] === '/' && text[j - 1] === '*') {
      const open = text.lastIndexOf('/*', j - 2);
      if (open < 0) return -1;
      j = open - 1;
      continue;
    }
    const lineStart = text.lastIndexOf('\n', j) + 1;
    const line = text.slice(lineStart, j + 1);
    const comment = line.indexOf('//');
    // A line comment (when no quote precedes the `//`: a URL in a string is not one).
    if (comment >= 0 && !/["'`]/.test(line.slice(0, comment))) {
      j = lineStart + comment - 1;
      continue;
    }
    return j;
  }
}

/** An escaped backtick (after an odd run of backslashes) becomes two spaces: the grammar has no escapes in template types. */
function unescapeBackticks(text: string): string {
  const parts: string[] = [];
  let last = 0;
  for (let i = text.indexOf('\\`'); i >= 0; i = text.indexOf('\\`', i + 2)) {
    let k = i;
    while (k > 0 && text[k - 1] === '\\') k--;
    if ((i + 1 - k) % 2 === 0) continue;
    parts.push(text.slice(last, i), '  ');
    last = i + 2;
  }
  parts.push(text.slice(last));
  return parts.join('');
}
