/**
 * A realistic typing session over real files (seeded): for each file, a run of consecutive lines is removed and
 * re-typed character by character at a human rate (fluent keys ~110 ms apart plus hesitations, see gap()), with the
 * newline and the next line's indentation as one keystroke (the editor's auto-indent), pauses after some new
 * lines (looking for a suggestion) and occasional thinking pauses at word boundaries.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Keystroke {
  /** Text this keystroke inserts at the cursor. */
  insert: string;
  /** Simulated ms since the previous keystroke. */
  gapMs: number;
}

export interface TypingTask {
  relPath: string;
  languageId: string;
  /** The file as it really is: the typed region is truth.slice(start, end). */
  truth: string;
  start: number;
  end: number;
  keys: Keystroke[];
}

const LANGUAGE_BY_EXT: Record<string, string> = {
  '.ts': 'typescript', '.tsx': 'typescriptreact', '.js': 'javascript', '.mjs': 'javascript', '.py': 'python',
  '.go': 'go', '.rs': 'rust', '.java': 'java', '.c': 'c', '.cpp': 'cpp', '.rb': 'ruby', '.php': 'php', '.cs': 'csharp',
};


/** Stable hash of a string (FNV-1a), for per-position decisions that both schedulers see alike. */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h / 4294967296;
}

/**
 * Code files under `dir`. As the workspace index does, only regular files count: symbolic links (dangling or not),
 * FIFOs and sockets are skipped, and a folder that cannot be read is left out.
 */
function walk(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'dist' || e.name === 'build') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && LANGUAGE_BY_EXT[path.extname(e.name)] && !/\.(d|min)\.[jt]s$/.test(e.name)) out.push(p);
  }
}

/** The text of a file of 2-200 KB, or undefined (too small, too big, or unreadable: gone since the walk, no permission). */
function readCandidate(f: string): string | undefined {
  try {
    const size = fs.statSync(f).size;
    return size < 2000 || size > 200_000 ? undefined : fs.readFileSync(f, 'utf8');
  } catch {
    return undefined;
  }
}

/** Pick `n` code files (60+ lines, 2-200 KB, no minified lines) from `repo`, seeded. */
export function pickFiles(repo: string, n: number, random: () => number): string[] {
  const all: string[] = [];
  walk(repo, all);
  all.sort();
  const ok = all.filter((f) => {
    const text = readCandidate(f);
    if (text === undefined) return false;
    const lines = text.split('\n');
    return lines.length >= 60 && lines.every((l) => l.length < 300);
  });
  for (let i = ok.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ok[i], ok[j]] = [ok[j], ok[i]];
  }
  return ok.slice(0, n);
}

function logNormal(random: () => number, median: number, sigma: number): number {
  const u = Math.max(1e-9, random());
  const v = random();
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

/**
 * Gap before a keystroke: a fluent key (log-normal, median 110 ms, sigma 0.35) or a hesitation (median 420 ms,
 * sigma 0.45). Hesitations are three times likelier after a word boundary than inside a word, as in keystroke
 * studies of programmers; overall about one key in eight.
 */
function gap(random: () => number, afterBoundary: boolean): number {
  const hesitate = random() < (afterBoundary ? 0.25 : 0.08);
  return hesitate ? Math.min(1500, Math.max(200, logNormal(random, 420, 0.45))) : Math.min(450, Math.max(40, logNormal(random, 110, 0.35)));
}

/** A typing task over `file`: about `maxKeys` keystrokes re-typing whole lines from a random place in its middle. */
export function makeTask(repo: string, file: string, maxKeys: number, random: () => number): TypingTask {
  const truth = fs.readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  const lines = truth.split('\n');
  const lineStarts: number[] = [];
  let off = 0;
  for (const l of lines) {
    lineStarts.push(off);
    off += l.length + 1;
  }
  let first = Math.floor(lines.length * (0.2 + 0.5 * random()));
  while (first < lines.length - 1 && !lines[first].trim()) first++;
  let last = first;
  let keys = 0;
  while (last < lines.length - 1 && keys < maxKeys) {
    keys += lines[last].trim().length + 1;
    last++;
  }
  const start = lineStarts[first];
  const end = lineStarts[last] - 1; // keep the newline that ends the region in the suffix
  const region = truth.slice(start, end);
  const out: Keystroke[] = [];
  const regionLines = region.split('\n');
  regionLines.forEach((line, i) => {
    const indent = /^[ \t]*/.exec(line)![0];
    if (i === 0) {
      if (indent) out.push({ insert: indent, gapMs: 1000 });
    } else {
      out.push({ insert: '\n' + indent, gapMs: gap(random, true) });
    }
    const pauseAfterEnter = i > 0 && random() < 0.5;
    const body = line.slice(indent.length);
    for (let k = 0; k < body.length; k++) {
      const prev = body[k - 1] ?? '';
      let g = out.length === 0 ? 1000 : gap(random, k === 0 || /[^\p{L}\p{N}_$]/u.test(prev));
      if (k === 0 && pauseAfterEnter) g = 900 + 1200 * random();
      if (k > 0 && /[\s(.,=:]/.test(prev) && random() < 0.05) g = 800 + 1700 * random();
      out.push({ insert: body[k], gapMs: g });
    }
  });
  // A final pause so the last keystroke's request can finish.
  out.push({ insert: '', gapMs: 2000 });
  return { relPath: path.relative(repo, file), languageId: LANGUAGE_BY_EXT[path.extname(file)], truth, start, end, keys: out };
}
