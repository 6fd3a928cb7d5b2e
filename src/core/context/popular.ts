/**
 * The workspace's most used classes, modules and types: code that names no import for them (Ruby inside `module Rack`
 * reaching for `Rack::BodyProxy`, a middleware that builds a `Utils::HeaderHash`) most often reaches next for what the
 * rest of the workspace uses most. Offered as signatures at the lowest score: they only fill what the budget has left
 * after everything the cursor's own code points at.
 */
import type { Candidate } from './packing';
import type { CursorInfo } from './retrieval';
import type { IndexedTag, WorkspaceIndex } from './workspaceIndex';

/** How many of the most used containers are offered. */
const POPULAR_COUNT = 8;
/** A container named by fewer files than this is not "used across the workspace". */
const MIN_FILES = 3;
/** Score of the most used one (below every other source's usual scores); the others scale by their usage share. */
const POPULAR_SCORE = 0.02;
const KINDS = new Set(['class', 'module', 'struct', 'interface', 'enum', 'trait', 'namespace']);

interface Popular {
  path: string;
  languageId: string;
  tag: IndexedTag;
  uses: number;
}

/**
 * How long a computed list serves later index revisions: usage across the workspace moves slowly, and the scan reads
 * every definition of the index (tens of thousands in a big workspace), too much to repeat after every edit.
 */
const STALE_MS = 30_000;

const cache = new WeakMap<WorkspaceIndex, { revision: number; at: number; list: Popular[] }>();

/**
 * The POPULAR_COUNT * 2 most used containers (nested ones too: Ruby's classes live in modules) defined once in the
 * workspace, most used first; recomputed for a new index revision at most every STALE_MS.
 */
function mostUsed(index: WorkspaceIndex): Popular[] {
  const had = cache.get(index);
  if (had && (had.revision === index.revision || performance.now() - had.at < STALE_MS)) return had.list;
  const best: Popular[] = [];
  for (const file of index.allFiles()) {
    for (const tag of file.tags) {
      if (!KINDS.has(tag.kind)) continue;
      const uses = index.usage(tag.name);
      if (uses < MIN_FILES || (best.length >= POPULAR_COUNT * 2 && uses <= best[best.length - 1].uses)) continue;
      if (index.lookup(tag.name).length !== 1) continue;
      best.push({ path: file.path, languageId: file.language, tag, uses });
      best.sort((a, b) => b.uses - a.uses || (a.tag.name < b.tag.name ? -1 : 1));
      if (best.length > POPULAR_COUNT * 2) best.pop();
    }
  }
  cache.set(index, { revision: index.revision, at: performance.now(), list: best });
  return best;
}

/** Signatures of the workspace's most used containers that the current file neither defines nor is. */
export function popularCandidates(cur: CursorInfo, index: WorkspaceIndex): Candidate[] {
  const local = new Set(cur.tags.map((t) => t.name));
  // (A list computed before the last edits may name a file since changed or removed: such entries are skipped.)
  const list = mostUsed(index)
    .filter((p) => p.path !== cur.relPath && !local.has(p.tag.name) && index.file(p.path)?.tags.includes(p.tag))
    .slice(0, POPULAR_COUNT);
  if (list.length === 0) return [];
  const top = Math.log1p(list[0].uses);
  return list.map((p) => ({
    source: 'definition',
    path: p.path,
    languageId: p.languageId,
    startLine: p.tag.startLine,
    endLine: p.tag.endLine,
    body: p.tag.signature,
    score: (POPULAR_SCORE * Math.log1p(p.uses)) / top,
    reason: `${p.tag.kind} ${p.tag.name}: among the workspace's most used (${p.uses} files name it)`,
  }));
}
