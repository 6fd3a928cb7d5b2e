/**
 * The workspace gate inside VS Code (see core/trust/workspaceGate.ts): built from the local workspace folders,
 * `files.exclude`, `phiCoder.context.exclude` and the folders' .gitignore files, and rebuilt when any of them changes.
 * Two questions: may a document the user is *not* working in enter a prompt (open tabs, recent edits, mentions,
 * symbols, test files: `check`), and may the document the user *is* working in (`checkActive`).
 */
import * as vscode from 'vscode';
import type { Settings } from '../core/config';
import { ExclusionRules, SKIPPED_DIRS } from '../core/context/exclude';
import { isSecretPath } from '../core/trust/secrets';
import { WorkspaceGate, type GateFolder, type GateVerdict } from '../core/trust/workspaceGate';

/** The exclusion rules of the current settings (the index builds from the same). */
export function exclusionRules(settings: Settings): ExclusionRules {
  const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {};
  return new ExclusionRules({
    filesExclude: Object.entries(filesExclude).filter(([, on]) => on === true).map(([glob]) => glob),
    userExclude: settings.context.exclude,
  });
}

/** Local folders of the workspace, each once by name (a repeated name would make paths ambiguous: the first wins). */
export function localFolders(): GateFolder[] {
  const out: GateFolder[] = [];
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme !== 'file' || out.some((o) => o.name === f.name)) continue;
    out.push({ name: f.name, path: f.uri.fsPath });
  }
  return out;
}

export class DocumentGate implements vscode.Disposable {
  private gate: WorkspaceGate;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly settings: () => Settings, onDidChangeSettings: vscode.Event<Settings>) {
    this.gate = this.create();
    const gitignores = vscode.workspace.createFileSystemWatcher('**/.gitignore');
    const rebuild = () => (this.gate = this.create());
    const forget = () => this.gate.forget();
    this.disposables.push(
      gitignores,
      gitignores.onDidCreate(rebuild),
      gitignores.onDidChange(rebuild),
      gitignores.onDidDelete(rebuild),
      onDidChangeSettings(rebuild),
      vscode.workspace.onDidChangeWorkspaceFolders(rebuild),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('files.exclude') && rebuild()),
      vscode.workspace.onDidRenameFiles(forget),
      vscode.workspace.onDidDeleteFiles(forget),
      vscode.workspace.onDidCreateFiles(forget),
    );
  }

  /**
   * May this document's text enter a prompt as context the user did not point at? `fresh`: decide again now rather
   * than reuse a verdict of the last few seconds (for a file about to be read or written).
   */
  check(uri: vscode.Uri, fresh = false): GateVerdict {
    if (uri.scheme === 'untitled') return { ok: true, relPath: uri.path, realPath: '' };
    if (uri.scheme !== 'file') return { ok: false, reason: 'not a file on the local disk' };
    return this.gate.check(uri.fsPath, fresh);
  }

  /** Why the rules keep the file `uri` names out of prompts (its name alone decides: it need not exist), or undefined. */
  excludedPath(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return 'not a file on the local disk';
    return this.gate.hasFolders ? this.gate.excludedPath(uri.fsPath) : isSecretPath(uri.fsPath) ? 'a secret-looking file' : undefined;
  }

  /**
   * May the document the user is working in (completions, actions, the chat's active file) be sent? As `check`, except
   * that with no folder open, or in a virtual workspace, its name decides: a secret-looking file or one in a skipped
   * folder is refused.
   */
  checkActive(uri: vscode.Uri): GateVerdict {
    if (uri.scheme === 'untitled') return { ok: true, relPath: uri.path, realPath: '' };
    if (uri.scheme === 'file' && this.gate.hasFolders) return this.gate.check(uri.fsPath);
    const p = uri.scheme === 'file' ? uri.fsPath : uri.path;
    if (isSecretPath(p)) return { ok: false, reason: 'a secret-looking file' };
    const dirs = p.replace(/\\/g, '/').split('/').slice(0, -1);
    if (dirs.some((d) => SKIPPED_DIRS.has(d))) return { ok: false, reason: 'in a skipped folder' };
    return { ok: true, relPath: vscode.workspace.asRelativePath(uri, false), realPath: uri.scheme === 'file' ? uri.fsPath : '' };
  }

  /** The file an `@file:` mention names, if it may be attached. */
  resolveMention(arg: string): GateVerdict {
    return this.gate.resolveMention(arg);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private create(): WorkspaceGate {
    return new WorkspaceGate(localFolders(), exclusionRules(this.settings()));
  }
}
