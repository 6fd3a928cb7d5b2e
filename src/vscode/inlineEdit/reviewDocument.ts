/**
 * The inline edit's review for a document that auto-saves: extensions cannot hold auto-save for one file, and a review
 * drawn into the document would be saved (or stripped and redrawn on every save, a save loop). So when auto-save is on
 * for the document (any mode), the review is drawn into a read-only virtual document (scheme `phi-coder-review`)
 * holding the whole document with the proposal rendered in, opened in the same editor group; the real document keeps
 * the original until the review ends, when the decided text is written to it as one undoable edit.
 */
import * as path from 'path';
import * as vscode from 'vscode';

export const REVIEW_SCHEME = 'phi-coder-review';
/** The review tab's title for a file: ends with the file's name, so the language is recognised as the file's. */
export const reviewTitle = (fileName: string) => `Reviewing ${fileName}`;
/** Longest wait for VS Code to show new review text (it answers in milliseconds; a stall must not stall the review). */
const SHOW_TIMEOUT_MS = 5_000;

/** Does VS Code auto-save `doc` (files.autoSave for its resource and language, untitled documents never)? */
export function autoSaves(doc: vscode.TextDocument): boolean {
  if (doc.isUntitled || doc.uri.scheme === REVIEW_SCHEME) return false;
  const files = vscode.workspace.getConfiguration('files', { uri: doc.uri, languageId: doc.languageId });
  if (files.get<string>('autoSave', 'off') === 'off') return false;
  return !(files.get<boolean>('autoSaveWorkspaceFilesOnly', false) && !vscode.workspace.getWorkspaceFolder(doc.uri));
}

/** The review's view of the document: what it shows, and the editor it is shown in. */
export interface ReviewSurface {
  readonly uri: vscode.Uri;
  /** Show `text` (the whole document) and resolve once the review document holds it. */
  show(text: string): Promise<void>;
  /** The review document (undefined when it is not open). */
  document(): vscode.TextDocument | undefined;
  /** Close the review's tab; when it was the active one, show `real` in its place with the cursor at `offset`. */
  close(real: vscode.TextDocument, offset: number): Promise<void>;
}

/** The content provider of every review document (one per session, keyed by URI). */
export class ReviewDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /**
   * Open a review of `real` showing `text`, in `like`'s editor group (with its selection, scroll and indentation);
   * focused unless `preserveFocus` (the review moved there while the user was elsewhere).
   */
  async open(id: string, real: vscode.TextDocument, text: string, like: vscode.TextEditor | undefined, preserveFocus = false): Promise<ReviewSurface> {
    const uri = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: `/${reviewTitle(path.posix.basename(real.uri.path) || 'untitled')}`, query: id });
    const key = uri.toString();
    this.texts.set(key, text);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== real.languageId) doc = await vscode.languages.setTextDocumentLanguage(doc, real.languageId);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: like?.viewColumn ?? vscode.ViewColumn.Active, preview: false, preserveFocus, selection: like?.selection });
    if (like) {
      editor.options = { tabSize: like.options.tabSize, insertSpaces: like.options.insertSpaces };
      const top = like.visibleRanges[0];
      if (top) editor.revealRange(top, vscode.TextEditorRevealType.AtTop);
    }
    const find = () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    return {
      uri,
      document: find,
      show: async (next) => {
        if (!this.texts.has(key) || this.texts.get(key) === next) return;
        this.texts.set(key, next);
        const shown = waitUntilHolds(find, next);
        this.changed.fire(uri);
        await shown;
      },
      close: async (target, offset) => {
        this.texts.delete(key);
        const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key);
        const active = tabs.find((t) => t.isActive && t.group.isActive);
        if (tabs.length) await vscode.window.tabGroups.close(tabs);
        if (active && !target.isClosed) {
          const at = target.positionAt(offset);
          await vscode.window.showTextDocument(target, { viewColumn: active.group.viewColumn, preview: false, selection: new vscode.Range(at, at) });
        }
      },
    };
  }

  dispose(): void {
    this.texts.clear();
    this.changed.dispose();
  }
}

/** Resolves when the document `find` returns holds `text` (or is not open, or after SHOW_TIMEOUT_MS). */
function waitUntilHolds(find: () => vscode.TextDocument | undefined, text: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    };
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === find()?.uri.toString() && e.document.getText() === text) done();
    });
    const timer = setTimeout(done, SHOW_TIMEOUT_MS);
    const doc = find();
    if (!doc || doc.getText() === text) done();
  });
}
