/**
 * The context engine as features see it: the engine (tree-sitter structure + workspace index), snapshots of editor
 * documents, and the index's readiness. Implemented in contextServiceImpl.ts.
 */
import type * as vscode from 'vscode';
import type { ContextEngine, DocumentSnapshot } from '../core/context/types';
import type { QuestionContext } from '../core/context/questionSearch';
import type { WindowSource } from '../core/completion/cursorWindow';
import type { HintPass } from './definitionHintsHost';

export interface ContextService extends vscode.Disposable {
  readonly engine: ContextEngine;
  /** Completion file windows built by the engine's worker from its copy of the document. */
  readonly windows: WindowSource;
  /** Snapshot of `doc` with the cursor at `position` (and the selection, if given). */
  snapshot(doc: vscode.TextDocument, position: vscode.Position, selection?: vscode.Selection): DocumentSnapshot;
  /** A completion's snapshot: the text near the cursor at once, the whole text only when read (see contextServiceImpl). */
  cursorSnapshot(doc: vscode.TextDocument, position: vscode.Position): DocumentSnapshot;
  /** Resolves when the first workspace index build has finished (or failed; it never rejects). */
  whenIndexed(): Promise<void>;
  /** `@workspace`: the definitions a chat question is about (its own terms against the index), packed into `budgetTokens`. */
  searchWorkspace(question: string, budgetTokens: number, signal?: AbortSignal): Promise<QuestionContext>;
  /** The "Show Context for Cursor" report for `editor` (what `phiCoder.showContext` opens). */
  contextReport(editor: vscode.TextEditor, budgetTokens?: number): Promise<string>;
  /** The language-server hint passes so far (host-thread time each; definitionHintsHost.ts), for tests and measurements. */
  hintPasses?(): readonly HintPass[];
  /** The language server's hints for a document changed (its path, as snapshots name it): its completion context is stale. */
  readonly onDidChangeHints?: vscode.Event<string>;
}
