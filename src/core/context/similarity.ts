/**
 * Identifier sets and Jaccard similarity over line windows (the "neighbouring files" retriever: windows of other
 * files ranked by the overlap of their identifier sets with the lines before the cursor).
 */

const WORD_RE = /[A-Za-z_$][A-Za-z0-9_$]*/g;

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
  for (const m of text.matchAll(WORD_RE)) if (!STOPWORDS.has(m[0])) out.add(m[0]);
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
    vocabulary.set(word, id);
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

/** Windows of `size` lines every `stride` lines (the last one flush with the end). Each line is tokenised once. */
export function lineWindows(lines: readonly string[], size = 60, stride = 20): LineWindow[] {
  const out: LineWindow[] = [];
  if (lines.length === 0) return out;
  const starts: number[] = [];
  for (let s = 0; s + size < lines.length; s += stride) starts.push(Math.floor(s));
  starts.push(Math.max(0, lines.length - size));
  const lineWords = lines.map((l) => {
    const ids: number[] = [];
    for (const m of l.matchAll(WORD_RE)) if (!STOPWORDS.has(m[0])) ids.push(idOf(m[0]));
    return ids;
  });
  for (const s of starts) {
    const e = Math.min(lines.length, Math.floor(s + size));
    const mark = ++markGeneration;
    const ids: number[] = [];
    for (let i = s; i < e; i++) {
      for (const w of lineWords[i]) {
        if (w >= marks.length) marks = growMarks(marks, w);
        if (marks[w] !== mark) {
          marks[w] = mark;
          ids.push(w);
        }
      }
    }
    out.push({ startLine: s, endLine: e, words: Int32Array.from(ids).sort() });
  }
  return out;
}

/** Distinct ids per window without a Set: marks[id] holds the generation of the last window that saw it. */
let marks: Int32Array = new Int32Array(1 << 16);
let markGeneration = 0;

function growMarks(old: Int32Array, id: number): Int32Array {
  let size = old.length;
  while (size <= id) size *= 2;
  const grown = new Int32Array(size);
  grown.set(old);
  return grown;
}

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
    hit = { windows: lineWindows(body.split('\n'), size, stride), slice: lineSlicer(body), epoch: vocabularyEpoch };
    this.map.delete(k);
    this.map.set(k, hit);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as string);
    return hit;
  }
}

/** Identifier occurrences with the line they are on. */
export function identifierOccurrences(text: string, firstLine = 0): { word: string; line: number; index: number }[] {
  const out: { word: string; line: number; index: number }[] = [];
  let line = firstLine;
  let last = 0;
  for (const m of text.matchAll(WORD_RE)) {
    for (let i = last; i < m.index!; i++) if (text.charCodeAt(i) === 10) line++;
    last = m.index!;
    out.push({ word: m[0], line, index: m.index! });
  }
  return out;
}
