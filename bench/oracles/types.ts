/**
 * What every precise oracle of the context benchmark answers: for one use of an identifier (file, line, column), the
 * definition a real resolver binds it to, or why the sample is not a fair target (the definition is in the same file,
 * outside the repository — a builtin, the standard library, a dependency —, a type parameter, a parameter, a local).
 */
import * as path from 'path';
import type { GoldDef } from '../contextOracle';

/** Files the TypeScript oracle serves. */
export const TS_EXTENSIONS = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

export interface OracleQuery {
  /** Repository-relative path (forward slashes). */
  file: string;
  /** 0-based line and column (UTF-16 code units) of the identifier's first character. */
  line: number;
  column: number;
  name: string;
  /** The file's text, unmasked. */
  text: string;
  /** What ctags defines under this name (the scope-filtered oracle's only source). */
  ctags: readonly GoldDef[];
  /** Whether ctags defines `name` anywhere in the repository (the scope-filtered oracle reads path roots with it). */
  definedInRepo?: (name: string) => boolean;
}

export type RejectReason =
  | 'same-file' | 'outside' | 'builtin' | 'type-parameter' | 'parameter' | 'local' | 'none' | 'not-indexed' | 'ambiguous' | 'import'
  | 'module' | 'literal' | 'error';

export type Verdict = { gold: GoldDef } | { reject: RejectReason; detail?: string };

export interface PreciseOracle {
  /** Which oracle served ('typescript', 'pyright', 'gopls', 'ctags+scope'). */
  readonly name: string;
  resolve(q: OracleQuery): Promise<Verdict>;
  close(): Promise<void>;
}

export interface DefinitionSite {
  /** Absolute path. */
  file: string;
  line: number;
  kind?: string;
}

/**
 * The verdict for a resolver's definition sites: a definition in the query's own file wins (a local, a parameter, a
 * shadowing declaration); otherwise the first site in another file of the repository that the index holds.
 */
export function classifySites(
  repo: string,
  q: OracleQuery,
  sites: readonly DefinitionSite[],
  indexed: ReadonlySet<string>,
  kindReject?: (kind: string | undefined) => RejectReason | undefined,
  /** True for a path in the language's standard library or builtins (typeshed's stdlib, GOROOT). */
  isBuiltin?: (file: string) => boolean,
): Verdict {
  if (sites.length === 0) return { reject: 'none' };
  const rel = (f: string) => {
    const r = path.relative(repo, f);
    return r.startsWith('..') || path.isAbsolute(r) ? undefined : r.split(path.sep).join('/');
  };
  for (const s of sites) {
    const why = kindReject?.(s.kind);
    if (why) return { reject: why, detail: s.kind };
    if (rel(s.file) === q.file) return { reject: 'same-file', detail: s.kind };
  }
  const inRepo = sites.map((s) => ({ s, r: rel(s.file) })).filter((x) => x.r !== undefined);
  if (inRepo.length === 0) return { reject: isBuiltin?.(sites[0].file) ? 'builtin' : 'outside', detail: sites[0].file };
  const chosen = inRepo.find((x) => indexed.has(x.r!));
  if (!chosen) return { reject: 'not-indexed', detail: inRepo[0].r };
  return { gold: { name: q.name, file: chosen.r!, line: chosen.s.line, kind: chosen.s.kind ?? 'definition' } };
}
