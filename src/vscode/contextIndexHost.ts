/**
 * The workspace index inside VS Code: exclusion rules from .gitignore, `files.exclude` and `phiCoder.context.exclude`;
 * a background build with window progress (files parsed in worker threads, off the extension host's thread);
 * incremental updates from file events; persistence in the extension's workspace storage (entries keyed by
 * path + mtime + size, so a reload re-parses only what changed).
 */
import * as vscode from 'vscode';
import * as fs from 'fs';
import * as path from 'path';
import type { Logger } from '../core/log';
import type { Settings } from '../core/config';
import { ExclusionRules } from '../core/context/exclude';
import { WorkspaceIndex } from '../core/context/workspaceIndex';
import { multiRootWorkspaceFs, nodeWorkspaceFs } from '../core/context/workspaceFs';
import type { IndexStats } from '../core/context/report';

export interface IndexHostDeps {
  extension: vscode.ExtensionContext;
  logger: Logger;
  settings(): Settings;
  onDidChangeSettings: vscode.Event<Settings>;
}

const INDEX_FILE = 'context-index.json';
const SAVE_DELAY_MS = 30_000;
const UPDATE_DELAY_MS = 300;

/** An index over a folder that does not exist: used when no folder is open. */
const NO_FOLDER = path.join(path.sep, 'nonexistent-phi-coder-workspace');

/** The local folders of the workspace that get indexed (one, or several in a multi-root workspace). */
interface IndexedFolder {
  name: string;
  path: string;
}

export class WorkspaceIndexHost implements vscode.Disposable {
  readonly index: WorkspaceIndex;
  private readonly folders: readonly IndexedFolder[];
  /** Several folders: index paths start with the folder's name (`asRelativePath(uri, true)`). */
  readonly multiRoot: boolean;
  private readonly root: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private state = 'not started';
  private built: Promise<void> | undefined;
  private resolveBuilt!: () => void;
  private readonly firstBuild = new Promise<void>((r) => (this.resolveBuilt = r));
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private abort = new AbortController();
  private disposed = false;

  constructor(private readonly deps: IndexHostDeps) {
    this.folders = localFolders();
    this.multiRoot = this.folders.length > 1;
    this.root = this.folders[0]?.path;
    if (this.multiRoot) deps.logger.info(`context index: ${this.folders.length} folders: ${this.folders.map((f) => f.name).join(', ')}`);
    const wfs = this.multiRoot
      ? multiRootWorkspaceFs(this.folders.map((f) => ({ name: f.name, fs: nodeWorkspaceFs(f.path) })))
      : nodeWorkspaceFs(this.root ?? NO_FOLDER);
    // Builds parse in worker threads (dist/indexWorker.js, see indexPool.ts), off the extension host's thread.
    this.index = new WorkspaceIndex(wfs, this.rules(), {
      logger: deps.logger,
      workerScript: path.join(deps.extension.extensionPath, 'dist', 'indexWorker.js'),
    });
  }

  /** Restore the saved index, then build in the background; start watching files. */
  start(): void {
    if (!this.root) {
      this.state = 'no folder open';
      this.resolveBuilt();
      return;
    }
    this.restore();
    for (const folder of this.folders) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder.path, '**/*'));
      this.disposables.push(
        watcher,
        watcher.onDidCreate((u) => this.schedule(u)),
        watcher.onDidChange((u) => this.schedule(u)),
        watcher.onDidDelete((u) => this.deleted(u)),
      );
    }
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d.uri)),
      vscode.workspace.onDidRenameFiles((e) => {
        for (const f of e.files) {
          this.deleted(f.oldUri);
          this.schedule(f.newUri);
        }
      }),
      this.deps.onDidChangeSettings(() => this.rulesChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('files.exclude') && this.rulesChanged()),
    );
    void this.build();
  }

  whenIndexed(): Promise<void> {
    return this.firstBuild;
  }

  stats(): IndexStats {
    let definitions = 0;
    for (const f of this.index.allFiles()) definitions += f.tags.length;
    return { files: this.index.size, definitions, state: this.state };
  }

  async rebuild(): Promise<IndexStats> {
    this.index.clear();
    this.index.setRules(this.rules());
    await this.build();
    return this.stats();
  }

  private rules(): ExclusionRules {
    const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {};
    return new ExclusionRules({
      filesExclude: Object.entries(filesExclude).filter(([, on]) => on === true).map(([glob]) => glob),
      userExclude: this.deps.settings().context.exclude,
    });
  }

  private rulesChanged(): void {
    this.index.setRules(this.rules());
    void this.build();
  }

  private build(): Promise<void> {
    this.abort.abort();
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const run = vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Phi Coder: indexing' },
      async (progress) => {
        this.state = 'indexing';
        const t0 = Date.now();
        let last = 0;
        try {
          const r = await this.index.build(({ done, total }) => {
            const pct = Math.floor((done / Math.max(1, total)) * 100);
            if (pct > last) {
              progress.report({ message: `${done}/${total} files`, increment: pct - last });
              last = pct;
            }
          }, signal);
          if (signal.aborted) return;
          this.state = `indexed in ${Date.now() - t0} ms`;
          this.deps.logger.info(`context index: ${r.files} files (${r.parsed} parsed) in ${Date.now() - t0} ms`);
          this.scheduleSave(0);
        } catch (err) {
          this.state = 'failed';
          this.deps.logger.error(`context index build failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        } finally {
          this.resolveBuilt();
        }
      },
    );
    this.built = Promise.resolve(run);
    return this.built;
  }

  /** The index path of a file: relative to its folder, prefixed with the folder's name in a multi-root workspace. */
  private rel(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    for (const folder of this.folders) {
      const rel = path.relative(folder.path, uri.fsPath);
      if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) continue;
      const posix = rel.split(path.sep).join('/');
      return this.multiRoot ? `${folder.name}/${posix}` : posix;
    }
    return undefined;
  }

  private schedule(uri: vscode.Uri): void {
    const rel = this.rel(uri);
    if (!rel) return;
    if (rel === '.gitignore' || rel.endsWith('/.gitignore')) {
      this.rulesChanged();
      return;
    }
    clearTimeout(this.pending.get(rel));
    this.pending.set(rel, setTimeout(() => {
      this.pending.delete(rel);
      void this.index.update(rel).then((parsed) => parsed && this.scheduleSave(SAVE_DELAY_MS)).catch((err) => {
        this.deps.logger.warn(`context index: ${rel}: ${err instanceof Error ? err.message : String(err)}`);
      });
    }, UPDATE_DELAY_MS));
  }

  private deleted(uri: vscode.Uri): void {
    const rel = this.rel(uri);
    if (!rel) return;
    this.index.remove(rel);
    this.index.removeFolder(rel);
    this.scheduleSave(SAVE_DELAY_MS);
  }

  private storageFile(): string | undefined {
    const dir = this.deps.extension.storageUri ?? this.deps.extension.globalStorageUri;
    const key = this.folders.map((f) => f.path).join('\n');
    const name = this.multiRoot ? `${hash(key)}-${INDEX_FILE}` : INDEX_FILE;
    return dir ? path.join(dir.fsPath, dir === this.deps.extension.storageUri ? name : `${hash(key)}-${INDEX_FILE}`) : undefined;
  }

  private restore(): void {
    const file = this.storageFile();
    if (!file || !fs.existsSync(file)) return;
    try {
      const n = this.index.restore(fs.readFileSync(file, 'utf8'));
      this.deps.logger.info(`context index: restored ${n} files from ${file}`);
    } catch (err) {
      this.deps.logger.warn(`context index: could not restore ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private scheduleSave(delay: number): void {
    if (this.saveTimer || this.disposed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, delay);
  }

  private save(): void {
    const file = this.storageFile();
    if (!file) return;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file + '.tmp', this.index.serialize());
      fs.renameSync(file + '.tmp', file);
    } catch (err) {
      this.deps.logger.warn(`context index: could not save ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

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
    for (const d of this.disposables) d.dispose();
  }
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}

/** Local folders of the workspace, each once by name (a repeated name would make paths ambiguous: the first wins). */
function localFolders(): IndexedFolder[] {
  const out: IndexedFolder[] = [];
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme !== 'file' || out.some((o) => o.name === f.name)) continue;
    out.push({ name: f.name, path: f.uri.fsPath });
  }
  return out;
}
