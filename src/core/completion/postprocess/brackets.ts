/**
 * Bracket rules: stop a multi-line completion at the end of the enclosing block, and do not duplicate the closers
 * (or quotes, or `;`) that already follow the cursor.
 */

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Scan code, skipping string literals and line comments (roughly: enough for completion-sized text). */
function* codeChars(text: string, lineComment: string): Generator<[string, number]> {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote || (ch === '\n' && quote !== '`')) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      continue;
    }
    if (lineComment && text.startsWith(lineComment, i)) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return;
      i = nl - 1;
      continue;
    }
    yield [ch, i];
  }
}

/** Offset of the first closer in `text` that closes a bracket opened before the text, or -1. */
export function firstUnmatchedCloser(text: string, lineComment = '//'): number {
  const stack: string[] = [];
  for (const [ch, i] of codeChars(text, lineComment)) {
    if (OPEN[ch]) stack.push(ch);
    else if (CLOSE[ch]) {
      if (stack.length && stack[stack.length - 1] === CLOSE[ch]) stack.pop();
      else return i;
    }
  }
  return -1;
}

/** Brackets opened in `text` and not closed there, innermost last. */
export function unclosedOpeners(text: string, lineComment = '//'): string[] {
  const stack: string[] = [];
  for (const [ch] of codeChars(text, lineComment)) {
    if (OPEN[ch]) stack.push(ch);
    else if (CLOSE[ch] && stack.length && stack[stack.length - 1] === CLOSE[ch]) stack.pop();
  }
  return stack;
}

/**
 * Multi-line: the completion ends where it closes a block that was opened before the cursor. When the code after
 * the cursor already has that closer (next non-blank text), the closer is dropped; otherwise it is kept (the user
 * is writing the block's end too) and the completion stops after that line.
 */
export function cutAtEnclosingBlockEnd(text: string, suffix: string, lineComment = '//'): string {
  const at = firstUnmatchedCloser(text, lineComment);
  if (at < 0) return text;
  const closer = text[at];
  const suffixHasCloser = suffix.trimStart().startsWith(closer);
  if (suffixHasCloser) return text.slice(0, at).replace(/[ \t]*$/, '').replace(/\n[ \t]*$/, '').trimEnd();
  const lineEnd = text.indexOf('\n', at);
  return lineEnd < 0 ? text : text.slice(0, lineEnd);
}

const TAIL_CHARS = /^[)\]}'"`;,]+$/;

/**
 * The completion's last characters repeat the closers right after the cursor (`foo(|)` + "a, b)"): drop them.
 * Only closers the completion leaves unmatched (and quotes it leaves unpaired) count as repeats.
 */
export function stripDuplicateClosers(text: string, linePrefix: string, lineSuffix: string, lineComment = '//'): string {
  const rest = lineSuffix.trimStart();
  const body = text.trimEnd();
  if (!rest || !body) return text;
  for (let k = Math.min(body.length, rest.length); k >= 1; k--) {
    const tail = body.slice(body.length - k);
    if (!TAIL_CHARS.test(tail) || !rest.startsWith(tail)) continue;
    const head = body.slice(0, body.length - k);
    if (isRedundantTail(linePrefix, head, tail, lineComment)) return head;
  }
  return text;
}

function isRedundantTail(linePrefix: string, head: string, tail: string, lineComment: string): boolean {
  // Each closer in the tail must be unmatched given what precedes it in the completion.
  const stack = unclosedOpeners(head, lineComment);
  for (const ch of tail) {
    if (CLOSE[ch]) {
      if (stack.length && stack[stack.length - 1] === CLOSE[ch]) return false;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      // The quote is a repeat only if it closes a string the line left open.
      if (countChar(linePrefix + head, ch) % 2 === 0) return false;
    }
  }
  return true;
}

function countChar(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/**
 * A multi-line completion cut off by the token limit in the middle of a block it opened: keep it only up to the
 * line before that block started (when something is left), so the ghost text is never a dangling half block.
 */
export function dropDanglingBlock(text: string, lineComment = '//'): string {
  if (!unclosedOpeners(text, lineComment).includes('{')) return text;
  const lines = text.split('\n');
  for (let n = lines.length - 1; n >= 1; n--) {
    const head = lines.slice(0, n).join('\n');
    if (!unclosedOpeners(head, lineComment).includes('{') && head.trim()) return head;
  }
  return text;
}
