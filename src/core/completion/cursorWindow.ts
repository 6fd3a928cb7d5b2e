/**
 * The file window around the cursor and the completion mode it implies: computed by the context engine from its copy
 * of the document (a WindowSource), which also sends the exact token counts of the window's lines so the host's prompt
 * count does not tokenize them again; or on the extension host's thread when the engine is late or down. Both run
 * windowAndMode; the host then decides the mode by the text rules alone (TEXT_RULES): tree-sitter's wasm does not run in
 * the extension host, whose process every extension shares (under node 24, V8's optimising tier-up of a grammar's wasm
 * takes a process past 1 GB for a moment).
 */
import type { DocumentSnapshot } from '../context/types';
import { lineCountsOf, type LineCount } from '../tokens';
import { syntaxMode, type CompletionScope, type ModeSyntax } from './mode';
import type { LocalTrees } from './localTrees';
import { fileWindow, type FileWindow, type WindowBudget } from './promptWindow';
import type { CompletionMode } from './types';

export interface WindowAndMode {
  window: FileWindow;
  mode: CompletionMode;
  scope: CompletionScope;
  bySyntax: boolean;
}

/** What the worker answers: the window and mode, and the line counts of the window's text (see lineCountsOf). */
export interface RemoteWindow extends WindowAndMode {
  counts: LineCount[];
}

/** Where else a window can be computed. Resolves undefined when it cannot answer (no copy of that version, not running). */
export interface WindowSource {
  window(doc: Pick<DocumentSnapshot, 'path' | 'version' | 'offset' | 'line' | 'languageId'>, budget: WindowBudget): Promise<RemoteWindow | undefined>;
}

export function windowAndMode(doc: Pick<DocumentSnapshot, 'text' | 'offset' | 'line' | 'languageId'>, budget: WindowBudget, trees: Exclude<ModeSyntax, undefined>): WindowAndMode {
  const window = fileWindow(doc.text, doc.offset, budget, doc.line);
  const local = localText(window);
  return { window, ...syntaxMode(doc.languageId, local.text, local.offset, trees) };
}

/**
 * windowAndMode from the lines around the cursor only, when the snapshot can read them apart from the whole text (an
 * editor snapshot, whose whole text is a copy of the document per edit): the host's own window when the worker is late.
 * Exact: every line costs at least one token (its newline), so no window takes more than `aboveTokens` lines above the
 * cursor or `belowTokens` below; with one more line each side read, the window's line loops stop on the budget before the
 * slice's ends unless the slice ends where the document does, and the window is the whole text's.
 */
export function windowAndModeAround(doc: Pick<DocumentSnapshot, 'text' | 'offset' | 'line' | 'languageId' | 'linesAround'>, budget: WindowBudget, trees: Exclude<ModeSyntax, undefined>): WindowAndMode {
  if (!doc.linesAround || doc.line === undefined) return windowAndMode(doc, budget, trees);
  const slice = doc.linesAround(budget.aboveTokens + 1, budget.belowTokens + 1);
  return windowAndMode({ text: slice.text, offset: slice.offset, line: doc.line, languageId: doc.languageId }, budget, trees);
}

/** windowAndMode plus the counts of the window's lines, as the worker answers a WindowSource request. */
export function remoteWindow(doc: Pick<DocumentSnapshot, 'text' | 'offset' | 'line' | 'languageId'>, budget: WindowBudget, trees: LocalTrees): RemoteWindow {
  const w = windowAndMode(doc, budget, trees);
  const { window: f } = w;
  return { ...w, counts: lineCountsOf(`${f.above}\n${f.linePrefix}${f.lineSuffix}\n${f.below}\n`) };
}

/** Lines of the text around the cursor that syntax analysis parses start and end at multiples of this. */
const LOCAL_ALIGN_LINES = 16;

/**
 * The lines around the cursor that syntax analysis parses: at least 60 above and 30 below (a few KB, so a first parse
 * stays within a millisecond or two), with both ends on LOCAL_ALIGN_LINES lines, so that while the user types in one
 * place the text changes only at the cursor and its tree is re-parsed incrementally.
 */
function localText(w: FileWindow): { text: string; offset: number } {
  const first = Math.max(w.firstLine, Math.floor((w.cursorLine - 48) / LOCAL_ALIGN_LINES) * LOCAL_ALIGN_LINES);
  const last = Math.min(w.lastLine, Math.ceil((w.cursorLine + 24) / LOCAL_ALIGN_LINES) * LOCAL_ALIGN_LINES);
  const above = first < w.cursorLine ? w.above.slice(nthNewline(w.above, first - w.firstLine)) : '';
  const below = last > w.cursorLine ? w.below.slice(0, nthNewline(w.below, last - w.cursorLine) - 1) : '';
  const head = first < w.cursorLine ? above + '\n' : '';
  const text = head + w.linePrefix + w.lineSuffix + (last > w.cursorLine ? '\n' + below : '');
  return { text, offset: head.length + w.linePrefix.length };
}

/** The offset just after the n-th newline of `text` (0 for n = 0; past the end, text.length + 1). */
function nthNewline(text: string, n: number): number {
  let at = 0;
  for (let i = 0; i < n; i++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return text.length + 1;
    at = nl + 1;
  }
  return at;
}
