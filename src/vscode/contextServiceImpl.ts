// PLACEHOLDER until issue 4 lands: the owner of the context engine replaces this file.
import * as vscode from 'vscode';
import type { ContextService } from './contextService';
import type { Logger } from '../core/log';
import type { Settings } from '../core/config';

export interface ContextServiceDeps {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  logger: Logger;
  settings(): Settings;
  onDidChangeSettings: vscode.Event<Settings>;
}

export function createContextService(_deps: ContextServiceDeps): ContextService {
  return {
    engine: { assemble: async () => ({ items: [], text: '', tokens: 0, dropped: [], elapsedMs: 0 }) },
    snapshot: (doc, position, selection) => ({
      path: doc.uri.fsPath,
      relPath: vscode.workspace.asRelativePath(doc.uri),
      languageId: doc.languageId,
      text: doc.getText(),
      version: doc.version,
      offset: doc.offsetAt(position),
      selection: selection && !selection.isEmpty ? { start: doc.offsetAt(selection.start), end: doc.offsetAt(selection.end) } : undefined,
    }),
    dispose() {},
  };
}
