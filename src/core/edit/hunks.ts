/**
 * The vertical diff of an inline edit: the original code and the model's proposal (possibly still streaming) as a
 * sequence of unchanged lines and hunks, each hunk pending, accepted or rejected. From that sequence come both the text
 * the editor shows while the user reviews (removed lines kept and marked red, proposed lines inserted and marked green)
 * and the text the document gets once every hunk is decided.
 *
 * Lines are compared without their terminators. Unchanged and removed lines keep their own terminators, so rejecting
 * everything gives back the original text exactly (CRLF, mixed endings, no final newline); proposed lines get `eol`.
 */
import { diffLines } from './lineDiff';

export type HunkState = 'pending' | 'accepted' | 'rejected';

export interface Hunk {
  /** Original lines replaced (with their terminators) and the proposed lines (without terminators). */
  oldLines: string[];
  newLines: string[];
  /** Index of the first replaced line in the original. */
  oldStart: number;
}

export type Segment =
  | { kind: 'same'; lines: string[] }
  | { kind: 'hunk'; hunk: number }
  /** While streaming: original lines the proposal has not reached yet (shown unchanged). */
  | { kind: 'tail'; lines: string[] };

export interface VerticalDiff {
  segments: Segment[];
  hunks: Hunk[];
  /** The proposal is complete (no tail; the last proposed line is included). */
  final: boolean;
}

export type LineTag = 'same' | 'removed' | 'added';

export interface DiffView {
  text: string;
  /** One tag per line of `text` (its last line included even when `text` does not end with a newline). */
  tags: LineTag[];
  /** Where each hunk starts in the view (line index), or -1 for a decided hunk that shows no line. */
  hunkLines: number[];
}

/** Lines with their terminators ("a\r\n", "b\n", "c"); '' gives []. */
export function splitKeepingEol(text: string): string[] {
  if (text === '') return [];
  return text.split(/(?<=\n)/);
}

function content(line: string): string {
  return line.replace(/\r?\n$/, '');
}

/** Proposal text -> lines without terminators; while streaming, an unfinished last line is left out. */
function proposalLines(proposal: string, final: boolean): string[] {
  const lines = proposal.split(/\r?\n/);
  const last = lines.pop()!;
  if (final && last !== '') lines.push(last);
  return lines;
}

/**
 * The vertical diff of `original` (the target's text) and `proposal` (the replacement so far). While streaming
 * (`final` false), original lines after the last one the proposal matched are a tail, not removals: the proposal may
 * still reach them.
 */
export function computeVerticalDiff(original: string, proposal: string, final: boolean): VerticalDiff {
  const oldLines = splitKeepingEol(original);
  const newLines = proposalLines(proposal, final);
  const raw = diffLines(oldLines.map(content), newLines);
  const segments: Segment[] = [];
  const hunks: Hunk[] = [];
  let at = 0;
  for (const [index, h] of raw.entries()) {
    if (h.oldStart > at) segments.push({ kind: 'same', lines: oldLines.slice(at, h.oldStart) });
    const reachesEnd = h.oldStart + h.oldCount === oldLines.length && h.newStart + h.newCount === newLines.length && index === raw.length - 1;
    if (!final && reachesEnd) {
      // The proposal has not matched these original lines yet: its new lines so far go before them.
      if (h.newCount > 0) {
        hunks.push({ oldLines: [], newLines: newLines.slice(h.newStart), oldStart: h.oldStart });
        segments.push({ kind: 'hunk', hunk: hunks.length - 1 });
      }
      if (h.oldCount > 0) segments.push({ kind: 'tail', lines: oldLines.slice(h.oldStart) });
      at = oldLines.length;
      continue;
    }
    hunks.push({ oldLines: oldLines.slice(h.oldStart, h.oldStart + h.oldCount), newLines: newLines.slice(h.newStart, h.newStart + h.newCount), oldStart: h.oldStart });
    segments.push({ kind: 'hunk', hunk: hunks.length - 1 });
    at = h.oldStart + h.oldCount;
  }
  if (at < oldLines.length) segments.push({ kind: final ? 'same' : 'tail', lines: oldLines.slice(at) });
  return { segments, hunks, final };
}

/** `original` ended with a line break: the result must too, and must not otherwise. */
function fixFinalNewline(lines: string[], originalEndsWithNewline: boolean, eol: string): string {
  if (lines.length === 0) return '';
  const last = lines.length - 1;
  const body = content(lines[last]!);
  lines[last] = originalEndsWithNewline ? (lines[last]!.endsWith('\n') ? lines[last]! : body + eol) : body;
  return lines.join('');
}

function withEol(line: string, eol: string): string {
  return line.endsWith('\n') ? line : line + eol;
}

/**
 * What the editor shows while reviewing: unchanged lines; for a pending hunk its original lines (removed) then its
 * proposed lines (added); for an accepted hunk only the proposed lines, for a rejected one only the original lines.
 */
export function renderView(diff: VerticalDiff, states: readonly HunkState[], original: string, eol: string): DiffView {
  const lines: string[] = [];
  const tags: LineTag[] = [];
  const hunkLines: number[] = [];
  const push = (line: string, tag: LineTag) => {
    lines.push(withEol(line, eol));
    tags.push(tag);
  };
  for (const seg of diff.segments) {
    if (seg.kind !== 'hunk') {
      for (const l of seg.lines) push(l, 'same');
      continue;
    }
    const h = diff.hunks[seg.hunk]!;
    const state = states[seg.hunk] ?? 'pending';
    hunkLines[seg.hunk] = state === 'pending' || (state === 'accepted' ? h.newLines.length : h.oldLines.length) > 0 ? lines.length : -1;
    if (state !== 'accepted') for (const l of h.oldLines) push(l, state === 'pending' ? 'removed' : 'same');
    if (state !== 'rejected') for (const l of h.newLines) push(l, state === 'pending' ? 'added' : 'same');
  }
  return { text: fixFinalNewline(lines, original.endsWith('\n'), eol), tags, hunkLines };
}

/** The text once decided: accepted hunks take their proposed lines, every other hunk keeps the original lines. */
export function applyDecisions(diff: VerticalDiff, accepted: (hunk: number) => boolean, original: string, eol: string): string {
  const states = diff.hunks.map((_, i): HunkState => (accepted(i) ? 'accepted' : 'rejected'));
  return renderView(diff, states, original, eol).text;
}

/** The proposal as the document would get it if every hunk were accepted (terminators as applyDecisions writes them). */
export function normaliseProposal(proposal: string, original: string, eol: string): string {
  const lines = proposalLines(proposal, true).map((l) => l + eol);
  return fixFinalNewline(lines, original.endsWith('\n'), eol);
}
