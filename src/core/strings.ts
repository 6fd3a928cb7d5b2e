/**
 * Small string helpers.
 */

/**
 * A copy of `s` that does not keep alive the string it was cut from. V8 represents a substring of 13+ characters as a
 * view of its parent: a word or snippet cut from a document and kept as a cache key would otherwise hold that whole
 * version of the document (measured: ~25 MB of the context benchmark's 81 MB live heap were whole files held by import
 * names; every new long identifier typed kept its version of the file in the similarity vocabulary). Concatenating
 * makes a rope that `slice` flattens into a fresh string of the substring's length. Call it when a string is stored,
 * not when it is looked up.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** `s` as a regular expression that matches it literally. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Where the last '\n' before `pos` is (-1 when none). Not `text.lastIndexOf('\n', pos - 1)`: at pos 0 its fromIndex -1
 * is read as 0, so a text starting with a newline finds that newline "before" position 0 (a loop walking back then
 * never ends, a line start lands after its line's end).
 */
export function newlineBefore(text: string, pos: number): number {
  return pos > 0 ? text.lastIndexOf('\n', pos - 1) : -1;
}

/**
 * Where the last '\n' of text[floor, pos) is, or floor - 1 when that range has none: newlineBefore that reads no further
 * back than `floor` (a minified or generated file's line can be megabytes long, and lastIndexOf would read all of it).
 */
export function newlineBeforeWithin(text: string, pos: number, floor: number): number {
  for (let i = pos - 1; i >= floor; i--) if (text.charCodeAt(i) === 10) return i;
  return floor - 1;
}

/** Where the first '\n' of text[pos, ceiling) is, or -1 when that range has none: indexOf that reads no further than `ceiling`. */
export function newlineAfterWithin(text: string, pos: number, ceiling: number): number {
  for (let i = pos; i < ceiling; i++) if (text.charCodeAt(i) === 10) return i;
  return -1;
}

/** The 0-based line holding `offset` in `text`, counted from the top. */
export function lineOf(text: string, offset: number): number {
  return newlinesBetween(text, 0, offset);
}

/** How many line breaks `text` has at positions `from` (inclusive) to `to` (exclusive). */
export function newlinesBetween(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Where the string literal opened by the quote at `open` ends when it closes on the same line: the closing quote's
 * index; else `open` itself (an unclosed quote, or an apostrophe in prose, is skipped alone).
 */
export function quoteEndOnLine(text: string, open: number): number {
  const close = text.indexOf(text[open], open + 1);
  const nl = text.indexOf('\n', open + 1);
  return close >= 0 && (nl < 0 || close < nl) ? close : open;
}
