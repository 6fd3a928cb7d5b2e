/**
 * Chains of member accesses and calls as written (`a.b(x).c`, `new C(x).d`, `z\n  .object({...})\n  .refine(...)`):
 * read step by step, without a parser, for the type walk of valueTypes.ts.
 */
import type { ChainStep } from './valueTypes';

/** Characters a call's argument list may span before the chain is given up (bounds the scan on long lines). */
const MAX_ARGS_CHARS = 400;
/** Whitespace (a line break and indentation) allowed before a chain's next `.`. */
const MAX_BREAK = 40;

const IDENT = /[\w$]/;
const IDENT_START = /[A-Za-z_$]/;

/** The chain starting at `at` in `text` (`a.b(x).c`, `new C(x).d`), and where it ends. */
export function readChain(text: string, at: number): { steps: ChainStep[]; end: number } {
  const steps: ChainStep[] = [];
  let i = at;
  let isNew = false;
  if (text.startsWith('new ', i)) {
    isNew = true;
    i += 4;
    while (text[i] === ' ') i++;
  }
  for (;;) {
    if (!IDENT_START.test(text[i] ?? '')) break;
    let j = i + 1;
    while (j < text.length && IDENT.test(text[j])) j++;
    const step: ChainStep = { name: text.slice(i, j), call: false, isNew: steps.length === 0 && isNew ? true : undefined };
    steps.push(step);
    i = j;
    while (text[i] === '!') i++;
    if (text[i] === '<' && steps.length > 0) {
      const close = text.indexOf('>(', i);
      if (close > i && close - i < 80 && !/[;\n]/.test(text.slice(i, close))) i = close + 1;
    }
    if (text[i] === '(') {
      const end = closeParen(text, i);
      if (end < 0) break;
      step.call = true;
      i = end;
      while (text[i] === '!') i++;
    }
    // A chain may go on on the next line (`z\n  .object({...})\n  .refine(...)`).
    let k = i;
    while (k < text.length && k - i < MAX_BREAK && /\s/.test(text[k])) k++;
    if (text[k] === '.' && IDENT_START.test(text[k + 1] ?? '')) i = k + 1;
    else if (text[k] === '?' && text[k + 1] === '.' && IDENT_START.test(text[k + 2] ?? '')) i = k + 2;
    else break;
  }
  return { steps, end: i };
}

/** Just past the `)` closing the `(` at `open`, skipping strings; -1 when not closed within MAX_ARGS_CHARS. */
function closeParen(text: string, open: number): number {
  let depth = 0;
  const limit = Math.min(text.length, open + MAX_ARGS_CHARS);
  for (let i = open; i < limit; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
    else if (c === '"' || c === "'" || c === '`') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return -1;
      i = close;
    }
  }
  return -1;
}
