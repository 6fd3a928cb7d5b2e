/**
 * The top of the view: backend status with the model and backend pickers, the conversation list, New and Clear;
 * and the banner for when chat cannot work yet (no backend: Re-check; model missing: Pull with progress).
 */
import type { ConversationSummary, StatusView, WebviewMessage } from '../shared/protocol';
import { button, h } from './dom';

type Post = (m: WebviewMessage) => void;

export interface HeaderElements {
  statusDot: HTMLElement;
  model: HTMLButtonElement;
  backend: HTMLButtonElement;
  conversations: HTMLSelectElement;
  deleteConversation: HTMLButtonElement;
  newConversation: HTMLButtonElement;
  clear: HTMLButtonElement;
  banner: HTMLElement;
}

export class Header {
  private currentId = '';
  private pull: { model: string; status: string; percent?: number; error?: string } | undefined;
  private status: StatusView | undefined;

  constructor(private readonly el: HeaderElements, private readonly post: Post) {
    el.model.addEventListener('click', () => post({ type: 'command', command: 'selectModel' }));
    el.backend.addEventListener('click', () => post({ type: 'command', command: 'selectBackend' }));
    el.newConversation.addEventListener('click', () => post({ type: 'newConversation' }));
    el.clear.addEventListener('click', () => post({ type: 'clear' }));
    el.deleteConversation.addEventListener('click', () => {
      if (this.currentId) post({ type: 'deleteConversation', id: this.currentId });
    });
    el.conversations.addEventListener('change', () => {
      const id = el.conversations.value;
      if (id && id !== this.currentId) post({ type: 'openConversation', id });
    });
  }

  setConversations(currentId: string, currentTitle: string, list: ConversationSummary[]): void {
    this.currentId = currentId;
    const options = list.some((c) => c.id === currentId) ? [] : [h('option', { value: currentId, text: currentTitle || 'New conversation' })];
    for (const c of list) options.push(h('option', { value: c.id, text: `${c.title} (${c.messageCount})` }));
    this.el.conversations.replaceChildren(...options);
    this.el.conversations.value = currentId;
    this.el.deleteConversation.disabled = !list.some((c) => c.id === currentId);
  }

  setStatus(status: StatusView): void {
    this.status = status;
    if (status.state === 'ready') this.pull = undefined;
    this.el.statusDot.className = `status-dot state-${status.state}`;
    this.el.statusDot.title = status.detail;
    this.el.model.textContent = status.model ?? 'Model';
    this.el.model.setAttribute('aria-label', `Model: ${status.model ?? 'none'}. Pick another model`);
    this.el.backend.textContent = status.backend ?? 'Backend';
    this.el.backend.setAttribute('aria-label', `Backend: ${status.backend ?? 'none'} (${status.state}). Pick another backend`);
    this.renderBanner();
  }

  setPullProgress(p: { model: string; status: string; percent?: number; done?: boolean; error?: string }): void {
    this.pull = p.done && !p.error ? undefined : p;
    this.renderBanner();
  }

  private renderBanner(): void {
    const { banner } = this.el;
    const s = this.status;
    if (!s || s.state === 'ready' || s.state === 'busy') {
      banner.hidden = true;
      banner.replaceChildren();
      return;
    }
    const parts: Node[] = [];
    const title = {
      offline: 'No model server is running',
      detecting: 'Looking for a model server…',
      loading: 'The model is loading',
      'model-missing': `The model ${s.model ?? ''} is not installed`,
      'key-rejected': 'The server rejected the API key',
    }[s.state];
    parts.push(h('h2', { class: 'banner-title', text: title }), h('p', { class: 'banner-detail', text: s.detail }));
    if (s.state === 'offline') {
      parts.push(h('p', { class: 'banner-help', text: 'Start Ollama (ollama serve, then ollama pull phi4) or llama.cpp (llama-server -m phi-4.gguf --port 8080), or point phiCoder.endpoint at an OpenAI-compatible server.' }));
    }
    const actions = h('div', { class: 'banner-actions' });
    if (s.state === 'model-missing' && s.canPull) {
      const pulling = this.pull && !this.pull.error;
      const pullButton = button(pulling ? 'Pulling…' : `Pull ${s.model ?? 'model'}`, `Download ${s.model ?? 'the model'} with Ollama`, () => this.post({ type: 'command', command: 'pullModel' }), 'primary banner-pull');
      pullButton.disabled = Boolean(pulling);
      actions.append(pullButton);
    }
    if (s.state === 'model-missing') actions.append(button('Pick another model', 'Pick another model', () => this.post({ type: 'command', command: 'selectModel' })));
    actions.append(button('Re-check', 'Re-check the backend', () => this.post({ type: 'command', command: 'recheckBackend' }), s.state === 'model-missing' ? '' : 'primary banner-recheck'));
    if (s.state === 'key-rejected') actions.append(button('Set API key', 'Set the API key for this server', () => this.post({ type: 'command', command: 'setApiKey' }), 'primary'));
    if (s.state === 'offline') actions.append(button('Select backend', 'Select backend', () => this.post({ type: 'command', command: 'selectBackend' })));
    actions.append(button('Show log', 'Show the Phi Coder log', () => this.post({ type: 'command', command: 'showLog' })));
    parts.push(actions);
    if (this.pull) {
      const progress = h('progress', { class: 'pull-progress', max: 100, 'aria-label': `Pulling ${this.pull.model}` });
      if (this.pull.percent !== undefined) progress.value = this.pull.percent;
      parts.push(progress, h('p', { class: this.pull.error ? 'error' : 'pull-status', role: this.pull.error ? 'alert' : undefined, text: this.pull.error ?? `${this.pull.status}${this.pull.percent !== undefined ? ` ${this.pull.percent.toFixed(0)}%` : ''}` }));
    }
    banner.replaceChildren(...parts);
    banner.className = `banner state-${s.state}`;
    banner.hidden = false;
  }
}
