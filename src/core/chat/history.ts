/**
 * The persisted form of conversations (one workspaceState key per workspace), validated on load so a corrupt or
 * older value loses only what is broken, never the rest. Bounded: the newest conversations and messages are kept.
 */
import type { Conversation, StoredMessage } from './types';
import type { ConversationSummary } from '../../shared/protocol';

export const HISTORY_STATE_KEY = 'phiCoder.chat.history';
export const HISTORY_VERSION = 1;
export const MAX_CONVERSATIONS = 50;
export const MAX_MESSAGES_PER_CONVERSATION = 200;
/** Longest message kept in storage (characters); longer ones are cut with a note. */
export const MAX_STORED_MESSAGE = 200_000;

export interface HistoryState {
  version: number;
  conversations: Conversation[];
  /** The conversation shown when the view opens. */
  currentId?: string;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function parseMessage(raw: unknown): StoredMessage | undefined {
  if (!isRec(raw)) return undefined;
  const id = str(raw.id);
  const content = str(raw.content);
  if (!id || content === undefined || (raw.role !== 'user' && raw.role !== 'assistant')) return undefined;
  const m: StoredMessage = { id, role: raw.role, content, createdAt: num(raw.createdAt) ?? 0 };
  if (Array.isArray(raw.attachments)) m.attachments = raw.attachments.filter((a): a is string => typeof a === 'string');
  if (str(raw.error)) m.error = str(raw.error);
  if (raw.stopReason === 'stop' || raw.stopReason === 'length' || raw.stopReason === 'window' || raw.stopReason === 'abort') m.stopReason = raw.stopReason;
  return m;
}

function parseConversation(raw: unknown): Conversation | undefined {
  if (!isRec(raw)) return undefined;
  const id = str(raw.id);
  if (!id || !Array.isArray(raw.messages)) return undefined;
  const messages = raw.messages.map(parseMessage).filter((m): m is StoredMessage => m !== undefined);
  return {
    id,
    title: str(raw.title) ?? 'Conversation',
    createdAt: num(raw.createdAt) ?? 0,
    updatedAt: num(raw.updatedAt) ?? 0,
    messages,
  };
}

/** Parse whatever was stored; anything unreadable yields an empty history rather than an exception. */
export function parseHistory(raw: unknown): HistoryState {
  if (!isRec(raw) || !Array.isArray(raw.conversations)) return { version: HISTORY_VERSION, conversations: [] };
  const conversations = raw.conversations.map(parseConversation).filter((c): c is Conversation => c !== undefined);
  const currentId = str(raw.currentId);
  return { version: HISTORY_VERSION, conversations, currentId: conversations.some((c) => c.id === currentId) ? currentId : undefined };
}

/** What is written to storage: empty conversations left out, newest first, bounded in count and size. */
export function serializeHistory(state: HistoryState): HistoryState {
  const conversations = state.conversations
    .filter((c) => c.messages.length > 0)
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .slice(0, MAX_CONVERSATIONS)
    .map((c) => ({
      ...c,
      messages: c.messages.slice(-MAX_MESSAGES_PER_CONVERSATION).map((m) =>
        m.content.length > MAX_STORED_MESSAGE ? { ...m, content: `${m.content.slice(0, MAX_STORED_MESSAGE)}\n… (cut when saved)` } : m,
      ),
    }));
  return { version: HISTORY_VERSION, conversations, currentId: state.currentId };
}

export function summarize(conversations: readonly Conversation[]): ConversationSummary[] {
  return conversations
    .filter((c) => c.messages.length > 0)
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .map((c) => ({ id: c.id, title: c.title, updatedAt: c.updatedAt, messageCount: c.messages.length }));
}
