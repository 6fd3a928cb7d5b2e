/**
 * The chat feature: the `phiCoder.chatView` sidebar view, the editor-tab variant, New Conversation, and the internal
 * `phiCoder.internal.askInChat` command code actions use to stream a question ("Explain") into the chat.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { ContextBlock } from '../../core/chat/types';
import { ChatController } from './controller';
import { chatWebviewOptions, renderChatWebview } from './chatWebview';
import { registerExportCommands } from './exportCommands';
import { ASK_IN_CHAT_COMMAND, type AskInChatArgs } from './askInChat';

export const CHAT_VIEW_ID = 'phiCoder.chatView';

/** The chat's handle for tests and the integrator (exposed through the extension API if wanted). */
export interface ChatApi {
  controller: ChatController;
  /** Resolves once the sidebar view has been resolved (its webview exists). */
  viewReady(): Promise<vscode.WebviewView>;
}

let api: ChatApi | undefined;
export function chatApi(): ChatApi | undefined {
  return api;
}

export function registerChat(services: Services): ChatApi {
  const { extensionUri } = services.extension;
  const controller = new ChatController(services);
  let view: vscode.WebviewView | undefined;
  let resolveView: ((v: vscode.WebviewView) => void) | undefined;
  let viewPromise = new Promise<vscode.WebviewView>((r) => (resolveView = r));

  const provider: vscode.WebviewViewProvider = {
    resolveWebviewView(webviewView) {
      view = webviewView;
      renderChatWebview(webviewView.webview, extensionUri);
      const link = controller.attach(webviewView.webview);
      webviewView.onDidDispose(() => {
        link.dispose();
        view = undefined;
        viewPromise = new Promise((r) => (resolveView = r));
      });
      resolveView?.(webviewView);
    },
  };

  const revealView = async (): Promise<void> => {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    const v = view ?? (await viewPromise);
    v.show(true);
  };

  const openInEditor = () => {
    const panel = vscode.window.createWebviewPanel('phiCoder.chatPanel', 'Phi Coder Chat', vscode.ViewColumn.Beside, { ...chatWebviewOptions(extensionUri), retainContextWhenHidden: false });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'phi.svg');
    renderChatWebview(panel.webview, extensionUri);
    const link = controller.attach(panel.webview);
    panel.onDidDispose(() => link.dispose());
  };

  services.extension.subscriptions.push(
    controller,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider, { webviewOptions: { retainContextWhenHidden: false } }),
    vscode.commands.registerCommand('phiCoder.openChat', revealView),
    vscode.commands.registerCommand('phiCoder.openChatInEditor', openInEditor),
    vscode.commands.registerCommand('phiCoder.newChat', async () => {
      controller.newConversation();
      await revealView();
    }),
    vscode.commands.registerCommand(ASK_IN_CHAT_COMMAND, async (args: AskInChatArgs) => {
      if (!args || typeof args.prompt !== 'string' || args.prompt.trim() === '') throw new Error(`${ASK_IN_CHAT_COMMAND} needs { prompt: string }`);
      await revealView();
      await controller.ask(args.prompt, { extraBlocks: attachmentBlocks(args), composed: args.typed !== true });
    }),
    { dispose: () => (api = undefined) },
  );
  registerExportCommands(services, () => controller.currentConversation);
  api = { controller, viewReady: () => (view ? Promise.resolve(view) : viewPromise) };
  return api;
}

function attachmentBlocks(args: AskInChatArgs): ContextBlock[] {
  return (args.attachments ?? []).map((a, i) => ({
    id: `ask:${i}`,
    kind: 'selection',
    label: a.startLine !== undefined ? `${a.path}:${a.startLine + 1}-${a.startLine + a.text.split('\n').length}` : a.path,
    path: a.path,
    languageId: a.languageId,
    startLine: a.startLine,
    text: a.text,
  }));
}
