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
import type { DocumentSnapshot } from '../../core/context/types';

/** The snapshot's document: a file path, or the URI string of an untitled / virtual document. */
function uriOfSnapshot(doc: DocumentSnapshot): vscode.Uri {
  return /^[a-z][\w+.-]+:/i.test(doc.path) && !/^[a-z]:[\\/]/i.test(doc.path) ? vscode.Uri.parse(doc.path) : vscode.Uri.file(doc.path);
}

export function registerCompletions(services: Services): void {
  // Project rules for completions: compact, capped and cached per document until a rules file changes.
  // File windows come from the engine's worker (built here when it cannot answer in time).
  const stable = new StableContext(services.context.engine, services.logger);
  const pipeline = new CompletionPipeline(stable, undefined, (doc) => services.rules.forCompletion(uriOfSnapshot(doc)), {
    source: services.context.windows,
    logger: services.logger,
  });
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
    // New language-server hints for a file: its next completion refreshes the cross-file context (and uses the old meanwhile).
    ...(services.context.onDidChangeHints ? [services.context.onDidChangeHints((path) => stable.invalidate(path))] : []),
  );
}
