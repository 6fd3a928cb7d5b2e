/**
 * Conversations of this workspace, persisted in workspaceState (format and bounds: src/core/chat/history.ts).
 * Writes are coalesced: streaming updates the in-memory conversation and one save follows shortly after.
 */
import type * as vscode from 'vscode';
import { HISTORY_STATE_KEY, parseHistory, serializeHistory, summarize, type HistoryState } from '../../core/chat/history';
import type { Conversation } from '../../core/chat/types';
import type { ConversationSummary } from '../../shared/protocol';
import type { Logger } from '../../core/log';

const SAVE_DELAY_MS = 500;

let idCounter = 0;
export function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${(++idCounter).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export class ConversationStore {
  private state: HistoryState;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly memento: vscode.Memento, private readonly logger: Logger) {
    this.state = parseHistory(memento.get(HISTORY_STATE_KEY));
    if (!this.current()) this.startNew();
  }

  current(): Conversation {
    const found = this.state.conversations.find((c) => c.id === this.state.currentId);
    if (found) return found;
    return this.startNew();
  }

  startNew(): Conversation {
    const existing = this.state.conversations.find((c) => c.id === this.state.currentId);
    if (existing && existing.messages.length === 0) return existing;
    const now = Date.now();
    const conv: Conversation = { id: newId('c'), title: 'New conversation', createdAt: now, updatedAt: now, messages: [] };
    this.state.conversations.push(conv);
    this.state.currentId = conv.id;
    this.scheduleSave();
    return conv;
  }

  open(id: string): Conversation | undefined {
    const conv = this.state.conversations.find((c) => c.id === id);
    if (!conv) return undefined;
    // Leave an untouched empty conversation behind instead of listing it.
    this.state.conversations = this.state.conversations.filter((c) => c.messages.length > 0 || c.id === id);
    this.state.currentId = id;
    this.scheduleSave();
    return conv;
  }

  delete(id: string): void {
    this.state.conversations = this.state.conversations.filter((c) => c.id !== id);
    if (this.state.currentId === id) this.state.currentId = undefined;
    this.scheduleSave();
  }

  list(): ConversationSummary[] {
    return summarize(this.state.conversations);
  }

  /** The conversation changed (messages added or edited). */
  touch(conv: Conversation): void {
    conv.updatedAt = Date.now();
    this.scheduleSave();
  }

  scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
  }

  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    try {
      await this.memento.update(HISTORY_STATE_KEY, serializeHistory(this.state));
    } catch (err) {
      this.logger.error(`Chat: could not save conversations: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
