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

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const w of small) if (large.has(w)) inter++;
  return inter / (a.size + b.size - inter);
}

export interface LineWindow {
  startLine: number;
  endLine: number; // exclusive
  words: Set<string>;
}

/** Windows of `size` lines every `stride` lines (the last one flush with the end). Each line is tokenised once. */
export function lineWindows(lines: readonly string[], size = 60, stride = 20): LineWindow[] {
  const out: LineWindow[] = [];
  if (lines.length === 0) return out;
  const starts: number[] = [];
  for (let s = 0; s + size < lines.length; s += stride) starts.push(Math.floor(s));
  starts.push(Math.max(0, lines.length - size));
  const lineWords = lines.map((l) => {
    const words: string[] = [];
    for (const m of l.matchAll(WORD_RE)) if (!STOPWORDS.has(m[0])) words.push(m[0]);
    return words;
  });
  for (const s of starts) {
    const e = Math.min(lines.length, Math.floor(s + size));
    const words = new Set<string>();
    for (let i = s; i < e; i++) for (const w of lineWords[i]) words.add(w);
    out.push({ startLine: s, endLine: e, words });
  }
  return out;
}

/** Per-text cache of windows (keyed by the caller, e.g. path + version). */
export class WindowCache {
  private readonly map = new Map<string, { lines: string[]; windows: LineWindow[] }>();
  constructor(private readonly limit = 64) {}

  get(key: string, text: string, size = 60, stride = 20): { lines: string[]; windows: LineWindow[] } {
    const k = `${key}#${size}/${stride}`;
    let hit = this.map.get(k);
    if (hit) {
      this.map.delete(k);
      this.map.set(k, hit);
      return hit;
    }
    const lines = text.split('\n');
    hit = { lines, windows: lineWindows(lines, size, stride) };
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
