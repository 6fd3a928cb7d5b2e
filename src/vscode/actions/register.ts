/** The right-click actions (explain, refactor, docs, tests, fix) and the diff preview they and the chat share. */
import * as vscode from 'vscode';
import * as path from 'path';
import { setWasmDirectory } from '../../core/context/parser';
import type { Services } from '../services';
import { registerDiffPreview } from '../diffPreview';
import { normaliseArgs } from './args';
import { PhiCodeActionProvider } from './codeActions';
import { runExplain } from './explain';
import { runRewrite } from './rewrite';
import { runWriteTests } from './writeTests';
import { disposeHighlight } from './resolveTarget';
import { actionLanguageIds } from '../../core/actions/target';

export const ACTION_LANGUAGES_KEY = 'phiCoder.actionLanguages';

export function registerActions(services: Services): void {
  const subs = services.extension.subscriptions;
  try {
    // Idempotent with the context service's call (same directory); needed before the first parse in the bundle.
    setWasmDirectory(path.join(services.extension.extensionPath, 'dist', 'wasm'));
  } catch (err) {
    services.logger.debug(`actions: tree-sitter wasm directory already set elsewhere: ${err instanceof Error ? err.message : String(err)}`);
  }
  registerDiffPreview(subs);
  // The editor context menu shows the Phi Coder submenu on a selection, or anywhere in a file we can parse.
  void vscode.commands.executeCommand('setContext', ACTION_LANGUAGES_KEY, actionLanguageIds());
  subs.push(
    vscode.commands.registerCommand('phiCoder.explain', (arg?: unknown) => runExplain(services, normaliseArgs(arg))),
    vscode.commands.registerCommand('phiCoder.refactor', (arg?: unknown) => runRewrite(services, 'refactor', normaliseArgs(arg))),
    vscode.commands.registerCommand('phiCoder.addDocs', (arg?: unknown) => runRewrite(services, 'addDocs', normaliseArgs(arg))),
    vscode.commands.registerCommand('phiCoder.fix', (arg?: unknown) => runRewrite(services, 'fix', normaliseArgs(arg))),
    vscode.commands.registerCommand('phiCoder.writeTests', (arg?: unknown) => runWriteTests(services, normaliseArgs(arg))),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new PhiCodeActionProvider(), PhiCodeActionProvider.metadata),
    vscode.languages.registerCodeActionsProvider({ scheme: 'untitled' }, new PhiCodeActionProvider(), PhiCodeActionProvider.metadata),
    { dispose: disposeHighlight },
  );
}
