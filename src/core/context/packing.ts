/**
 * Packing: choose candidates by score within an exact token budget (cl100k, cached per snippet), drop duplicates and
 * overlaps, then order for the prompt — stable sources first, the ones that change with every keystroke last, so the
 * backend's KV cache keeps the shared prefix. Snippets of one file (and source) share one path header.
 *
 * Two passes: first every candidate enters in its brief form (one-line signature) when it has one, best first, so
 * many definitions fit; then, best first again, briefs are upgraded to their full snippet while the budget allows.
 * The packed text's exact token count never exceeds the budget.
 */
import { countTokens } from '../tokens';
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

const bodyText = (c: Candidate, full: boolean) => (full || c.brief === undefined ? c.body : c.brief).replace(/\n+$/, '') + '\n';
const groupKey = (c: Candidate) => `${SOURCE_ORDER.indexOf(c.source)}\u0000${c.path}`;
const headerText = (c: Candidate) => pathHeader(c.path, c.languageId) + '\n';

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
export function pack(candidates: readonly Candidate[], budget: number, options: PackOptions = {}): PackResult {
  const maxMisses = options.maxMisses ?? 40;
  const maxDropped = options.maxDropped ?? 50;
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const chosen: Chosen[] = [];
  const groups = new Set<string>();
  const seenText = new Set<string>();
  const droppedCands: Candidate[] = [];
  let used = 0;
  let misses = 0;
  // Pass 1: briefs (or full bodies when there is no brief).
  for (const c of sorted) {
    if (budget - used < 4 || misses >= maxMisses) {
      if (droppedCands.length < maxDropped) droppedCands.push(c);
      continue;
    }
    if (seenText.has(c.body) || chosen.some((x) => covers(x, c))) continue;
    const gk = groupKey(c);
    const header = groups.has(gk) ? 0 : countTokens(headerText(c));
    const tokens = countTokens(bodyText(c, false));
    if (used + header + tokens > budget) {
      misses++;
      if (droppedCands.length < maxDropped) droppedCands.push(c);
      continue;
    }
    misses = 0;
    seenText.add(c.body);
    groups.add(gk);
    chosen.push({ c, full: c.brief === undefined, tokens });
    used += header + tokens;
  }
  // Pass 2: upgrade briefs to full snippets, best first, while they fit.
  for (const x of chosen) {
    if (x.full) continue;
    const fullTokens = countTokens(bodyText(x.c, true));
    if (used - x.tokens + fullTokens <= budget) {
      used += fullTokens - x.tokens;
      x.full = true;
      x.tokens = fullTokens;
    }
  }
  let result = render(chosen);
  // Token counts of parts do not always add up exactly (merges across a boundary): trim the weakest until it fits.
  while (result.tokens > budget && chosen.length) {
    let weakest = 0;
    for (let i = 1; i < chosen.length; i++) if (chosen[i].c.score < chosen[weakest].c.score) weakest = i;
    droppedCands.push(chosen[weakest].c);
    chosen.splice(weakest, 1);
    result = render(chosen);
  }
  const dropped = droppedCands.slice(0, maxDropped).map((c) => {
    const text = headerText(c) + bodyText(c, true);
    return { source: c.source, path: c.path, startLine: c.startLine, text, score: c.score, tokens: countTokens(text), reason: c.reason };
  });
  return { ...result, dropped };
}

/** Prompt order and text: groups by (source, path) in SOURCE_ORDER, one header per group; items by line within. */
function render(chosen: readonly Chosen[]): Omit<PackResult, 'dropped'> {
  const ordered = [...chosen].sort(
    (a, b) => SOURCE_ORDER.indexOf(a.c.source) - SOURCE_ORDER.indexOf(b.c.source) || cmp(a.c.path, b.c.path) || a.c.startLine - b.c.startLine,
  );
  const items: ContextItem[] = [];
  let text = '';
  let lastGroup = '';
  for (const x of ordered) {
    const gk = groupKey(x.c);
    const part = (gk !== lastGroup ? headerText(x.c) : '') + bodyText(x.c, x.full);
    lastGroup = gk;
    text += part;
    items.push({
      source: x.c.source,
      path: x.c.path,
      startLine: x.c.startLine,
      text: part,
      score: x.c.score,
      tokens: countTokens(part),
      reason: x.full || x.c.brief === undefined ? x.c.reason : `${x.c.reason} (signature only)`,
    });
  }
  return { items, text, tokens: countTokens(text) };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
