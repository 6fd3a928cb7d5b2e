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

const parents = new WeakMap<IndexedFile, Map<IndexedTag, IndexedTag>>();

/**
 * The definition directly enclosing `tag` in `file` (a namespace around an interface, a class around a method), or
 * undefined at the top level. One pass per index entry over its tags (in file order), a stack of the open ones.
 */
export function enclosingDefinition(file: IndexedFile, tag: IndexedTag): IndexedTag | undefined {
  let map = parents.get(file);
  if (!map) {
    map = new Map();
    const open: IndexedTag[] = [];
    for (const t of file.tags) {
      while (open.length && !(open[open.length - 1].startLine <= t.startLine && t.endLine <= open[open.length - 1].endLine)) open.pop();
      if (open.length) map.set(t, open[open.length - 1]);
      open.push(t);
    }
    parents.set(file, map);
  }
  return map.get(tag);
}
