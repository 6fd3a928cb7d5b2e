/**
 * A JavaScript/TypeScript package importing itself or a sibling package of the workspace by name (`import { z } from
 * "zod"` in zod's own tests; `from "@scope/core/util"` between the packages of a monorepo). Node and TypeScript
 * resolve such a name through the package.json whose `name` it is: its `exports` map (subpaths, `*` patterns,
 * conditions), else `types`/`module`/`main`. Only package.json files inside the workspace are read, and a target
 * counts only when it is a workspace file; a target that is a build output (`./index.js`) stands for the source of
 * the same path (`./index.ts`), as the compiler reads sources in place of their emitted files.
 */

export interface PackageManifest {
  /** The package's folder, workspace-relative ('' at the root). */
  dir: string;
  name: string;
  /** Export subpath ('.', './mini', './locales/*') -> targets relative to `dir`, every condition's, in written order. */
  exports: Map<string, string[]>;
  /** No exports map: any file of the package can be imported by its path (`pkg/lib/x`). */
  open: boolean;
}

/** package.json files larger than this are not read (a manifest is a few KB; a vendored data file is not one). */
export const MAX_MANIFEST_BYTES = 256 * 1024;
/** Manifests read at most (one per folder of a monorepo's packages; the rest are ignored). */
export const MAX_MANIFESTS = 500;

const ENTRY_FIELDS = ['types', 'typings', 'module', 'main'];

/** Every string target of an exports value (a path, a conditions object, an array of fallbacks), in written order. */
function targetsOf(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 8) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) targetsOf(v, out, depth + 1);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) targetsOf(v, out, depth + 1);
  return out;
}

/** The manifest of the package.json at `dir`, or undefined when it is not one with a name. */
export function parseManifest(dir: string, text: string): PackageManifest | undefined {
  if (text.length > MAX_MANIFEST_BYTES) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!json || typeof json !== 'object') return undefined;
  const pkg = json as Record<string, unknown>;
  if (typeof pkg.name !== 'string' || !pkg.name || pkg.name.length > 214) return undefined;
  const exports = new Map<string, string[]>();
  const ex = pkg.exports;
  if (typeof ex === 'string' || Array.isArray(ex)) exports.set('.', targetsOf(ex));
  else if (ex && typeof ex === 'object') {
    const keys = Object.keys(ex);
    if (keys.some((k) => k.startsWith('.'))) {
      for (const k of keys) if (k.startsWith('.')) exports.set(k, targetsOf((ex as Record<string, unknown>)[k]));
    } else exports.set('.', targetsOf(ex));
  }
  const open = ex === undefined || ex === null;
  if (open) exports.set('.', [...ENTRY_FIELDS.map((f) => pkg[f]).filter((v): v is string => typeof v === 'string'), './index.js']);
  return { dir, name: pkg.name, exports, open };
}

/** The package.json paths to look for: one in each folder that holds (or contains folders holding) indexed files. */
export function manifestCandidates(filePaths: Iterable<string>): string[] {
  const dirs = new Set<string>();
  for (const p of filePaths) {
    for (let i = p.lastIndexOf('/'); ; i = p.lastIndexOf('/', i - 1)) {
      const dir = i < 0 ? '' : p.slice(0, i);
      if (dirs.has(dir)) break;
      dirs.add(dir);
      if (i < 0) break;
    }
  }
  return [...dirs].sort().map((d) => (d ? `${d}/package.json` : 'package.json'));
}

/** Reads the workspace's package manifests (`read` returns undefined for a missing file). */
export async function loadManifests(filePaths: Iterable<string>, read: (relPath: string) => Promise<string | undefined>): Promise<PackageManifest[]> {
  const out: PackageManifest[] = [];
  for (const file of manifestCandidates(filePaths)) {
    if (out.length >= MAX_MANIFESTS) break;
    const text = await read(file).catch(() => undefined);
    const manifest = text === undefined ? undefined : parseManifest(file.slice(0, Math.max(0, file.length - '/package.json'.length)), text);
    if (manifest) out.push(manifest);
  }
  return out;
}

/** The export targets a subpath ('.', './x/y') of `manifest` names, with `*` patterns filled in. */
function exportTargets(manifest: PackageManifest, subpath: string): string[] {
  const exact = manifest.exports.get(subpath);
  if (exact) return exact;
  // The longest matching pattern wins (Node's rule); `./x/*` captures the rest of the subpath.
  let best: { key: string; star: string } | undefined;
  for (const key of manifest.exports.keys()) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const head = key.slice(0, star);
    const tail = key.slice(star + 1);
    if (subpath.length >= key.length - 1 && subpath.startsWith(head) && subpath.endsWith(tail) && (!best || head.length > best.key.indexOf('*'))) {
      best = { key, star: subpath.slice(head.length, subpath.length - tail.length) };
    }
  }
  if (best) return manifest.exports.get(best.key)!.map((t) => t.split('*').join(best!.star));
  return manifest.open ? [subpath] : [];
}

/**
 * The packages whose name `source` is (or starts with, then `/`), longest name first, with the subpath it asks for:
 * `zod/v4/core` -> (zod, './v4/core').
 */
export function packageTargets(manifests: readonly PackageManifest[], source: string): { manifest: PackageManifest; targets: string[] }[] {
  if (source.startsWith('.') || source.startsWith('/')) return [];
  const out: { manifest: PackageManifest; targets: string[] }[] = [];
  for (const m of manifests) {
    if (source !== m.name && !source.startsWith(m.name + '/')) continue;
    const subpath = source === m.name ? '.' : '.' + source.slice(m.name.length);
    const targets = exportTargets(m, subpath);
    if (targets.length) out.push({ manifest: m, targets });
  }
  return out.sort((a, b) => b.manifest.name.length - a.manifest.name.length);
}

/** Extensions of emitted JavaScript and declaration files, longest first: `./index.d.cts` is the output of `./index.ts`. */
export const OUTPUT_EXTENSIONS = /\.(d\.[cm]?ts|[cm]?js|jsx)$/;
