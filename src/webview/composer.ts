/**
 * The input area: context chips (removable), the question box with `@` mention autocomplete, Send/Stop.
 * Keyboard: Enter sends, Shift+Enter adds a line, Esc closes the suggestions or stops the answer,
 * ArrowUp/ArrowDown + Enter/Tab pick a suggestion.
 */
import type { ChipView, MentionSuggestion, WebviewMessage } from '../shared/protocol';
import { completeMention, mentionAtCursor, stillMatching, type MentionQuery } from '../core/chat/mentions';
import { button, h } from './dom';

type Post = (m: WebviewMessage) => void;

const KIND_SUGGESTIONS: MentionSuggestion[] = [
  { kind: 'file', insertText: 'file:', label: '@file', detail: 'Attach a file' },
  { kind: 'symbol', insertText: 'symbol:', label: '@symbol', detail: 'Attach a function, class or type' },
  { kind: 'problems', insertText: 'problems', label: '@problems', detail: 'Attach errors and warnings' },
  { kind: 'workspace', insertText: 'workspace', label: '@workspace', detail: 'Retrieve related code from the workspace' },
  { kind: 'terminal', insertText: 'terminal', label: '@terminal', detail: 'Attach the last terminal command and its output' },
];

const DRAFT_DEBOUNCE_MS = 120;

export interface ComposerElements {
  input: HTMLTextAreaElement;
  chips: HTMLElement;
  suggestions: HTMLUListElement;
  send: HTMLButtonElement;
  stop: HTMLButtonElement;
}

export class Composer {
  private chips: ChipView[] = [];
  private readonly removed = new Set<string>();
  private items: MentionSuggestion[] = [];
  private active = 0;
  private query: MentionQuery | undefined;
  private queryId = 0;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  private blocked = false;

  constructor(
    private readonly el: ComposerElements,
    private readonly post: Post,
    private readonly hooks: { isStreaming(): boolean; stop(): void; onSend(text: string): void; saveDraft(text: string): void },
  ) {
    el.input.addEventListener('keydown', (ev) => this.onKeyDown(ev));
    el.input.addEventListener('input', () => this.onInput());
    el.input.addEventListener('click', () => this.updateSuggestions());
    el.input.addEventListener('blur', () => setTimeout(() => this.closeSuggestions(), 150));
    el.send.addEventListener('click', () => this.send());
    el.stop.addEventListener('click', () => hooks.stop());
  }

  setDraft(text: string): void {
    this.el.input.value = text;
    this.postDraft();
  }

  setChips(chips: ChipView[]): void {
    // Chips the user removed stay removed while they are still offered (same id).
    for (const id of [...this.removed]) if (!chips.some((c) => c.id === id)) this.removed.delete(id);
    this.chips = chips;
    this.renderChips();
    // No draft here: the host sends chips in answer to a draft, and a draft in reply would loop.
  }

  setStreaming(streaming: boolean): void {
    this.el.send.hidden = streaming;
    this.el.stop.hidden = !streaming;
  }

  /** The meter found the question cannot fit: Send is disabled until it can. */
  setBlocked(blocked: boolean): void {
    this.blocked = blocked;
    this.el.send.disabled = blocked;
  }

  showSuggestions(queryId: number, items: MentionSuggestion[]): void {
    if (queryId !== this.queryId || !this.query) return;
    this.items = items;
    this.active = 0;
    this.renderSuggestions();
  }

  focus(): void {
    this.el.input.focus();
  }

  private send(): void {
    const text = this.el.input.value.trim();
    if (!text || this.hooks.isStreaming() || this.blocked) return;
    this.post({ type: 'send', text, removedChips: [...this.removed] });
    this.hooks.onSend(text);
    this.el.input.value = '';
    this.hooks.saveDraft('');
    this.closeSuggestions();
  }

  private onKeyDown(ev: KeyboardEvent): void {
    const open = !this.el.suggestions.hidden && this.items.length > 0;
    if (open && (ev.key === 'ArrowDown' || ev.key === 'ArrowUp')) {
      ev.preventDefault();
      this.active = (this.active + (ev.key === 'ArrowDown' ? 1 : this.items.length - 1)) % this.items.length;
      this.renderSuggestions();
    } else if (open && (ev.key === 'Enter' || ev.key === 'Tab') && !ev.shiftKey) {
      ev.preventDefault();
      this.accept(this.items[this.active]);
    } else if (ev.key === 'Escape') {
      if (open) {
        ev.preventDefault();
        this.closeSuggestions();
      } else if (this.hooks.isStreaming()) {
        ev.preventDefault();
        this.hooks.stop();
      }
    } else if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      this.send();
    }
  }

  private onInput(): void {
    this.hooks.saveDraft(this.el.input.value);
    this.updateSuggestions();
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.postDraft(), DRAFT_DEBOUNCE_MS);
  }

  private postDraft(): void {
    this.post({ type: 'draft', text: this.el.input.value, removedChips: [...this.removed] });
  }

  private updateSuggestions(): void {
    const { input } = this.el;
    this.query = mentionAtCursor(input.value, input.selectionStart ?? input.value.length);
    if (!this.query) return this.closeSuggestions();
    if (this.query.kind === 'any') {
      const q = this.query.query.toLowerCase();
      this.queryId++;
      this.items = KIND_SUGGESTIONS.filter((s) => s.insertText.startsWith(q));
      this.active = 0;
      this.renderSuggestions();
    } else {
      this.queryId++;
      this.post({ type: 'mentionQuery', queryId: this.queryId, kind: this.query.kind, query: this.query.query });
      this.narrowShownList(this.query);
    }
  }

  /** Until the host answers `query`, show only what of the current list still matches it (none: the list closes). */
  private narrowShownList(query: MentionQuery): void {
    if (this.el.suggestions.hidden || this.items.length === 0) return;
    const activeItem = this.items[this.active];
    this.items = stillMatching(this.items, query);
    this.active = Math.max(0, this.items.indexOf(activeItem));
    this.renderSuggestions();
  }

  private accept(item: MentionSuggestion | undefined): void {
    const { input } = this.el;
    if (!item || !this.query) return;
    const cursor = input.selectionStart ?? input.value.length;
    const next = completeMention(input.value, this.query.start, cursor, item.insertText);
    input.value = next.text;
    input.setSelectionRange(next.cursor, next.cursor);
    this.closeSuggestions();
    this.onInput(); // "@file:" opens the file list right away
  }

  private closeSuggestions(): void {
    this.items = [];
    this.el.suggestions.hidden = true;
    this.el.suggestions.replaceChildren();
    this.el.input.setAttribute('aria-expanded', 'false');
    this.el.input.removeAttribute('aria-activedescendant');
  }

  private renderSuggestions(): void {
    const list = this.el.suggestions;
    if (this.items.length === 0) return this.closeSuggestions();
    list.replaceChildren(
      ...this.items.map((item, i) => {
        const li = h('li', { id: `suggestion-${i}`, role: 'option', class: `suggestion${i === this.active ? ' active' : ''}`, 'aria-selected': i === this.active ? 'true' : 'false' },
          h('span', { class: 'suggestion-label', text: item.label }), h('span', { class: 'suggestion-detail', text: item.detail }));
        li.addEventListener('mousedown', (ev) => {
          ev.preventDefault();
          this.accept(item);
        });
        return li;
      }),
    );
    list.hidden = false;
    this.el.input.setAttribute('aria-expanded', 'true');
    this.el.input.setAttribute('aria-activedescendant', `suggestion-${this.active}`);
  }

  private renderChips(): void {
    const nodes = this.chips.map((chip) => {
      const removed = this.removed.has(chip.id);
      const toggle = button(removed ? '+' : '×', removed ? `Attach ${chip.label} again` : `Remove ${chip.label} from the question`, () => {
        if (this.removed.has(chip.id)) this.removed.delete(chip.id);
        else this.removed.add(chip.id);
        this.renderChips();
        this.postDraft();
      }, 'chip-toggle');
      return h('span', { class: `chip chip-${chip.kind}${removed ? ' removed' : ''}`, title: chip.detail, 'data-chip': chip.id },
        h('span', { class: 'chip-label', text: chip.label }), h('span', { class: 'chip-tokens', text: `${chip.tokens}` }), toggle);
    });
    this.el.chips.replaceChildren(...nodes);
    this.el.chips.hidden = nodes.length === 0;
  }
}
