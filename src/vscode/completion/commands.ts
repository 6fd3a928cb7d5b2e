/** Commands of the completion feature: toggle, snooze, and the read-only "last prompt" document. */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { CompletionScheduler } from '../../core/completion/scheduler';
import { isSnoozed, snoozeCompletions } from '../completionStatus';
import { lastPromptDocument } from './requestLog';

export const LAST_PROMPT_SCHEME = 'phi-coder-completion';
const LAST_PROMPT_URI = vscode.Uri.parse(`${LAST_PROMPT_SCHEME}:/Last%20Completion%20Prompt.md`);

export function registerCompletionCommands(services: Services, scheduler: CompletionScheduler): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const contentProvider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    provideTextDocumentContent: () => lastPromptDocument(scheduler.lastRequest),
  };
  return [
    changed,
    vscode.workspace.registerTextDocumentContentProvider(LAST_PROMPT_SCHEME, contentProvider),
    vscode.commands.registerCommand('phiCoder.toggleCompletions', async () => {
      const enabled = !services.settings().completions.enabled;
      await vscode.workspace.getConfiguration('phiCoder').update('completions.enabled', enabled, vscode.ConfigurationTarget.Global);
      if (!enabled) scheduler.cancelAll();
      services.log.info(`inline completions ${enabled ? 'enabled' : 'disabled'}`);
      return enabled;
    }),
    vscode.commands.registerCommand('phiCoder.snoozeCompletions', async (minutes?: number) => {
      if (typeof minutes !== 'number') {
        const items = [5, 15, 30, 60].map((m) => ({ label: `${m} minutes`, minutes: m }));
        if (isSnoozed()) items.unshift({ label: 'Resume now', minutes: 0 });
        const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Snooze inline completions for…' });
        if (!pick) return;
        minutes = pick.minutes;
      }
      snoozeCompletions(minutes);
      scheduler.cancelAll();
      services.log.info(minutes > 0 ? `inline completions snoozed for ${minutes} min` : 'inline completions resumed');
    }),
    vscode.commands.registerCommand('phiCoder.showLastCompletionPrompt', async () => {
      changed.fire(LAST_PROMPT_URI);
      // A document opened earlier in the session is cached with its old text (the change event refreshes it only
      // asynchronously): a fresh query makes VS Code ask the provider now.
      const doc = await vscode.workspace.openTextDocument(LAST_PROMPT_URI.with({ query: String(Date.now()) }));
      await vscode.window.showTextDocument(doc, { preview: true });
      return doc.getText();
    }),
  ];
}
