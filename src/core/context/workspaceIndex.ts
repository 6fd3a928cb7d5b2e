/**
 * The workspace index: tree-sitter definition tags for every source file, with a compact snippet per definition,
 * looked up by name. Built in the background (yielding to the event loop), updated one file at a time, serialisable
 * (entries keyed by path + mtime + size are reused on the next build), bounded in memory.
 */
import type { Logger } from '../log';
import { nullLogger } from '../log';
import { languageForPath, type LanguageName } from './languages';
import { parse, unparseableReason, MAX_PARSE_CHARS } from './parser';
import { extractStructure, detach, CONTAINER_KINDS, type Tag } from './structure';
import { directMembers, renderDefinition } from './snippets';
import { commentPrefix } from './languages';
import { ExclusionRules } from './exclude';
import { walkWorkspace, type WorkspaceFs } from './workspaceFs';

export interface IndexedTag {
  name: string;
  kind: string;
  /** 0-based line of the name (what ctags reports), and the snippet's first line. */
  line: number;
  startLine: number;
  endLine: number;
  signature: string;
  /** Compact rendering: signature plus a short body, or member signatures. */
  snippet: string;
}

export interface IndexedFile {
  path: string;
  language: LanguageName;
  mtimeMs: number;
  size: number;
  tags: IndexedTag[];
  /** Import sources as written. */
  imports: string[];
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
}

export interface BuildProgress {
  done: number;
  total: number;
}

const FORMAT_VERSION = 2;
/** Definitions deeper than this are locals (deepest legitimate: namespace > class > inner class > method, ~7). */
const INDEX_TAG_DEPTH = 8;
/** Files read ahead of the parser during a build. */
const READ_AHEAD = 16;

type Loaded =
  | { kind: 'gone' }
  | { kind: 'same' }
  | { kind: 'read'; language: LanguageName; stat: { mtimeMs: number; size: number }; text: string | undefined };

/** namesExtending looks at most this many names (a short, common prefix would match thousands). */
const MAX_PREFIX_SCAN = 200;

export class WorkspaceIndex {
  private readonly files = new Map<string, IndexedFile>();
  private readonly byName = new Map<string, TagRef[]>();
  private readonly logger: Logger;
  private readonly maxFiles: number;
  private readonly maxTagsPerFile: number;
  private readonly parseTimeoutMs: number;
  private generation = 0;
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
    const paths = await walkWorkspace(this.wfs, this.rules, { accept: (p) => languageForPath(p) !== undefined, limit: this.maxFiles, signal });
    if (paths.length >= this.maxFiles) this.logger.warn(`context index: stopped at ${this.maxFiles} files`);
    const keep = new Set(paths);
    for (const p of [...this.files.keys()]) if (!keep.has(p)) this.remove(p);
    let parsed = 0;
    let lastYield = Date.now();
    // Reads run ahead of parsing (a small window of concurrent stat+read), parsing stays sequential.
    const loads: Promise<Loaded>[] = [];
    const ahead = (i: number) => {
      if (i < paths.length && !loads[i]) loads[i] = this.load(paths[i]);
    };
    for (let i = 0; i < Math.min(READ_AHEAD, paths.length); i++) ahead(i);
    for (let i = 0; i < paths.length; i++) {
      if (signal?.aborted || gen !== this.generation) break;
      ahead(i + READ_AHEAD);
      if (await this.ingest(paths[i], await loads[i])) parsed++;
      delete loads[i];
      if (Date.now() - lastYield > 20) {
        onProgress?.({ done: i + 1, total: paths.length });
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
    }
    onProgress?.({ done: paths.length, total: paths.length });
    return { files: this.files.size, parsed };
  }

  /** (Re)index one file if it changed. Returns true when it was parsed. Removes it when it is gone or excluded. */
  async update(relPath: string): Promise<boolean> {
    return this.ingest(relPath, await this.load(relPath));
  }

  /** Stat (and, when changed, read) a file: the I/O half of update(). */
  private async load(relPath: string): Promise<Loaded> {
    const language = languageForPath(relPath);
    if (!language || this.rules.excludes(relPath)) return { kind: 'gone' };
    const stat = await this.wfs.stat(relPath);
    if (!stat) return { kind: 'gone' };
    const old = this.files.get(relPath);
    if (old && old.mtimeMs === stat.mtimeMs && old.size === stat.size) return { kind: 'same' };
    if (stat.size > MAX_PARSE_CHARS * 2) return { kind: 'read', language, stat, text: undefined };
    const text = await this.wfs.readText(relPath);
    return text === undefined ? { kind: 'gone' } : { kind: 'read', language, stat, text };
  }

  /** The parsing half of update(). */
  private async ingest(relPath: string, loaded: Loaded): Promise<boolean> {
    if (loaded.kind === 'gone') {
      this.remove(relPath);
      return false;
    }
    if (loaded.kind === 'same') return false;
    const { language, stat, text } = loaded;
    const entry: IndexedFile = { path: relPath, language, mtimeMs: stat.mtimeMs, size: stat.size, tags: [], imports: [] };
    if (text === undefined) entry.skipped = 'too-big';
    else await this.fill(entry, text);
    this.put(entry);
    return true;
  }

  /** Index `text` as the content of `relPath` (an unsaved document, or a test). */
  async updateText(relPath: string, text: string, stat = { mtimeMs: Date.now(), size: text.length }): Promise<void> {
    const language = languageForPath(relPath);
    if (!language || this.rules.excludes(relPath)) return;
    const entry: IndexedFile = { path: relPath, language, mtimeMs: stat.mtimeMs, size: stat.size, tags: [], imports: [] };
    await this.fill(entry, text);
    this.put(entry);
  }

  remove(relPath: string): void {
    const old = this.files.get(relPath);
    if (!old) return;
    this.revision++;
    this.files.delete(relPath);
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
    this.generation++;
    this.revision++;
    this.files.clear();
    this.byName.clear();
  }

  private async fill(entry: IndexedFile, text: string): Promise<void> {
    const reason = unparseableReason(text);
    if (reason) {
      entry.skipped = reason;
      return;
    }
    const tree = await parse(entry.language, text, { timeoutMs: this.parseTimeoutMs });
    if (!tree) {
      entry.skipped = 'timeout';
      return;
    }
    try {
      const { tags, imports } = extractStructure(entry.language, tree, text, { maxDepth: INDEX_TAG_DEPTH });
      entry.imports = imports.map((i) => i.source).filter(Boolean);
      entry.tags = toIndexed(tags.slice(0, this.maxTagsPerFile), text, commentPrefix(entry.language));
    } finally {
      tree.delete();
    }
  }

  private put(entry: IndexedFile): void {
    this.remove(entry.path);
    this.revision++;
    this.files.set(entry.path, entry);
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
      if (typeof f?.path !== 'string' || !Array.isArray(f.tags) || this.rules.excludes(f.path)) continue;
      this.put(f);
      n++;
    }
    return n;
  }
}

function toIndexed(tags: Tag[], text: string, comment: string): IndexedTag[] {
  const lines = text.split('\n');
  return tags.map((t) => ({
    name: t.name,
    kind: t.kind,
    line: t.nameLine,
    startLine: t.startLine,
    endLine: t.endLine,
    signature: t.signature,
    // detach: a one-line snippet is a substring of the file (see detach).
    snippet: detach(renderDefinition(t, lines, CONTAINER_KINDS.has(t.kind) ? directMembers(t, tags) : [], comment)),
  }));
}
