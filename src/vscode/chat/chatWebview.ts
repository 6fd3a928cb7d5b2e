/** Configures a webview (sidebar view or editor panel) for the chat: options, HTML with a fresh nonce, controller link. */
import * as vscode from 'vscode';
import { randomBytes } from 'crypto';
import { buildChatHtml } from './html';

/** Only the bundle and the stylesheet are loadable: dist/ and media/. */
export function chatWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function renderChatWebview(webview: vscode.Webview, extensionUri: vscode.Uri): void {
  webview.options = chatWebviewOptions(extensionUri);
  webview.html = buildChatHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'chat.css')).toString(),
  });
}
