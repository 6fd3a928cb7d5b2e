/**
 * Keeps the context key `phiCoder.cursorInDeclaration` true while the cursor is inside a function or class, so the
 * editor context menu shows the Phi Coder submenu there (and whenever text is selected). The active document's tree is
 * cached per version: cursor moves are answered synchronously from it; edits re-parse after a short pause.
 */
import * as vscode from 'vscode';
import { parse, type Tree } from '../../core/context/parser';
import { languageForId } from '../../core/context/languages';
import { enclosingTarget } from '../../core/actions/target';

export const CURSOR_IN_DECLARATION = 'phiCoder.cursorInDeclaration';
const REPARSE_DELAY_MS = 300;

export class TargetContextKey implements vscode.Disposable {
  private tree: { uri: string; version: number; tree: Tree } | undefined;
  private value: boolean | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.update(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.update(e)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const active = vscode.window.activeTextEditor;
        if (active && e.document === active.document) this.update(active);
      }),
    );
    this.update(vscode.window.activeTextEditor);
  }

  private set(value: boolean): void {
    if (value === this.value) return;
    this.value = value;
    void vscode.commands.executeCommand('setContext', CURSOR_IN_DECLARATION, value);
  }

  private update(editor: vscode.TextEditor | undefined): void {
    if (!editor || !languageForId(editor.document.languageId)) {
      this.set(false);
      return;
    }
    const doc = editor.document;
    const cached = this.tree;
    if (cached && cached.uri === doc.uri.toString() && cached.version === doc.version) {
      const offset = doc.offsetAt(editor.selection.active);
      this.set(enclosingTarget(cached.tree, doc.languageId, doc.getText(), offset) !== undefined);
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reparse(editor), REPARSE_DELAY_MS);
  }

  private async reparse(editor: vscode.TextEditor): Promise<void> {
    const doc = editor.document;
    const version = doc.version;
    const tree = await parse(doc.languageId, doc.getText()).catch(() => undefined);
    if (!tree) {
      this.set(false);
      return;
    }
    if (doc.version !== version || vscode.window.activeTextEditor?.document !== doc) {
      tree.delete();
      return;
    }
    this.tree?.tree.delete();
    this.tree = { uri: doc.uri.toString(), version, tree };
    this.update(vscode.window.activeTextEditor);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.tree?.tree.delete();
    this.tree = undefined;
    for (const d of this.disposables) d.dispose();
  }
}
