/**
 * What the code-block buttons do: copy, insert at the cursor of the last editor, apply to that file as a reviewed diff
 * (the selection if there is one, else the declaration the block redefines, else the whole file), or open as a new file.
 */
import * as vscode from 'vscode';
import type { CodeBlockAction } from '../../shared/protocol';
import { declaredName, languageIdForFence } from '../../core/chat/codeTarget';
import { showDiffPreview } from '../diffPreview';
import { declarationRange } from './symbols';
import { declarationSpanFor } from '../../core/chat/declaration';

export type CodeBlockResult = { level: 'info' | 'error'; text: string } | undefined;

export async function runCodeBlockAction(action: CodeBlockAction, code: string, language: string, editor: vscode.TextEditor | undefined): Promise<CodeBlockResult> {
  switch (action) {
    case 'copy':
      await vscode.env.clipboard.writeText(code);
      return undefined;
    case 'newFile': {
      const doc = await vscode.workspace.openTextDocument({ content: code, language: languageIdForFence(language) });
      await vscode.window.showTextDocument(doc, { preview: false });
      return undefined;
    }
    case 'insert': {
      if (!editor) return { level: 'error', text: 'Open a file first: there is no editor to insert into.' };
      const shown = await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, selection: editor.selection });
      const ok = await shown.edit((b) => b.replace(shown.selection, code));
      return ok ? undefined : { level: 'error', text: 'The editor refused the edit (is it read-only?).' };
    }
    case 'apply':
      return applyAsDiff(code, editor);
  }
}

async function applyAsDiff(code: string, editor: vscode.TextEditor | undefined): Promise<CodeBlockResult> {
  if (!editor) return { level: 'error', text: 'Open the file to change first: "Apply" previews the change against the last active editor.' };
  const doc = editor.document;
  const target = await targetRange(doc, editor.selection, code);
  const title = `Apply from chat: ${vscode.workspace.asRelativePath(doc.uri, false)}${target.what ? ` (${target.what})` : ''}`;
  const outcome = await showDiffPreview({ document: doc, range: target.range, newText: withTrailingNewline(code, doc, target.range), title });
  return { level: 'info', text: outcome === 'accepted' ? 'Change applied (Undo reverts it).' : 'Change rejected; the file is unchanged.' };
}

async function targetRange(doc: vscode.TextDocument, selection: vscode.Selection, code: string): Promise<{ range?: vscode.Range; what?: string }> {
  if (!selection.isEmpty) return { range: new vscode.Range(selection.start, selection.end), what: `lines ${selection.start.line + 1}-${selection.end.line + 1}` };
  // tree-sitter first (no language server needed), then the language's symbol provider.
  const span = await declarationSpanFor(doc.languageId, doc.getText(), code).catch(() => undefined);
  if (span) return { range: new vscode.Range(span.startLine, 0, span.endLine, doc.lineAt(span.endLine).text.length), what: span.name };
  const name = declaredName(code);
  if (name) {
    const range = await declarationRange(doc, name);
    if (range) return { range, what: name };
  }
  return { range: undefined, what: 'whole file' };
}

/** A block replacing whole lines or the whole file keeps the file's final newline. */
function withTrailingNewline(code: string, doc: vscode.TextDocument, range: vscode.Range | undefined): string {
  if (range) return code;
  return doc.getText().endsWith('\n') && !code.endsWith('\n') ? `${code}\n` : code;
}
