/**
 * What the user has been looking at and changing: open documents (most recent first) and recently edited line ranges.
 * The VS Code service feeds it from editor events; benchmarks and tests feed it directly. Secret-looking files are
 * refused at the door.
 */
import { isSecretPath } from './exclude';

/** An open document. `version` and `text` may be getters over the live editor document (read only when needed). */
export interface OpenDocument {
  readonly relPath: string;
  readonly languageId: string;
  readonly version: number;
  readonly text: string;
}

export interface RecentEdit {
  relPath: string;
  languageId: string;
  /** 0-based, inclusive, in the document as it was after the edit. */
  startLine: number;
  endLine: number;
  /** The edited lines with a little context, captured at edit time. */
  text: string;
  at: number;
}

export interface ActivitySource {
  openDocuments(): readonly OpenDocument[];
  recentEdits(): readonly RecentEdit[];
}

const EDIT_CONTEXT_LINES = 2;
const MAX_EDIT_LINES = 12;

export class RecentActivity implements ActivitySource {
  private readonly docs = new Map<string, OpenDocument>();
  private edits: RecentEdit[] = [];

  constructor(
    private readonly maxDocs = 20,
    private readonly maxEdits = 16,
    private readonly maxDocChars = 200_000,
  ) {}

  /** A document was opened, focused or changed. False when it is refused (secret-looking, too big). */
  noteDocument(doc: OpenDocument): boolean {
    if (isSecretPath(doc.relPath) || doc.text.length > this.maxDocChars) return false;
    this.docs.delete(doc.relPath);
    this.docs.set(doc.relPath, doc);
    while (this.docs.size > this.maxDocs) this.docs.delete(this.docs.keys().next().value as string);
    return true;
  }

  closeDocument(relPath: string): void {
    this.docs.delete(relPath);
  }

  renameDocument(from: string, to: string): void {
    const d = this.docs.get(from);
    if (d) {
      this.docs.delete(from);
      this.noteDocument({ ...d, relPath: to });
    }
    this.edits = this.edits.map((e) => (e.relPath === from ? { ...e, relPath: to } : e));
  }

  /** Lines `startLine..endLine` of `text` were just edited. Merges with the previous edit of the same place. */
  noteEdit(relPath: string, languageId: string, text: string, startLine: number, endLine: number, at = Date.now()): void {
    const lines = text.split('\n');
    this.noteEditedLines(relPath, languageId, startLine, endLine, lines.length, (n) => lines[n], at);
  }

  /** Like noteEdit, reading only the lines it keeps through `lineAt` (an editor document's lineAt). */
  noteEditedLines(
    relPath: string,
    languageId: string,
    startLine: number,
    endLine: number,
    lineCount: number,
    lineAt: (n: number) => string,
    at = Date.now(),
  ): void {
    if (isSecretPath(relPath)) return;
    const from = Math.max(0, startLine - EDIT_CONTEXT_LINES);
    const to = Math.min(lineCount - 1, endLine + EDIT_CONTEXT_LINES, from + MAX_EDIT_LINES - 1);
    const kept: string[] = [];
    for (let n = from; n <= to; n++) kept.push(lineAt(n));
    const snippet = kept.join('\n');
    this.edits = this.edits.filter((e) => !(e.relPath === relPath && e.startLine <= to && from <= e.endLine));
    this.edits.push({ relPath, languageId, startLine: from, endLine: to, text: snippet, at });
    if (this.edits.length > this.maxEdits) this.edits.shift();
  }

  /** Most recent first. */
  openDocuments(): readonly OpenDocument[] {
    return [...this.docs.values()].reverse();
  }

  /** Most recent first. */
  recentEdits(): readonly RecentEdit[] {
    return [...this.edits].reverse();
  }
}
