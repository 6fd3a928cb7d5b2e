/**
 * The first-run walkthrough (package.json `contributes.walkthroughs`, id phiCoder.gettingStarted). Its steps complete
 * themselves: the server and model steps from the backend status, the others through completion events VS Code raises
 * itself (a setting changed, a view opened, a command run: accepting a completion runs phiCoder.completionAccepted,
 * Ctrl+I runs phiCoder.inlineEdit).
 *
 * Why the server and model steps have two completion events: VS Code's walkthrough service is created lazily (when a
 * walkthrough or the Welcome page first opens), and an `onContext` event whose key is already true when the service
 * registers the walkthrough is recorded as seen WITHOUT ticking the step; it can then never tick in that session
 * (VS Code 1.139, gettingStartedService registerDoneListeners / progressByEvent). So each of these steps also completes
 * on a marker command, which we run through the workbench (`runCommands`, so the workbench's command service sees it)
 * when the state turns on and again right after Get Started opened the walkthrough. A done step is remembered by VS Code.
 */
import * as vscode from 'vscode';
import type { Services } from './services';
import type { BackendStatus } from './backendService';

export const WALKTHROUGH_ID = 'phiCoder.gettingStarted';
export const SERVER_FOUND_KEY = 'phiCoder.walkthrough.serverFound';
export const CHAT_MODEL_READY_KEY = 'phiCoder.walkthrough.chatModelReady';
/** Marker commands (no-ops) the server and model steps also complete on; see above. */
export const SERVER_FOUND_COMMAND = 'phiCoder.internal.walkthrough.serverFound';
export const CHAT_MODEL_READY_COMMAND = 'phiCoder.internal.walkthrough.chatModelReady';

/** Runs `command` through the workbench's command service, where walkthrough completion events are observed. */
function announce(command: string): void {
  void vscode.commands.executeCommand('runCommands', { commands: [command] }).then(undefined, () => undefined);
}

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
      announce(SERVER_FOUND_COMMAND);
    }
    if (!state.chatModelReady && chatModelReady(s)) {
      state.chatModelReady = true;
      void vscode.commands.executeCommand('setContext', CHAT_MODEL_READY_KEY, true);
      announce(CHAT_MODEL_READY_COMMAND);
    }
  };
  const announceDone = () => {
    if (state.serverFound) announce(SERVER_FOUND_COMMAND);
    if (state.chatModelReady) announce(CHAT_MODEL_READY_COMMAND);
  };
  update(services.backends.status);
  services.extension.subscriptions.push(
    services.backends.onDidChangeStatus(update),
    vscode.commands.registerCommand('phiCoder.getStarted', async () => {
      await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${services.extension.extension.id}#${WALKTHROUGH_ID}`, false);
      announceDone(); // the walkthrough service exists now: what is already done ticks
    }),
    vscode.commands.registerCommand(SERVER_FOUND_COMMAND, () => undefined),
    vscode.commands.registerCommand(CHAT_MODEL_READY_COMMAND, () => undefined),
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
