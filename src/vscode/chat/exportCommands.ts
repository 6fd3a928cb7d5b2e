/**
 * Export the current conversation as Markdown (a new untitled document, or a file the user picks) and copy it whole.
 * The rendering is src/core/chat/exportMarkdown.ts; this file only chooses where it goes.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { Conversation } from '../../core/chat/types';
import { conversationToMarkdown, exportFileName } from '../../core/chat/exportMarkdown';

export type ExportTarget = 'untitled' | 'file';

/** What the export command may be given (tests and callers that already know the target skip the pickers). */
export interface ExportArgs {
  target?: ExportTarget;
  /** With target 'file': where to write, instead of asking with a save dialog. */
  uri?: vscode.Uri;
}

export function registerExportCommands(services: Services, current: () => Conversation): void {
  services.extension.subscriptions.push(
    vscode.commands.registerCommand('phiCoder.exportConversation', (args?: ExportArgs) => exportConversation(services, current(), args)),
    vscode.commands.registerCommand('phiCoder.copyConversation', async () => {
      const conv = current();
      if (conv.messages.length === 0) return void vscode.window.showInformationMessage('Phi Coder: this conversation is empty; nothing to copy.');
      await vscode.env.clipboard.writeText(conversationToMarkdown(conv));
      void vscode.window.setStatusBarMessage(`Phi Coder: copied "${conv.title}" as Markdown`, 3000);
    }),
  );
}

async function exportConversation(services: Services, conv: Conversation, args: ExportArgs = {}): Promise<vscode.Uri | undefined> {
  if (conv.messages.length === 0) {
    void vscode.window.showInformationMessage('Phi Coder: this conversation is empty; nothing to export.');
    return undefined;
  }
  const target = args.target ?? (await pickTarget());
  if (!target) return undefined;
  const markdown = conversationToMarkdown(conv);
  if (target === 'untitled') {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(doc);
    return doc.uri;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri =
    args.uri ??
    (await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, exportFileName(conv)) : undefined,
      filters: { Markdown: ['md'] },
      saveLabel: 'Export Conversation',
      title: 'Export the conversation as Markdown',
    }));
  if (!uri) return undefined;
  try {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(markdown));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    services.logger.error(`Chat: export to ${uri.toString()} failed: ${message}`);
    void vscode.window.showErrorMessage(`Phi Coder: could not write ${uri.fsPath}: ${message}`);
    return undefined;
  }
  services.logger.info(`Chat: exported "${conv.title}" (${conv.messages.length} messages) to ${uri.toString()}`);
  // Not awaited: the notification stays until dismissed, and the command returns the file it wrote.
  void vscode.window.showInformationMessage(`Phi Coder: conversation exported to ${vscode.workspace.asRelativePath(uri)}`, 'Open').then((choice) => {
    if (choice === 'Open') void vscode.window.showTextDocument(uri);
  });
  return uri;
}

async function pickTarget(): Promise<ExportTarget | undefined> {
  const items: (vscode.QuickPickItem & { target: ExportTarget })[] = [
    { label: '$(new-file) New untitled Markdown document', target: 'untitled' },
    { label: '$(save-as) Save as a Markdown file…', target: 'file' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Export Conversation', placeHolder: 'Where should the conversation go?' });
  return picked?.target;
}
