/**
 * The context engine's contract with its callers (completions, chat, code actions).
 * Pure TypeScript, no vscode import. The engine lives in this folder; callers use only these types.
 */

/** What the editor knows about a document at one moment. `offset` is the cursor (UTF-16 index into text). */
import type { CursorText } from './cursorText';

export interface DocumentSnapshot {
  /** Absolute file system path (or an untitled id). */
  path: string;
  /** Path relative to the workspace root, used in prompt headers. */
  relPath: string;
  languageId: string;
  text: string;
  version: number;
  offset: number;
  /** The 0-based line of `offset`, when the editor says (so no one counts the text's lines from the top to find it). */
  line?: number;
  /**
   * The text around the cursor and the length, when the snapshot gives them apart from `text` (an editor snapshot whose
   * `text` is read from the editor only when asked for): read them with cursorText().
   */
  near?: CursorText;
  /**
   * Lines [line - above, line + below] of the document (clamped to it), joined with '\n', and the cursor's offset in
   * that text, when the snapshot can read a range without the whole text (an editor snapshot: the cost grows with the
   * lines read, not with the file). For the completion window built on the host when the worker is late.
   */
  linesAround?(above: number, below: number): { text: string; offset: number };
  /** Selection, when the caller has one (chat/actions). */
  selection?: { start: number; end: number };
}

export type ContextSource =
  | 'scope' // enclosing scopes of the cursor (signatures)
  | 'skeleton' // signatures of the current file when the whole file does not fit
  | 'import' // definitions reached through the current file's imports
  | 'definition' // definitions of identifiers used near the cursor, found in the workspace index
  | 'type' // types in the enclosing signature
  | 'similar' // Jaccard-similar windows of open / recently edited files
  | 'recent-edit' // ranges the user edited recently
  | 'file' // a whole file or selection the user attached
  | 'diagnostic';

export interface ContextItem {
  source: ContextSource;
  /** Workspace-relative path of the file the snippet comes from. */
  path: string;
  /** 0-based first line of the snippet in that file. */
  startLine: number;
  text: string;
  score: number;
  /** Exact Phi-4 token count of `text` as rendered (with its header). */
  tokens: number;
  /** Why it was picked, for "Show Context for Cursor". */
  reason: string;
}

export interface ContextRequest {
  doc: DocumentSnapshot;
  /** Tokens the packed cross-file context may use. */
  budgetTokens: number;
  purpose: 'completion' | 'chat' | 'action';
  signal?: AbortSignal;
  /**
   * False when the caller cannot fit the whole current file in its prompt: the engine then adds the file's skeleton
   * (signatures without bodies). Undefined: the engine guesses from the file's size against the budget.
   */
  fileFits?: boolean;
}

export interface PackedContext {
  /** Items in prompt order: stable first, volatile last. */
  items: ContextItem[];
  /** The items rendered for the prompt (path headers + code). */
  text: string;
  tokens: number;
  /** Candidates that did not fit, for inspection. */
  dropped: ContextItem[];
  elapsedMs: number;
  /**
   * Set when the current file was not parsed (no grammar, too big, minified, parse timeout): line windows were used;
   * 'engine-unavailable' when the engine's worker was not running (restarting): the context is empty.
   */
  fallback?: 'no-grammar' | 'too-big' | 'minified' | 'timeout' | 'load-failed' | 'engine-unavailable';
  /** The budget the caller asked for. */
  budgetTokens?: number;
}

export interface ContextEngine {
  assemble(req: ContextRequest): Promise<PackedContext>;
}
