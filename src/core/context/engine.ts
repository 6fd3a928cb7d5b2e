/**
 * The context engine: for a cursor, gather candidates (enclosing scopes, skeleton, imported and nearby definitions,
 * signature types, similar windows, recent edits), then pack them into the caller's token budget.
 */
import type { Logger } from '../log';
import { nullLogger } from '../log';
import type { ActivitySource, OpenDocument } from './activity';
import { lineOf } from '../strings';
import { isSecretPath } from './exclude';
import { DocumentCache, type DocumentStructure } from './documentCache';
import { packRedacted, type Candidate } from './packing';
import { listCandidates, type CandidateInput } from './candidateRuns';
import { countTokensByLines } from '../tokens';
import { ImportResolver } from './resolveImports';
import { loadManifests, type PackageManifest } from './packageManifests';
import { BarrelCache } from './barrels';
import { languageForPath } from './languages';
import { MemberUseCache, NamespacePoolCache, containerFiles, namespaceFiles, namespaceMemberCandidates, qualifierTest, qualifierUses, warmNamespacePools } from './qualified';
import { qualifiedUseCandidates } from './qualifiedUses';
import { typedMemberCandidates } from './typedMembers';
import { DefinitionHints } from './definitionHints';
import { adjacentDefinitionCandidates } from './adjacent';
import { popularCandidates } from './popular';
import { macroFiles } from './macroFiles';
import { definitionCandidates, documentWindows, identifierWeights, importSurfaceRuns, nameFamilyCandidates, recentEditCandidates, similarCandidates, usedFiles, type CursorInfo } from './retrieval';
import { enclosingScopes, skeleton } from './structure';
import { WindowCache } from './similarity';
import type { ContextEngine, ContextRequest, PackedContext } from './types';
import type { WorkspaceIndex } from './workspaceIndex';

export interface EngineOptions {
  index: WorkspaceIndex;
  activity?: ActivitySource;
  logger?: Logger;
  /** Which sources to use (benchmarks switch some off). All on by default. */
  sources?: { similar?: boolean; recentEdits?: boolean; skeleton?: boolean; scope?: boolean };
  /** Sees every request's candidates before packing (probes and tests: why a definition was or was not packed). */
  onCandidates?: (candidates: readonly Candidate[]) => void;
}

const SCOPE_SCORE = 100;
/** The cursor is "in an import block" when an import statement is this close. */
const IMPORT_BLOCK_LINES = 3;
const MAX_IMPORTABLE_FILES = 30;
/** Files reachable through the imports and the barrels they name (definitions there count as imported). */
const MAX_REACHABLE_FILES = 64;
/** Go files of the same package are imported implicitly: treat them as an import this far away. */
const GO_PACKAGE_DISTANCE = 20;
const SKELETON_SCORE = 2.5;
/** A file defining this many names the current file uses (without importing it) weighs like an import. */
const USED_FILE_FULL_NAMES = 10;
const USED_FILE_MAX_WEIGHT = 1;
/** Files that sort into the cursor's slot of a sorted import block: at most this many, weighted like near definitions. */
const MAX_SLOT_FILES = 3;
const SLOT_WEIGHT = 10;
const SIMILAR_WEIGHT = 1.5;
/** Header lines of a file without a grammar (imports live there) when it does not fit. */
const FALLBACK_HEAD_LINES = 20;

export class TreeSitterContextEngine implements ContextEngine {
  readonly documents = new DocumentCache();
  /** What the editor's language server said about the open documents' names (definitionHints.ts). */
  readonly hints = new DefinitionHints();
  private readonly windows = new WindowCache();
  private readonly memberUses = new MemberUseCache();
  /** Namespace member pools kept across requests (see NamespacePoolCache; warmUp builds the file's). */
  readonly namespacePools = new NamespacePoolCache();
  private readonly barrels = new BarrelCache();
  private resolver: { size: number; revision: number; resolver: ImportResolver } | undefined;
  /** The files other files' imports reach (see typeScope), for one index revision. */
  private reachedFrom = { revision: -1, paths: new Map<string, string[]>() };
  /** The workspace's package.json files (see packageManifests.ts), read after each index build. */
  private manifests: readonly PackageManifest[] = [];
  private readonly logger: Logger;
  /** Open documents and recent edits (replaceable: benchmarks swap it per sample). */
  activity: ActivitySource | undefined;

  constructor(private readonly options: EngineOptions) {
    this.logger = options.logger ?? nullLogger;
    this.activity = options.activity;
  }

  async assemble(req: ContextRequest): Promise<PackedContext> {
    const t0 = performance.now();
    const { doc } = req;
    // The document asked about is the one being edited: its tree outlives the budget's others (see markActive).
    this.documents.markActive(doc.path);
    const structure = await this.documents.get(doc.path, doc.languageId, doc.version, doc.text);
    req.signal?.throwIfAborted();
    const cur = this.cursorInfo(req, structure);
    const on = this.options.sources ?? {};
    // Import surfaces come as runs (see CandidateRun): packing makes only the candidates it reaches.
    const candidates: CandidateInput[] = [];
    if (on.scope !== false) candidates.push(...scopeCandidates(cur));
    const fits = req.fileFits ?? doc.text.length / 4 < req.budgetTokens;
    if (!fits && on.skeleton !== false) candidates.push(...skeletonCandidates(cur, structure, req.budgetTokens));
    const ids = identifierWeights(cur);
    candidates.push(...definitionCandidates(cur, this.options.index, ids));
    candidates.push(...nameFamilyCandidates(cur, this.options.index));
    // Surfaces of explicitly imported files only: a Go package's own files would flood the budget with signatures.
    const explicit = structure.language === 'go' ? this.importedFiles(doc.relPath, structure, cur.line, false) : cur.importedFiles;
    candidates.push(...importSurfaceRuns({ ...cur, importedFiles: explicit }, this.options.index));
    // Files defining the macros the code invokes (Rust's reach the crate without a `use`): weighed as imports.
    const macros = macroFiles(cur, this.options.index);
    candidates.push(...importSurfaceRuns({ ...cur, importedFiles: new Map([...macros.keys()].map((f) => [f, 0])) }, this.options.index, 1, 'defines macros this file invokes'));
    // Files the code relies on without importing them, weighted by how many of their names it uses.
    for (const [f, names] of usedFiles(cur, this.options.index, ids)) {
      if (macros.has(f)) continue;
      const weight = Math.min(USED_FILE_MAX_WEIGHT, names / USED_FILE_FULL_NAMES);
      candidates.push(...importSurfaceRuns({ ...cur, importedFiles: new Map([[f, 0]]) }, this.options.index, weight, `its file defines ${Math.round(names)} names this file uses`));
    }
    const importable = this.importableNeighbours(cur, structure);
    const slot = [...importable].filter(([, d]) => d === 0);
    // A few files sorting into the cursor's slot of a sorted import list: the next line most likely names one of them.
    const slotFiles = slot.length > 0 && slot.length <= MAX_SLOT_FILES ? new Map(slot) : new Map<string, number>();
    for (const f of slotFiles.keys()) importable.delete(f);
    candidates.push(...importSurfaceRuns({ ...cur, importedFiles: slotFiles }, this.options.index, SLOT_WEIGHT, 'its module sorts into the import list at the cursor'));
    candidates.push(...importSurfaceRuns({ ...cur, importedFiles: importable }, this.options.index, 0.5, 'in a module next to the imports around the cursor'));
    candidates.push(...adjacentDefinitionCandidates(cur, this.options.index));
    // The qualified names the file writes (`Rpc.make`), resolved through their qualifier rather than by the bare name.
    const isContainer = (q: string) => containerFiles(q, this.options.index, doc.relPath).length > 0;
    candidates.push(...qualifiedUseCandidates(cur, { index: this.options.index, resolveFrom: this.resolveFrom, expand: this.expand }, qualifierTest(cur, isContainer)));
    candidates.push(...namespaceMemberCandidates(cur, { index: this.options.index, resolveFrom: this.resolveFrom, expand: this.expand, activity: this.activity, memberUses: this.memberUses, pools: this.namespacePools }));
    const hinted = this.hints.context(cur, this.options.index, ids);
    candidates.push(...hinted.definitions);
    candidates.push(...typedMemberCandidates(cur, this.typeScope(cur), hinted.valueTypes));
    candidates.push(...popularCandidates(cur, this.options.index));
    if (on.similar !== false) candidates.push(...similarCandidates(cur, this.activity, this.windows, { weight: SIMILAR_WEIGHT }));
    if (on.recentEdits !== false) candidates.push(...recentEditCandidates(cur, this.activity));
    req.signal?.throwIfAborted();
    if (this.options.onCandidates) this.options.onCandidates(listCandidates(candidates));
    // Keys written inline in other files (ghp_…, AKIA…, PEM blocks) never reach a prompt.
    const packed = packRedacted(candidates, Math.max(0, req.budgetTokens));
    const elapsedMs = performance.now() - t0;
    this.logger.debug(
      `context: ${packed.items.length} items, ${packed.tokens}/${req.budgetTokens} tokens, ${candidates.length} candidates and runs, ` +
        `${elapsedMs.toFixed(1)} ms${structure.fallback ? ` (fallback: ${structure.fallback})` : ''}`,
    );
    // Assigned, not spread: spreading would evaluate the lazily counted `dropped` list.
    return Object.assign(packed, { elapsedMs, fallback: structure.fallback, budgetTokens: req.budgetTokens });
  }

  /**
   * The focus warm-up (focusWarmUp.ts): a completion's assemble at the cursor, discarded, then the member pools of the
   * namespaces the whole file uses most (the first request near each built its pool). Rejects when `req.signal` aborts.
   */
  async warmUp(req: ContextRequest): Promise<string[]> {
    await this.assemble(req);
    const { doc } = req;
    const structure = await this.documents.get(doc.path, doc.languageId, doc.version, doc.text);
    req.signal?.throwIfAborted();
    const cur = this.cursorInfo(req, structure);
    const deps = { index: this.options.index, resolveFrom: this.resolveFrom, expand: this.expand, activity: this.activity, memberUses: this.memberUses, pools: this.namespacePools };
    const warmed = warmNamespacePools(cur, deps, (q) => containerFiles(q, this.options.index, doc.relPath).length > 0, req.signal);
    req.signal?.throwIfAborted();
    return warmed;
  }

  /**
   * Work for an open document done ahead of the requests that will use it: its similarity windows and, given its
   * `path` (the key requests use), its parse. Call when a document
   * is opened or focused (the extension does, off the keystroke path); a request computes whatever was not prepared.
   */
  prepare(doc: OpenDocument & { path?: string }): void {
    if (isSecretPath(doc.relPath)) return;
    documentWindows(doc, this.windows);
    // The first parse of a long file is the slow one: done now, off the keystroke path, a keystroke in it re-parses from
    // this tree (a file whose first parse runs over the budget still falls back). Queued with the requests.
    if (doc.path !== undefined) void this.documents.get(doc.path, doc.languageId, doc.version, doc.text).catch(() => undefined);
  }

  /**
   * Files the current file's imports point at (Go: plus its package's files), each with the line distance from
   * `cursorLine` to the nearest import statement naming it.
   */
  importedFiles(relPath: string, structure: DocumentStructure, cursorLine = 0, withPackage = true): Map<string, number> {
    return this.resolveImports(relPath, structure, cursorLine, withPackage).files;
  }

  /** importedFiles, and the names bound by the import statements that resolved to workspace files, in one pass. */
  private resolveImports(relPath: string, structure: DocumentStructure, cursorLine: number, withPackage = true) {
    const resolver = this.importResolver();
    const files = new Map<string, number>();
    const bindings = new Set<string>();
    if (!structure.language) return { files, bindings };
    for (const imp of structure.imports) {
      const d = Math.abs(imp.line - cursorLine);
      const targets = resolver.resolve(relPath, structure.language, imp.source);
      for (const f of targets) files.set(f, Math.min(d, files.get(f) ?? Infinity));
      if (targets.length > 0) for (const n of imp.names) bindings.add(n);
    }
    if (withPackage && structure.language === 'go') for (const f of resolver.siblings(relPath)) if (!files.has(f)) files.set(f, GO_PACKAGE_DISTANCE);
    files.delete(relPath);
    return { files, bindings };
  }

  /**
   * When the cursor is in an import (or re-export) block: files next to the ones imported around it that the file does
   * not import yet — the modules the next import line most likely names. Import lists are usually sorted, so the
   * siblings that sort between the import just above the cursor and the one just below come first (distance 0), then
   * the others by the distance (lines, at least 1) of the import that led to them.
   */
  importableNeighbours(cur: CursorInfo, structure: DocumentStructure): Map<string, number> {
    const out = new Map<string, number>();
    if (!structure.language) return out;
    const nearby = structure.imports.filter((i) => Math.abs(i.line - cur.line) <= IMPORT_BLOCK_LINES);
    if (nearby.length === 0) return out;
    const resolver = this.importResolver();
    const language = structure.language;
    const resolveFirst = (src: string | undefined) => (src === undefined ? undefined : resolver.resolve(cur.relPath, language, src)[0]);
    const above = resolveFirst(nearestImport(structure.imports, cur.line, -1)?.source);
    const below = resolveFirst(nearestImport(structure.imports, cur.line, 1)?.source);
    const ranked: { f: string; d: number }[] = [];
    const seen = new Set<string>();
    for (const imp of nearby) {
      for (const f of resolver.resolve(cur.relPath, language, imp.source)) {
        for (const sib of resolver.siblings(f)) {
          if (sib === cur.relPath || cur.importedFiles.has(sib) || seen.has(sib)) continue;
          seen.add(sib);
          ranked.push({ f: sib, d: inSortGap(sib, above, below) ? 0 : Math.max(1, Math.abs(imp.line - cur.line)) });
        }
      }
    }
    ranked.sort((a, b) => a.d - b.d || compareNames(a.f, b.f));
    for (const { f, d } of ranked.slice(0, MAX_IMPORTABLE_FILES)) out.set(f, d);
    return out;
  }

  /** Where the types of the values around the cursor are looked up (see valueTypes.ts). */
  private typeScope(cur: CursorInfo) {
    const index = this.options.index;
    const namespaces = new Map<string, string[] | undefined>();
    const namespaceOf = (q: string) => {
      if (!namespaces.has(q)) {
        const bound = cur.imports.some((imp) => imp.names.includes(q));
        namespaces.set(q, bound ? namespaceFiles(cur, q, { index, resolveFrom: this.resolveFrom, expand: this.expand }).map((f) => f.path) : undefined);
      }
      return namespaces.get(q);
    };
    // What another file's imports reach changes only with the index: kept across requests (a large module's dozens of
    // imports are resolved once, not on every keystroke that types a call into it).
    if (this.reachedFrom.revision !== index.revision) this.reachedFrom = { revision: index.revision, paths: new Map() };
    const reached = this.reachedFrom.paths;
    const importsOf = (path: string) => {
      let out = reached.get(path);
      if (!out) {
        const direct = (index.file(path)?.imports ?? []).flatMap((src) => this.resolveFrom(path, src));
        reached.set(path, (out = this.expand(direct, MAX_REACHABLE_FILES).map((f) => f.path)));
      }
      return out;
    };
    return { index, fromPath: cur.relPath, reachable: cur.reachableFiles, namespaceFiles: namespaceOf, importsOf };
  }

  /** Resolves an import source written in `fromPath` (that file's language decides how). */
  private readonly resolveFrom = (fromPath: string, source: string): string[] => {
    const language = languageForPath(fromPath);
    return language ? this.importResolver().resolve(fromPath, language, source) : [];
  };

  /** expandBarrels, kept for the current resolver (see BarrelCache: a new index revision or manifests make a new one). */
  private readonly expand = (files: readonly string[], limit: number) =>
    this.barrels.expand(this.importResolver(), files, this.options.index, this.resolveFrom, limit);

  private importResolver(): ImportResolver {
    const { index } = this.options;
    if (!this.resolver || this.resolver.revision !== index.revision) {
      this.resolver = { size: index.size, revision: index.revision, resolver: new ImportResolver([...index.allFiles()].map((f) => f.path), this.manifests) };
    }
    return this.resolver.resolver;
  }

  /**
   * Reads the package.json files of the folders holding JavaScript/TypeScript files (call after an index build), so a
   * package imported by its own name resolves to its sources. Off the keystroke path: a few reads per package folder.
   */
  async loadPackageManifests(): Promise<void> {
    const { index } = this.options;
    const scripts = [...index.allFiles()].map((f) => f.path).filter((p) => /\.[cm]?[jt]sx?$/.test(p));
    this.manifests = scripts.length ? await loadManifests(scripts, (p) => index.readText(p)) : [];
    this.resolver = undefined;
  }

  private cursorInfo(req: ContextRequest, structure: DocumentStructure): CursorInfo {
    const { doc } = req;
    const offset = Math.max(0, Math.min(doc.offset, doc.text.length));
    // The editor's line when it says (counting a 28,000-line file's lines from the top costs ~1 ms a keystroke).
    const line = doc.line !== undefined && offset === doc.offset ? doc.line : lineOf(doc.text, offset);
    const { files: importedFiles, bindings } = this.resolveImports(doc.relPath, structure, line);
    const info: CursorInfo = {
      relPath: doc.relPath,
      languageId: doc.languageId,
      text: doc.text,
      offset,
      line,
      tags: structure.tags,
      imports: structure.imports,
      scopes: enclosingScopes(structure.tags, offset),
      importedFiles,
      reachableFiles: new Set(this.expand([...importedFiles.keys()], MAX_REACHABLE_FILES).map((f) => f.path)),
      resolvedBindings: bindings,
      qualifiers: new Map(),
    };
    return { ...info, qualifiers: qualifierUses(info, (q) => containerFiles(q, this.options.index, doc.relPath).length > 0) };
  }

  dispose(): void {
    this.documents.dispose();
  }
}

/** The import statement nearest to `line` strictly above (dir -1) or below (dir 1) it. */
function nearestImport(imports: readonly { source: string; line: number }[], line: number, dir: -1 | 1) {
  let best: { source: string; line: number } | undefined;
  for (const imp of imports) {
    if ((imp.line - line) * dir <= 0) continue;
    if (!best || Math.abs(imp.line - line) < Math.abs(best.line - line)) best = imp;
  }
  return best;
}

/** Case-insensitive path order (how sorted import lists are usually sorted). */
function compareNames(a: string, b: string): number {
  const x = a.toLowerCase(), y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * True when `file` sorts strictly between the files imported just above and just below the cursor, i.e. the slot of a
 * sorted import list where its import line would go. False when the two neighbours are not in order.
 */
export function inSortGap(file: string, above: string | undefined, below: string | undefined): boolean {
  if (!above || !below || compareNames(above, below) >= 0) return false;
  return compareNames(above, file) < 0 && compareNames(file, below) < 0;
}

function scopeCandidates(cur: CursorInfo): Candidate[] {
  if (cur.scopes.length === 0) return [];
  const body = cur.scopes.map((s, i) => '  '.repeat(i) + s.signature).join('\n');
  return [{
    source: 'scope',
    path: cur.relPath,
    languageId: cur.languageId,
    startLine: cur.scopes[0].startLine,
    endLine: cur.scopes[0].startLine,
    body,
    score: SCOPE_SCORE,
    reason: `enclosing ${cur.scopes.map((s) => `${s.kind} ${s.name}`).join(' > ')}`,
  }];
}

/** Outline lines for a budget: about a quarter of it (outline lines average ~15 tokens), between 20 and 200 lines. */
function skeletonLines(budgetTokens: number): number {
  return Math.max(20, Math.min(200, Math.round(budgetTokens / 4 / 15)));
}

function skeletonCandidates(cur: CursorInfo, structure: DocumentStructure, budgetTokens: number): Candidate[] {
  if (structure.fallback) {
    const head = cur.text.split('\n', FALLBACK_HEAD_LINES).join('\n');
    if (cur.offset < head.length || !head.trim()) return [];
    return [{
      source: 'skeleton', path: cur.relPath, languageId: cur.languageId, startLine: 0, endLine: FALLBACK_HEAD_LINES - 1,
      body: head.slice(0, 2000), score: SKELETON_SCORE, reason: `first lines of the file (not parsed: ${structure.fallback})`,
    }];
  }
  if (structure.tags.length === 0) return [];
  // About a quarter of the budget: outline lines vary a lot in length, so fewer lines when they are long.
  let maxLines = skeletonLines(budgetTokens);
  let body = skeleton(structure.tags, { maxLines, around: cur.offset });
  // By lines (exact, see tokens.ts): the outline around the cursor shifts with it, but its lines come back.
  const tokens = countTokensByLines(body);
  if (tokens > budgetTokens / 4) {
    maxLines = Math.max(10, Math.floor((maxLines * budgetTokens) / 4 / tokens));
    body = skeleton(structure.tags, { maxLines, around: cur.offset });
  }
  return [{
    source: 'skeleton', path: cur.relPath, languageId: cur.languageId, startLine: 0, endLine: 0,
    body,
    score: SKELETON_SCORE, reason: 'outline of the current file around the cursor (the file does not fit whole)',
  }];
}
