/**
 * Review-before-change: a proposed replacement for a range of a document (or the content of a file that does not exist
 * yet) is shown in VS Code's diff editor, streamed as it arrives, and applied only when the user accepts, as ONE undoable
 * edit. If the document changed meanwhile in a way that touches the range, the user is told and nothing is overwritten.
 *
 * Used by the right-click actions and by the chat's "apply code block". Both sides of the diff are read-only virtual
 * documents (scheme `phi-coder-diff`) holding the document as it was when the preview opened and the proposal.
 * Accept / Reject are editor-title buttons and commands: Reject while a preview is open (`phiCoder.diffPreviewActive`),
 * Accept once the proposal is complete and valid (`phiCoder.diffPreviewReady`).
 */
import * as vscode from 'vscode';
import * as path from 'path';
import { checkStale, minimalReplacement, spliceText } from '../core/actions/staleCheck';
import { inertText } from '../core/untrusted';
import { DIFF_PREVIEW_PACING, LiveRedraws } from '../shared/redrawPacer';

export const DIFF_SCHEME = 'phi-coder-diff';
/** A preview is open (Reject is offered). */
const CONTEXT_KEY = 'phiCoder.diffPreviewActive';
/** A preview is complete and valid (Accept is offered). */
const READY_KEY = 'phiCoder.diffPreviewReady';

export type DiffPreviewOutcome = 'accepted' | 'rejected';

export interface DiffPreviewOptions {
  /** The document to change. Give `document`, or `uri` for a file that may not exist yet (it is created on accept). */
  document?: vscode.TextDocument;
  uri?: vscode.Uri;
  /** The range the proposal replaces; the whole document when omitted. An empty range inserts. */
  range?: vscode.Range;
  /**
   * The document text the proposal was made from and the replaced offsets in it (overrides `range`). Pass it when the
   * proposal took a while to prepare: edits made since then are then caught by the stale check instead of being lost.
   */
  base?: { text: string; start: number; end: number };
  /** The finished replacement ... */
  newText?: string;
  /** ... or raw text chunks as they stream in (e.g. a model's answer). */
  stream?: AsyncIterable<string>;
  /** Turns the raw text received so far into the replacement (strip fences, prose). `final` on the last call. */
  transform?: (raw: string, final: boolean) => string;
  /** Checks the finished replacement; a returned message is shown and the proposal cannot be accepted. */
  validate?: (replacement: string, fullText: string) => Promise<string | undefined> | string | undefined;
  /** Diff editor title, e.g. "Refactor: simplify". */
  title: string;
  /** Aborting closes the preview (outcome 'rejected'). */
  signal?: AbortSignal;
}

interface Session {
  id: string;
  originalUri: vscode.Uri;
  proposedUri: vscode.Uri;
  original: string;
  proposed: string;
  targetUri: vscode.Uri;
  /** The document at open time; undefined for a file to be created. */
  document?: vscode.TextDocument;
  start: number;
  end: number;
  replacement: string;
  /** False while the proposal streams in and is validated: it cannot be accepted yet. */
  ready: boolean;
  /** Why the proposal cannot be accepted (validation failed / stream failed). */
  invalid?: string;
  settle(outcome: DiffPreviewOutcome): void;
}

class ProposalStore implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  readonly sessions = new Map<string, Session>();

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, id, side] = uri.path.split('/');
    const s = this.sessions.get(id ?? '');
    if (!s) return '';
    return side === 'original' ? s.original : s.proposed;
  }

  refresh(uri: vscode.Uri): void {
    this.emitter.fire(uri);
  }

  /** The session whose diff shows `uri` (either side). */
  byUri(uri: vscode.Uri | undefined): Session | undefined {
    return uri?.scheme === DIFF_SCHEME ? this.sessions.get(uri.path.split('/')[1] ?? '') : undefined;
  }

  /** The session shown by `uri` (either side), or else the one in the active diff editor, or else the newest. */
  find(uri?: vscode.Uri): Session | undefined {
    const direct = this.byUri(uri);
    if (direct) return direct;
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (input instanceof vscode.TabInputTextDiff) {
      const active = this.byUri(input.modified);
      if (active) return active;
    }
    return [...this.sessions.values()].pop();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

let store: ProposalStore | undefined;
let counter = 0;

/** Register the content provider, Accept/Reject commands and tab listener. Called once, by activate(). */
export function registerDiffPreview(subscriptions: vscode.Disposable[]): void {
  const s = new ProposalStore();
  store = s;
  subscriptions.push(
    s,
    vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, s),
    vscode.commands.registerCommand('phiCoder.acceptDiff', (uri?: vscode.Uri) => acceptSession(s.find(uri))),
    vscode.commands.registerCommand('phiCoder.rejectDiff', (uri?: vscode.Uri) => s.find(uri)?.settle('rejected')),
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      // Closing the diff tab is a reject.
      for (const tab of e.closed) {
        if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === DIFF_SCHEME) {
          s.byUri(tab.input.modified)?.settle('rejected');
        }
      }
    }),
    { dispose: () => { for (const session of [...s.sessions.values()]) session.settle('rejected'); store = undefined; } },
  );
}

/** Sessions open now (for tests and the integrator). */
export function activeDiffPreviews(): number {
  return store?.sessions.size ?? 0;
}

/**
 * Show a proposal as a diff and resolve when the user accepts (the edit is applied) or rejects (nothing changes).
 * Throws what the stream throws (e.g. a BackendError), after closing the preview.
 */
export async function showDiffPreview(opts: DiffPreviewOptions): Promise<DiffPreviewOutcome> {
  const s = store;
  if (!s) throw new Error('registerDiffPreview was not called');
  if (opts.signal?.aborted) return 'rejected';
  const targetUri = opts.document?.uri ?? opts.uri;
  if (!targetUri) throw new Error('showDiffPreview needs a document or a uri');
  const document = opts.document ?? (await openIfExists(targetUri));
  const original = opts.base?.text ?? document?.getText() ?? '';
  const start = opts.base ? opts.base.start : document && opts.range ? document.offsetAt(opts.range.start) : 0;
  const end = opts.base ? opts.base.end : document && opts.range ? document.offsetAt(opts.range.end) : original.length;
  const id = `${Date.now().toString(36)}-${++counter}`;
  const base = path.posix.basename(targetUri.path) || 'untitled';
  const transform = opts.transform ?? ((raw: string) => raw);

  let settle!: (o: DiffPreviewOutcome) => void;
  const outcome = new Promise<DiffPreviewOutcome>((resolve) => (settle = resolve));
  const session: Session = {
    id,
    originalUri: vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${id}/original/${base}` }),
    proposedUri: vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${id}/proposed/${base}` }),
    original,
    proposed: original,
    targetUri,
    document,
    start,
    end,
    replacement: original.slice(start, end),
    ready: false,
    settle: () => undefined,
  };
  session.settle = (o) => {
    if (!s.sessions.has(id)) return;
    s.sessions.delete(id);
    void updateContextKey();
    void closeTabs(session.proposedUri);
    settle(o);
  };
  const setReplacement = (text: string) => {
    session.replacement = text;
    session.proposed = spliceText(original, { start, end }, text);
    s.refresh(session.proposedUri);
  };
  s.sessions.set(id, session);
  const onAbort = () => session.settle('rejected');
  opts.signal?.addEventListener('abort', onAbort);
  let progress: LongProposalProgress | undefined;
  try {
    if (opts.newText !== undefined) setReplacement(transform(opts.newText, true));
    await updateContextKey();
    await vscode.commands.executeCommand('vscode.diff', session.originalUri, session.proposedUri, `${opts.title} (${base}) ↔ proposal`, {
      preview: false,
    } satisfies vscode.TextDocumentShowOptions);

    if (opts.stream) {
      let raw = '';
      // Each redraw re-transforms the whole answer: redraws are paced while it is small, and above a limit the preview
      // keeps its last redraw and shows only how much has arrived, so no redraw on the host's thread grows with it.
      const redraws = new LiveRedraws(DIFF_PREVIEW_PACING);
      // Stop reading as soon as the preview is settled (rejected or aborted), even if the stream is silent.
      const iterator = opts.stream[Symbol.asyncIterator]();
      const settled = outcome.then(() => undefined);
      for (;;) {
        const next = iterator.next();
        next.catch(() => undefined); // a rejection after we stopped listening is the caller's abort, not an error
        const r = await Promise.race([next, settled]);
        if (!r || !s.sessions.has(id)) {
          void iterator.return?.()?.catch(() => undefined);
          break;
        }
        if (r.done) break;
        const chunk = r.value;
        raw += chunk;
        const start = performance.now();
        const step = redraws.step(start, raw.length);
        if (step === 'redraw') {
          setReplacement(transform(raw, false));
          redraws.drew(start, performance.now());
        } else if (step === 'progress') {
          progress ??= longProposalProgress(opts.title, () => session.settle('rejected'));
          progress.report(raw.length);
        }
      }
      progress?.done();
      if (s.sessions.has(id)) setReplacement(transform(raw, true));
    }
    if (s.sessions.has(id) && opts.validate) {
      session.invalid = await opts.validate(session.replacement, session.proposed);
      if (session.invalid) void vscode.window.showWarningMessage(`Phi Coder: the proposal cannot be applied: ${inertText(session.invalid)}`);
    }
    session.ready = true;
    await updateContextKey();
  } catch (err) {
    session.settle('rejected');
    throw err;
  } finally {
    progress?.done();
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return outcome;
}

interface LongProposalProgress {
  report(received: number): void;
  done(): void;
}

/** A cancellable notification for a proposal too long to redraw while it streams; cancelling rejects it. */
function longProposalProgress(title: string, onCancel: () => void): LongProposalProgress {
  const message = (received: number) => ({ message: `${Math.round(received / 1024)} KB received; the diff shows the rest when the answer is complete.` });
  let latest = 0;
  let shown: vscode.Progress<{ message?: string }> | undefined;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Phi Coder: ${inertText(title)}`, cancellable: true }, (progress, token) => {
    token.onCancellationRequested(onCancel);
    shown = progress;
    progress.report(message(latest));
    return finished;
  });
  return {
    report: (received) => {
      latest = received;
      shown?.report(message(received));
    },
    done,
  };
}

async function openIfExists(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    return undefined;
  }
  return vscode.workspace.openTextDocument(uri);
}

async function acceptSession(session: Session | undefined): Promise<boolean> {
  if (!session) {
    void vscode.window.showInformationMessage('Phi Coder: there is no proposal to accept.');
    return false;
  }
  if (!session.ready) {
    void vscode.window.showInformationMessage('Phi Coder: the proposal is still being written and checked; accept it when it is complete.');
    return false;
  }
  if (session.invalid) {
    void vscode.window.showWarningMessage(`Phi Coder: the proposal cannot be applied: ${inertText(session.invalid)}`);
    return false;
  }
  const applied = await applySession(session);
  if (applied) session.settle('accepted');
  return applied;
}

/** Apply the proposal as one edit, unless the document changed under the target range. */
async function applySession(session: Session): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  if (!session.document) {
    const exists = await openIfExists(session.targetUri);
    if (exists && exists.getText().length > 0) {
      void vscode.window.showWarningMessage(`Phi Coder: ${vscode.workspace.asRelativePath(session.targetUri)} was created meanwhile; nothing was overwritten.`);
      return false;
    }
    // A new file is created with its contents, saved: the diff was the review, and a new file left unsaved can meet
    // "the file on disk is newer" when it is saved (the empty file the create wrote, seen late by a busy watcher).
    if (!exists) edit.createFile(session.targetUri, { ignoreIfExists: true, contents: new TextEncoder().encode(session.replacement) });
    else edit.insert(session.targetUri, new vscode.Position(0, 0), session.replacement);
  } else {
    const doc = session.document;
    if (doc.isClosed) {
      void vscode.window.showWarningMessage('Phi Coder: the document was closed; nothing was changed.');
      return false;
    }
    const current = doc.getText();
    const check = checkStale(session.original, { start: session.start, end: session.end }, current);
    if (check.kind === 'conflict') {
      void vscode.window.showWarningMessage(`Phi Coder: ${vscode.workspace.asRelativePath(doc.uri)} changed while the proposal was open (${check.reason}); nothing was overwritten.`);
      return false;
    }
    const oldText = current.slice(check.range.start, check.range.end);
    const m = minimalReplacement(oldText, session.replacement);
    const range = new vscode.Range(doc.positionAt(check.range.start + m.start), doc.positionAt(check.range.start + m.end));
    edit.replace(doc.uri, range, m.text);
  }
  const ok = await vscode.workspace.applyEdit(edit);
  if (!ok) {
    void vscode.window.showErrorMessage('Phi Coder: VS Code refused the edit; nothing was changed.');
    return false;
  }
  const doc = await vscode.workspace.openTextDocument(session.targetUri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const startPos = doc.positionAt(session.document ? session.start : 0);
  editor.revealRange(new vscode.Range(startPos, startPos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return true;
}

async function updateContextKey(): Promise<void> {
  const sessions = [...(store?.sessions.values() ?? [])];
  await vscode.commands.executeCommand('setContext', CONTEXT_KEY, sessions.length > 0);
  await vscode.commands.executeCommand('setContext', READY_KEY, sessions.some((x) => x.ready && !x.invalid));
}

async function closeTabs(proposedUri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === proposedUri.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
