/**
 * PLACEHOLDER until the context engine lands (issue 4): its owner replaces this file with the real service
 * (workspace index, tree-sitter engine, "Show Context for Cursor"). The interface below is the contract features use.
 */
import type * as vscode from 'vscode';
import type { ContextEngine, DocumentSnapshot } from '../core/context/types';

export interface ContextService extends vscode.Disposable {
  readonly engine: ContextEngine;
  /** Snapshot of `doc` with the cursor at `position` (and the selection, if given). */
  snapshot(doc: vscode.TextDocument, position: vscode.Position, selection?: vscode.Selection): DocumentSnapshot;
}
