/**
 * Where a Rust file's names come from, read off its `use` declarations, for the scope-filtered oracle: a name the
 * file imports from the standard library (`use std::task::Poll::{Pending, Ready}`) or from another crate is not the
 * repository's item of the same name, whatever ctags finds in the repository. The declarations are read from the
 * text, comments removed, so `use` inside macro bodies (`cfg_rt! { use crate::x::Y; }`) counts and doc-comment
 * examples (`/// use tokio::net::TcpListener;`) do not.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Where the paths of a file's imports start. */
export interface RustImports {
  /** Imported name (the alias, for `as`) -> the first segments of the paths that import it. */
  named: Map<string, string[]>;
  /** First segments of the paths of glob imports (`use std::task::Poll::*` -> `std`). */
  globs: string[];
}

/** Roots naming the standard library. */
export const STD_ROOTS = new Set(['std', 'core', 'alloc']);
/** Roots naming the current crate. */
const CRATE_ROOTS = new Set(['crate', 'self', 'super', '$crate']);

/** Splits `s` at commas outside braces. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}') depth--;
    else if (s[i] === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

function addTree(prefix: string[], tree: string, out: RustImports): void {
  const brace = tree.indexOf('{');
  if (brace >= 0) {
    const head = tree.slice(0, brace).replace(/::\s*$/, '');
    const inner = tree.slice(brace + 1, tree.lastIndexOf('}'));
    const path = [...prefix, ...head.split('::').map((s) => s.trim()).filter(Boolean)];
    for (const part of splitTop(inner)) addTree(path, part, out);
    return;
  }
  const [pathText, alias] = tree.split(/\s+as\s+/);
  const segments = [...prefix, ...pathText.split('::').map((s) => s.trim()).filter(Boolean)];
  if (segments.length === 0) return;
  const root = segments[0];
  const last = segments[segments.length - 1];
  if (last === '*') {
    out.globs.push(root);
    return;
  }
  const name = alias?.trim() || (last === 'self' ? segments[segments.length - 2] : last);
  if (!name || name === '_') return;
  const roots = out.named.get(name);
  if (roots) roots.push(root);
  else out.named.set(name, [root]);
}

const cache = new Map<string, RustImports>();

/** The `use` declarations of a Rust file's text (cached for the last few texts). */
export function rustImports(text: string): RustImports {
  const had = cache.get(text);
  if (had) return had;
  const code = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
  const out: RustImports = { named: new Map(), globs: [] };
  for (const m of code.matchAll(/(?:^|[\s;{}])use\s+(?:::)?([^;]+);/g)) addTree([], m[1].trim(), out);
  cache.set(text, out);
  if (cache.size > 8) cache.delete(cache.keys().next().value!);
  return out;
}

export type RootSource = 'std' | 'crate' | 'extern';

/** What the crate a file belongs to calls itself, and what the repository defines (ctags). */
export interface CrateContext {
  /** The crate's own names (`[package]`/`[lib]` of the Cargo.toml files above the file): `tokio::` in its tests. */
  own: ReadonlySet<string>;
  definedInRepo?: (name: string) => boolean;
}

/** Where a path rooted at `root` leads: the standard library, this crate (a module the repository defines), or another crate. */
export function rootSource(root: string, crate: CrateContext): RootSource {
  if (STD_ROOTS.has(root)) return 'std';
  if (CRATE_ROOTS.has(root) || crate.own.has(root) || !crate.definedInRepo || crate.definedInRepo(root)) return 'crate';
  return 'extern';
}

const cratesByDir = new Map<string, ReadonlySet<string>>();

/** The crate names declared by the Cargo.toml files in `dir` and its parents up to `repo` (`-` read as `_`). */
export function ownCrateNames(repo: string, dir: string): ReadonlySet<string> {
  const had = cratesByDir.get(dir);
  if (had) return had;
  const names = new Set<string>();
  const rel = path.relative(repo, dir);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
    if (rel) for (const n of ownCrateNames(repo, path.dirname(dir))) names.add(n);
    let toml = '';
    try {
      toml = fs.readFileSync(path.join(dir, 'Cargo.toml'), 'utf8');
    } catch {
      // no manifest here
    }
    for (const m of toml.matchAll(/^\[(?:package|lib)\][^[]*?^\s*name\s*=\s*"([^"]+)"/gm)) names.add(m[1].replace(/-/g, '_'));
  }
  cratesByDir.set(dir, names);
  return names;
}

/** True when the file's text declares an item or module `name` (`mod blocking;`, `struct Guard`, `enum Kind`). */
function declares(text: string, name: string): boolean {
  return new RegExp(`\\b(?:mod|struct|enum|union|trait|type|fn|const|static|macro_rules!)\\s+${name}\\b`).test(text);
}

/**
 * Where a path `root::…` of the file leads. A root the file neither imports by name, declares, nor may have through a
 * glob import of the crate's, can only be another crate (the extern prelude: `loom::model` in a crate that also has
 * a module `loom`) or std's prelude; undefined when it may be the crate's own.
 */
export function pathRootVerdict(text: string, root: string, crate: CrateContext): 'builtin' | 'outside' | undefined {
  const source = rootSource(root, { own: crate.own });
  if (source === 'std') return 'builtin';
  if (CRATE_ROOTS.has(root) || crate.own.has(root)) return undefined;
  const imports = rustImports(text);
  if (imports.named.has(root)) return importedFrom(imports, root, crate);
  if (declares(text, root) || imports.globs.some((g) => rootSource(g, crate) === 'crate')) return undefined;
  return 'outside';
}

/**
 * Where a bare `name` of the file comes from when its imports say: the standard library ('builtin') or another crate
 * ('outside') when every import of it leads there, or when the file does not import it by name and every glob import
 * does (the name can only have come through one); undefined when it may be the crate's own.
 */
export function importedFrom(imports: RustImports, name: string, crate: CrateContext): 'builtin' | 'outside' | undefined {
  const roots = imports.named.get(name);
  const sources = roots
    ? roots.map((r) => rootSource(r, crate))
    : imports.globs.length > 0 ? imports.globs.map((r) => rootSource(r, crate)) : [];
  if (sources.length === 0 || sources.includes('crate')) return undefined;
  return sources.every((s) => s === 'std') ? 'builtin' : 'outside';
}
