/**
 * Identifier sets and Jaccard similarity over line windows (the "neighbouring files" retriever: windows of other
 * files ranked by the overlap of their identifier sets with the lines before the cursor).
 */

import { detach } from '../strings';

// Words are ASCII identifiers (a letter, `_` or `$`, then letters, digits, `_`, `$`: the regular expression
// [A-Za-z_$][A-Za-z0-9_$]* with the g flag), found by a scanner that allocates only the words themselves. matchAll
// allocates a match array per word: the similarity windows of the files the benchmark opens were 1.1 GB of the 2.8 GB
// its 300 samples allocated, most of it match arrays and line strings.
const WORD_START = new Uint8Array(128);
const WORD_PART = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  WORD_START[c] = /[A-Za-z_$]/.test(ch) ? 1 : 0;
  WORD_PART[c] = /[A-Za-z0-9_$]/.test(ch) ? 1 : 0;
}
const NEWLINE = 10;

/** `code` (a UTF-16 code unit) can start a word: [A-Za-z_$]. */
export function isWordStart(code: number): boolean {
  return code < 128 && WORD_START[code] === 1;
}

/** `code` can continue a word: [A-Za-z0-9_$]. */
export function isWordPart(code: number): boolean {
  return code < 128 && WORD_PART[code] === 1;
}

/**
 * Calls `visit(word, line, index)` for every word of `text` in order: its 0-based line (counted from `firstLine`) and
 * its offset in `text`.
 */
export function forEachWord(text: string, firstLine: number, visit: (word: string, line: number, index: number) => void): void {
  let line = firstLine;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c < 128 && WORD_START[c]) {
      const start = i++;
      for (let d = text.charCodeAt(i); i < n && d < 128 && WORD_PART[d]; d = text.charCodeAt(++i));
      visit(text.slice(start, i), line, start);
      continue;
    }
    if (c === NEWLINE) line++;
    i++;
  }
}

/** Words too common in code to say anything about similarity. */
const STOPWORDS = new Set([
  'if', 'else', 'for', 'while', 'do', 'return', 'function', 'const', 'let', 'var', 'new', 'this', 'self', 'true', 'false', 'null',
  'undefined', 'None', 'True', 'False', 'nil', 'import', 'from', 'export', 'default', 'class', 'def', 'func', 'fn', 'pub', 'use',
  'package', 'public', 'private', 'protected', 'static', 'void', 'int', 'string', 'number', 'boolean', 'bool', 'in', 'of', 'is',
  'not', 'and', 'or', 'as', 'with', 'try', 'catch', 'finally', 'throw', 'raise', 'except', 'pass', 'break', 'continue', 'switch',
  'case', 'type', 'interface', 'struct', 'impl', 'mut', 'ref', 'err', 'error', 'end', 'then', 'elif', 'lambda', 'yield', 'await',
  'async', 'typeof', 'instanceof', 'extends', 'implements', 'super', 'any', 'the', 'a', 'to', 'i', 'j', 'k', 'x', 'e', 'v',
]);

export function identifierSet(text: string): Set<string> {
  const out = new Set<string>();
  forEachWord(text, 0, (w) => {
    if (!STOPWORDS.has(w)) out.add(w);
  });
  return out;
}

/**
 * Words as small integers: windows keep sorted id arrays instead of sets of strings (a 5,000-line file has ~400
 * windows; as Sets they cost megabytes, as Int32Arrays a tenth of that). The vocabulary is process-wide and bounded;
 * when it is reset, cached windows of the old epoch are recomputed.
 */
const vocabulary = new Map<string, number>();
const MAX_VOCABULARY = 1_000_000;
let vocabularyEpoch = 0;

function idOf(word: string): number {
  let id = vocabulary.get(word);
  if (id === undefined) {
    if (vocabulary.size >= MAX_VOCABULARY) {
      vocabulary.clear();
      vocabularyEpoch++;
    }
    id = vocabulary.size;
    vocabulary.set(detach(word), id); // the vocabulary outlives the text the word was cut from
  }
  return id;
}

/** Sorted, distinct ids of `words`. */
export function wordIds(words: Iterable<string>): Int32Array {
  const ids: number[] = [];
  for (const w of words) ids.push(idOf(w));
  ids.sort((a, b) => a - b);
  let n = 0;
  for (let i = 0; i < ids.length; i++) if (i === 0 || ids[i] !== ids[i - 1]) ids[n++] = ids[i];
  return Int32Array.from(ids.slice(0, n));
}

/** Jaccard similarity of two sorted id arrays. */
export function jaccardIds(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0, j = 0, inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return inter / (a.length + b.length - inter);
}

export interface LineWindow {
  startLine: number;
  endLine: number; // exclusive
  /** Sorted distinct word ids (see wordIds). */
  words: Int32Array;
}

/**
 * Windows of `size` lines of `text` every `stride` lines (the last one flush with the end). The text is scanned once:
 * the word ids of all lines go into one flat array, `lineStart[l]` telling where line l's begin.
 */
export function lineWindows(text: string, size = 60, stride = 20): LineWindow[] {
  const out: LineWindow[] = [];
  let lineCount = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCount++;
  const lineStart = new Int32Array(lineCount + 1);
  let ids = scratchIds;
  let n = 0;
  let line = 0;
  forEachWord(text, 0, (w, l) => {
    while (line < l) lineStart[++line] = n;
    if (STOPWORDS.has(w)) return;
    if (n === ids.length) ids = scratchIds = grow(ids, n + 1);
    ids[n++] = idOf(w);
  });
  while (line < lineCount) lineStart[++line] = n;
  const starts: number[] = [];
  for (let s = 0; s + size < lineCount; s += stride) starts.push(Math.floor(s));
  starts.push(Math.max(0, lineCount - size));
  let window = scratchWindow;
  for (const s of starts) {
    const e = Math.min(lineCount, Math.floor(s + size));
    const mark = ++markGeneration;
    let k = 0;
    for (let i = lineStart[s]; i < lineStart[e]; i++) {
      const w = ids[i];
      if (w >= marks.length) marks = grow(marks, w + 1);
      if (marks[w] !== mark) {
        marks[w] = mark;
        if (k === window.length) window = scratchWindow = grow(window, k + 1);
        window[k++] = w;
      }
    }
    out.push({ startLine: s, endLine: e, words: window.slice(0, k).sort() });
  }
  return out;
}

/** Scratch buffers of lineWindows (one call at a time: it is synchronous). */
let scratchIds: Int32Array = new Int32Array(1 << 14);
let scratchWindow: Int32Array = new Int32Array(1 << 10);

/** A copy of `old`, doubled until it holds at least `atLeast` entries. */
function grow(old: Int32Array, atLeast: number): Int32Array {
  let size = old.length;
  while (size < atLeast) size *= 2;
  const grown = new Int32Array(size);
  grown.set(old);
  return grown;
}

/** Distinct ids per window without a Set: marks[id] holds the generation of the last window that saw it. */
let marks: Int32Array = new Int32Array(1 << 16);
let markGeneration = 0;

/** A document's windows, and its text by line without keeping a copy of every line. */
export interface DocumentWindows {
  windows: LineWindow[];
  /** Text of lines [start, end) joined with newlines. */
  slice(start: number, end: number): string;
}

function lineSlicer(text: string): (start: number, end: number) => string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (start, end) => {
    const from = starts[Math.max(0, Math.min(start, starts.length))] ?? text.length;
    const to = end < starts.length ? starts[end] - 1 : text.length;
    return text.slice(from, Math.max(from, to));
  };
}

/** Per-text cache of windows (keyed by the caller, e.g. path + version). */
export class WindowCache {
  private readonly map = new Map<string, DocumentWindows & { epoch: number }>();
  constructor(private readonly limit = 64) {}

  /** `text` may be a function: it is then read only when the key is not cached (a live document's getText copies). */
  get(key: string, text: string | (() => string), size = 60, stride = 20): DocumentWindows {
    const k = `${key}#${size}/${stride}`;
    let hit = this.map.get(k);
    if (hit && hit.epoch === vocabularyEpoch) {
      this.map.delete(k);
      this.map.set(k, hit);
      return hit;
    }
    const body = typeof text === 'function' ? text() : text;
    hit = { windows: lineWindows(body, size, stride), slice: lineSlicer(body), epoch: vocabularyEpoch };
    this.map.delete(k);
    this.map.set(k, hit);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as string);
    return hit;
  }
}
