/**
 * The workspace index's life in the engine's worker: restore from the persisted file, background builds (the newest
 * wins), incremental updates from file events (debounced per file), deletions, new exclusion rules, and saving
 * (entries keyed by path + mtime + size, so a reload re-parses only what changed). The host only forwards events.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Logger } from '../log';
import { ExclusionRules, type ExclusionOptions } from './exclude';
import { WorkspaceIndex, type IndexOptions } from './workspaceIndex';
import { multiRootWorkspaceFs, nodeWorkspaceFs } from './workspaceFs';
import type { IndexStats } from './report';
import type { EngineFolder } from './engineProtocol';

const SAVE_DELAY_MS = 30_000;
const UPDATE_DELAY_MS = 300;

export interface IndexKeeperOptions {
  folders: readonly EngineFolder[];
  rules: ExclusionOptions;
  storageFile?: string;
  logger: Logger;
  workerScript?: string;
  workers?: number;
  /** An open document's tree of exactly this text (see WorkspaceIndex's openTree). */
  openTree?: IndexOptions['openTree'];
  onBuildStart?(): void;
  onProgress?(done: number, total: number): void;
  onBuildEnd?(stats: IndexStats, ok: boolean): void;
}

export class IndexKeeper {
  readonly index: WorkspaceIndex;
  private state = 'not started';
  private abort = new AbortController();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private rules: ExclusionOptions;

  constructor(private readonly o: IndexKeeperOptions) {
    this.rules = o.rules;
    const multiRoot = o.folders.length > 1;
    const wfs = multiRoot
      ? multiRootWorkspaceFs(o.folders.map((f) => ({ name: f.name, fs: nodeWorkspaceFs(f.path) })))
      : nodeWorkspaceFs(o.folders[0]?.path ?? path.join(path.sep, 'nonexistent-phi-coder-workspace'));
    this.index = new WorkspaceIndex(wfs, new ExclusionRules(o.rules), { logger: o.logger, workerScript: o.workerScript, workers: o.workers, openTree: o.openTree });
  }

  /** Restore the persisted index (entries of excluded files are left out). The number of files restored. */
  restore(): number {
    const file = this.o.storageFile;
    if (!file || this.o.folders.length === 0) return 0;
    let json: string;
    try {
      json = fs.readFileSync(file, 'utf8');
    } catch {
      return 0;
    }
    const n = this.index.restore(json);
    this.o.logger.info(`context index: restored ${n} files from ${file}`);
    return n;
  }

  stats(): IndexStats {
    let definitions = 0;
    for (const f of this.index.allFiles()) definitions += f.tags.length;
    return { files: this.index.size, definitions, state: this.state };
  }

  /** Walk and (re)index what changed. Resolves when this build ends (a newer one makes it stop early). */
  async build(): Promise<IndexStats> {
    if (this.o.folders.length === 0) {
      this.state = 'no folder open';
      this.o.onBuildEnd?.(this.stats(), true);
      return this.stats();
    }
    this.abort.abort();
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.state = 'indexing';
    this.o.onBuildStart?.();
    const t0 = Date.now();
    try {
      const r = await this.index.build(({ done, total }) => this.o.onProgress?.(done, total), signal);
      if (signal.aborted) return this.stats();
      this.state = `indexed in ${Date.now() - t0} ms`;
      this.o.logger.info(`context index: ${r.files} files (${r.parsed} parsed) in ${Date.now() - t0} ms`);
      this.scheduleSave(0);
      this.o.onBuildEnd?.(this.stats(), true);
    } catch (err) {
      this.state = 'failed';
      this.o.logger.error(`context index build failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      this.o.onBuildEnd?.(this.stats(), false);
    }
    return this.stats();
  }

  async rebuild(): Promise<IndexStats> {
    this.index.clear();
    return this.build();
  }

  /** New exclusion settings (or the same again after a .gitignore changed): fresh rules, and a build. */
  setRules(rules: ExclusionOptions): void {
    this.rules = rules;
    this.index.setRules(new ExclusionRules(rules));
    void this.build();
  }

  /** A file was created or changed: re-index it shortly (a .gitignore re-walks the workspace). */
  changed(rel: string): void {
    if (this.disposed) return;
    if (rel === '.gitignore' || rel.endsWith('/.gitignore')) {
      this.setRules(this.rules);
      return;
    }
    clearTimeout(this.pending.get(rel));
    this.pending.set(rel, setTimeout(() => {
      this.pending.delete(rel);
      void this.index.update(rel).then((parsed) => parsed && this.scheduleSave(SAVE_DELAY_MS)).catch((err) => {
        this.o.logger.warn(`context index: ${rel}: ${err instanceof Error ? err.message : String(err)}`);
      });
    }, UPDATE_DELAY_MS));
  }

  /** A file or folder was deleted. */
  deleted(rel: string): void {
    this.index.remove(rel);
    this.index.removeFolder(rel);
    this.scheduleSave(SAVE_DELAY_MS);
  }

  private scheduleSave(delay: number): void {
    if (this.saveTimer || this.disposed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, delay);
  }

  private save(): void {
    const file = this.o.storageFile;
    if (!file) return;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file + '.tmp', this.index.serialize());
      fs.renameSync(file + '.tmp', file);
    } catch (err) {
      this.o.logger.warn(`context index: could not save ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Stop building; save now if a save was due. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    for (const t of this.pending.values()) clearTimeout(t);
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.save();
    }
  }
}
