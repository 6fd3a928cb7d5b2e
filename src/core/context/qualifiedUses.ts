/**
 * The definitions of the qualified names the file itself writes (`Rpc.make`, `Context.Key`, `utils.parse_header`,
 * `de::Error`), each resolved through its qualifier: the member of the module the qualifier stands for, not every
 * definition of the bare name. In a functional-style codebase every module defines `make`, `map`, `Key`: looked up by
 * the bare name (definitionCandidates) such a member is one of dozens of equally likely definitions and its score is
 * split between them, while the file's own `Q.member` says which one it is. The next line very often repeats a
 * qualified name the file already uses (`Rpc.make(...)` for the next entity, `Option.isSome(...)` in the next branch),
 * so these are weighed as the definitions of names in view: by how often and how near the cursor the file writes them.
 */
import { isTopLevelDefinition } from './fileSurface';
import type { Candidate } from './packing';
import { namespaceFiles, type NamespaceDeps } from './qualified';
import { definitionCandidate, importBonus, MAX_NAME_WEIGHT, nearness, scanWindow, type CursorInfo } from './retrieval';
import type { TagRef } from './workspaceIndex';
import { isWordPart, isWordStart } from './similarity';

/** Names below this weight are not looked up (as in definitionCandidates). */
const MIN_WEIGHT = 0.05;
/** Affinity of a definition reached through an import (retrieval.ts `affinity`). */
const IMPORT_AFFINITY = 1.5;
/** Definitions offered per qualified name (a name defined again in several files the qualifier reaches). */
const MAX_DEFS = 2;
/** Qualified names looked up, heaviest first (bounds the lookups in a long file writing thousands of them). */
const MAX_NAMES = 400;
const BEFORE_QUALIFIER = /[\w$.:]/;
const DOT = 46;
const COLON = 58;

/**
 * Calls `visit(start, qualifierEnd, memberStart, memberEnd)` for each match of
 * `/([A-Za-z_$][\w$]*)(?:\.|::)([A-Za-z_$][\w$]*)/g` in `text`, in order, as matchAll finds them, without allocating
 * a match (qualifiedWeights scans 75,000 characters per request; the match arrays were much of its garbage). The
 * regular expression retries at every character of a word not followed by `.`/`::`, and every start inside one run of
 * word characters reaches the same run end, so a run is decided once: it matches from its first non-digit.
 */
export function forEachQualified(text: string, visit: (start: number, qualifierEnd: number, memberStart: number, memberEnd: number) => void): void {
  const n = text.length;
  for (let i = 0; i < n; ) {
    if (!isWordPart(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let start = -1;
    for (; i < n && isWordPart(text.charCodeAt(i)); i++) if (start < 0 && isWordStart(text.charCodeAt(i))) start = i;
    if (start < 0) continue;
    const sep = text.charCodeAt(i);
    const memberStart = sep === DOT ? i + 1 : sep === COLON && text.charCodeAt(i + 1) === COLON ? i + 2 : -1;
    if (memberStart < 0 || !isWordStart(text.charCodeAt(memberStart))) continue;
    let memberEnd = memberStart + 1;
    while (memberEnd < n && isWordPart(text.charCodeAt(memberEnd))) memberEnd++;
    visit(start, i, memberStart, memberEnd);
    i = memberEnd;
  }
}

/**
 * The weight of each qualified name `Q.m` written in the scanned text whose qualifier `qualifies` (an import binds it,
 * or it names a container defined elsewhere): near uses count most, as identifierWeights weighs a name.
 */
export function qualifiedWeights(cur: CursorInfo, qualifies: (q: string) => boolean): Map<string, { q: string; member: string; w: number; uses: number }> {
  // The window identifierWeights scans, each use weighed as a name's use there.
  const { from, to, firstLine } = scanWindow(cur);
  const text = cur.text.slice(from, to);
  let line = firstLine;
  const importLines = new Set(cur.imports.map((imp) => imp.line));
  const out = new Map<string, { q: string; member: string; w: number; uses: number }>();
  let last = 0;
  forEachQualified(text, (at, qEnd, memberStart, memberEnd) => {
    for (let i = last; i < at; i++) if (text.charCodeAt(i) === 10) line++;
    last = at;
    // `a.Q.m` is a member of a value, not a qualified name; an import line names modules (`"./core/index.js"`).
    if ((at > 0 && BEFORE_QUALIFIER.test(text[at - 1])) || importLines.has(line)) return;
    const q = text.slice(at, qEnd);
    if (!qualifies(q)) return;
    const member = text.slice(memberStart, memberEnd);
    const w = nearness(line - cur.line);
    const key = `${q}\u0000${member}`;
    const had = out.get(key);
    if (had) {
      had.w = Math.min(MAX_NAME_WEIGHT, had.w + w);
      had.uses++;
    } else out.set(key, { q, member, w: Math.min(MAX_NAME_WEIGHT, w), uses: 1 });
  });
  // A qualified name is an imported name reached through its module: it gets the bonus an imported name gets, which
  // follows how often the file writes it (importBonus; `uses` there counts the import itself). What is "imported" here
  // is the distinct qualified names, not the import statements: one `import * as core` can bring in 300 of them, and
  // the flat share of the bonus is for files that bring in only a few.
  for (const n of out.values()) n.w += importBonus(n.uses + 1, out.size);
  return out;
}

/** Definitions of the qualified names the file writes, each found among the files its qualifier stands for. */
export function qualifiedUseCandidates(cur: CursorInfo, deps: Pick<NamespaceDeps, 'index' | 'resolveFrom' | 'expand'>, qualifies: (q: string) => boolean): Candidate[] {
  const names = [...qualifiedWeights(cur, qualifies).values()].filter((n) => n.w >= MIN_WEIGHT).sort((a, b) => b.w - a.w).slice(0, MAX_NAMES);
  const filesOf = new Map<string, Map<string, number>>();
  const out: Candidate[] = [];
  for (const { q, member, w } of names) {
    let files = filesOf.get(q);
    if (!files) filesOf.set(q, (files = new Map(namespaceFiles(cur, q, deps).map((f) => [f.path, f.depth]))));
    if (files.size === 0) continue;
    const refs = deps.index.lookup(member).filter((r) => files!.has(r.file.path));
    if (refs.length === 0) continue;
    // What `Q.` names: a module's top-level definition first; a member only when the qualifier is a container (a class).
    const top = refs.filter((r) => isTopLevelDefinition(r.file, r.tag));
    const pool = (top.length ? top : refs).sort((a, b) => files!.get(a.file.path)! - files!.get(b.file.path)!).slice(0, MAX_DEFS);
    for (const r of pool) out.push(candidate(r, q, member, (w * IMPORT_AFFINITY) / Math.sqrt(pool.length)));
  }
  return out;
}

function candidate(r: TagRef, q: string, member: string, score: number): Candidate {
  return definitionCandidate(r.file, r.tag, 'import', score, `${r.tag.kind} ${member}: ${q}.${member} is written in this file`, 'multi-line');
}
