/**
 * What an action command receives: nothing (palette, context menu: the active editor), or a target from a code
 * action / test ({uri, range, diagnostics, instruction}). Also the context-engine call every action shares.
 */
import * as vscode from 'vscode';
import type { DiagnosticInfo } from '../../core/actions/prompts';
import type { DocumentSnapshot } from '../../core/context/types';
import type { Services } from '../services';
import { DIFF_SCHEME } from '../diffPreview';

export interface ActionArgs {
  uri?: vscode.Uri | string;
  /** The range to act on (its start is also the position used to find the enclosing function). */
  range?: vscode.Range;
  /** Refactor: skip the quick pick. */
  instruction?: string;
  /** Fix: the diagnostics to fix (a quick fix passes the ones it was offered for). */
  diagnostics?: DiagnosticInfo[];
}

export interface EditorTarget {
  doc: vscode.TextDocument;
  editor: vscode.TextEditor | undefined;
  selection: vscode.Range;
  position: vscode.Position;
}

/** Commands invoked from menus get the resource URI as first argument: accept it as well as ActionArgs. */
export function normaliseArgs(arg: unknown): ActionArgs {
  if (arg instanceof vscode.Uri) return { uri: arg };
  if (arg && typeof arg === 'object') return arg as ActionArgs;
  return {};
}

/** The document an action works on, or why there is none (no editor, a diff preview, a secret-looking file). */
export async function resolveEditorArgs(args: ActionArgs, services: Pick<Services, 'gate'>): Promise<EditorTarget | { problem: string }> {
  const target = await editorTarget(args);
  if (!target) return { problem: 'open a file first.' };
  const verdict = services.gate.checkActive(target.doc.uri);
  if (!verdict.ok) return { problem: `this file is never sent to a model (${verdict.reason}).` };
  return target;
}

async function editorTarget(args: ActionArgs): Promise<EditorTarget | undefined> {
  const active = vscode.window.activeTextEditor;
  const uri = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
  if (uri && (!active || active.document.uri.toString() !== uri.toString())) {
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const range = args.range ?? new vscode.Range(0, 0, 0, 0);
    return { doc, editor, selection: range, position: range.start };
  }
  // The proposal side of a diff preview (or any read-only virtual document) is not something to act on.
  if (!active || active.document.uri.scheme === DIFF_SCHEME) return undefined;
  const selection = args.range ?? active.selection;
  return { doc: active.document, editor: active, selection, position: args.range ? args.range.start : active.selection.active };
}

/** Cross-file context for the prompt; an engine failure costs the context, not the action. */
export async function assembleContext(services: Services, doc: DocumentSnapshot, budgetTokens: number, signal: AbortSignal): Promise<{ text: string; tokens: number } | undefined> {
  if (budgetTokens <= 0) return undefined;
  try {
    const packed = await services.context.engine.assemble({ doc, budgetTokens, purpose: 'action', signal });
    services.logger.debug(`action context: ${packed.items.length} items, ${packed.tokens} tokens, ${packed.dropped.length} dropped, ${packed.elapsedMs} ms`);
    return packed.text ? { text: packed.text, tokens: packed.tokens } : undefined;
  } catch (err) {
    if (signal.aborted) throw err;
    services.logger.warn(`action context failed, continuing without it: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}
