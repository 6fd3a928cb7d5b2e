/**
 * Inline completions: the provider for every language, its commands, and the scheduler they share.
 * Called from src/extension.ts; everything it creates is disposed with the extension.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { CompletionScheduler } from '../../core/completion/scheduler';
import { CompletionPipeline } from '../../core/completion/pipeline';
import { StableContext } from '../../core/completion/stableContext';
import { realClock } from '../../core/completion/clock';
import { isSnoozed } from '../completionStatus';
import { ExtensionCompletionRunner } from './runner';
import { PhiInlineCompletionProvider, ACCEPTED_COMMAND } from './provider';
import { registerCompletionCommands } from './commands';
import { requestLogLine } from './requestLog';

export function registerCompletions(services: Services): void {
  const pipeline = new CompletionPipeline(new StableContext(services.context.engine, services.logger));
  const ends = new Map<number, () => void>();
  const scheduler = new CompletionScheduler({
    runner: new ExtensionCompletionRunner(services, pipeline),
    clock: realClock,
    debounceMs: services.settings().completions.debounceMs,
    logger: services.logger,
    isEnabled: () => {
      const s = services.settings().completions;
      return { enabled: s.enabled, disabledLanguages: s.disabledLanguages, snoozed: isSnoozed() };
    },
    onRequest: (r) => ends.set(r.id, services.backends.beginRequest()),
    onRequestDone: (r) => {
      ends.get(r.id)?.();
      ends.delete(r.id);
      if (r.error) services.backends.reportError(r.error, 'completion');
      services.log.info(requestLogLine(r, 'request'));
    },
  });
  const provider = new PhiInlineCompletionProvider(services, scheduler);
  services.extension.subscriptions.push(
    vscode.languages.registerInlineCompletionItemProvider([{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-notebook-cell' }], provider),
    vscode.commands.registerCommand(ACCEPTED_COMMAND, (id: number, source: string, chars: number) => provider.accepted(id, source, chars)),
    ...registerCompletionCommands(services, scheduler),
    services.onDidChangeSettings((s) => {
      scheduler.debounce.setBase(s.completions.debounceMs);
      if (!s.completions.enabled) scheduler.cancelAll();
    }),
    { dispose: () => scheduler.cancelAll() },
  );
}
