/**
 * The context engine inside VS Code: starts it (EngineClient: dist/engineWorker.js in a process of its own, which
 * restores, builds, updates and persists the workspace index off the extension host's thread) with the workspace's
 * folders, the index file in the extension's workspace storage and the exclusion settings (.gitignore is read by the
 * engine; `files.exclude` and `phiCoder.context.exclude` come from here); forwards file events and setting changes;
 * shows the builds as window progress. Commands' syntax tasks (syntax/runner.ts) are sent to the engine as well.
 */
import * as vscode from 'vscode';
import * as path from 'path';
import type { Logger } from '../core/log';
import type { Settings } from '../core/config';
import type { ExclusionOptions } from '../core/context/exclude';
import { EngineClient } from '../core/context/engineClient';
import { setSyntaxRunner } from '../core/syntax/runner';
import type { DocumentInfo, EngineEvent, EngineFolder } from '../core/context/engineProtocol';
import type { IndexStats } from '../core/context/report';

export interface IndexHostDeps {
  extension: vscode.ExtensionContext;
  logger: Logger;
  settings(): Settings;
  onDidChangeSettings: vscode.Event<Settings>;
  /** The open documents, sent again to a restarted worker. */
  openDocuments(): DocumentInfo[];
}

const INDEX_FILE = 'context-index.json';

export class WorkspaceIndexHost implements vscode.Disposable {
  readonly client: EngineClient;
  private readonly folders: readonly EngineFolder[];
  /** Several folders: index paths start with the folder's name (`asRelativePath(uri, true)`). */
  readonly multiRoot: boolean;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly fileChanges = new vscode.EventEmitter<string>();
  /** A file of the workspace was created, changed, saved or deleted (its index path). */
  readonly onDidChangeFile = this.fileChanges.event;
  private resolveBuilt!: () => void;
  private readonly firstBuild = new Promise<void>((r) => (this.resolveBuilt = r));
  private endProgress: (() => void) | undefined;

  constructor(private readonly deps: IndexHostDeps) {
    this.folders = localFolders();
    this.multiRoot = this.folders.length > 1;
    if (this.multiRoot) deps.logger.info(`context index: ${this.folders.length} folders: ${this.folders.map((f) => f.name).join(', ')}`);
    const dist = path.join(deps.extension.extensionPath, 'dist');
    this.client = new EngineClient({
      script: path.join(dist, 'engineWorker.js'),
      data: {
        wasmDir: path.join(dist, 'wasm'),
        queryDir: path.join(dist, 'queries'),
        folders: [...this.folders],
        storageFile: this.storageFile(),
        indexWorkerScript: path.join(dist, 'indexWorker.js'),
        rules: this.rules(),
      },
      logger: deps.logger,
      openDocuments: deps.openDocuments,
      onEvent: (e) => this.engineEvent(e),
    });
  }

  /** Start the engine's worker (it restores the saved index, then builds in the background); watch files. */
  start(): void {
    this.client.start();
    // Commands' one-off parses (actions, Apply, the commit summary) run in the engine's process too.
    setSyntaxRunner(this.client);
    for (const folder of this.folders) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder.path, '**/*'));
      this.disposables.push(
        watcher,
        watcher.onDidCreate((u) => this.changed(u)),
        watcher.onDidChange((u) => this.changed(u)),
        watcher.onDidDelete((u) => this.deleted(u)),
      );
    }
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((d) => this.changed(d.uri)),
      vscode.workspace.onDidRenameFiles((e) => {
        for (const f of e.files) {
          this.deleted(f.oldUri);
          this.changed(f.newUri);
        }
      }),
      this.deps.onDidChangeSettings(() => this.rulesChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('files.exclude') && this.rulesChanged()),
    );
  }

  whenIndexed(): Promise<void> {
    return this.firstBuild;
  }

  async stats(): Promise<IndexStats> {
    try {
      return await this.client.request('stats');
    } catch {
      return { files: 0, definitions: 0, state: 'the context engine is restarting' };
    }
  }

  rebuild(): Promise<IndexStats> {
    return this.client.request('rebuild');
  }

  private engineEvent(e: EngineEvent): void {
    if (e.kind === 'buildStart' && !this.endProgress) {
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Phi Coder: indexing' }, (progress) => {
        let last = 0;
        this.onProgress = (done, total) => {
          const pct = Math.floor((done / Math.max(1, total)) * 100);
          if (pct > last) {
            progress.report({ message: `${done}/${total} files`, increment: pct - last });
            last = pct;
          }
        };
        return new Promise<void>((resolve) => (this.endProgress = resolve));
      });
    } else if (e.kind === 'buildProgress') this.onProgress?.(e.done, e.total);
    else if (e.kind === 'buildEnd' || e.kind === 'ready') {
      // 'ready' comes from a (re)started worker: a build the previous one was running is over.
      this.endProgress?.();
      this.endProgress = undefined;
      this.onProgress = undefined;
      if (e.kind === 'buildEnd') this.resolveBuilt();
    }
  }

  private onProgress: ((done: number, total: number) => void) | undefined;

  private rules(): ExclusionOptions {
    const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {};
    return {
      filesExclude: Object.entries(filesExclude).filter(([, on]) => on === true).map(([glob]) => glob),
      userExclude: [...this.deps.settings().context.exclude],
    };
  }

  private rulesChanged(): void {
    const rules = this.rules();
    this.client.notify({ kind: 'rules', rules });
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

  private changed(uri: vscode.Uri): void {
    const relPath = this.rel(uri);
    if (relPath) this.client.notify({ kind: 'fileChanged', relPath });
    if (relPath) this.fileChanges.fire(relPath);
  }

  private deleted(uri: vscode.Uri): void {
    const relPath = this.rel(uri);
    if (relPath) this.client.notify({ kind: 'fileDeleted', relPath });
    if (relPath) this.fileChanges.fire(relPath);
  }

  private storageFile(): string | undefined {
    if (this.folders.length === 0) return undefined;
    const dir = this.deps.extension.storageUri ?? this.deps.extension.globalStorageUri;
    const key = this.folders.map((f) => f.path).join('\n');
    const name = this.multiRoot ? `${hash(key)}-${INDEX_FILE}` : INDEX_FILE;
    return dir ? path.join(dir.fsPath, dir === this.deps.extension.storageUri ? name : `${hash(key)}-${INDEX_FILE}`) : undefined;
  }

  dispose(): void {
    this.endProgress?.();
    for (const d of this.disposables) d.dispose();
    this.fileChanges.dispose();
    setSyntaxRunner(undefined);
    void this.client.dispose();
  }
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}

/** Local folders of the workspace, each once by name (a repeated name would make paths ambiguous: the first wins). */
function localFolders(): EngineFolder[] {
  const out: EngineFolder[] = [];
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme !== 'file' || out.some((o) => o.name === f.name)) continue;
    out.push({ name: f.name, path: f.uri.fsPath });
  }
  return out;
}
