/**
 * Chat webview entry (browser bundle, dist/webview.js). Talks to the extension only through src/shared/protocol.ts:
 * the host sends snapshots and stream deltas; the view sends user intents. The view keeps only its draft
 * (vscode.setState) so a hidden and re-shown view loses nothing.
 */
import { isHostMessage, type HostMessage, type WebviewMessage } from '../shared/protocol';
import { byId } from './dom';
import { MessageList } from './messages';
import { Composer } from './composer';
import { Header } from './header';
import { renderMeter } from './meter';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: WebviewMessage) => vscode.postMessage(m);

const messages = new MessageList(byId('messages'), post);
const header = new Header({
  statusDot: byId('status-dot'),
  model: byId('model-button'),
  backend: byId('backend-button'),
  conversations: byId('conversation-select'),
  deleteConversation: byId('delete-button'),
  newConversation: byId('new-button'),
  clear: byId('clear-button'),
  banner: byId('banner'),
}, post);

const stop = () => {
  const requestId = messages.activeRequestId;
  if (requestId) post({ type: 'stop', requestId });
};

const composer = new Composer({
  input: byId('input'),
  chips: byId('chips'),
  suggestions: byId('suggestions'),
  send: byId('send-button'),
  stop: byId('stop-button'),
}, post, {
  isStreaming: () => messages.streaming,
  stop,
  onSend: (text) => messages.addPendingQuestion(text),
  saveDraft: (draft) => vscode.setState({ draft }),
});

// Esc stops the answer from anywhere in the view (the input handles it itself when focused).
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && messages.streaming && (ev.target as HTMLElement | null)?.id !== 'input') {
    ev.preventDefault();
    stop();
  }
});

function handle(m: HostMessage): void {
  switch (m.type) {
    case 'state':
      messages.setMessages(m.conversation.messages, m.activeRequestId);
      header.setConversations(m.conversation.id, m.conversation.title, m.conversations);
      header.setStatus(m.status);
      composer.setChips(m.chips);
      composer.setStreaming(messages.streaming);
      return;
    case 'chips':
      return composer.setChips(m.chips);
    case 'status':
      return header.setStatus(m.status);
    case 'meter':
      renderMeter(byId('meter'), m.meter);
      return composer.setBlocked(m.meter.overflow);
    case 'streamStart':
      messages.startStream(m.requestId, m.messageId);
      return composer.setStreaming(true);
    case 'streamDelta':
      return messages.appendDelta(m.requestId, m.text);
    case 'streamEnd':
      messages.endStream(m.requestId, m.stopReason, m.error);
      return composer.setStreaming(messages.streaming);
    case 'mentionSuggestions':
      return composer.showSuggestions(m.queryId, m.items);
    case 'pullProgress':
      return header.setPullProgress(m);
    case 'notice':
      return showNotice(m.level, m.text);
    case 'focusInput':
      return composer.focus();
    default: {
      const unknown: never = m;
      console.warn('phi-coder chat: unknown message', (unknown as { type?: string }).type);
    }
  }
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
function showNotice(level: 'info' | 'error', text: string): void {
  const el = byId('notice');
  el.textContent = text;
  el.className = `notice ${level}`;
  el.hidden = false;
  if (noticeTimer) clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (el.hidden = true), level === 'error' ? 8000 : 3000);
}

window.addEventListener('message', (ev: MessageEvent) => {
  if (!isHostMessage(ev.data)) return;
  try {
    handle(ev.data);
  } catch (err) {
    console.error('phi-coder chat: failed to handle', ev.data.type, err);
  }
});

const saved = vscode.getState() as { draft?: unknown } | undefined;
if (typeof saved?.draft === 'string') composer.setDraft(saved.draft);
post({ type: 'ready' });
composer.focus();
