/**
 * Packing: choose candidates by score within an exact token budget (cl100k, cached per snippet), drop duplicates and
 * overlaps, then order for the prompt — stable sources first, the ones that change with every keystroke last, so the
 * backend's KV cache keeps the shared prefix. The packed text never exceeds the budget.
 */
import { countTokens } from '../tokens';
import { renderWithHeader } from './snippets';
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

function toItem(c: Candidate): ContextItem {
  const text = renderWithHeader(c.path, c.body, c.languageId);
  return { source: c.source, path: c.path, startLine: c.startLine, text, score: c.score, tokens: countTokens(text), reason: c.reason };
}

function overlaps(a: Candidate, b: Candidate): boolean {
  return a.path === b.path && a.startLine <= b.endLine && b.startLine <= a.endLine;
}

/** Best-first selection under `budget` tokens; returns the items in prompt order. */
export function pack(candidates: readonly Candidate[], budget: number, options: PackOptions = {}): PackResult {
  const maxMisses = options.maxMisses ?? 40;
  const maxDropped = options.maxDropped ?? 50;
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const chosen: { c: Candidate; item: ContextItem }[] = [];
  const dropped: ContextItem[] = [];
  let used = 0;
  let misses = 0;
  const seenText = new Set<string>();
  for (const c of sorted) {
    if (budget - used < 8 || misses >= maxMisses) {
      if (dropped.length < maxDropped) dropped.push(toItem(c));
      continue;
    }
    if (seenText.has(c.body) || chosen.some((x) => covers(x.c, c))) continue;
    const item = toItem(c);
    if (used + item.tokens > budget) {
      misses++;
      if (dropped.length < maxDropped) dropped.push(item);
      continue;
    }
    misses = 0;
    seenText.add(c.body);
    chosen.push({ c, item });
    used += item.tokens;
  }
  const rank = (s: ContextSource) => SOURCE_ORDER.indexOf(s);
  chosen.sort((a, b) => rank(a.c.source) - rank(b.c.source) || cmp(a.c.path, b.c.path) || a.c.startLine - b.c.startLine);
  let items = chosen.map((x) => x.item);
  let text = items.map((i) => i.text).join('');
  let tokens = countTokens(text);
  // Token counts of parts do not always add up exactly (merges across a boundary): trim the weakest until it fits.
  while (tokens > budget && items.length) {
    let weakest = 0;
    for (let i = 1; i < items.length; i++) if (items[i].score < items[weakest].score) weakest = i;
    dropped.push(items[weakest]);
    items = items.filter((_, i) => i !== weakest);
    text = items.map((i) => i.text).join('');
    tokens = countTokens(text);
  }
  return { items, dropped, text, tokens };
}

/** True when `chosen` already shows `c`: same file, overlapping lines, and `c`'s first line is in `chosen`'s text. */
function covers(chosen: Candidate, c: Candidate): boolean {
  if (!overlaps(chosen, c)) return false;
  const first = c.body.split('\n', 1)[0].trim();
  return first.length > 0 && chosen.body.includes(first);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
