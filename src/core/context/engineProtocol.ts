/**
 * The one message protocol between the extension host's thread (EngineClient) and the context engine (engineWorker.ts,
 * in a process of its own or a worker thread: engineLink.ts). The engine owns the workspace index, its persistence,
 * the documents' parsed structure, recent activity and assemble(); the host sends it what VS Code knows (documents and
 * their changes, file events, settings) and asks it for contexts. Everything here is structured-cloneable (a process's
 * channel uses V8's serialization, as a worker's postMessage does).
 */
import type { ExclusionOptions } from './exclude';
import type { DefinitionHint } from './definitionHints';
import type { IndexStats } from './report';
import type { ContextRequest, PackedContext } from './types';
import type { QuestionContext } from './questionSearch';
import type { RemoteWindow } from '../completion/cursorWindow';
import type { WindowBudget } from '../completion/promptWindow';
import type { LineCount } from '../tokens';
import type { SyntaxResults, SyntaxTask } from '../syntax/tasks';

/** One local folder of the workspace (several in a multi-root workspace: paths then start with the folder's name). */
export interface EngineFolder {
  name: string;
  path: string;
}

/** Given to the worker when it starts. */
export interface EngineWorkerData {
  /** Tree-sitter wasm files (unset under plain node: resolved from node_modules). */
  wasmDir?: string;
  queryDir: string;
  folders: EngineFolder[];
  /** Where the index is persisted (restored at start, saved after builds); none: not persisted. */
  storageFile?: string;
  /** The index's own parse workers (dist/indexWorker.js); none: the default next to the engine's module. */
  indexWorkerScript?: string;
  /** Parse workers for big builds (0: parse in the engine's thread). Default: IndexOptions' default. */
  indexWorkers?: number;
  rules: ExclusionOptions;
}

/** A change of an open document, as VS Code reports it (offsets into the text before this change). */
export interface TextChange {
  offset: number;
  length: number;
  text: string;
  /** Lines the change touches in the new text (0-based, inclusive), for recent edits. */
  startLine: number;
  endLine: number;
}

/** A document the editor has open. `path` identifies it (file system path, or the untitled uri). */
export interface DocumentInfo {
  path: string;
  relPath: string;
  languageId: string;
  version: number;
  text: string;
}

/** An assemble request: the document is the worker's copy at `version`; `text` is sent only when the worker lacks it. */
export interface AssembleQuery extends Omit<ContextRequest, 'doc' | 'signal'> {
  doc: Omit<DocumentInfo, 'text'> & { text?: string; offset: number; line?: number; selection?: { start: number; end: number } };
}

/** A completion's file window and mode, from the worker's copy of the document at `version` (see cursorWindow.ts). */
export interface WindowQuery {
  path: string;
  version: number;
  offset: number;
  /** The cursor's line, when the editor says. */
  line?: number;
  languageId: string;
  budget: WindowBudget;
}

/**
 * What PackedContext becomes on the wire (`dropped` is sent only for reports). `lineCounts`, for completions: the exact
 * counts of the packed text's lines (lineCountsOf), which the host keeps so that counting a prompt that holds the context
 * does not tokenize it again on its thread.
 */
export type WirePackedContext = Omit<PackedContext, 'dropped'> & { dropped?: PackedContext['dropped']; lineCounts?: LineCount[] };

/** Notifications from the host (no reply). */
export type HostNotice =
  | { kind: 'open'; doc: DocumentInfo }
  /** The document was focused (it moves to the front of recent activity; its windows are prepared soon). */
  /** `cursor`: where the editor's cursor is, for the first completion's warm-up (focusWarmUp.ts). */
  | { kind: 'focus'; path: string; cursor?: { offset: number; line: number } }
  | { kind: 'change'; path: string; version: number; changes: TextChange[]; /** Length after the changes (a check). */ length: number }
  | { kind: 'close'; path: string }
  | { kind: 'rename'; fromRel: string; toRel: string }
  /** A file was created, changed or saved on disk (re-indexed shortly after). */
  | { kind: 'fileChanged'; relPath: string }
  | { kind: 'fileDeleted'; relPath: string }
  /** New exclusion settings (the index is rebuilt with them). */
  | { kind: 'rules'; rules: ExclusionOptions }
  /**
   * What the editor's language server resolves the names around the cursor of document `relPath` to (replaces the
   * document's earlier hints; sent when they change, never per keystroke). See definitionHints.ts.
   */
  | { kind: 'hints'; relPath: string; hints: DefinitionHint[] }
  | { kind: 'cancel'; id: number };

/** Requests from the host; each gets one EngineReply with the same id. */
export type HostRequest =
  | { kind: 'assemble'; id: number; query: AssembleQuery; withDropped?: boolean }
  | { kind: 'window'; id: number; query: WindowQuery }
  /** `@workspace`: the definitions a chat question is about, packed into `budgetTokens`. */
  | { kind: 'searchWorkspace'; id: number; question: string; budgetTokens: number }
  /** A command's one-off syntax question (syntax/tasks.ts), answered by the engine's grammars instead of the host's. */
  | { kind: 'syntax'; id: number; task: SyntaxTask }
  | { kind: 'rebuild'; id: number }
  | { kind: 'stats'; id: number }
  /** Save the index now and stop (the host then terminates the worker). */
  | { kind: 'shutdown'; id: number };

export type HostMessage = HostNotice | HostRequest;

export interface ReplyResults {
  assemble: WirePackedContext;
  window: RemoteWindow;
  searchWorkspace: QuestionContext;
  syntax: SyntaxResults[SyntaxTask['op']];
  rebuild: IndexStats;
  stats: IndexStats;
  shutdown: null;
}

/** Why a request failed: `resync` means the worker does not have that version of the document (send its text). */
export type EngineErrorCode = 'resync' | 'aborted' | 'failed';

export type EngineReply =
  | { kind: 'reply'; id: number; ok: true; result: ReplyResults[HostRequest['kind']] }
  | { kind: 'reply'; id: number; ok: false; code: EngineErrorCode; error: string };

/** Events from the worker. */
export type EngineEvent =
  | { kind: 'log'; level: 'trace' | 'debug' | 'info' | 'warn' | 'error'; message: string }
  /** The persisted index was restored (or there was none): requests are answered from here on. */
  | { kind: 'ready'; restored: number }
  | { kind: 'buildStart' }
  | { kind: 'buildProgress'; done: number; total: number }
  | { kind: 'buildEnd'; stats: IndexStats; ok: boolean };

export type WorkerMessage = EngineReply | EngineEvent;
