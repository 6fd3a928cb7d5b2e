/**
 * The first-run walkthrough (package.json `contributes.walkthroughs`, id phiCoder.gettingStarted). Its steps complete
 * themselves: the server and model steps through the context keys set here from the backend status, the others through
 * completion events VS Code raises itself (a setting changed, a view opened, a command run: accepting a completion
 * runs phiCoder.completionAccepted, Ctrl+I runs phiCoder.inlineEdit).
 */
import * as vscode from 'vscode';
import type { Services } from './services';
import type { BackendStatus } from './backendService';

export const WALKTHROUGH_ID = 'phiCoder.gettingStarted';
export const SERVER_FOUND_KEY = 'phiCoder.walkthrough.serverFound';
export const CHAT_MODEL_READY_KEY = 'phiCoder.walkthrough.chatModelReady';

/** A server answered (even if the model is missing or loading). */
export function serverFound(s: BackendStatus): boolean {
  return s.state === 'ready' || s.state === 'busy' || s.state === 'loading' || s.state === 'model-missing';
}

/** The chat model is on the server and answering. */
export function chatModelReady(s: BackendStatus): boolean {
  return s.state === 'ready' || s.state === 'busy';
}

const SAMPLE = [
  '// Phi Coder: type inside the function body and pause; press Tab to accept the ghost text.',
  '',
  '/** The n-th Fibonacci number, iteratively. */',
  'export function fibonacci(n: number): number {',
  '  ',
  '}',
  '',
].join('\n');

export function registerWalkthrough(services: Services): void {
  // Context keys only ever turn on: a step once done stays done (VS Code also remembers completed steps).
  const state = { serverFound: false, chatModelReady: false };
  const update = (s: BackendStatus) => {
    if (!state.serverFound && serverFound(s)) {
      state.serverFound = true;
      void vscode.commands.executeCommand('setContext', SERVER_FOUND_KEY, true);
    }
    if (!state.chatModelReady && chatModelReady(s)) {
      state.chatModelReady = true;
      void vscode.commands.executeCommand('setContext', CHAT_MODEL_READY_KEY, true);
    }
  };
  update(services.backends.status);
  services.extension.subscriptions.push(
    services.backends.onDidChangeStatus(update),
    vscode.commands.registerCommand('phiCoder.getStarted', () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', `${services.extension.extension.id}#${WALKTHROUGH_ID}`, false),
    ),
    // The "Try a completion" step's button: a small TypeScript file with the cursor in an empty function body.
    vscode.commands.registerCommand('phiCoder.walkthrough.openSample', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: SAMPLE });
      const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
      const line = SAMPLE.split('\n').findIndex((l) => l === '  ');
      editor.selection = new vscode.Selection(line, 2, line, 2);
    }),
    // For tests and diagnostics: which self-completing keys are on.
    vscode.commands.registerCommand('phiCoder.internal.walkthroughState', () => ({ ...state })),
  );
}
