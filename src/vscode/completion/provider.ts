/**
 * The InlineCompletionItemProvider: bridges VS Code's request (document, position, context, cancellation token)
 * to the core scheduler, and its answer to an InlineCompletionItem (plain insertText + an empty range at the
 * cursor, so VS Code's own word/line partial accept works). Errors go to the backend service, never to pop-ups here.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { CompletionScheduler, RequestRecord } from '../../core/completion/scheduler';
import type { IndentStyle } from '../../core/completion/types';
import { isAbortError } from '../../core/backends/errors';

export const ACCEPTED_COMMAND = 'phiCoder.completionAccepted';

export class PhiInlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  /** Requests whose ghost text is showing, by id, until accepted or superseded (for the "accepted" log line). */
  private readonly shown = new Map<number, RequestRecord>();

  constructor(
    private readonly services: Services,
    private readonly scheduler: CompletionScheduler,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    // Never complete inside our own read-only documents or output panes.
    if (document.uri.scheme === 'output' || document.uri.scheme.startsWith('phi-coder')) return undefined;
    // Excluded files (secret-looking, skipped folders, .gitignore, context.exclude) and files outside the workspace folders.
    if (!this.services.gate.checkActive(document.uri).ok) return undefined;
    const controller = new AbortController();
    if (token.isCancellationRequested) return undefined;
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      const answer = await this.scheduler.provide({
        doc: this.services.context.cursorSnapshot(document, position),
        trigger: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke ? 'manual' : 'automatic',
        indent: indentFor(document),
        signal: controller.signal,
        suggestWidgetActive: !!context.selectedCompletionInfo,
      });
      if (answer?.source === 'reuse') this.services.log.debug(`completion #${answer.request?.id} reused for a later keystroke (${answer.text.length} chars)`);
      if (!answer || token.isCancellationRequested) return undefined;
      const id = answer.request?.id ?? 0;
      if (answer.request) {
        this.shown.set(id, answer.request);
        if (this.shown.size > 20) this.shown.delete(this.shown.keys().next().value as number);
      } else this.services.log.debug(`completion from cache (${answer.text.length} chars)`);
      const item = new vscode.InlineCompletionItem(answer.text, new vscode.Range(position, position));
      item.command = { title: 'Accepted', command: ACCEPTED_COMMAND, arguments: [id, answer.source, answer.text.length] };
      return [item];
    } catch (err) {
      if (!isAbortError(err)) this.services.backends.reportError(err, 'completion');
      return undefined;
    } finally {
      sub.dispose();
    }
  }

  /** The accept command attached to every item: log it (the request id ties it to its request line). */
  accepted(id: number, source: string, chars: number): void {
    const r = this.shown.get(id);
    this.services.log.info(`completion #${id} accepted source=${source} chars=${chars}${r ? ` model=${r.prepared.target.model}` : ''}`);
  }
}

function indentFor(document: vscode.TextDocument): IndentStyle {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
  if (editor && typeof editor.options.tabSize === 'number' && typeof editor.options.insertSpaces === 'boolean') {
    return { tabSize: editor.options.tabSize, insertSpaces: editor.options.insertSpaces };
  }
  const cfg = vscode.workspace.getConfiguration('editor', document);
  return { tabSize: cfg.get<number>('tabSize', 4), insertSpaces: cfg.get<boolean>('insertSpaces', true) };
}
