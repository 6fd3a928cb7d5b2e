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
import { newlinesBetween } from '../strings';

/** Names below this weight are not looked up (as in definitionCandidates). */
const MIN_WEIGHT = 0.05;
/** Affinity of a definition reached through an import (retrieval.ts `affinity`). */
const IMPORT_AFFINITY = 1.5;
/** Definitions offered per qualified name (a name defined again in several files the qualifier reaches). */
const MAX_DEFS = 2;
/** Qualified names looked up, heaviest first (bounds the lookups in a long file writing thousands of them). */
const MAX_NAMES = 400;
const QUALIFIED_RE = /([A-Za-z_$][\w$]*)(?:\.|::)([A-Za-z_$][\w$]*)/g;
const BEFORE_QUALIFIER = /[\w$.:]/;

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
  for (const m of text.matchAll(QUALIFIED_RE)) {
    // Lines counted with indexOf, not a loop over every character (~20% of this scan's time in 75,000 characters).
    line += newlinesBetween(text, last, m.index!);
    last = m.index!;
    // `a.Q.m` is a member of a value, not a qualified name; an import line names modules (`"./core/index.js"`).
    if ((m.index! > 0 && BEFORE_QUALIFIER.test(text[m.index! - 1])) || importLines.has(line) || !qualifies(m[1])) continue;
    const w = nearness(line - cur.line);
    const key = `${m[1]}\u0000${m[2]}`;
    const had = out.get(key);
    if (had) {
      had.w = Math.min(MAX_NAME_WEIGHT, had.w + w);
      had.uses++;
    } else out.set(key, { q: m[1], member: m[2], w: Math.min(MAX_NAME_WEIGHT, w), uses: 1 });
  }
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
