/**
 * Barrel files: modules that mostly re-export others (`index.ts` with `export * from "./api"`, a Python `__init__.py`
 * that imports its package's modules, Rust `mod.rs`/`lib.rs`). A name imported "from the package" is defined in one of
 * the files the barrel points at, so import resolution follows barrels a few levels deep.
 */
import type { IndexedFile, WorkspaceIndex } from './workspaceIndex';
import { detach } from '../strings';

const BARREL_BASENAMES = new Set(['index', '__init__', 'mod', 'lib']);
/** How many barrel levels are followed. */
const MAX_DEPTH = 3;

export function isBarrel(file: IndexedFile): boolean {
  if (file.imports.length === 0) return false;
  const base = file.path.slice(file.path.lastIndexOf('/') + 1).replace(/\..*$/, '');
  return BARREL_BASENAMES.has(base) || file.tags.length <= file.imports.length;
}

/**
 * `files` plus what the barrels among them re-export (breadth first: nearer levels first), at most `limit` files.
 * `resolveFrom(path, source)` resolves an import source written in file `path`.
 */
export function expandBarrels(
  files: readonly string[],
  index: WorkspaceIndex,
  resolveFrom: (fromPath: string, source: string) => string[],
  limit = 48,
): { path: string; depth: number }[] {
  const out: { path: string; depth: number }[] = [];
  const seen = new Set<string>();
  let level = [...files];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0 && out.length < limit; depth++) {
    const next: string[] = [];
    for (const f of level) {
      if (seen.has(f) || out.length >= limit) continue;
      seen.add(f);
      out.push({ path: f, depth });
      const entry = index.file(f);
      if (entry && isBarrel(entry)) for (const src of entry.imports) next.push(...resolveFrom(f, src));
    }
    level = next;
  }
  return out;
}

/**
 * expandBarrels' answers kept while their `owner` holds (the engine passes its import resolver, made anew for each index
 * revision and package-manifest load: what an expansion reads). A request expands the cursor's imports and each
 * namespace it meets, often the same lists several times (qualified uses, namespace members, typed members), and every
 * keystroke in a file again.
 */
export class BarrelCache {
  private owner: object | undefined;
  private readonly map = new Map<string, readonly { path: string; depth: number }[]>();
  constructor(private readonly maxEntries = 2_000) {}

  expand(
    owner: object,
    files: readonly string[],
    index: WorkspaceIndex,
    resolveFrom: (fromPath: string, source: string) => string[],
    limit: number,
  ): { path: string; depth: number }[] {
    if (owner !== this.owner) {
      this.map.clear();
      this.owner = owner;
    }
    const key = `${limit}\u0000${files.join('\u0001')}`;
    let hit = this.map.get(key);
    if (!hit) {
      if (this.map.size >= this.maxEntries) this.map.clear();
      this.map.set(detach(key), (hit = expandBarrels(files, index, resolveFrom, limit)));
    }
    return hit.map((f) => ({ ...f })); // the caller's own copy
  }
}
