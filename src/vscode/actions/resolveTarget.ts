/**
 * The editor side of target selection: the selection (or a range a code action passed), else the enclosing function or
 * class found by tree-sitter; a brief highlight shows the user what the action works on.
 */
import * as vscode from 'vscode';
import { selectionTarget, type ActionTarget } from '../../core/actions/target';
import { syntaxTask } from '../../core/syntax/runner';
import { languageForId } from '../../core/context/languages';

export interface ResolvedTarget extends ActionTarget {
  range: vscode.Range;
  /** The target starts after other code on its first line (a partial-line selection). */
  midLine: boolean;
}

export type TargetResult = { target: ResolvedTarget } | { problem: string };

/** A class longer than this is not rewritten to fix one diagnostic in its body: the lines around it are. */
const MAX_CLASS_LINES_FOR_FIX = 120;
const LINES_AROUND_DIAGNOSTIC = 3;

/** Whole lines covering `range`, plus `around` lines on each side (a diagnostic outside any function). */
function wholeLines(doc: vscode.TextDocument, range: vscode.Range, around = 0): vscode.Range {
  const first = Math.max(0, range.start.line - around);
  const last = Math.min(doc.lineCount - 1, range.end.line + around);
  return new vscode.Range(first, 0, last, doc.lineAt(last).text.length);
}

function toResolved(doc: vscode.TextDocument, t: ActionTarget): ResolvedTarget {
  const range = new vscode.Range(doc.positionAt(t.start), doc.positionAt(t.end));
  const linePrefix = doc.lineAt(range.start.line).text.slice(0, range.start.character);
  return { ...t, range, midLine: linePrefix.trim() !== '' };
}

/**
 * Resolve what to act on. `selection` wins when it holds code; otherwise the innermost function (else class) around
 * `position`. With `fallbackToLines`, a position outside any declaration targets the lines of `selection` (diagnostics).
 */
export async function resolveTarget(
  doc: vscode.TextDocument,
  selection: vscode.Range,
  position: vscode.Position,
  opts: { fallbackToLines?: boolean; leadingComments?: boolean } = {},
): Promise<TargetResult> {
  const text = doc.getText();
  const sel = selectionTarget(text, { start: doc.offsetAt(selection.start), end: doc.offsetAt(selection.end) });
  if (sel && !opts.fallbackToLines) return { target: toResolved(doc, sel) };
  const parsed = languageForId(doc.languageId) ? await syntaxTask({ op: 'target', languageId: doc.languageId, text, offset: doc.offsetAt(position), leadingComments: opts.leadingComments }) : undefined;
  const t = parsed?.target;
  const tooBigForLines = opts.fallbackToLines && t?.kind === 'class' && doc.positionAt(t.end).line - doc.positionAt(t.start).line > MAX_CLASS_LINES_FOR_FIX;
  if (t && !tooBigForLines) return { target: toResolved(doc, t) };
  if (opts.fallbackToLines) {
    const lines = wholeLines(doc, selection, LINES_AROUND_DIAGNOSTIC);
    const t = selectionTarget(text, { start: doc.offsetAt(lines.start), end: doc.offsetAt(lines.end) });
    if (t) return { target: toResolved(doc, t) };
  }
  if (!languageForId(doc.languageId)) {
    return { problem: `Select the code to work on (there is no ${doc.languageId} grammar to find the enclosing function).` };
  }
  if (!parsed?.parsed) return { problem: 'Select the code to work on (the file is too large or minified to parse).' };
  return { problem: 'Select some code, or place the cursor inside a function or class.' };
}

let highlight: vscode.TextEditorDecorationType | undefined;

/** Highlight the target for a moment so the user sees what the action works on. */
export function flashTarget(editor: vscode.TextEditor | undefined, range: vscode.Range, ms = 1200): void {
  if (!editor) return;
  highlight ??= vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
    borderRadius: '2px',
  });
  const decoration = highlight;
  editor.setDecorations(decoration, [range]);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  setTimeout(() => {
    if (highlight === decoration) editor.setDecorations(decoration, []);
  }, ms);
}

export function disposeHighlight(): void {
  highlight?.dispose();
  highlight = undefined;
}
