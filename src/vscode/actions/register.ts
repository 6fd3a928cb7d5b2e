/** The right-click actions (explain, refactor, docs, tests, fix) and the diff preview they and the chat share. */
import * as vscode from 'vscode';
import type { Services } from '../services';
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
