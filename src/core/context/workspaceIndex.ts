/**
 * The workspace index: tree-sitter definition tags for every source file, with a compact snippet per definition,
 * looked up by name. Built in the background: a build with many files to parse parses them in a pool of worker
 * threads (off the caller's thread, in parallel; the workers go away after the build), a small one in-process
 * (yielding to the event loop). Updated one file at a time, serialisable (entries keyed by path + mtime + size are
 * reused on the next build), bounded in memory.
 */
import type { Logger } from '../log';
import { nullLogger } from '../log';
import { languageForPath, type LanguageName } from './languages';
import { addTiming, indexParsedText, timingTotal, usedNames, MAX_INDEX_FILE_BYTES, type FileIndexResult, type IndexTiming, type IndexedTag, type LocalFileIndex } from './fileIndexer';
import { defaultWorkerCount, defaultWorkerScript, IndexWorkerPool, type WorkerStats } from './indexPool';
import { ExclusionRules } from './exclude';
import { walkWorkspace, type WorkspaceFs } from './workspaceFs';
import type { Tree } from './parser';
import { SavedParses } from './savedParse';
import { detach } from '../strings';

export type { IndexedTag } from './fileIndexer';

export interface IndexedFile {
  path: string;
  language: LanguageName;
  mtimeMs: number;
  size: number;
  tags: IndexedTag[];
  /** Import sources as written. */
  imports: string[];
  /** The distinct identifiers the file names, one per line (see FileIndexResult.uses; read with usedNames). */
  uses?: string;
  /** Why the file has no tags, when it has none for a reason (too-big, minified, timeout). */
  skipped?: string;
}

export interface TagRef {
  file: IndexedFile;
  tag: IndexedTag;
}

export interface IndexOptions {
  logger?: Logger;
  /** Most files indexed (the rest are ignored, with a log line). */
  maxFiles?: number;
  /** Most tags kept per file. */
  maxTagsPerFile?: number;
  /** Parse budget per file. */
  parseTimeoutMs?: number;
  /** Worker threads for builds with many files to parse (default: one per core, at most 4; 0: parse in-process). */
  workers?: number;
  /** The worker entry (default: indexWorker.js / .ts next to this module, see defaultWorkerScript). */
  workerScript?: string;
  /** A build uses workers when at least this many files are new to the index (default WORKER_MIN_FILES). */
  workerMinFiles?: number;
  /**
   * The tree of an open document whose text is exactly `text` (DocumentCache.treeOf), if there is one: re-indexing a
   * saved file then skips the parse (most of the work). Used synchronously and not kept.
   */
  openTree?: (relPath: string, text: string) => Tree | undefined;
}

export interface BuildProgress {
  done: number;
  total: number;
}

/**
 * 3: entries carry `uses` (the identifiers a file names). 4: snippets have inline keys redacted (an index saved before is
 * rebuilt). 5: the one redaction (secret assignments, auth headers, URL credentials, tokens too). 6: `uses` is one string
 * of names, one per line (was an array of names). 7: TypeScript members named by a string (`readonly "Type": T`) are tags, and
 * members of interfaces in namespaces however deep (tags.scm).
 */
const FORMAT_VERSION = 7;
/** Files read ahead of the one being parsed and stored during an in-process build. */
const READ_AHEAD = 16;
/**
 * With workers, files sent to be parsed ahead of the one being stored (entries are stored in path order). It must hold
 * enough small files to keep the other workers busy while the first one parses a run of big files (see BIG_FILE_BYTES),
 * and enough work in general: in a simulation of two workers (cost by bytes) over the walk order of sympy and effect,
 * 64 left sympy 1.6% slower with the big files routed and effect 5% slower than 128, which lost nothing against an
 * unbounded window on either; 256 for margin. What it holds is the entries waiting for an earlier one (~8 KB each).
 */
const POOL_AHEAD = 256;
/** A build uses workers when at least this many files are new to the index (starting workers costs 0.2-0.5 s of CPU). */
const WORKER_MIN_FILES = 48;

type Loaded =
  | { kind: 'gone' }
  | { kind: 'same' }
  | { kind: 'read'; language: LanguageName; stat: { mtimeMs: number; size: number }; text: string | undefined; indexed?: Promise<FileIndexResult | undefined> }
  /** A new local file sent to a worker by path: the worker reads and stats it (undefined: the worker failed). */
  | { kind: 'sent'; language: LanguageName; indexed: Promise<LocalFileIndex | undefined> };

/** namesExtending looks at most this many names (a short, common prefix would match thousands). */
const MAX_PREFIX_SCAN = 200;

export class WorkspaceIndex {
  private readonly files = new Map<string, IndexedFile>();
  private readonly byName = new Map<string, TagRef[]>();
  /** In how many indexed files each identifier is named (from the entries' `uses`), kept with every put/remove. */
  private readonly useCounts = new Map<string, number>();
  private readonly logger: Logger;
  private readonly maxFiles: number;
  private readonly maxTagsPerFile: number;
  private readonly parseTimeoutMs: number;
  /** Indexing time by step since the last build started (updates of single files add to it). */
  timing: IndexTiming = { read: 0, parse: 0, query: 0, snippets: 0, uses: 0 };
  /**
   * The last build: wall time, files, bytes, and where the time went (ms summed over the indexing threads; plus, for a
   * build in workers, the time jobs spent in messages and queued behind their worker's running job; and this thread
   * storing the entries).
   */
  lastBuild:
    | {
        wallMs: number;
        files: number;
        parsed: number;
        bytes: number;
        steps: IndexTiming & { waitAndTransfer: number; ingest: number };
        /** What each index worker did (none for an in-process build). */
        workerStats: WorkerStats[];
        /**
         * Wall time of the build's phases (ms): walking the workspace, indexing and storing, closing the pool; and when
         * the pool started, from the build's start, and after how many of the walk's files (undefined: no pool).
         */
        phases: { walk: number; index: number; close: number; poolStart?: number; poolStartFiles?: number };
      }
    | undefined;
  private readonly workers: number;
  private readonly workerScript: string | undefined;
  private readonly workerMinFiles: number;
  private readonly openTree: IndexOptions['openTree'];
  /** The last file parsed on this thread, for a re-parse around the change when it is saved again (see SavedParses). */
  readonly savedParses = new SavedParses();
  private generation = 0;
  /** One warning per build when worker jobs fail (the files are then parsed in-process). */
  private workerFailureLogged = false;
  /** Bumped on every change, so derived structures (import resolution) know when to rebuild. */
  revision = 0;
  private sortedNames: { revision: number; names: string[] } | undefined;

  constructor(
    private readonly wfs: WorkspaceFs,
    private rules: ExclusionRules = new ExclusionRules(),
    options: IndexOptions = {},
  ) {
    this.logger = options.logger ?? nullLogger;
    this.maxFiles = options.maxFiles ?? 50_000;
    this.maxTagsPerFile = options.maxTagsPerFile ?? 2_000;
    this.parseTimeoutMs = options.parseTimeoutMs ?? 2000;
    this.workers = options.workers ?? defaultWorkerCount();
    this.workerScript = options.workerScript ?? defaultWorkerScript();
    this.workerMinFiles = options.workerMinFiles ?? WORKER_MIN_FILES;
    this.openTree = options.openTree;
  }

  get size(): number {
    return this.files.size;
  }

  setRules(rules: ExclusionRules): void {
    this.rules = rules;
  }

  /** Definitions named `name`, anywhere in the workspace. */
  lookup(name: string): readonly TagRef[] {
    return this.byName.get(name) ?? [];
  }

  /**
   * In how many indexed files `name` appears in code: how much of the workspace uses it (a helper every module
   * imports scores high, a name one file defines and nobody calls scores 1). Counted when files are indexed.
   */
  usage(name: string): number {
    return this.useCounts.get(name) ?? 0;
  }

  /**
   * Names defined in the workspace that start with `prefix` and are longer than it (e.g. `FooInternals`, `FooDef` for
   * `Foo`), shortest first, at most `limit`. The sorted name list is rebuilt lazily after the index changes.
   */
  namesExtending(prefix: string, limit: number): string[] {
    if (!this.sortedNames || this.sortedNames.revision !== this.revision) {
      this.sortedNames = { revision: this.revision, names: [...this.byName.keys()].sort() };
    }
    const names = this.sortedNames.names;
    let lo = 0, hi = names.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (names[mid] <= prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < names.length && out.length < MAX_PREFIX_SCAN && names[i].startsWith(prefix); i++) out.push(names[i]);
    return out.sort((a, b) => a.length - b.length || (a < b ? -1 : 1)).slice(0, limit);
  }

  /** A workspace file's text read now, whether indexed or not (package.json manifests); undefined when missing or binary. */
  readText(relPath: string): Promise<string | undefined> {
    return this.wfs.readText(relPath);
  }

  file(relPath: string): IndexedFile | undefined {
    return this.files.get(relPath);
  }

  allFiles(): IterableIterator<IndexedFile> {
    return this.files.values();
  }

  /** True when the rules allow indexing `relPath` and we have a grammar for it. */
  accepts(relPath: string): boolean {
    return languageForPath(relPath) !== undefined && !this.rules.excludes(relPath);
  }

  /**
   * Walk the workspace and (re)index every accepted file whose mtime/size changed; drop files that are gone.
   * Yields to the event loop between files. A newer build() or clear() makes an older one stop.
   */
  async build(onProgress?: (p: BuildProgress) => void, signal?: AbortSignal): Promise<{ files: number; parsed: number }> {
    const gen = ++this.generation;
    const started = performance.now();
    this.timing = { read: 0, parse: 0, query: 0, snippets: 0, uses: 0 };
    let ingestMs = 0;
    let transferMs = 0;
    let workerStats: WorkerStats[] = [];
    // The pool starts as soon as the walk has found enough files new to the index, and its workers load the grammar and
    // compile the queries of the most common language so far while the walk goes on (each worker's start and first
    // compile took 0.2-0.5 s before its first file, after the walk).
    let pool: IndexWorkerPool | undefined;
    let fresh = 0;
    let poolStart: number | undefined;
    let poolStartFiles: number | undefined;
    let walkedFiles = 0;
    const freshLanguages = new Map<LanguageName, number>();
    const accept = (p: string): boolean => {
      const language = languageForPath(p);
      if (!language) return false;
      walkedFiles++;
      if (!pool && fresh < this.workerMinFiles && !this.files.has(p)) {
        freshLanguages.set(language, (freshLanguages.get(language) ?? 0) + 1);
        if (++fresh >= this.workerMinFiles) {
          pool = this.startPool([...freshLanguages].sort((a, b) => b[1] - a[1])[0][0]);
          if (pool) {
            poolStart = performance.now() - started;
            poolStartFiles = walkedFiles;
          }
        }
      }
      return true;
    };
    let paths: string[];
    try {
      paths = await walkWorkspace(this.wfs, this.rules, { accept, limit: this.maxFiles, signal });
    } catch (err) {
      await (pool as IndexWorkerPool | undefined)?.close();
      throw err;
    }
    if (paths.length >= this.maxFiles) this.logger.warn(`context index: stopped at ${this.maxFiles} files`);
    if (pool) this.logger.info(`context index: parsing ${paths.length} files in ${pool.size} worker threads`);
    const walked = performance.now();
    let indexed = walked;
    const keep = new Set(paths);
    for (const p of [...this.files.keys()]) if (!keep.has(p)) this.remove(p);
    let parsed = 0;
    let lastYield = Date.now();
    // Reads (and, with a pool, parses) run ahead in a small window; entries are stored in path order.
    const loads: Promise<Loaded>[] = [];
    const ahead = (i: number) => {
      if (i < paths.length && !loads[i]) loads[i] = this.load(paths[i], pool);
    };
    const window = pool ? POOL_AHEAD : READ_AHEAD;
    try {
      for (let i = 0; i < Math.min(window, paths.length); i++) ahead(i);
      for (let i = 0; i < paths.length; i++) {
        if (signal?.aborted || gen !== this.generation) break;
        ahead(i + window);
        const loaded = await loads[i];
        // Storing the entry is timed, not waiting for its worker.
        if (loaded.kind === 'sent' || loaded.kind === 'read') await loaded.indexed;
        const i0 = performance.now();
        const indexing0 = timingTotal(this.timing);
        if (await this.ingest(paths[i], loaded)) parsed++;
        // In-process, ingest() also indexes the file: that time is in this.timing already (a worker's is on its thread).
        const here = loaded.kind === 'read' && !loaded.indexed;
        ingestMs += performance.now() - i0 - (here ? timingTotal(this.timing) - indexing0 : 0);
        delete loads[i];
        if (Date.now() - lastYield > 20) {
          onProgress?.({ done: i + 1, total: paths.length });
          await new Promise((r) => setImmediate(r));
          lastYield = Date.now();
        }
      }
    } finally {
      transferMs = pool?.waitAndTransferMs ?? 0;
      workerStats = pool?.workerStats ?? [];
      indexed = performance.now();
      await pool?.close();
    }
    onProgress?.({ done: paths.length, total: paths.length });
    let bytes = 0;
    for (const f of this.files.values()) bytes += f.size;
    const end = performance.now();
    const phases = { walk: walked - started, index: indexed - walked, close: end - indexed, poolStart, poolStartFiles };
    this.lastBuild = { wallMs: end - started, files: this.files.size, parsed, bytes, steps: { ...this.timing, waitAndTransfer: transferMs, ingest: ingestMs }, workerStats, phases };
    return { files: this.files.size, parsed };
  }

  /**
   * A worker pool (the build has enough new files to be worth one) when workers are allowed and available, its workers
   * preparing `language` at once.
   */
  private startPool(language: LanguageName): IndexWorkerPool | undefined {
    if (this.workers <= 0 || !this.workerScript) return undefined;
    this.workerFailureLogged = false;
    try {
      const pool = new IndexWorkerPool(this.workers, this.workerScript);
      pool.warm(language);
      return pool;
    } catch (err) {
      this.logger.warn(`context index: no worker threads (${err instanceof Error ? err.message : String(err)}); parsing in-process`);
      return undefined;
    }
  }

  /** (Re)index one file if it changed. Returns true when it was parsed. Removes it when it is gone or excluded. */
  async update(relPath: string): Promise<boolean> {
    return this.ingest(relPath, await this.load(relPath));
  }

  /**
   * Stat (and, when changed, read) a file: the I/O half of update(). With a pool, the file is also sent to be parsed;
   * a local file new to the index is sent by path (the worker reads it: nothing to compare, and this thread neither
   * reads nor copies the text).
   */
  private async load(relPath: string, pool?: IndexWorkerPool): Promise<Loaded> {
    const language = languageForPath(relPath);
    if (!language || this.rules.excludes(relPath)) return { kind: 'gone' };
    const local = pool && !this.files.has(relPath) ? this.wfs.localPath?.(relPath) : undefined;
    if (pool && local) return { kind: 'sent', language, indexed: pool.runFile(language, local, this.fileOptions()).catch((err) => this.workerFailed(err)) };
    const stat = await this.wfs.stat(relPath);
    if (!stat) return { kind: 'gone' };
    const old = this.files.get(relPath);
    if (old && old.mtimeMs === stat.mtimeMs && old.size === stat.size) return { kind: 'same' };
    if (stat.size > MAX_INDEX_FILE_BYTES) return { kind: 'read', language, stat, text: undefined };
    const text = await this.wfs.readText(relPath);
    if (text === undefined) return { kind: 'gone' };
    const indexed = pool?.run(language, text, this.fileOptions()).catch((err) => this.workerFailed(err));
    return { kind: 'read', language, stat, text, indexed };
  }

  /** A worker that fails (dies, pool closed) yields undefined: the file is then indexed in-process. Logged once per build. */
  private workerFailed(err: unknown): undefined {
    if (!this.workerFailureLogged) {
      this.workerFailureLogged = true;
      this.logger.warn(`context index: a worker failed (${err instanceof Error ? err.message : String(err)}); its files are parsed in-process`);
    }
    return undefined;
  }

  private fileOptions() {
    return { maxTags: this.maxTagsPerFile, parseTimeoutMs: this.parseTimeoutMs };
  }

  /** The parsing half of update(). */
  private async ingest(relPath: string, loaded: Loaded): Promise<boolean> {
    if (loaded.kind === 'gone') {
      this.remove(relPath);
      return false;
    }
    if (loaded.kind === 'same') return false;
    if (loaded.kind === 'sent') {
      const local = await loaded.indexed;
      if (!local) return this.ingest(relPath, await this.load(relPath));
      if (local.kind === 'gone') {
        this.remove(relPath);
        return false;
      }
      const { timing, ...result } = local.result;
      addTiming(this.timing, timing);
      this.put({ path: relPath, language: loaded.language, ...local.stat, ...result });
      return true;
    }
    const { language, stat, text } = loaded;
    const entry: IndexedFile = { path: relPath, language, mtimeMs: stat.mtimeMs, size: stat.size, tags: [], imports: [] };
    if (text === undefined) entry.skipped = 'too-big';
    else {
      const { timing, ...result } = (await loaded.indexed) ?? (await this.indexText(relPath, language, text));
      addTiming(this.timing, timing);
      Object.assign(entry, result);
    }
    this.put(entry);
    return true;
  }

  /** A file's entry from its text: from an open document's tree of that very text when there is one, else parsed. */
  private indexText(relPath: string, language: LanguageName, text: string): Promise<FileIndexResult> {
    // No await between borrowing the tree and using it: the document cache cannot change or free it meanwhile.
    const tree = this.openTree?.(relPath, text);
    return tree ? Promise.resolve(indexParsedText(language, text, tree, this.fileOptions())) : this.savedParses.index(relPath, language, text, this.fileOptions());
  }

  /** Index `text` as the content of `relPath` (an unsaved document, or a test). */
  async updateText(relPath: string, text: string, stat = { mtimeMs: Date.now(), size: text.length }): Promise<void> {
    const language = languageForPath(relPath);
    if (!language || this.rules.excludes(relPath)) return;
    const entry: IndexedFile = { path: relPath, language, mtimeMs: stat.mtimeMs, size: stat.size, tags: [], imports: [] };
    const { timing, ...result } = await this.indexText(relPath, language, text);
    addTiming(this.timing, timing);
    Object.assign(entry, result);
    this.put(entry);
  }

  remove(relPath: string): void {
    const old = this.files.get(relPath);
    if (!old) return;
    this.revision++;
    this.files.delete(relPath);
    for (const name of usedNames(old.uses)) {
      const n = (this.useCounts.get(name) ?? 0) - 1;
      if (n > 0) this.useCounts.set(name, n);
      else this.useCounts.delete(name);
    }
    for (const t of old.tags) {
      const refs = this.byName.get(t.name);
      if (!refs) continue;
      const rest = refs.filter((r) => r.file !== old);
      if (rest.length) this.byName.set(t.name, rest);
      else this.byName.delete(t.name);
    }
  }

  /** Drop the folder's files (a deleted or renamed folder). */
  removeFolder(relDir: string): void {
    const prefix = relDir.replace(/\/+$/, '') + '/';
    for (const p of [...this.files.keys()]) if (p.startsWith(prefix)) this.remove(p);
  }

  clear(): void {
    this.savedParses.clear();
    this.generation++;
    this.revision++;
    this.files.clear();
    this.byName.clear();
    this.useCounts.clear();
  }

  private put(entry: IndexedFile): void {
    this.remove(entry.path);
    this.revision++;
    this.files.set(entry.path, entry);
    for (const name of usedNames(entry.uses)) {
      const n = this.useCounts.get(name);
      // A new key is detached: a name split from a file's `uses` would otherwise keep that whole string alive (see detach).
      if (n === undefined) this.useCounts.set(detach(name), 1);
      else this.useCounts.set(name, n + 1);
    }
    for (const tag of entry.tags) {
      const refs = this.byName.get(tag.name);
      if (refs) refs.push({ file: entry, tag });
      else this.byName.set(tag.name, [{ file: entry, tag }]);
    }
  }

  /** JSON for persistence (extension storage). */
  serialize(): string {
    return JSON.stringify({ version: FORMAT_VERSION, files: [...this.files.values()] });
  }

  /** Restore entries saved by serialize(); a later build() re-parses only files whose mtime/size changed. */
  restore(json: string): number {
    let data: { version?: number; files?: IndexedFile[] };
    try {
      data = JSON.parse(json) as typeof data;
    } catch {
      return 0;
    }
    if (data.version !== FORMAT_VERSION || !Array.isArray(data.files)) return 0;
    let n = 0;
    for (const f of data.files) {
      if (typeof f?.path !== 'string' || !Array.isArray(f.tags) || (f.uses !== undefined && typeof f.uses !== 'string') || this.rules.excludes(f.path)) continue;
      this.put(f);
      n++;
    }
    return n;
  }
}
