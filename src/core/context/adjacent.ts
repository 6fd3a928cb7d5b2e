/**
 * Definitions next to the ones named on the lines around the cursor. Lists in code (re-export lists, registries,
 * switch cases, parallel class hierarchies) tend to follow the order in which their items are defined: between
 * `_property as property,` and `_mime as mime,` the missing line most likely names what `api.ts` defines between
 * `_property` and `_mime`. For the names on the lines just above and below the cursor whose definition is unambiguous,
 * the top-level definitions that follow (for names above) or precede (for names below) theirs are offered; the ones
 * sandwiched between a name above and a name below score highest.
 */
import { MEMBER_KINDS, topLevelDefinitions as topLevel } from './fileSurface';
import { isKeyword } from './keywords';
import { languageForId, languageForPath } from './languages';
import type { Candidate } from './packing';
import { wordsAround, type CursorInfo } from './retrieval';
import type { IndexedFile, IndexedTag, TagRef, WorkspaceIndex } from './workspaceIndex';

/** Lines looked at above and below the cursor line. */
const SPAN = 2;
/** Neighbours taken on the far side of each anchor definition. */
const PER_ANCHOR = 3;
/** Anchors whose definitions are further apart than this (in top-level definitions) do not sandwich anything. */
const MAX_GAP = 8;
const ADJACENT_SCORE = 0.6;
const SANDWICH_SCORE = 2;

interface Anchor {
  ref: TagRef;
  /** Signed line distance from the cursor line (negative: above). */
  d: number;
}

/** Names on the lines [line - SPAN, line + SPAN] except the cursor line, each with its nearest signed distance. */
function namesAround(cur: CursorInfo): Map<string, number> {
  const language = languageForId(cur.languageId) ?? languageForPath(cur.relPath);
  const out = wordsAround(cur, SPAN, true);
  for (const word of out.keys()) if (word.length < 2 || isKeyword(language, word)) out.delete(word);
  return out;
}

export function adjacentDefinitionCandidates(cur: CursorInfo, index: WorkspaceIndex): Candidate[] {
  const around = namesAround(cur);
  const anchors: Anchor[] = [];
  for (const [name, d] of around) {
    const refs = index.lookup(name).filter((r) => r.file.path !== cur.relPath && !MEMBER_KINDS.has(r.tag.kind));
    if (refs.length === 0 || refs.length > 2) continue;
    const ref = refs.find((r) => cur.importedFiles.has(r.file.path)) ?? refs[0];
    anchors.push({ ref, d });
  }
  if (anchors.length === 0) return [];
  const local = new Set(cur.tags.map((t) => t.name));
  const best = new Map<IndexedTag, { file: IndexedFile; score: number; why: string }>();
  const offer = (file: IndexedFile, tag: IndexedTag, score: number, why: string) => {
    if (local.has(tag.name) || around.has(tag.name)) return;
    const prev = best.get(tag);
    if (!prev || prev.score < score) best.set(tag, { file, score, why });
  };
  for (const a of anchors) {
    const tags = topLevel(a.ref.file);
    const at = tags.indexOf(a.ref.tag);
    if (at < 0) continue;
    const step = a.d < 0 ? 1 : -1;
    const near = 1 / Math.abs(a.d);
    for (let k = 1; k <= PER_ANCHOR; k++) {
      const tag = tags[at + step * k];
      if (!tag) break;
      offer(a.ref.file, tag, (ADJACENT_SCORE * near) / k, `defined ${step > 0 ? 'after' : 'before'} ${a.ref.tag.name}, named next to the cursor`);
    }
  }
  // Sandwiches: a name above and a name below defined in the same file, close together.
  for (const up of anchors.filter((a) => a.d < 0)) {
    for (const down of anchors.filter((a) => a.d > 0 && a.ref.file === up.ref.file)) {
      const tags = topLevel(up.ref.file);
      const i = tags.indexOf(up.ref.tag), j = tags.indexOf(down.ref.tag);
      if (i < 0 || j <= i + 1 || j - i > MAX_GAP) continue;
      for (let k = i + 1; k < j; k++) offer(up.ref.file, tags[k], SANDWICH_SCORE / (j - i - 1), `defined between ${up.ref.tag.name} and ${down.ref.tag.name}, named around the cursor`);
    }
  }
  return [...best].map(([tag, { file, score, why }]) => ({
    source: 'definition' as const,
    path: file.path,
    languageId: file.language,
    startLine: tag.startLine,
    endLine: tag.endLine,
    body: tag.snippet,
    brief: tag.snippet.includes('\n') ? tag.signature : undefined,
    score,
    reason: `${tag.kind} ${tag.name}: ${why}`,
  }));
}
