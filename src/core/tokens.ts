/**
 * Phi-4 token counting. Phi-4's tokenizer is tiktoken cl100k_base (plus chat specials), so
 * gpt-tokenizer's cl100k_base encoding gives exact counts for ordinary text.
 * Special tokens such as <|im_start|> count as one token each.
 */
import { encode, decode, countTokens as countEncoded } from 'gpt-tokenizer/encoding/cl100k_base';
import { detach } from './strings';

/** Phi-4's chat specials: each is a single token in its vocabulary. */
export const PHI4_SPECIAL_TOKENS = ['<|im_start|>', '<|im_end|>', '<|im_sep|>', '<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>'] as const;

/** Phi-4's added tokens, one token each: the chat and FIM specials, `<|endofprompt|>` and the fillers `<|dummy_0|>`..`<|dummy_87|>` (measured with llama-server's /tokenize). */
const SPECIAL_RE = /<\|(?:im_start|im_end|im_sep|endoftext|endofprompt|fim_prefix|fim_middle|fim_suffix|dummy_(?:[1-7]?\d|8[0-7]))\|>/g;

/** String -> count, oldest first out, bounded in entries and in the characters its keys hold (they are kept alive). */
export class CountCache {
  private readonly map = new Map<string, number>();
  private chars = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  get(key: string): number | undefined {
    return this.map.get(key);
  }

  set(key: string, n: number): void {
    while (this.map.size > 0 && (this.map.size >= this.maxEntries || this.chars + key.length > this.maxChars)) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
      this.chars -= oldest.length;
    }
    // Detached: a key cut from a document would keep the whole document alive, outside the character bound.
    this.map.set(detach(key), n);
    this.chars += key.length;
  }

  clear(): void {
    this.map.clear();
    this.chars = 0;
  }
}

/** The cache also holds its keys alive: at most 2,000,000 characters of them (snippets run to kilobytes). */
const CACHE_CHAR_LIMIT = 2_000_000;
const cache = new CountCache(20_000, CACHE_CHAR_LIMIT);
/** Strings shorter than this are counted directly; caching them costs more than it saves. */
const CACHE_MIN_LENGTH = 64;

/** Characters this thread has run through the tokenizer (what the caches did not answer): see tokenizedCharacters. */
let tokenized = 0;

/** Special tokens' text is ordinary text here (countTokensByLines and countWithSpecials split real specials off first). */
const PLAIN = { disallowedSpecial: new Set<string>() };

/** gpt-tokenizer's count (the length encode() would give, without building the token array). */
function countPlain(text: string): number {
  if (text.length === 0) return 0;
  tokenized += text.length;
  return countEncoded(text, PLAIN);
}

/** How many characters this thread has tokenized so far: tests and the host benchmark read it to see what a step tokenizes. */
export function tokenizedCharacters(): number {
  return tokenized;
}

/** Exact number of Phi-4 tokens in `text`, special tokens counted as one each. Cached per string. */
export function countTokens(text: string): number {
  if (text.length < CACHE_MIN_LENGTH) return countWithSpecials(text);
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  return remember(text, countWithSpecials(text));
}

function remember(text: string, n: number): number {
  if (text.length > CACHE_CHAR_LIMIT / 8) return n; // a whole file, say: not worth evicting hundreds of snippets for
  cache.set(text, n);
  return n;
}

/** Counts of `line + '\n'` by line: while the user types on one line, every other line of a prompt window is a hit. */
const lineCounts = new CountCache(50_000, 4_000_000);
/** Longer lines (minified code) are counted, not kept. */
const LINE_KEY_MAX = 4_000;

/** Exact tokens of `line` followed by a newline. Cached by line. */
export function lineTokens(line: string): number {
  let n = lineCounts.get(line);
  if (n !== undefined) return n;
  n = countWithSpecials(line + '\n');
  if (line.length <= LINE_KEY_MAX) lineCounts.set(line, n);
  return n;
}

/**
 * countTokens(text), exactly, from cached line counts: for text made of lines seen before (a prompt around the cursor,
 * a file prefix) only the new lines are tokenized. cl100k's pre-tokenizer never lets a piece run from a newline into
 * the next line when that line has something other than spaces and tabs (whitespace pieces end at their last newline
 * or before the next non-space; the others cannot hold a newline followed by a space), so the text splits there into
 * chunks (a line, its newline and any blank lines after it) whose counts add up to the whole's; special tokens (one
 * token each) are split off first, as countTokens does. `cacheWhole` also keeps the whole text's count
 * (for text that is asked for again as it is).
 */
export function countTokensByLines(text: string, cacheWhole = false): number {
  if (cacheWhole && text.length >= CACHE_MIN_LENGTH) {
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
  }
  let total = 0;
  let last = 0;
  for (const m of text.matchAll(SPECIAL_RE)) {
    total += countPlainByLines(text, last, m.index!) + 1;
    last = m.index! + m[0].length;
  }
  total += countPlainByLines(text, last, text.length);
  return cacheWhole && text.length >= CACHE_MIN_LENGTH ? remember(text, total) : total;
}

/** Tokens of text[from, to) (no special tokens in it), chunk by chunk. */
function countPlainByLines(text: string, from: number, to: number): number {
  let total = 0;
  const rest = forEachLineChunk(text, from, to, (chunk) => (total += lineTokens(chunk)));
  return rest < to ? total + countTokens(text.slice(rest, to)) : total;
}

/**
 * Calls `fn` with each chunk of text[from, to) that countTokensByLines counts as a line (a line and any blank lines
 * after it, without the newline that ends it) and returns where the last, unterminated chunk starts.
 */
function forEachLineChunk(text: string, from: number, to: number, fn: (chunk: string) => void): number {
  let chunk = from;
  for (let nl = text.indexOf('\n', from); nl >= 0 && nl < to - 1; nl = text.indexOf('\n', nl + 1)) {
    if (!startsContentLine(text, nl + 1, to)) continue;
    fn(text.slice(chunk, nl));
    chunk = nl + 1;
  }
  return chunk;
}

/** A chunk of text and its exact count as lineTokens gives it (the chunk followed by a newline). */
export type LineCount = [chunk: string, tokens: number];

/**
 * The line counts countTokensByLines will look up for text that contains `text` (its chunks between specials), counted
 * here: another thread (the context engine's worker) computes them and the extension host's thread takes them with
 * rememberLineCounts, so a prompt around lines it never saw is counted without tokenizing them on that thread.
 */
export function lineCountsOf(text: string): LineCount[] {
  const out: LineCount[] = [];
  const add = (chunk: string) => out.push([chunk, lineTokens(chunk)]);
  let last = 0;
  for (const m of text.matchAll(SPECIAL_RE)) {
    forEachLineChunk(text, last, m.index!, add);
    last = m.index! + m[0].length;
  }
  forEachLineChunk(text, last, text.length, add);
  return out;
}

/** Forget every cached count (the tests use it to see which counts a step computes itself). */
export function forgetCounts(): void {
  cache.clear();
  lineCounts.clear();
}

/** Keep line counts computed elsewhere by lineCountsOf (the same function, so they are exact). */
export function rememberLineCounts(counts: readonly LineCount[]): void {
  for (const [chunk, n] of counts) if (chunk.length <= LINE_KEY_MAX && lineCounts.get(chunk) === undefined) lineCounts.set(chunk, n);
}

/** The line at `at` (up to `to`) is spaces or tabs, then a character that is not whitespace. */
function startsContentLine(text: string, at: number, to: number): boolean {
  let i = at;
  while (i < to && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  if (i >= to) return false;
  const c = text.charCodeAt(i);
  return (c > 32 && c < 127) || (c >= 127 && !/\s/.test(text[i]));
}

const LETTER_RUN_RE = /\p{L}+/gu;

/**
 * A fast lower bound on countTokens(text), for skipping exact counts that cannot fit a budget: cl100k's pre-tokenizer
 * never puts two maximal runs of letters in one piece, and every piece is at least one token. (Text with special
 * tokens gets 0: `<|im_end|>` holds two runs but counts as one token.)
 */
export function minTokens(text: string): number {
  return text.includes('<|') ? 0 : letterRuns(text);
}

/** minTokens(text) > limit, decided as soon as the letter runs counted exceed `limit` (packing asks it of parts far longer than its room). */
export function minTokensExceed(text: string, limit: number): boolean {
  return (text.includes('<|') ? 0 : letterRuns(text, limit)) > limit;
}

/** The maximal letter runs of `text`, counted no further than limit + 1. */
function letterRuns(text: string, limit = Infinity): number {
  let n = 0;
  LETTER_RUN_RE.lastIndex = 0;
  while (n <= limit && LETTER_RUN_RE.exec(text)) n++;
  return n;
}

function countWithSpecials(text: string): number {
  let total = 0;
  let last = 0;
  for (const m of text.matchAll(SPECIAL_RE)) {
    total += countPlain(text.slice(last, m.index)) + 1;
    last = m.index! + m[0].length;
  }
  return total + countPlain(text.slice(last));
}

/** Phi-4 token ids of ordinary text (no specials), for prefix-sharing measurements. */
export function tokenize(text: string): number[] {
  tokenized += text.length;
  return encode(text, PLAIN);
}

/** Cheaply: `text` has at most `maxTokens` tokens because it has at most that many UTF-8 bytes (a token is at least one). */
function fitsByLength(text: string, maxTokens: number): boolean {
  return text.length * 3 <= maxTokens || (text.length <= maxTokens && !NON_ASCII_RE.test(text));
}

const NON_ASCII_RE = /[^\x00-\x7f]/;

/** The longest prefix of `text` that fits in `maxTokens` tokens. */
export function truncateToTokens(text: string, maxTokens: number): string {
  if (maxTokens <= 0) return '';
  if (fitsByLength(text, maxTokens)) return text;
  const ids = tokenize(text);
  if (ids.length <= maxTokens) return text;
  return decode(ids.slice(0, maxTokens));
}

/** The longest suffix of `text` that fits in `maxTokens` tokens. */
export function truncateStartToTokens(text: string, maxTokens: number): string {
  if (maxTokens <= 0) return '';
  if (fitsByLength(text, maxTokens)) return text;
  const ids = tokenize(text);
  if (ids.length <= maxTokens) return text;
  return decode(ids.slice(ids.length - maxTokens));
}
