/**
 * The chat's data model: conversations as they are stored per workspace, and the context blocks a question carries.
 * Pure data, no behaviour; see budget.ts (what is sent), prompt.ts (how it is rendered), history.ts (how it is stored).
 */

export type ContextBlockKind = 'selection' | 'file' | 'symbol' | 'problems' | 'workspace' | 'definitions' | 'terminal';

/** One piece of context attached to a question, as it will be rendered into the prompt. */
export interface ContextBlock {
  id: string;
  kind: ContextBlockKind;
  /** Short label for chips and history: "src/a.ts:10-20", "@problems". */
  label: string;
  /** Workspace-relative path, when the block comes from one file. */
  path?: string;
  languageId?: string;
  /** 0-based first line of `text` in that file. */
  startLine?: number;
  text: string;
}

export interface StoredMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** Labels of the context blocks sent with a question (their text is not stored). */
  attachments?: string[];
  /** The question was composed by the extension (Explain), not typed: its text is never searched for `@` mentions. */
  composed?: boolean;
  error?: string;
  stopReason?: 'stop' | 'length' | 'window' | 'abort';
  createdAt: number;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messages: StoredMessage[];
}

/** A question and its answer, the unit history is trimmed by (never an answer without its question). */
export interface Turn {
  user: string;
  assistant: string;
}
