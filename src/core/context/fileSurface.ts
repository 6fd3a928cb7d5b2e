/**
 * A file's surface: its top-level definitions (what other files can name), in file order, without members.
 * Cached per index entry (entries are replaced, never mutated, when a file changes).
 */
import type { IndexedFile, IndexedTag } from './workspaceIndex';

/** Kinds that are members of something else. */
export const MEMBER_KINDS: ReadonlySet<string> = new Set(['method', 'field', 'enumerator', 'property']);

const cache = new WeakMap<IndexedFile, IndexedTag[]>();

export function topLevelDefinitions(file: IndexedFile): readonly IndexedTag[] {
  let out = cache.get(file);
  if (out) return out;
  out = [];
  let lastEnd = -1;
  for (const tag of file.tags) {
    if (tag.startLine <= lastEnd) continue;
    lastEnd = tag.endLine;
    if (!MEMBER_KINDS.has(tag.kind)) out.push(tag);
  }
  cache.set(file, out);
  return out;
}

const sets = new WeakMap<IndexedFile, ReadonlySet<IndexedTag>>();

/** True when `tag` is one of `file`'s top-level definitions (a set per index entry: files define thousands). */
export function isTopLevelDefinition(file: IndexedFile, tag: IndexedTag): boolean {
  let set = sets.get(file);
  if (!set) sets.set(file, (set = new Set(topLevelDefinitions(file))));
  return set.has(tag);
}
