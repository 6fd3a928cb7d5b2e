/**
 * One inline edit: the target's lines, the proposal's hunks rendered (removed lines kept and decorated red, proposed
 * lines inserted and decorated green), per-hunk decisions, and the final text. Drawn into the document itself, or,
 * when the document auto-saves, into a read-only review document (reviewDocument.ts) while the document keeps the
 * original. The buffer is never saved by us; every edit we make joins one undo group that starts at the original
 * text, so once the review ends a single undo restores what the document had before Ctrl+I.
 */
import * as vscode from 'vscode';
import { minimalReplacement } from '../../core/actions/staleCheck';
import type { TargetKind } from '../../core/actions/target';
import { applyDecisions, computeVerticalDiff, renderView, splitKeepingEol, type DiffView, type HunkState, type VerticalDiff } from '../../core/edit/hunks';
import type { ReviewDocuments, ReviewSurface } from './reviewDocument';

export type SessionPhase = 'streaming' | 'validating' | 'review' | 'done';

export interface EditTurn {
  instruction: string;
  /** The model's raw answer (for the conversation) and the code taken from it. */
  answer: string;
  code: string;
}

let counter = 0;

export class InlineEditSession implements vscode.Disposable {
  readonly id = `ie-${Date.now().toString(36)}-${++counter}`;
  /** Offset of the target in the document now (moves when the user edits above it). */
  start: number;
  /** The target's text before the edit, and the document's line ending. */
  readonly original: string;
  readonly eol: string;
  diff: VerticalDiff;
  states: HunkState[] = [];
  /** What the review shows at [start, start + view.text.length): in the buffer, or in the review document. */
  view: DiffView;
  /** The read-only review document the review is drawn into (the document auto-saves), or undefined (drawn in place). */
  review: ReviewSurface | undefined;
  phase: SessionPhase = 'streaming';
  /** Why the proposal cannot be accepted (validation, a failed stream). */
  invalid: string | undefined;
  /** The code proposed so far (extracted from the answer). */
  proposal = '';
  /** Answer characters received in the current round (shown while writing). */
  received = 0;
  /** Earlier rounds of this conversation (Refine adds one). */
  readonly turns: EditTurn[] = [];
  instruction: string;
  abort = new AbortController();
  /**
   * Our own edits whose change events have not arrived yet (they may arrive after the edit's promise resolves):
   * a change matching the oldest one is ours, not the user's.
   */
  private readonly ownEdits: { offset: number; length: number; text: string }[] = [];
  private edited = false;
  private reviewClosed = false;
  /** Moving to a review document; `restored` resolves once the buffer holds the original again (a save waits for it). */
  moving: Promise<void> | undefined;
  restored: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    readonly document: vscode.TextDocument,
    start: number,
    end: number,
    instruction: string,
    /** What the edit works on (its kind and name go into the prompt and the titles). */
    readonly target: { kind: TargetKind; name?: string },
    private readonly decorations: { removed: vscode.TextEditorDecorationType; added: vscode.TextEditorDecorationType },
  ) {
    this.start = start;
    this.original = document.getText().slice(start, end);
    this.eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    this.instruction = instruction;
    this.diff = computeVerticalDiff(this.original, '', false);
    this.view = renderView(this.diff, [], this.original, this.eol);
  }

  /** "`total`", "the selection", "the class". */
  get what(): string {
    return this.target.name ? `\`${this.target.name}\`` : this.target.kind === 'selection' ? 'the selection' : `the ${this.target.kind}`;
  }

  /** End of the target in the document (in place, the review's view; with a review document, the original). */
  get end(): number {
    return this.start + (this.review ? this.original.length : this.view.text.length);
  }

  /** Draw the review into a review document from now on (before the first round: the document holds the original). */
  async openReview(reviews: ReviewDocuments, like: vscode.TextEditor | undefined): Promise<void> {
    this.review = await reviews.open(this.id, this.document, this.document.getText(), like);
    this.decorate();
  }

  /**
   * Auto-save was turned on during a review drawn in place: take the proposal out of the buffer (back to the original,
   * in the same undo group) and go on in a review document.
   */
  moveToReview(reviews: ReviewDocuments, like: vscode.TextEditor | undefined): Promise<void> {
    if (this.review || this.moving) return this.moving ?? Promise.resolve();
    let restored!: () => void;
    this.restored = new Promise<void>((resolve) => (restored = resolve));
    // In the queue: redraws queued later (the proposal streaming) go to the review document.
    this.moving = this.enqueue(async () => {
      try {
        if (this.view.text !== this.original) await this.show(this.original, { undoStopBefore: false, undoStopAfter: true });
      } finally {
        restored();
      }
      this.review = await reviews.open(this.id, this.document, this.document.getText(), like, true);
    })
      .then(() => {
        for (const e of vscode.window.visibleTextEditors.filter((x) => x.document === this.document || x.document === this.viewDocument())) this.decorate(e);
        return this.redraw();
      })
      .finally(() => {
        this.moving = undefined;
        this.restored = undefined;
      });
    return this.moving;
  }

  /** The document the review is drawn into. */
  viewDocument(): vscode.TextDocument | undefined {
    return this.review ? this.review.document() : this.document;
  }

  /** Close the review document's tab (once), showing the document in its place when it was the active tab. */
  closeReview(): Promise<void> {
    if (!this.review || this.reviewClosed) return Promise.resolve();
    this.reviewClosed = true;
    return this.review.close(this.document, this.start).catch(() => undefined);
  }

  /** The document changed outside the target: the review document shows the text around it again. */
  refreshReview(): Promise<void> {
    if (!this.review) return Promise.resolve();
    const view = this.view;
    return this.enqueue(() => this.replace(view.text, view.text, { undoStopBefore: false, undoStopAfter: false })).then(() => this.decorate(), () => undefined);
  }

  /** The document text with the target as it was (what the proposal is checked against). */
  baseText(): string {
    const text = this.document.getText();
    return text.slice(0, this.start) + this.original + text.slice(this.end);
  }

  pendingHunks(): number {
    return this.diff.hunks.filter((_, i) => (this.states[i] ?? 'pending') === 'pending').length;
  }

  /** Line (in the document) where hunk `i` is shown, or undefined when it shows nothing. */
  hunkLine(i: number): number | undefined {
    const at = this.view.hunkLines[i];
    if (at === undefined || at < 0) return undefined;
    return this.document.positionAt(this.start).line + at;
  }

  /** A new proposal (partial while streaming): recompute the hunks and redraw. Decisions reset. */
  setProposal(code: string, final: boolean): Promise<void> {
    this.proposal = code;
    this.diff = computeVerticalDiff(this.original, code, final);
    this.states = this.diff.hunks.map(() => 'pending');
    return this.redraw();
  }

  decide(hunk: number, state: 'accepted' | 'rejected'): Promise<void> {
    if (hunk < 0 || hunk >= this.diff.hunks.length) return Promise.resolve();
    this.states[hunk] = state;
    // The last decision ends the review (finish() writes the result): no redraw in between.
    return this.phase === 'review' && this.pendingHunks() === 0 ? Promise.resolve() : this.redraw();
  }

  decideAll(state: 'accepted' | 'rejected'): Promise<void> {
    this.states = this.states.map((s) => (s === 'pending' ? state : s));
    return this.phase === 'review' ? Promise.resolve() : this.redraw();
  }

  /** Show the original again (before a new round, or when the session ends without a change). */
  restoreOriginal(): Promise<void> {
    this.diff = computeVerticalDiff(this.original, '', false);
    this.states = [];
    return this.redraw();
  }

  /**
   * End the review: the buffer goes back to the original text, then (when anything was accepted) the decided text is
   * written as ONE edit between undo stops, so a single undo gives the original back. Pending hunks count as rejected.
   * Returns the decided text.
   */
  finish(): Promise<string> {
    const decided = applyDecisions(this.diff, (i) => this.states[i] === 'accepted', this.original, this.eol);
    return this.enqueue(async () => {
      if (this.review) {
        // The document holds the original: the decided text is the one edit.
        this.view = { text: decided, tags: splitKeepingEol(decided).map(() => 'same'), hunkLines: [] };
        if (decided !== this.original) await this.writeDecided(decided);
        return;
      }
      if (this.view.text !== this.original) await this.show(this.original, { undoStopBefore: false, undoStopAfter: true });
      if (decided !== this.original) await this.show(decided, { undoStopBefore: true, undoStopAfter: true });
    }).then(() => decided);
  }

  /** A save is in progress: the buffer holds the text without the pending proposal (see stripForSave). */
  saving = false;
  /** The view before the save stripped it (to recover when VS Code dropped the strip edit). */
  private beforeSave: DiffView | undefined;
  /** Called when the buffer no longer holds what the session drew (the review must end). */
  onBroken: (why: string) => void = () => undefined;

  /**
   * The document is about to be saved (by the user or auto-save): the edit that takes the pending proposal out of the
   * buffer (pending hunks shown as the original, decided ones as decided), so the disk never gets undecided lines.
   * afterSave() shows the review again.
   */
  stripForSave(): vscode.TextEdit {
    const range = new vscode.Range(this.document.positionAt(this.start), this.document.positionAt(this.end));
    const view = renderView(this.diff, this.states.map((s) => (s === 'pending' ? 'rejected' : s)), this.original, this.eol);
    this.beforeSave = this.view;
    this.view = { text: view.text, tags: view.tags.map(() => 'same'), hunkLines: [] };
    this.saving = true;
    return vscode.TextEdit.replace(range, view.text);
  }

  afterSave(): Promise<void> {
    this.saving = false;
    // VS Code drops a save participant's edit when the document changed meanwhile (one of our edits was in flight).
    if (!this.shows(this.view.text) && this.beforeSave && this.shows(this.beforeSave.text)) this.view = this.beforeSave;
    this.beforeSave = undefined;
    return this.redraw();
  }

  /** Does the buffer hold `text` at the session's start? */
  private shows(text: string): boolean {
    return this.document.getText(new vscode.Range(this.document.positionAt(this.start), this.document.positionAt(this.start + text.length))) === text;
  }

  /** With a review document: write `decided` over the original in the document, as one undoable edit. */
  private async writeDecided(decided: string): Promise<void> {
    if (!this.shows(this.original)) throw new Error('the code under the edit changed during the review; nothing was written');
    const m = minimalReplacement(this.original, decided);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(this.document.uri, new vscode.Range(this.document.positionAt(this.start + m.start), this.document.positionAt(this.start + m.end)), m.text);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('VS Code refused the edit');
  }

  /** True (and forgotten) when a document change is the oldest of our own edits still unreported. */
  isOwnChange(offset: number, length: number, text: string): boolean {
    const first = this.ownEdits[0];
    if (!first || first.offset !== offset || first.length !== length || first.text !== text) return false;
    this.ownEdits.shift();
    return true;
  }

  /** The user changed the document at `offset`..`offset+length` (pre-change) to `text`. False when it touched the target. */
  noteUserChange(offset: number, length: number, text: string): boolean {
    if (offset + length < this.start) {
      this.start += text.length - length;
      return true;
    }
    return offset > this.end;
  }

  fire(): void {
    this.changed.fire();
  }

  /** Re-apply the decorations (an editor for the document became visible again). */
  decorate(editor: vscode.TextEditor | undefined = this.editor()): void {
    if (!editor) return;
    const removed: vscode.Range[] = [];
    const added: vscode.Range[] = [];
    // The text before the target is the same in the document and the review document: so is the target's first line.
    if (this.phase !== 'done' && editor.document === this.viewDocument()) {
      const first = this.document.positionAt(this.start).line;
      this.view.tags.forEach((tag, i) => {
        if (tag === 'same') return;
        const line = Math.min(first + i, editor.document.lineCount - 1);
        (tag === 'removed' ? removed : added).push(new vscode.Range(line, 0, line, 0));
      });
    }
    editor.setDecorations(this.decorations.removed, removed);
    editor.setDecorations(this.decorations.added, added);
  }

  dispose(): void {
    this.abort.abort();
    this.phase = 'done';
    for (const e of vscode.window.visibleTextEditors.filter((x) => x.document === this.document)) this.decorate(e);
    void this.closeReview();
    this.changed.fire();
    this.changed.dispose();
  }

  private editor(): vscode.TextEditor | undefined {
    const doc = this.viewDocument();
    const active = vscode.window.activeTextEditor;
    if (doc && active?.document === doc) return active;
    return vscode.window.visibleTextEditors.find((e) => e.document === doc);
  }

  private redraw(): Promise<void> {
    // While saving, the buffer shows the stripped text; afterSave() draws the latest state.
    if (this.saving) return Promise.resolve();
    const view = renderView(this.diff, this.states, this.original, this.eol);
    return this.enqueue(async () => {
      if (this.saving) return;
      const current = this.view.text;
      this.view = view;
      if (view.text !== current) await this.replace(current, view.text, { undoStopBefore: !this.edited, undoStopAfter: false });
      this.decorate();
      this.changed.fire();
    });
  }

  /** Show `text` undecorated (the end of the review). */
  private async show(text: string, stops: { undoStopBefore: boolean; undoStopAfter: boolean }): Promise<void> {
    const current = this.view.text;
    this.view = { text, tags: splitKeepingEol(text).map(() => 'same'), hunkLines: [] };
    await this.replace(current, text, stops);
  }

  /** Serialise buffer edits: each computes its range from the state the previous one left. */
  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Replace the shown text `from` by `to`, touching only the lines that differ. */
  private async replace(from: string, to: string, stops: { undoStopBefore: boolean; undoStopAfter: boolean }): Promise<void> {
    if (this.review) {
      // The document keeps the original; the review document shows it with `to` in place of the target.
      if (!this.shows(this.original)) {
        this.onBroken('the code under the edit changed during the review');
        throw new Error('the code under the edit changed during the review');
      }
      const text = this.document.getText();
      return this.review.show(text.slice(0, this.start) + to + text.slice(this.end));
    }
    if (!this.shows(from)) {
      // Never edit on a wrong assumption of what the buffer holds: end the review instead.
      this.onBroken('the document no longer holds what the review showed');
      throw new Error('the document no longer holds what the review showed');
    }
    const a = splitKeepingEol(from);
    const b = splitKeepingEol(to);
    let p = 0;
    while (p < a.length && p < b.length && a[p] === b[p]) p++;
    let s = 0;
    while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
    const head = a.slice(0, p).join('').length;
    const oldMid = a.slice(p, a.length - s).join('');
    const newMid = b.slice(p, b.length - s).join('');
    const range = new vscode.Range(this.document.positionAt(this.start + head), this.document.positionAt(this.start + head + oldMid.length));
    const editor = this.editor();
    const own = { offset: this.start + head, length: oldMid.length, text: newMid };
    this.ownEdits.push(own);
    try {
      let ok = false;
      if (editor) {
        ok = await editor.edit((e) => e.replace(range, newMid), stops);
      } else {
        // No editor shows the document (the user switched away): a workspace edit still changes the buffer only.
        const edit = new vscode.WorkspaceEdit();
        edit.replace(this.document.uri, range, newMid);
        ok = await vscode.workspace.applyEdit(edit);
      }
      if (!ok) throw new Error('VS Code refused the edit');
      this.edited = true;
    } catch (err) {
      this.ownEdits.splice(this.ownEdits.indexOf(own), 1);
      throw err;
    }
  }
}
