/**
 * The part of the built-in Git extension's API (`vscode.git`, getAPI(1)) Phi Coder uses, typed here as the extension
 * documents it (extensions/git/src/api/git.d.ts): repositories, the staged diff, the log, file contents at a ref, and
 * the Source Control input box. Only read operations and the input box; nothing here commits.
 */
import * as vscode from 'vscode';

export interface GitCommit {
  readonly hash: string;
  readonly message: string;
}

export interface GitChange {
  readonly uri: vscode.Uri;
  readonly originalUri: vscode.Uri;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly inputBox: { value: string };
  readonly state: {
    readonly HEAD?: { readonly name?: string; readonly commit?: string };
    readonly indexChanges: readonly GitChange[];
    readonly workingTreeChanges: readonly GitChange[];
  };
  /** `git diff` (cached: `--cached`, the staged changes). */
  diff(cached?: boolean): Promise<string>;
  log(options?: { maxEntries?: number }): Promise<GitCommit[]>;
  /** `git show <ref>:<path>` for an absolute path; ref '' is the index (the staged version). */
  show(ref: string, path: string): Promise<string>;
}

export interface GitApi {
  readonly repositories: readonly GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository?(root: vscode.Uri): Promise<GitRepository | null>;
}

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** The Git API, or a sentence saying why there is none. */
export async function gitApi(): Promise<GitApi | string> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) return 'the built-in Git extension is not installed or is disabled';
  const exports = ext.isActive ? ext.exports : await ext.activate();
  if (!exports.enabled) return 'Git is disabled (git.enabled is false)';
  return exports.getAPI(1);
}

/**
 * The repository a command is about: the one the Source Control title button was pressed on (its argument has a
 * rootUri), else the only one, else the active editor's, else one the user picks.
 */
export async function pickRepository(api: GitApi, arg: unknown): Promise<GitRepository | undefined> {
  const root = (arg as { rootUri?: vscode.Uri } | undefined)?.rootUri;
  if (root instanceof vscode.Uri) {
    const repo = api.getRepository(root);
    if (repo) return repo;
  }
  if (api.repositories.length === 1) return api.repositories[0];
  const active = vscode.window.activeTextEditor?.document.uri;
  const fromEditor = active && api.getRepository(active);
  if (fromEditor) return fromEditor;
  if (api.repositories.length === 0) return undefined;
  const picked = await vscode.window.showQuickPick(
    api.repositories.map((r) => ({ label: vscode.workspace.asRelativePath(r.rootUri, true) || r.rootUri.fsPath, repo: r })),
    { title: 'Which repository?' },
  );
  return picked?.repo;
}
