/**
 * The conversation pane: user questions as plain text, answers as sanitised markdown rendered incrementally (at most
 * once per frame, see streamRender.ts) while they stream, per-message actions (copy, edit & resend, regenerate) and code-block buttons.
 */
import type { CodeBlockAction, MessageView, WebviewMessage } from '../shared/protocol';
import type { CodeBlock } from './markdown';
import { button, h } from './dom';
import { renderInto, StreamRenderer } from './streamRender';

type Post = (m: WebviewMessage) => void;

const CODE_BUTTONS: { action: CodeBlockAction; label: string; aria: string }[] = [
  { action: 'copy', label: 'Copy', aria: 'Copy code' },
  { action: 'insert', label: 'Insert', aria: 'Insert code at the cursor' },
  { action: 'apply', label: 'Apply…', aria: 'Apply code to the file as a diff preview' },
  { action: 'newFile', label: 'New file', aria: 'Open code in a new file' },
];

interface StreamView {
  renderer: StreamRenderer;
  /** Shown until the first text arrives. */
  thinking?: HTMLElement;
  /** A paced re-render of the open prose, scheduled for when it is due. */
  timer?: ReturnType<typeof setTimeout>;
}

interface Entry {
  view: MessageView;
  el: HTMLElement;
  body: HTMLElement;
  actions: HTMLElement;
  pending: boolean;
  /** While streaming: renders only what is new (the final render keeps what is already in the DOM). */
  stream?: StreamView;
}

export class MessageList {
  private entries: Entry[] = [];
  private streamRequest: string | undefined;
  private streamEntry: Entry | undefined;
  private frame = 0;

  constructor(private readonly root: HTMLElement, private readonly post: Post) {}

  /** Replace everything with a snapshot from the host. */
  setMessages(messages: MessageView[], activeRequestId: string | undefined): void {
    this.root.replaceChildren();
    this.entries = [];
    this.streamEntry = undefined;
    this.streamRequest = activeRequestId;
    for (const m of messages) {
      const entry = this.add(m);
      if (m.streaming && activeRequestId) this.streamEntry = entry;
    }
    if (messages.length === 0) this.root.append(h('p', { class: 'placeholder', text: 'Ask about the open file, a selection, or type @ to add files, symbols, problems, the workspace or the terminal.' }));
    this.refreshActions();
    this.scrollToEnd(true);
  }

  get streaming(): boolean {
    return this.streamRequest !== undefined;
  }

  get activeRequestId(): string | undefined {
    return this.streamRequest;
  }

  startStream(requestId: string, messageId: string): void {
    this.root.querySelector('.placeholder')?.remove();
    this.streamRequest = requestId;
    // The host's snapshot may already hold the (empty) answer: stream into it rather than adding a second one.
    this.streamEntry = this.entries.find((e) => e.view.id === messageId) ?? this.add({ id: messageId, role: 'assistant', content: '', streaming: true });
    this.refreshActions();
    this.scrollToEnd(true);
  }

  appendDelta(requestId: string, text: string): void {
    const entry = this.streamEntry;
    if (requestId !== this.streamRequest || !entry) return;
    entry.view.content += text;
    this.schedule(entry);
  }

  endStream(requestId: string, stopReason: MessageView['stopReason'], error: string | undefined): void {
    const entry = this.streamEntry;
    if (requestId !== this.streamRequest) return;
    this.streamRequest = undefined;
    this.streamEntry = undefined;
    if (!entry) return;
    entry.view.streaming = false;
    entry.view.stopReason = stopReason;
    entry.view.error = error;
    entry.el.classList.remove('streaming');
    entry.el.removeAttribute('aria-busy');
    this.renderBody(entry);
    this.refreshActions();
    this.scrollToEnd(false);
  }

  /** Append a user question right away (the host's snapshot follows). */
  addPendingQuestion(text: string): void {
    this.root.querySelector('.placeholder')?.remove();
    this.add({ id: `pending-${Date.now()}`, role: 'user', content: text });
    this.scrollToEnd(true);
  }

  private add(view: MessageView): Entry {
    const who = view.role === 'user' ? 'You' : 'Phi Coder';
    const body = h('div', { class: 'message-body' });
    const actions = h('div', { class: 'message-actions', role: 'group', 'aria-label': `${who} message actions` });
    const el = h('article', { class: `message ${view.role}${view.streaming ? ' streaming' : ''}`, 'aria-label': view.role === 'user' ? 'Your question' : 'Answer', 'data-id': view.id, 'aria-busy': view.streaming ? 'true' : undefined },
      h('div', { class: 'message-role', text: who }), body, actions);
    const entry: Entry = { view: { ...view }, el, body, actions, pending: false };
    this.entries.push(entry);
    this.root.append(el);
    this.renderBody(entry);
    return entry;
  }

  private schedule(entry: Entry): void {
    entry.pending = true;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const stick = this.atBottom();
      for (const e of this.entries) if (e.pending) this.renderBody(e);
      if (stick) this.scrollToEnd(true);
    });
  }

  private renderBody(entry: Entry): void {
    entry.pending = false;
    if (entry.stream?.timer) clearTimeout(entry.stream.timer);
    if (entry.stream) entry.stream.timer = undefined;
    const { view, body } = entry;
    if (view.role === 'user') {
      body.replaceChildren(h('div', { class: 'user-text', text: view.content }));
      if (view.attachments?.length) body.append(h('div', { class: 'attachments', text: `Context: ${view.attachments.join(', ')}` }));
      return;
    }
    if (view.streaming) return this.renderStreaming(entry);
    if (entry.stream) {
      entry.stream.thinking?.remove();
      entry.stream.renderer.finish(view.content); // keeps what streaming already rendered
    } else {
      body.replaceChildren();
      renderInto(body, view.content, this.decorateBlock);
    }
    entry.stream = undefined;
    if (view.stopReason === 'abort') body.append(h('div', { class: 'stopped', text: 'Stopped.' }));
    if (view.stopReason === 'window') body.append(h('div', { class: 'stopped', text: "The answer was cut off: the model's context window is full. Start a new chat or attach less code." }));
    if (view.stopReason === 'length') body.append(h('div', { class: 'stopped', text: 'The answer reached its token limit (phiCoder.chat.maxAnswerTokens).' }));
    if (view.error) body.append(h('div', { class: 'error', role: 'alert', text: view.error }));
  }

  /**
   * Incremental render while streaming (StreamRenderer): what is new is rendered, what is stable stays. Only open
   * prose is re-rendered, at a pace that slows as it grows; a skipped re-render is caught up by a timer, so the view
   * never lags the answer for longer than the pacing interval.
   */
  private renderStreaming(entry: Entry): void {
    if (!entry.stream) {
      entry.body.replaceChildren();
      entry.stream = { renderer: new StreamRenderer(entry.body, this.decorateBlock) };
    }
    const s = entry.stream;
    const content = entry.view.content;
    if (content === '') {
      s.thinking ??= entry.body.appendChild(h('span', { class: 'thinking', text: 'Thinking…' }));
      return;
    }
    s.thinking?.remove();
    s.thinking = undefined;
    const wait = s.renderer.update(content);
    if (wait > 0) {
      s.timer = setTimeout(() => {
        s.timer = undefined;
        if (entry.stream === s && entry.view.streaming) this.schedule(entry);
      }, wait);
    }
  }

  /** The code-block buttons post the block's source (never read back from the DOM). */
  private readonly decorateBlock = (el: HTMLElement, block: CodeBlock): void => {
    const toolbar = el.querySelector('.code-toolbar');
    if (!toolbar) return;
    const group = h('span', { class: 'code-buttons', role: 'group', 'aria-label': 'Code block actions' });
    for (const { action, label, aria } of CODE_BUTTONS) {
      const b = button(label, aria, () => {
        this.post({ type: 'codeBlock', action, code: block.code, language: block.language });
        if (action === 'copy') flash(b, 'Copied');
      }, `code-button code-${action}`);
      group.append(b);
    }
    toolbar.append(group);
  };

  /** Copy/edit/regenerate buttons; regenerate only on the last answer and never while streaming. */
  private refreshActions(): void {
    const lastAssistant = [...this.entries].reverse().find((e) => e.view.role === 'assistant');
    for (const entry of this.entries) {
      const { view, actions } = entry;
      actions.replaceChildren();
      if (view.streaming || view.id.startsWith('pending-')) continue;
      if (view.role === 'assistant') {
        const copy = button('Copy', 'Copy answer', () => {
          this.post({ type: 'copyMessage', messageId: view.id });
          flash(copy, 'Copied');
        }, 'msg-copy');
        actions.append(copy);
        if (entry === lastAssistant && !this.streaming) actions.append(button('Regenerate', 'Regenerate answer', () => this.post({ type: 'regenerate' }), 'msg-regenerate'));
      } else if (!this.streaming) {
        actions.append(button('Edit', 'Edit and resend question', () => this.edit(entry), 'msg-edit'));
      }
    }
  }

  private edit(entry: Entry): void {
    const area = h('textarea', { class: 'edit-area', 'aria-label': 'Edit question', rows: 3 });
    area.value = entry.view.content;
    const send = () => {
      const text = area.value.trim();
      if (text) this.post({ type: 'editResend', messageId: entry.view.id, text });
    };
    area.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        send();
      } else if (ev.key === 'Escape') {
        ev.preventDefault();
        this.renderBody(entry);
        this.refreshActions();
      }
    });
    entry.body.replaceChildren(area);
    entry.actions.replaceChildren(
      button('Send', 'Resend edited question', send, 'msg-resend'),
      button('Cancel', 'Cancel editing', () => { this.renderBody(entry); this.refreshActions(); }, 'msg-cancel'),
    );
    area.focus();
  }

  private atBottom(): boolean {
    return this.root.scrollHeight - this.root.scrollTop - this.root.clientHeight < 40;
  }

  private scrollToEnd(force: boolean): void {
    if (force || this.atBottom()) this.root.scrollTop = this.root.scrollHeight;
  }
}

function flash(b: HTMLButtonElement, text: string): void {
  const before = b.textContent;
  b.textContent = text;
  setTimeout(() => (b.textContent = before), 1200);
}
