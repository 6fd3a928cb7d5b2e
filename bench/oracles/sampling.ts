/**
 * The benchmark's two sample sets, drawn from one ctags run:
 *  - ctags (the method of earlier figures, unchanged): lines using a name ctags defines exactly once, in another file;
 *  - precise: lines using a name ctags defines somewhere outside the file, kept when the precise oracle of the
 *    file's language (typescript, pyright, gopls, or ctags filtered by scope) resolves that use to a definition in
 *    another indexed file of the repository; the gold is where the oracle points.
 * Precise candidates are ordered by a seeded hash of their position (bottom-k: memory stays bounded on big corpora)
 * and resolved in that order until `count` are accepted, one per line.
 */
import { hash } from '../typing/session';
import { RESERVED, identifiers, wholeWord, SKIP_LINE, ctagsDefinitions, sampleCursors, visibleDefinitions, type GoldDef, type Sample } from '../contextOracle';
import { resolveLanguage } from '../../src/core/context/parser';
import { TypeScriptOracleProcess } from './typescriptChild';
import { goplsAvailable, goplsOracle, pyrightOracle } from './languageServers';
import { ScopeFilteredCtagsOracle, inImportStatement, releaseTrees } from './scope';
import { TS_EXTENSIONS, type PreciseOracle, type RejectReason, type Verdict } from './types';

export interface DrawnSamples {
  precise: Sample[];
  ctags: Sample[];
  /** Accepted samples by the oracle that served them. */
  oracles: Record<string, number>;
  /** Rejected candidates by reason. */
  rejected: Partial<Record<RejectReason, number>>;
  queries: number;
  /** Languages whose precise oracle could not run, and why (the scope-filtered oracle served them). */
  fallbacks: string[];
}

/** Which oracle serves a file: by extension, then by the engine's language table. */
export function oracleKind(file: string): 'typescript' | 'pyright' | 'gopls' | 'scope' {
  if (TS_EXTENSIONS.test(file)) return 'typescript';
  const l = resolveLanguage(file);
  return l === 'python' ? 'pyright' : l === 'go' ? 'gopls' : 'scope';
}

/** Opens the precise oracles lazily, one per kind; a language server that cannot start falls back to the scope filter. */
export class OracleSet {
  private readonly open = new Map<string, Promise<PreciseOracle>>();
  readonly fallbacks: string[] = [];

  constructor(private readonly repo: string, private readonly indexed: ReadonlySet<string>, private readonly log: (s: string) => void) {}

  /**
   * A language server that fails several queries in a row (timeouts on a corpus too big for it here, a crash) is
   * replaced by the scope-filtered oracle for the rest of the run, and the fallback is reported. The rule counts
   * consecutive failures at any point of the run, not only the first queries: a server that answers its first query
   * and then times out on every later one (pyright on a 1,500-file package) is dropped as well. An answer resets the
   * count, so an isolated error only drops its own sample.
   */
  noteResult(file: string, failed: boolean): void {
    const kind = oracleKind(file);
    if (kind === 'scope' || this.replaced.has(kind)) return;
    if (!failed) {
      this.answered.add(kind);
      this.failures.set(kind, 0);
      return;
    }
    const n = (this.failures.get(kind) ?? 0) + 1;
    this.failures.set(kind, n);
    if (n >= OracleSet.MAX_CONSECUTIVE_FAILURES) {
      const why = `${kind} oracle failed ${n} queries in a row${this.answered.has(kind) ? ' (after answering earlier ones)' : ''}, scope-filtered ctags used instead`;
      this.fallbacks.push(why);
      this.log(why);
      const old = this.open.get(kind);
      this.open.set(kind, Promise.resolve(new ScopeFilteredCtagsOracle(this.repo)));
      void old?.then((o) => o.close()).catch(() => undefined);
      this.replaced.add(kind);
    }
  }

  static readonly MAX_CONSECUTIVE_FAILURES = 5;
  private readonly failures = new Map<string, number>();
  private readonly answered = new Set<string>();
  private readonly replaced = new Set<string>();

  get(file: string): Promise<PreciseOracle> {
    const kind = oracleKind(file);
    let o = this.open.get(kind);
    if (!o) {
      o = this.start(kind);
      this.open.set(kind, o);
    }
    return o;
  }

  private async start(kind: ReturnType<typeof oracleKind>): Promise<PreciseOracle> {
    const t0 = performance.now();
    try {
      let o: PreciseOracle;
      if (kind === 'typescript') o = await TypeScriptOracleProcess.start(this.repo, this.indexed);
      else if (kind === 'pyright') o = await pyrightOracle(this.repo, this.indexed);
      else if (kind === 'gopls') {
        const missing = goplsAvailable();
        if (missing) throw new Error(missing);
        o = await goplsOracle(this.repo, this.indexed);
      } else o = new ScopeFilteredCtagsOracle(this.repo);
      this.log(`oracle ${o.name}: started in ${(performance.now() - t0).toFixed(0)} ms`);
      return o;
    } catch (err) {
      const why = `${kind} oracle unavailable, scope-filtered ctags used instead: ${err instanceof Error ? err.message.split('\n')[0] : err}`;
      this.fallbacks.push(why);
      this.log(why);
      return new ScopeFilteredCtagsOracle(this.repo);
    }
  }

  async close(): Promise<void> {
    for (const o of this.open.values()) await (await o).close();
    this.open.clear();
  }
}

/**
 * Whether a verdict means the oracle failed (a timeout, a crash), as opposed to the server answering with an error of
 * its own (gopls' "no identifier found" on generated code or test data): only failures count toward the fallback.
 */
export function serverFailed(v: Verdict): boolean {
  return 'reject' in v && v.reject === 'error' && !/^LSP error:/.test(v.detail ?? '');
}

interface Candidate {
  h: number;
  file: string;
  line: number;
  column: number;
  name: string;
}

/** Up to `limit` uses of names ctags defines outside the using file, the lowest seeded hashes first. */
export function preciseCandidates(
  readText: (file: string) => string | undefined,
  files: readonly string[],
  defs: ReadonlyMap<string, readonly GoldDef[]>,
  limit: number,
  seed: number,
): Candidate[] {
  let kept: Candidate[] = [];
  let threshold = Infinity;
  for (const file of files) {
    const text = readText(file);
    if (!text || text.length > 1_000_000) continue;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.length > 400 || SKIP_LINE.test(l)) continue;
      const seen = new Set<string>();
      for (const m of identifiers(file, l)) {
        const name = m[0];
        if (seen.has(name) || RESERVED.has(name)) continue;
        seen.add(name);
        const d = defs.get(name);
        if (!d || !d.some((x) => x.file !== file)) continue;
        const h = hash(`${seed}:${file}:${i}:${name}`);
        if (h >= threshold) continue;
        kept.push({ h, file, line: i, column: m.index, name });
        if (kept.length >= limit * 4) {
          kept.sort((a, b) => a.h - b.h);
          kept = kept.slice(0, limit);
          threshold = kept[kept.length - 1].h;
        }
      }
    }
  }
  return kept.sort((a, b) => a.h - b.h).slice(0, limit);
}

export async function drawSamples(
  repo: string,
  files: readonly string[],
  readText: (file: string) => string | undefined,
  count: number,
  seed: number,
  log: (s: string) => void,
  /** Wall-clock budget for resolving (a language server on a big corpus can be slow): fewer samples past it, said so. */
  budgetMs = 15 * 60_000,
  /** The files cursors are sampled in (default: all of `files`, which stay the definitions' and the oracles' scope). */
  cursorFiles: readonly string[] = files,
): Promise<DrawnSamples> {
  const defs = ctagsDefinitions(repo, files);
  const ctags = sampleCursors(readText, cursorFiles, defs, count, seed);
  const visible = visibleDefinitions(defs, readText);
  // Resolving is the slow part (a language server query each): at most 12 queries per wanted sample.
  const maxQueries = count * 12;
  const candidates = preciseCandidates(readText, cursorFiles, visible, maxQueries, seed);
  const oracles = new OracleSet(repo, new Set(files), log);
  const out: DrawnSamples = { precise: [], ctags, oracles: {}, rejected: {}, queries: 0, fallbacks: oracles.fallbacks };
  const usedLines = new Set<string>();
  try {
    const t0 = performance.now();
    for (const c of candidates) {
      if (out.precise.length >= count) break;
      if (performance.now() - t0 > budgetMs) {
        log(`oracle: time budget of ${Math.round(budgetMs / 60_000)} min spent after ${out.queries} queries: ${out.precise.length} precise samples`);
        break;
      }
      if (out.queries > 0 && out.queries % 200 === 0) log(`oracle: ${out.queries} queries, ${out.precise.length} samples, ${Math.round((performance.now() - t0) / 1000)} s`);
      const key = `${c.file}:${c.line}`;
      if (usedLines.has(key)) continue;
      const text = readText(c.file);
      if (text === undefined) continue;
      if (await inImportStatement(c.file, text, c.line, c.column)) {
        out.rejected.import = (out.rejected.import ?? 0) + 1;
        continue;
      }
      const oracle = await oracles.get(c.file);
      out.queries++;
      const v = await oracle.resolve({ file: c.file, line: c.line, column: c.column, name: c.name, text, ctags: visible.get(c.name) ?? [], definedInRepo: (n) => defs.has(n) });
      oracles.noteResult(c.file, serverFailed(v));
      if ('reject' in v) {
        out.rejected[v.reject] = (out.rejected[v.reject] ?? 0) + 1;
        if (v.reject === 'error' && out.rejected.error! <= 3) log(`oracle ${oracle.name} error at ${c.file}:${c.line + 1} ${c.name}: ${v.detail}`);
        continue;
      }
      // The site must name the symbol: a module or a file (line 0 of it) is where an import path leads, not a definition.
      const goldLine = readText(v.gold.file)?.split('\n', v.gold.line + 1)[v.gold.line] ?? '';
      if (!wholeWord(c.name, v.gold.file).test(goldLine)) {
        out.rejected.module = (out.rejected.module ?? 0) + 1;
        continue;
      }
      usedLines.add(key);
      out.precise.push({ file: c.file, line: c.line, column: c.column, name: c.name, gold: v.gold });
      out.oracles[oracle.name] = (out.oracles[oracle.name] ?? 0) + 1;
    }
  } finally {
    await oracles.close();
    releaseTrees();
  }
  return out;
}
