/**
 * Ctrl+I inline edit: the command, the CodeLenses (per hunk: Accept / Reject; for the whole: Accept all, Reject all,
 * Refine…, Open as diff), the red/green line decorations, and the listeners that keep a session honest: edits above
 * the target move it, an edit inside it ends the review, closing the document (or the review's tab) ends it.
 * Nothing proposed reaches the disk before it is accepted: when the document auto-saves, the review is drawn into a
 * read-only review document (reviewDocument.ts) and the document holds the original until the review ends; else it
 * is drawn in place and a save (by hand) writes the file without the undecided lines.
 */
import * as vscode from 'vscode';
import { PHI4_CONTEXT_WINDOW } from '../../core/config';
import { applyDecisions } from '../../core/edit/hunks';
import type { Services } from '../services';
import { normaliseArgs, resolveEditorArgs, type ActionArgs } from '../actions/args';
import { flashTarget, resolveTarget } from '../actions/resolveTarget';
import { showDiffPreview } from '../diffPreview';
import { askInstruction, rememberInstruction } from './input';
import { budgetFor, runRound, type RoundDeps } from './run';
import { autoSaves, ReviewDocuments, REVIEW_SCHEME } from './reviewDocument';
import { InlineEditSession } from './session';

export const INLINE_EDIT_COMMAND = 'phiCoder.inlineEdit';
const ACTIVE_KEY = 'phiCoder.inlineEditActive';

export interface InlineEditState {
  phase: string;
  invalid?: string;
  instruction: string;
  rounds: number;
  start: number;
  /** The text the buffer shows for the target now, and each hunk's decision and lines. */
  view: string;
  tags: string[];
  /** The review document's URI when the review is drawn there (the document auto-saves). */
  review?: string;
  hunks: { state: string; oldLines: string[]; newLines: string[]; line?: number }[];
}

export function registerInlineEdit(services: Services): void {
  const subs = services.extension.subscriptions;
  const sessions = new Map<string, InlineEditSession>();
  const lensesChanged = new vscode.EventEmitter<void>();
  const deps: RoundDeps = { services };
  const decorations = {
    removed: vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      textDecoration: 'line-through',
    }),
    added: vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    }),
  };

  const reviews = new ReviewDocuments();
  /** The session editing `doc`, or drawn into `doc` (a review document). */
  const byDocument = (doc: vscode.TextDocument | undefined) => (doc ? sessions.get(doc.uri.toString()) ?? byReview(doc.uri) : undefined);
  const byReview = (uri: vscode.Uri) => {
    if (uri.scheme === REVIEW_SCHEME) for (const s of sessions.values()) if (s.review?.uri.toString() === uri.toString()) return s;
    return undefined;
  };
  const find = (id?: unknown) => {
    if (typeof id === 'string') for (const s of sessions.values()) if (s.id === id) return s;
    return byDocument(vscode.window.activeTextEditor?.document) ?? [...sessions.values()].pop();
  };
  const updateKey = () => void vscode.commands.executeCommand('setContext', ACTIVE_KEY, !!byDocument(vscode.window.activeTextEditor?.document));

  const end = async (session: InlineEditSession, why: string) => {
    if (sessions.get(session.document.uri.toString()) !== session) return;
    sessions.delete(session.document.uri.toString());
    session.abort.abort();
    await session.finish().catch((err) => services.logger.warn(`inline edit: could not write the result: ${err instanceof Error ? err.message : String(err)}`));
    await session.closeReview();
    session.dispose();
    services.logger.info(`inline edit: ${why}`);
    lensesChanged.fire();
    updateKey();
  };

  /** All hunks decided: the buffer already shows the result; close the session. */
  const finishIfDecided = async (session: InlineEditSession) => {
    if (session.phase === 'review' && session.pendingHunks() === 0) {
      const accepted = session.states.filter((s) => s === 'accepted').length;
      await end(session, `${accepted} of ${session.states.length} hunks accepted`);
    }
  };

  /** A review drawn in place whose document now auto-saves moves to a review document (after a save in progress). */
  const moveIfAutoSaving = (session: InlineEditSession) => {
    if (session.review || session.saving || session.phase === 'done' || !autoSaves(session.document)) return;
    const editor = vscode.window.visibleTextEditors.find((x) => x.document === session.document);
    session.moveToReview(reviews, editor).then(() => {
      lensesChanged.fire();
      updateKey();
    }, (err) => services.logger.warn(`inline edit: could not move the review to a review document: ${err instanceof Error ? err.message : String(err)}`));
  };

  const canAccept = (session: InlineEditSession): boolean => {
    if (session.phase !== 'review') {
      void vscode.window.showInformationMessage('Phi Coder: the edit is still being written and checked; accept it when it is complete.');
      return false;
    }
    if (session.invalid) {
      void vscode.window.showWarningMessage(`Phi Coder: the edit cannot be applied: ${session.invalid}`);
      return false;
    }
    return true;
  };

  const start = async (arg: unknown): Promise<InlineEditState | undefined> => {
    const args: ActionArgs = normaliseArgs(arg);
    // Ctrl+I in a review (its document or its review document) refines it.
    const reviewing = args.uri ? undefined : byDocument(vscode.window.activeTextEditor?.document);
    if (reviewing) return refine(reviewing.id, args.instruction);
    const resolved = await resolveEditorArgs(args, services);
    if ('problem' in resolved) {
      void vscode.window.showInformationMessage(`Phi Coder: ${resolved.problem}`);
      return undefined;
    }
    const { doc, editor, selection, position } = resolved;
    const existing = byDocument(doc);
    if (existing) {
      // One edit per document: a new Ctrl+I while one is under review refines it.
      return refine(existing.id, args.instruction);
    }
    const found = await resolveTarget(doc, selection, position);
    if ('problem' in found) {
      void vscode.window.showInformationMessage(`Phi Coder: ${found.problem}`);
      return undefined;
    }
    const t = found.target;
    // Whole lines: the diff is by line, and a partial first or last line would be shown twice.
    const startOffset = doc.offsetAt(new vscode.Position(t.range.start.line, 0));
    const endLine = t.range.end.character === 0 && t.range.end.line > t.range.start.line ? t.range.end.line - 1 : t.range.end.line;
    const endOffset = doc.offsetAt(doc.lineAt(endLine).rangeIncludingLineBreak.end);
    const session = new InlineEditSession(doc, startOffset, endOffset, '', { kind: t.kind, name: t.name }, decorations);
    flashTarget(editor, t.range);
    const window = services.backends.status.state === 'ready' ? await services.backends.active().then((a) => a.contextWindow, () => undefined) : undefined;
    const instruction = args.instruction ?? (await askInstruction(services.extension.globalState, `Edit ${session.what}`, budgetFor(deps, session, window ?? (services.settings().contextWindow || PHI4_CONTEXT_WINDOW))));
    if (!instruction) {
      session.dispose();
      return undefined;
    }
    if (byDocument(doc)) return undefined; // another Ctrl+I won the race
    if (doc.getText().slice(startOffset, endOffset) !== session.original) {
      void vscode.window.showWarningMessage('Phi Coder: the code changed while you typed the instruction; press Ctrl+I again.');
      session.dispose();
      return undefined;
    }
    session.instruction = instruction;
    void rememberInstruction(services.extension.globalState, instruction);
    sessions.set(doc.uri.toString(), session);
    session.onDidChange(() => lensesChanged.fire());
    session.onBroken = (why) => {
      sessions.delete(doc.uri.toString());
      session.dispose();
      lensesChanged.fire();
      updateKey();
      services.logger.warn(`inline edit: ${why}; the review ended`);
      void vscode.window.showWarningMessage(`Phi Coder: the inline edit review ended (${why}). Ctrl+Z steps back through it.`);
    };
    if (autoSaves(doc)) {
      // Auto-save would write whatever the document shows: the review goes into a review document instead.
      try {
        await session.openReview(reviews, editor);
      } catch (err) {
        sessions.delete(doc.uri.toString());
        session.dispose();
        void vscode.window.showErrorMessage(`Phi Coder: could not open the review of the edit: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    }
    updateKey();
    lensesChanged.fire();
    await runRoundWithProgress(session);
    return stateOf(session);
  };

  const runRoundWithProgress = async (session: InlineEditSession) => {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Phi Coder: editing ${session.what}` }, () => runRound(deps, session));
    if (session.phase === 'review' && session.diff.hunks.length === 0 && !session.invalid) await end(session, 'no change proposed');
  };

  const refine = async (id: unknown, given?: string): Promise<InlineEditState | undefined> => {
    const session = find(id);
    if (!session) return undefined;
    if (session.phase === 'streaming' || session.phase === 'validating') {
      void vscode.window.showInformationMessage('Phi Coder: wait for the edit to finish (or reject it) before refining it.');
      return stateOf(session);
    }
    const window = await services.backends.active().then((a) => a.contextWindow, () => services.settings().contextWindow || PHI4_CONTEXT_WINDOW);
    const instruction = given ?? (await askInstruction(services.extension.globalState, `Refine the edit of ${session.what}`, budgetFor(deps, session, window)));
    if (!instruction || sessions.get(session.document.uri.toString()) !== session) return stateOf(session);
    void rememberInstruction(services.extension.globalState, instruction);
    session.instruction = instruction;
    session.abort = new AbortController();
    await session.restoreOriginal();
    await runRoundWithProgress(session);
    return stateOf(session);
  };

  const decide = async (id: unknown, hunk: unknown, state: 'accepted' | 'rejected'): Promise<boolean> => {
    const session = find(id);
    if (!session || typeof hunk !== 'number') return false;
    if (state === 'accepted' && !canAccept(session)) return false;
    await session.decide(hunk, state);
    await finishIfDecided(session);
    return true;
  };

  const decideAll = async (id: unknown, state: 'accepted' | 'rejected'): Promise<boolean> => {
    const session = find(id);
    if (!session) return false;
    if (state === 'accepted' && !canAccept(session)) return false;
    if (state === 'rejected' && session.phase !== 'review') {
      // Rejecting while it streams stops the request and shows the original.
      session.abort.abort();
      await session.restoreOriginal();
      await end(session, 'rejected while streaming');
      return true;
    }
    await session.decideAll(state);
    await finishIfDecided(session);
    return true;
  };

  const openAsDiff = async (id: unknown): Promise<boolean> => {
    const session = find(id);
    if (!session || !canAccept(session)) return false;
    const proposal = session.turns[session.turns.length - 1]?.code ?? session.proposal;
    const decided = applyDecisions(session.diff, (i) => session.states[i] !== 'rejected', session.original, session.eol);
    await session.restoreOriginal();
    const base = { text: session.document.getText(), start: session.start, end: session.start + session.original.length };
    await end(session, 'moved to the diff editor');
    const outcome = await showDiffPreview({ document: session.document, base, newText: decided || proposal, title: `Edit: ${session.instruction.slice(0, 40)}` });
    return outcome === 'accepted';
  };

  const codeLenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    provideCodeLenses(doc) {
      const session = byDocument(doc);
      // With a review document, the lenses are there (the document shows the original).
      if (!session || doc !== session.viewDocument()) return [];
      const top = new vscode.Range(doc.positionAt(session.start), doc.positionAt(session.start));
      const lens = (range: vscode.Range, title: string, command: string, ...args: unknown[]) => new vscode.CodeLens(range, { title, command, arguments: [session.id, ...args], tooltip: title });
      const out: vscode.CodeLens[] = [];
      if (session.phase === 'streaming' || session.phase === 'validating') {
        out.push(lens(top, `$(sync~spin) Phi Coder is editing ${session.what}… (${session.received} characters)`, 'phiCoder.inlineEdit.rejectAll'));
        out.push(lens(top, 'Stop and reject', 'phiCoder.inlineEdit.rejectAll'));
        return out;
      }
      if (session.invalid) out.push(lens(top, `$(warning) cannot apply: ${session.invalid.slice(0, 80)}`, 'phiCoder.inlineEdit.refine'));
      else out.push(lens(top, `$(check) Accept all (${process.platform === 'darwin' ? '⌘⏎' : 'Ctrl+Enter'})`, 'phiCoder.inlineEdit.acceptAll'));
      out.push(lens(top, `$(close) Reject all (${process.platform === 'darwin' ? '⌘⌫' : 'Ctrl+Backspace'})`, 'phiCoder.inlineEdit.rejectAll'));
      out.push(lens(top, 'Refine…', 'phiCoder.inlineEdit.refine'));
      if (!session.invalid) out.push(lens(top, 'Open as diff', 'phiCoder.inlineEdit.openAsDiff'));
      session.diff.hunks.forEach((_, i) => {
        if (session.states[i] !== 'pending') return;
        const line = session.hunkLine(i);
        if (line === undefined) return;
        const at = new vscode.Range(line, 0, line, 0);
        if (!session.invalid) out.push(lens(at, 'Accept', 'phiCoder.inlineEdit.acceptHunk', i));
        out.push(lens(at, 'Reject', 'phiCoder.inlineEdit.rejectHunk', i));
      });
      return out;
    },
  };

  subs.push(
    lensesChanged,
    decorations.removed,
    decorations.added,
    reviews,
    vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, reviews),
    vscode.languages.registerCodeLensProvider([{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: REVIEW_SCHEME }], codeLenses),
    vscode.commands.registerCommand(INLINE_EDIT_COMMAND, start),
    vscode.commands.registerCommand('phiCoder.inlineEdit.acceptHunk', (id: unknown, hunk: unknown) => decide(id, hunk, 'accepted')),
    vscode.commands.registerCommand('phiCoder.inlineEdit.rejectHunk', (id: unknown, hunk: unknown) => decide(id, hunk, 'rejected')),
    vscode.commands.registerCommand('phiCoder.inlineEdit.acceptAll', (id?: unknown) => decideAll(id, 'accepted')),
    vscode.commands.registerCommand('phiCoder.inlineEdit.rejectAll', (id?: unknown) => decideAll(id, 'rejected')),
    vscode.commands.registerCommand('phiCoder.inlineEdit.refine', (id?: unknown, instruction?: unknown) => refine(id, typeof instruction === 'string' ? instruction : undefined)),
    vscode.commands.registerCommand('phiCoder.inlineEdit.openAsDiff', (id?: unknown) => openAsDiff(id)),
    // For tests and the integrator: what the session shows now.
    vscode.commands.registerCommand('phiCoder.internal.inlineEditState', (uri?: string) => {
      const s = uri ? sessions.get(uri) : find();
      return s ? stateOf(s) : undefined;
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // The edited document only (a review document changes by our hand alone).
      const session = sessions.get(e.document.uri.toString());
      if (!session || session.saving || e.contentChanges.length === 0) return;
      if (e.contentChanges.length === 1 && session.isOwnChange(e.contentChanges[0]!.rangeOffset, e.contentChanges[0]!.rangeLength, e.contentChanges[0]!.text)) return;
      for (const c of [...e.contentChanges].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
        if (!session.noteUserChange(c.rangeOffset, c.rangeLength, c.text)) {
          const after = session.review ? 'nothing was changed' : 'Ctrl+Z restores the original';
          void vscode.window.showWarningMessage(`Phi Coder: the code under the inline edit was changed, so the review ended; ${after}.`);
          void end(session, 'the target was edited during the review');
          return;
        }
      }
      void session.refreshReview();
      lensesChanged.fire();
    }),
    // Saving by hand during a review drawn in place writes the file without the undecided lines, then the review
    // continues: nothing proposed reaches the disk before it is accepted. (With a review document, the document
    // holds the original: a save has nothing to take out.)
    vscode.workspace.onWillSaveTextDocument((e) => {
      const session = sessions.get(e.document.uri.toString());
      if (!session || session.saving || session.review) return;
      // Moving to a review document: the save waits until the buffer holds the original again.
      if (session.restored) return e.waitUntil(session.restored);
      e.waitUntil(Promise.resolve([session.stripForSave()]));
      // A save that fails (or a participant VS Code gave up on) fires no didSave: show the review again anyway.
      setTimeout(() => session.saving && void session.afterSave().then(() => moveIfAutoSaving(session)), 5000);
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      const session = sessions.get(doc.uri.toString());
      if (session?.saving) void session.afterSave().then(() => moveIfAutoSaving(session));
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      const session = sessions.get(doc.uri.toString());
      if (session) void end(session, 'document closed');
    }),
    // Closing the review document's tab ends the review as Reject all does (decided hunks are kept).
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const tab of e.closed) {
        const session = tab.input instanceof vscode.TabInputText ? byReview(tab.input.uri) : undefined;
        if (session) void end(session, 'the review was closed');
      }
    }),
    vscode.window.onDidChangeVisibleTextEditors((editors) => {
      for (const e of editors) byDocument(e.document)?.decorate(e);
    }),
    vscode.window.onDidChangeActiveTextEditor(updateKey),
    // Auto-save turned on during a review drawn in place: the review moves to a review document.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('files')) for (const session of sessions.values()) moveIfAutoSaving(session);
    }),
    { dispose: () => { for (const s of [...sessions.values()]) s.dispose(); sessions.clear(); } },
  );
}

function stateOf(s: InlineEditSession): InlineEditState {
  return {
    phase: s.phase,
    invalid: s.invalid,
    instruction: s.instruction,
    rounds: s.turns.length,
    start: s.start,
    view: s.view.text,
    tags: [...s.view.tags],
    review: s.review?.uri.toString(),
    hunks: s.diff.hunks.map((h, i) => ({ state: s.states[i] ?? 'pending', oldLines: h.oldLines, newLines: h.newLines, line: s.hunkLine(i) })),
  };
}
