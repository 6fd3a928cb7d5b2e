/**
 * Files whose macros the code invokes. A Rust `macro_rules!` macro reaches the rest of its crate without a `use`
 * (`#[macro_use]`, textual scope), so a file invoking `cfg_rt! { … }` and `cfg_net! { … }` depends on the file defining
 * them as much as on an import, although nothing names that file: its other macros are the likeliest next line.
 */
import { languageForId, languageForPath } from './languages';
import type { CursorInfo } from './retrieval';
import type { WorkspaceIndex } from './workspaceIndex';

/** `name!` followed by its delimiter: a macro invocation. */
const INVOCATION = /\b([A-Za-z_][A-Za-z0-9_]*)!\s*[({[]/g;
/** Characters scanned around the cursor. */
const SCAN = 60_000;
const MAX_FILES = 3;

/** Other files defining macros (kind `macro`, one definition) the file invokes around the cursor, with how many. */
export function macroFiles(cur: CursorInfo, index: WorkspaceIndex): Map<string, number> {
  const files = new Map<string, number>();
  if ((languageForId(cur.languageId) ?? languageForPath(cur.relPath)) !== 'rust') return files;
  const seen = new Set<string>();
  const text = cur.text.slice(Math.max(0, cur.offset - SCAN), cur.offset + SCAN);
  for (const m of text.matchAll(INVOCATION)) {
    const name = m[1];
    if (seen.has(name)) continue;
    seen.add(name);
    const defs = index.lookup(name).filter((r) => r.tag.kind === 'macro');
    if (defs.length !== 1 || defs[0].file.path === cur.relPath || cur.reachableFiles.has(defs[0].file.path)) continue;
    files.set(defs[0].file.path, (files.get(defs[0].file.path) ?? 0) + 1);
  }
  return new Map([...files].sort((a, b) => b[1] - a[1]).slice(0, MAX_FILES));
}
