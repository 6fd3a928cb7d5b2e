/**
 * Tree-sitter loading and parsing (web-tree-sitter + tree-sitter-wasms grammars).
 *
 * One Parser per language, created on first use and cached. Wasm files are found in one directory:
 * the extension calls setWasmDirectory(`<extensionPath>/dist/wasm`); under plain node (tests, benchmarks)
 * the default resolves from node_modules. Callers own the Trees they get and must `delete()` them.
 */
import * as safeFs from '../workerSafeFs';
import { createRequire } from 'module';
import * as path from 'path';
import type { Language as LanguageT, Parser as ParserT, Range, Tree } from 'web-tree-sitter';
import { LANGUAGES, languageForId, languageForPath, type LanguageName } from './languages';
import { parseable as rewrite, parseableReader, type Parseable } from './grammarQuirks';
import { acceptCompiledGrammars, compiledWasm, runtimeOptions, standInFor } from './wasmModules';
import { newlineBefore } from '../strings';

// require, not import: esbuild then bundles web-tree-sitter's CommonJS build. Its ES module build locates files through
// import.meta.url, which is empty in the extension's CommonJS bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Language, Parser } = require('web-tree-sitter') as typeof import('web-tree-sitter');
type Language = LanguageT;
type Parser = ParserT;

export type { Tree, Node } from 'web-tree-sitter';
export { languageForId, languageForPath, type LanguageName } from './languages';

/** Files larger than this (UTF-16 units, ~bytes) are never parsed: the line-window fallback serves them. */
export const MAX_PARSE_CHARS = 1024 * 1024;
/** A line this long is not hand-written code: a minified statement, or data (a long string, a table). */
export const MINIFIED_LINE_CHARS = 2000;
/**
 * A file is minified when more than this share of its characters sits on lines over MINIFIED_LINE_CHARS: "most of it",
 * not a fitted value. One long line of data in a hand-written file (a 14,000-character string in a test, a table of
 * constants) leaves it parseable; a bundle is nearly all long lines. Measured on this repository's node_modules: 330 of
 * the 385 files with such a line hold 0.71-1.00 of their text in them, all bundles (`*.min.js`, `dist/*`); the
 * hand-written files with a data line, 0.00-0.47 (0.20 and 0.30 for the two test files with a string of every emoji).
 */
export const MINIFIED_SHARE = 0.5;
/** Default parse budget in CPU ms. A normal 5,000-line file parses in well under this. */
export const DEFAULT_PARSE_TIMEOUT_MS = 150;

export type FallbackReason = 'no-grammar' | 'too-big' | 'minified' | 'timeout' | 'load-failed';

export interface ParseOptions {
  /** A previous tree of the same document, already `edit()`ed to match `text` (incremental re-parse). */
  oldTree?: Tree;
  /** Parse budget in CPU milliseconds (default DEFAULT_PARSE_TIMEOUT_MS); over it, parse gives up and callers fall back. */
  timeoutMs?: number;
  /** Parse only these ranges of the text (offsets and positions stay the text's): the statements around an edit. */
  includedRanges?: Range[];
  /**
   * Give up after this many parse steps (tree-sitter reports progress every 100 parser operations): a budget of work
   * that, unlike CPU time, does not depend on the machine or its load, so the same edit always takes the same path.
   */
  maxSteps?: number;
  /** Counts the parse steps taken (see maxSteps). */
  steps?: { count: number };
}

let wasmDir: string | undefined;
/** Resolves to true when grammars can be linked from compiled modules (see wasmModules.ts), false for bytes only. */
let runtimeReady: Promise<boolean> | undefined;
const languages = new Map<LanguageName, Promise<Language | undefined>>();
const parsers = new Map<LanguageName, Parser>();
const loadErrors = new Map<LanguageName, string>();

/** Where tree-sitter.wasm and tree-sitter-<grammar>.wasm live. Call before the first parse. */
export function setWasmDirectory(dir: string): void {
  if (runtimeReady && wasmDir !== dir) throw new Error('setWasmDirectory must be called before the first parse');
  wasmDir = dir;
}

/** The directory set by setWasmDirectory (undefined under plain node: files resolve from node_modules). */
export function wasmDirectory(): string | undefined {
  return wasmDir;
}

/** Resolves from node_modules under plain node (tests, benchmarks); the bundled extension sets wasmDir instead. */
function resolveModuleFile(id: string): string {
  return createRequire(__filename).resolve(id);
}

/** The tree-sitter runtime's wasm file. */
export function runtimeWasmPath(): string {
  return wasmDir ? path.join(wasmDir, 'tree-sitter.wasm') : resolveModuleFile('web-tree-sitter/tree-sitter.wasm');
}

/** A language's grammar wasm file. */
export function grammarWasmPath(name: LanguageName): string {
  const file = `tree-sitter-${LANGUAGES[name].grammar}.wasm`;
  if (wasmDir) return path.join(wasmDir, file);
  return path.join(path.dirname(resolveModuleFile('tree-sitter-wasms/package.json')), 'out', file);
}

/** The runtime's Emscripten module object, once initialised (its HEAP8 views the wasm memory). */
let runtimeModule: { HEAP8?: Int8Array } | undefined;

/**
 * Bytes of tree-sitter's wasm memory (0 before the first parse): every parser's stacks and every live tree of this
 * thread. It grows to the largest amount ever held at once and never shrinks.
 */
export function wasmHeapBytes(): number {
  return runtimeModule?.HEAP8?.buffer.byteLength ?? 0;
}

function initRuntime(): Promise<boolean> {
  if (!runtimeReady) {
    const runtimeFile = runtimeWasmPath();
    runtimeReady = compiledWasm(runtimeFile).then(async (runtime) => {
      const options = runtimeOptions(runtimeFile, runtime);
      await Parser.init(options);
      runtimeModule = options as { HEAP8?: Int8Array };
      return acceptCompiledGrammars(options);
    });
  }
  return runtimeReady;
}

export type GrammarLink = 'compiled' | 'bytes';
const links = new Map<LanguageName, GrammarLink>();

/** How a loaded grammar was linked: from the shared compiled module, or from its bytes (see wasmModules.ts). */
export function grammarLink(name: LanguageName): GrammarLink | undefined {
  return links.get(name);
}

/** A grammar, linked from its shared compiled module when the runtime allows it, else from its bytes. */
async function linkGrammar(name: LanguageName, compiledGrammars: boolean): Promise<Language> {
  const file = grammarWasmPath(name);
  if (compiledGrammars) {
    try {
      const language = await Language.load(standInFor(await compiledWasm(file)));
      links.set(name, 'compiled');
      return language;
    } catch {
      // Fall through: the bytes surely work (a failure there is the real error, reported by the caller).
    }
  }
  const language = await Language.load(await safeFs.readFile(file));
  links.set(name, 'bytes');
  return language;
}

/** The grammar loads, one after another (see loadLanguage). */
let loading: Promise<unknown> = Promise.resolve();

/**
 * Load (once) the grammar of a language; undefined if it cannot be loaded (the reason is in loadError). Loads are
 * serialised: web-tree-sitter links each grammar as a wasm side module, and two loading at once can bind one's symbols
 * to the other's (seen as "bad export type for 'tree_sitter_typescript_external_scanner_create'" when the TypeScript
 * and JavaScript grammars were loaded together: the JavaScript grammar then failed for good).
 */
export function loadLanguage(name: LanguageName): Promise<Language | undefined> {
  let p = languages.get(name);
  if (!p) {
    p = loading.then(async () => {
      try {
        const language = await linkGrammar(name, await initRuntime());
        const parser = new Parser();
        parser.setLanguage(language);
        parsers.set(name, parser);
        return language;
      } catch (err) {
        loadErrors.set(name, err instanceof Error ? err.message : String(err));
        return undefined;
      }
    });
    loading = p;
    languages.set(name, p);
  }
  return p;
}

/** Why the grammar of `name` failed to load, if it did. */
export function loadError(name: LanguageName): string | undefined {
  return loadErrors.get(name);
}

/** The language for a VS Code language id, our own name, or (failing both) a file path. */
export function resolveLanguage(languageIdOrPath: string): LanguageName | undefined {
  return languageForId(languageIdOrPath) ?? languageForPath(languageIdOrPath);
}

/** Whether a text must not be parsed, and the count it was decided by (kept to decide the next version from the edit). */
export interface ParseCheck {
  reason?: 'too-big' | 'minified';
  /** Characters on lines over MINIFIED_LINE_CHARS (undefined when the text was too big to count). */
  longChars?: number;
}

/**
 * Characters of the lines over MINIFIED_LINE_CHARS among the whole lines that [from, to) of `text` touches (the line
 * holding `from` through the line holding `to`).
 */
export function longLineChars(text: string, from = 0, to = text.length): number {
  let start = newlineBefore(text, from) + 1;
  let total = 0;
  for (;;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start > MINIFIED_LINE_CHARS) total += end - start;
    if (end >= to) return total;
    start = end + 1;
  }
}

function verdict(length: number, longChars: number): ParseCheck {
  return { reason: longChars > length * MINIFIED_SHARE ? 'minified' : undefined, longChars };
}

/** Why `text` must not be parsed (too big, minified), with the long-line count it was decided by. */
export function checkParseable(text: string): ParseCheck {
  if (text.length > MAX_PARSE_CHARS) return { reason: 'too-big' };
  return verdict(text.length, longLineChars(text));
}

/** Why `text` must not be parsed (too big, minified), or undefined when parsing is fine. */
export function unparseableReason(text: string): 'too-big' | 'minified' | undefined {
  return checkParseable(text).reason;
}

/**
 * checkParseable(next) for a `next` that differs from `prev` only in `prev[start, oldEnd)` becoming
 * `next[start, newEnd)`, given `prev`'s check: only the lines of the change are read, not every line of the file.
 */
export function checkAfterEdit(prev: string, prevCheck: ParseCheck, next: string, edit: { start: number; oldEnd: number; newEnd: number }): ParseCheck {
  if (next.length > MAX_PARSE_CHARS) return { reason: 'too-big' };
  if (prevCheck.longChars === undefined) return checkParseable(next);
  // The lines the change touches are the same span in both texts (same prefix before `start`, same suffix after).
  const longChars = prevCheck.longChars - longLineChars(prev, edit.start, edit.oldEnd) + longLineChars(next, edit.start, edit.newEnd);
  return verdict(next.length, longChars);
}

/**
 * What the parser reads: a text already rewritten (parseableText), or the original text with its rewrites as patches
 * (grammarQuirks' Parseable: read in chunks with the patches applied, no rewritten copy made).
 */
export type ParserInput = string | Parseable;

/**
 * Parse `parseable`, a text of `name` already checked (unparseableReason) and rewritten (parseableText, or a Parseable):
 * the document cache keeps both up to date from the previous version, so a keystroke does not redo them over the whole
 * file.
 */
export async function parseParseable(name: LanguageName, parseable: ParserInput, options: ParseOptions = {}): Promise<Tree | undefined> {
  if (!(await loadLanguage(name))) return undefined;
  const parser = parsers.get(name);
  return parser ? runParser(parser, parseable, options) : undefined;
}

/**
 * Parse `text` as `languageId` (VS Code id, our name, or a path). Resolves to undefined when there is no grammar,
 * the text is too big or minified, or parsing exceeds the time budget: callers then use the line-window fallback.
 * The parser reads parseableText(text) (through patches over `text`): same length, offsets and lines, with constructs
 * the grammar cannot parse rewritten. A node's `.text` comes from that text, so source text is best cut by offsets.
 */
export async function parse(languageId: string, text: string, options: ParseOptions = {}): Promise<Tree | undefined> {
  const name = resolveLanguage(languageId);
  if (!name || unparseableReason(text)) return undefined;
  if (!(await loadLanguage(name))) return undefined;
  const parser = parsers.get(name);
  return parser ? runParser(parser, rewrite(name, text), options) : undefined;
}

/**
 * Synchronous parse for a language already loaded (see isLoaded); undefined otherwise or on any fallback reason.
 * For hot paths (a keystroke) where awaiting would reorder work.
 */
export function parseSync(languageId: string, text: string, options: ParseOptions = {}): Tree | undefined {
  const name = resolveLanguage(languageId);
  if (!name || unparseableReason(text)) return undefined;
  const parser = parsers.get(name);
  if (!parser?.language) return undefined;
  return runParser(parser, rewrite(name, text), options);
}

/** parseSync of a text already checked and rewritten (see parseParseable), for callers that keep the parseable text to edit a tree. */
export function parseParseableSync(name: LanguageName, parseable: ParserInput, options: ParseOptions = {}): Tree | undefined {
  const parser = parsers.get(name);
  return parser?.language ? runParser(parser, parseable, options) : undefined;
}

/** True when the grammar of `languageId` is loaded, so parseSync can work. */
export function isLoaded(languageId: string): boolean {
  const name = resolveLanguage(languageId);
  return !!name && !!parsers.get(name)?.language;
}

type CpuUsage = () => { user: number; system: number };
/**
 * This thread's CPU clock where node has one (process.threadCpuUsage, node >= 23.9: getrusage(RUSAGE_THREAD), advanced
 * at scheduler ticks, precise enough for a budget of tens of ms); else the whole process's, which also counts the other
 * threads (the extension host, the index's threads) and so can end a parse early on a busy process.
 */
const threadCpuUsage = (process as unknown as { threadCpuUsage?: CpuUsage }).threadCpuUsage?.bind(process);
const cpuUsage: CpuUsage = threadCpuUsage ?? process.cpuUsage.bind(process);
/** True when a parse budget counts this thread's CPU time only (false: the whole process's, every thread's). */
export const PARSE_BUDGET_PER_THREAD = threadCpuUsage !== undefined;

/** CPU time (user + system) in ms: this thread's where node can tell, else the process's. */
function cpuMs(): number {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Characters handed to the parser per read (see runParser). 1,024: a re-parse ~5x faster than 10 KB, a full parse the same. */
const READ_CHUNK_CHARS = 1024;

/**
 * A parser of its own for the long parses that are run in slices (ResumableParse): tree-sitter resumes an interrupted
 * parse on the parser's next call, so no other parse may use that parser in between.
 */
export async function newParser(name: LanguageName): Promise<Parser | undefined> {
  const language = await loadLanguage(name);
  if (!language) return undefined;
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/**
 * One whole-document parse run in slices of CPU time on a parser of its own: `step` parses for at most a budget and
 * returns the tree once done, else undefined (the parser keeps its progress; the next `step` with the same `key`
 * resumes it). A step with another key, or `reset`, drops the unfinished parse. The old tree and text of an unfinished
 * parse must not change (the caller resets before it edits the tree).
 */
export class ResumableParse {
  private key: object | undefined;

  constructor(private readonly parser: Parser) {}

  step(key: object, text: ParserInput, oldTree: Tree | undefined, budgetMs: number, maxSteps?: number): Tree | undefined {
    if (this.key !== key) this.reset();
    this.key = key;
    const tree = runParser(this.parser, text, { oldTree, timeoutMs: budgetMs, maxSteps }, true);
    if (tree) this.key = undefined;
    return tree;
  }

  /** True while a parse for `key` is unfinished (its old tree must not be edited). */
  holds(key: object): boolean {
    return this.key === key;
  }

  reset(): void {
    if (this.key !== undefined) this.parser.reset();
    this.key = undefined;
  }

  delete(): void {
    this.parser.delete();
  }
}

function runParser(parser: Parser, text: ParserInput, options: ParseOptions, resumable = false): Tree | undefined {
  // The budget is CPU time, not wall time: on a busy machine (other processes, a loaded CI box) a small file must not
  // fall back just because this process was waiting for a core. Reading the CPU clock is a system call (the process's
  // clock, used where node has no thread clock, sums every thread), and tree-sitter calls back every ~100 parse steps
  // (reading it each time was ~20% of a cold index build in the profiler). So the cheap wall clock is read first: a
  // thread cannot have used more CPU than the wall time that passed. Past the budget in wall time, the CPU clock is read
  // every 8th call, counting from that moment: the parse gives up after between one and two budgets of CPU time.
  const budget = options.timeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
  const wallStart = performance.now();
  let cpuStart: number | undefined;
  let calls = 0;
  let steps = 0;
  const { maxSteps, steps: counter } = options;
  const overBudget = () => {
    if (counter) counter.count++;
    if (maxSteps !== undefined && ++steps > maxSteps) return true;
    if (performance.now() - wallStart <= budget || (++calls & 7) !== 1) return false;
    cpuStart ??= cpuMs();
    return cpuMs() - cpuStart > budget;
  };
  // web-tree-sitter cancels the parse when the progress callback returns true (its .d.ts types the return as void).
  const progressCallback = overBudget as unknown as () => void;
  // Read in small chunks: given a string, web-tree-sitter copies 10 KB (a JavaScript loop) each time the parser asks
  // for text, and a re-parse asks at every reused subtree: ~40 ms of copying per keystroke in a 28,000-line file. The
  // tree keeps the callback to read node.text (a Parseable is never changed once made).
  const read = typeof text === 'string' ? (index: number) => text.slice(index, index + READ_CHUNK_CHARS) : parseableReader(text, READ_CHUNK_CHARS);
  const tree = parser.parse(read, options.oldTree ?? null, { progressCallback, includedRanges: options.includedRanges });
  if (!tree) {
    if (!resumable) parser.reset(); // a cancelled parse would otherwise resume on the next call
    return undefined;
  }
  return tree;
}
