/**
 * Packing: choose candidates by score within an exact token budget (cl100k, cached per snippet), drop duplicates and
 * overlaps, then order for the prompt — stable sources first, the ones that change with every keystroke last, so the
 * backend's KV cache keeps the shared prefix. Snippets of one file (and source) share one path header.
 *
 * Two passes: first every candidate enters in its brief form (one-line signature) when it has one, best first, so
 * many definitions fit; then, best first again, briefs are upgraded to their full snippet while the budget allows.
 * The packed text's exact token count never exceeds the budget.
 *
 * Exact without re-counting the whole text: every part (a path header, a snippet) ends with a newline and none starts
 * with a blank line, and cl100k's pre-tokenizer always ends a piece at such a newline (tokens never span it), so the count of the
 * concatenation is the sum of the parts' counts, each cached per string. test/unit/context/packing.test.ts checks this
 * on real code.
 */
import { CountCache, countTokens, countTokensByLines, minTokensExceed } from '../tokens';
import { redactPacked } from '../trust/secrets';
import { bestFirst, type CandidateInput } from './candidateRuns';
import { pathHeader } from './snippets';
import type { ContextItem, ContextSource } from './types';

export interface Candidate {
  source: ContextSource;
  /** Workspace-relative path. */
  path: string;
  languageId?: string;
  startLine: number;
  /** Last line covered (inclusive), for overlap checks. */
  endLine: number;
  /** Code without its header. */
  body: string;
  /** A shorter form (the signature line) used when the full body does not fit or is not worth its tokens. */
  brief?: string;
  score: number;
  reason: string;
}

/** Prompt order: most stable first. Items of one source are ordered by path and line, not score, for stability. */
export const SOURCE_ORDER: readonly ContextSource[] = [
  'file', 'import', 'type', 'definition', 'skeleton', 'scope', 'diagnostic', 'similar', 'recent-edit',
];

export interface PackResult {
  items: ContextItem[];
  dropped: ContextItem[];
  text: string;
  tokens: number;
}

export interface PackOptions {
  /** Stop after this many candidates in a row did not fit. */
  maxMisses?: number;
  /** Keep at most this many dropped items for inspection. */
  maxDropped?: number;
}

interface Chosen {
  c: Candidate;
  full: boolean;
  tokens: number;
}

/** A part's text: no leading blank lines, exactly one trailing newline (what keeps token counts additive). */
const asPart = (text: string) => text.replace(/^(?:[ \t]*[\r\n])+/, '').replace(/\s+$/, '') + '\n';
const bodyText = (c: Candidate, full: boolean) => asPart(full || c.brief === undefined ? c.body : c.brief);
const groupKey = (c: Candidate) => `${SOURCE_ORDER.indexOf(c.source)}\u0000${c.path}`;
const headerText = (c: Candidate) => pathHeader(c.path, c.languageId) + '\n';

/**
 * Exact counts of parts, keyed by the text a part is made from (a candidate's body or brief as given): the same
 * definitions come back request after request (an imported module's surface, the definitions near the cursor), and
 * most briefs are signatures shorter than countTokens' own cache takes, so they were tokenized again on every request
 * (~280 of ~300 tokenizer calls per request in effect's longest files). A hit also skips trimming the part and its
 * lower bound. The count is countTokens(asPart(raw)), a function of the key: exact. Bounds: a request considers a few
 * hundred parts, so 20,000 entries hold dozens of requests' worth; snippets are at most ~1,200 characters
 * (MAX_SNIPPET_CHARS), so 1,000,000 characters (~1-2 MB of keys) hold about a thousand full bodies besides the briefs.
 */
const partCounts = new CountCache(20_000, 1_000_000);
/** Path headers' counts by header text (a few per request, one per file and source; short, so never in countTokens' cache). */
const headerCounts = new CountCache(4_000, 400_000);

/** Forget the part and header counts (tests compare packing with cached counts against packing with fresh ones). */
export function forgetPartCounts(): void {
  partCounts.clear();
  headerCounts.clear();
}

function headerTokens(c: Candidate): number {
  const text = headerText(c);
  let n = headerCounts.get(text);
  if (n === undefined) headerCounts.set(text, (n = countTokens(text)));
  return n;
}

/** The tokens of `c`'s brief (or full) part, or Infinity when its lower bound already exceeds `room`. */
function partTokens(c: Candidate, full: boolean, room: number): number {
  const raw = full || c.brief === undefined ? c.body : c.brief;
  const known = partCounts.get(raw);
  if (known !== undefined) return known;
  const text = asPart(raw);
  // The lower bound rules most misfits out without the exact (BPE) count. It is at most the text's length (a letter
  // run is at least one character), so a part no longer than the room left cannot be ruled out by it: not computed.
  if (text.length > room && minTokensExceed(text, room)) return Infinity;
  // By lines (exact, see tokens.ts): a part never seen whole (an outline around a new cursor, a similar window, a
  // class's full body) is mostly lines seen before.
  const n = countTokensByLines(text);
  partCounts.set(raw, n);
  return n;
}

function overlaps(a: Candidate, b: Candidate): boolean {
  return a.path === b.path && a.startLine <= b.endLine && b.startLine <= a.endLine;
}

/** True when `chosen` already shows `c`: same file, overlapping lines, and `c`'s first line is in `chosen`'s text. */
function covers(chosen: Chosen, c: Candidate): boolean {
  if (!overlaps(chosen.c, c)) return false;
  const first = c.body.split('\n', 1)[0].trim();
  return first.length > 0 && bodyText(chosen.c, chosen.full).includes(first);
}

/** Best-first selection under `budget` tokens; returns the items in prompt order. */
export function pack(candidates: readonly CandidateInput[], budget: number, options: PackOptions = {}): PackResult {
  const maxMisses = options.maxMisses ?? 40;
  const maxDropped = options.maxDropped ?? 50;
  const chosen: Chosen[] = [];
  /** The chosen parts by path (only a part of the same file can cover another). */
  const chosenIn = new Map<string, Chosen[]>();
  const groups = new Set<string>();
  const seenText = new Set<string>();
  const droppedCands: Candidate[] = [];
  let used = 0;
  let misses = 0;
  // Pass 1: briefs (or full bodies when there is no brief).
  for (const c of bestFirst(candidates)) {
    if (budget - used < 4 || misses >= maxMisses) {
      // For good (used only grows; misses reset only on a fit): the rest would be dropped, so none is made past these.
      if (droppedCands.length >= maxDropped) break;
      droppedCands.push(c);
      continue;
    }
    // Blank snippets show nothing (and a lone newline would merge with its neighbour's, breaking additive counts).
    if (!c.body.trim() || (c.brief !== undefined && !c.brief.trim())) continue;
    if (seenText.has(c.body) || chosenIn.get(c.path)?.some((x) => covers(x, c))) continue;
    const gk = groupKey(c);
    const header = groups.has(gk) ? 0 : headerTokens(c);
    const tokens = partTokens(c, false, budget - used - header);
    if (used + header + tokens > budget) {
      misses++;
      if (droppedCands.length < maxDropped) droppedCands.push(c);
      continue;
    }
    misses = 0;
    seenText.add(c.body);
    groups.add(gk);
    const x = { c, full: c.brief === undefined, tokens };
    chosen.push(x);
    const samePath = chosenIn.get(c.path);
    if (samePath) samePath.push(x);
    else chosenIn.set(c.path, [x]);
    used += header + tokens;
  }
  // Pass 2: upgrade briefs to full snippets, best first, while they fit. A part that an upgraded snippet now shows
  // (a method packed on its own, inside its class's full body) is removed and its tokens go to the next upgrades.
  const removed = new Set<Chosen>();
  for (const x of chosen) {
    if (x.full || removed.has(x)) continue;
    const fullTokens = partTokens(x.c, true, budget - used + x.tokens);
    if (used - x.tokens + fullTokens <= budget) {
      used += fullTokens - x.tokens;
      x.full = true;
      x.tokens = fullTokens;
      for (const y of chosenIn.get(x.c.path)!) {
        if (y === x || removed.has(y) || !covers(x, y.c)) continue;
        removed.add(y);
        used -= y.tokens; // its group's header stays counted: an over-estimate, never an overrun
      }
    }
  }
  const result = render(removed.size ? chosen.filter((y) => !removed.has(y)) : chosen);
  // What did not fit, for inspection (Show Context, benchmarks): counted only when someone looks.
  let dropped: ContextItem[] | undefined;
  return Object.defineProperty(result, 'dropped', {
    enumerable: true,
    get: () => (dropped ??= droppedCands.slice(0, maxDropped).map((c) => {
      const text = headerText(c) + bodyText(c, true);
      return { source: c.source, path: c.path, startLine: c.startLine, text, score: c.score, tokens: countTokens(text), reason: c.reason };
    })),
  }) as PackResult;
}

/** Packs tried at most by packRedacted before it gives up on fitting (then nothing is packed). */
const MAX_REDACTED_PACKS = 4;

/**
 * pack(), then inline secrets of other files (ghp_…, AKIA…, `password: "…"`) redacted, still within `budget`: the
 * redaction marker can take more tokens than what it replaces (`"abcd"` is 1 token, `"[REDACTED]"` 4), so when the
 * redacted text runs over, the candidates are packed again in a budget smaller by the overrun.
 */
export function packRedacted(candidates: readonly CandidateInput[], budget: number): PackResult {
  let limit = budget;
  for (let attempt = 1; ; attempt++) {
    const packed = pack(candidates, limit);
    const unredacted = packed.tokens;
    redactPacked(packed, countTokens);
    if (packed.tokens <= budget) return packed;
    if (attempt >= MAX_REDACTED_PACKS || unredacted === 0) return pack([], 0);
    limit = Math.max(0, unredacted - (packed.tokens - budget));
  }
}

/** Prompt order and text: groups by (source, path) in SOURCE_ORDER, one header per group; items by line within. */
function render(chosen: readonly Chosen[]): Omit<PackResult, 'dropped'> & { dropped?: ContextItem[] } {
  // Each part's source rank looked up once, not twice per comparison.
  const ordered = chosen
    .map((x) => ({ x, order: SOURCE_ORDER.indexOf(x.c.source) }))
    .sort((a, b) => a.order - b.order || cmp(a.x.c.path, b.x.c.path) || a.x.c.startLine - b.x.c.startLine)
    .map((o) => o.x);
  const items: ContextItem[] = [];
  let text = '';
  let total = 0;
  let lastGroup = '';
  for (const x of ordered) {
    const gk = groupKey(x.c);
    const header = gk !== lastGroup ? headerText(x.c) : '';
    const part = header + bodyText(x.c, x.full);
    lastGroup = gk;
    text += part;
    const tokens = (header ? headerTokens(x.c) : 0) + x.tokens;
    total += tokens;
    items.push({
      source: x.c.source,
      path: x.c.path,
      startLine: x.c.startLine,
      text: part,
      score: x.c.score,
      tokens,
      reason: x.full || x.c.brief === undefined ? x.c.reason : `${x.c.reason} (signature only)`,
    });
  }
  return { items, text, tokens: total };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
