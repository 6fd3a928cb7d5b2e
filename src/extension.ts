/**
 * Activation only: build the services, register every feature, push every Disposable.
 * Heavy work (workspace index, wasm loading, backend detection) starts after activation, off the typing path.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { setWasmDirectory } from './core/context/parser';
import { setQueryDirectory } from './core/context/queries';
import { registerDiffPreview } from './vscode/diffPreview';
import { createLogChannel, channelLogger } from './vscode/logger';
import { Notifier } from './vscode/notifier';
import { SettingsWatcher } from './vscode/settings';
import { createBackendService } from './vscode/backendServiceImpl';
import { createContextService } from './vscode/contextServiceImpl';
import { registerStatusBar } from './vscode/statusBar';
import { registerBackendCommands } from './vscode/backendCommands';
import { registerCompletions } from './vscode/completion/register';
import { registerChat } from './vscode/chat/register';
import { registerActions } from './vscode/actions/register';
import { registerCommitMessage } from './vscode/scm/commitMessage';
import { registerTerminal } from './vscode/terminal/register';
import { registerWalkthrough } from './vscode/walkthrough';
import { registerInlineEdit } from './vscode/inlineEdit/register';
import type { Services } from './vscode/services';
import { RulesService } from './vscode/rules/rulesService';
import { registerRulesCommands, rulesReport } from './vscode/rules/commands';
import { PHI4_CONTEXT_WINDOW } from './core/config';
import { DocumentGate } from './vscode/workspaceGate';

export async function activate(extension: vscode.ExtensionContext): Promise<{ services: Services }> {
  const log = createLogChannel();
  extension.subscriptions.push(log);
  const logger = channelLogger(log);
  const settingsWatcher = new SettingsWatcher(extension.workspaceState);
  extension.subscriptions.push(settingsWatcher);
  const notifier = new Notifier(log);
  extension.subscriptions.push(notifier);
  // Tree-sitter's wasm and the .scm queries ship in dist/: point the core at them once, before any feature parses.
  setWasmDirectory(path.join(extension.extensionPath, 'dist', 'wasm'));
  setQueryDirectory(path.join(extension.extensionPath, 'dist', 'queries'));
  // The diff preview serves both the chat's "Apply" and the code actions.
  registerDiffPreview(extension.subscriptions);
  const backends = createBackendService({ extension, log, logger, notifier, settings: () => settingsWatcher.current, onDidChangeSettings: settingsWatcher.onDidChange });
  extension.subscriptions.push(backends);
  const gate = new DocumentGate(() => settingsWatcher.current, settingsWatcher.onDidChange);
  extension.subscriptions.push(gate);
  // Project rules first: every feature asks them, and Show Context for Cursor lists them.
  const rules = new RulesService({ extension, logger, settings: () => settingsWatcher.current, gate });
  extension.subscriptions.push(rules);
  void rules.ready();
  const window = () => settingsWatcher.current.contextWindow || PHI4_CONTEXT_WINDOW;
  registerRulesCommands(extension.subscriptions, rules, window);
  const context = createContextService({ extension, log, logger, gate, settings: () => settingsWatcher.current, onDidChangeSettings: settingsWatcher.onDidChange, rulesReport: (uri) => rulesReport(rules, uri, window()) });
  extension.subscriptions.push(context);

  const services: Services = {
    extension,
    log,
    logger,
    settings: () => settingsWatcher.current,
    onDidChangeSettings: settingsWatcher.onDidChange,
    backends,
    notifier,
    context,
    rules,
    gate,
  };

  for (const [name, register] of [
    ['status bar', registerStatusBar],
    ['backend commands', registerBackendCommands],
    ['completions', registerCompletions],
    ['chat', registerChat],
    ['actions', registerActions],
    ['commit messages', registerCommitMessage],
    ['terminal', registerTerminal],
    ['walkthrough', registerWalkthrough],
    ['inline edit', registerInlineEdit],
  ] as const) {
    try {
      register(services);
    } catch (err) {
      log.error(`Failed to register ${name}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      void notifier.error(`register:${name}`, `${name} could not start. See the log for details.`);
    }
  }
  log.info(`Phi Coder ${extension.extension.packageJSON.version as string} activated`);
  // Detect the backend in the background: never block activation on the network.
  void backends.recheck();
  // The returned object is the extension's API, used by the e2e tests to inspect state.
  return { services };
}

export function deactivate(): void {}
