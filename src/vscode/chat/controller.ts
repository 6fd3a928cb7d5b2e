/**
 * The chat's host side: one controller shared by every chat webview (sidebar view, editor tab). It owns the current
 * conversation, turns validated webview messages into actions, streams answers with request ids, keeps the window meter
 * current as the user types, and persists conversations per workspace.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { describeRejected, parseWebviewMessage, type ChipView, type HostMessage, type MessageView, type StatusView, type WebviewMessage } from '../../shared/protocol';
import { planChat, type BudgetPlan } from '../../core/chat/budget';
import { CHAT_SYSTEM_PROMPT, titleFromQuestion, turnsFromMessages } from '../../core/chat/prompt';
import { withRules } from '../../core/rules/render';
import { chatErrorText } from '../../core/chat/errors';
import { addedMentions } from '../../core/chat/mentions';
import type { ContextBlock, Conversation, StoredMessage } from '../../core/chat/types';
import { isAbortError } from '../../core/backends/errors';
import { PHI4_CONTEXT_WINDOW } from '../../core/config';
import { describeKind } from '../backendProblems';
import { ChatContext } from './chatContext';
import { ConversationStore, newId } from './conversationStore';
import { runCodeBlockAction } from './codeBlocks';
import { pullIntoView } from './pull';

export interface AskOptions {
  /** Chip ids the user removed (default context / mentions not to send). */
  removedChips?: readonly string[];
  /** Extra context (from code actions' "Explain"). */
  extraBlocks?: ContextBlock[];
  /**
   * The question was composed by the extension (Explain puts the editor's diagnostics in it, and a repository can word
   * those): its `@` mentions are not resolved. `typed` then names the part the user did type (an edit), if any.
   */
  composed?: boolean;
  typed?: string;
}

interface ActiveStream {
  requestId: string;
  messageId: string;
  abort: AbortController;
}

export class ChatController implements vscode.Disposable {
  private readonly webviews = new Set<vscode.Webview>();
  private readonly store: ConversationStore;
  readonly context: ChatContext;
  private stream: ActiveStream | undefined;
  private draft = { text: '', removedChips: [] as string[] };
  private knownWindow: number | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private meterSeq = 0;
  private lastChips: ChipView[] = [];

  constructor(private readonly services: Services) {
    this.store = new ConversationStore(services.extension.workspaceState, services.logger);
    this.context = new ChatContext(services);
    this.disposables.push(
      this.context,
      this.context.onDidChange(() => void this.updateMeter()),
      services.rules.onDidChange(() => void this.updateMeter()),
      services.backends.onDidChangeStatus(() => {
        this.broadcast({ type: 'status', status: this.statusView() });
        void this.learnWindow();
      }),
      services.onDidChangeSettings(() => {
        this.knownWindow = undefined;
        void this.learnWindow();
      }),
    );
  }

  /** Connect a webview (view or panel); returns its disposable. */
  attach(webview: vscode.Webview): vscode.Disposable {
    this.webviews.add(webview);
    const sub = webview.onDidReceiveMessage((raw: unknown) => {
      const message = parseWebviewMessage(raw);
      if (!message) {
        this.services.logger.warn(`Chat: ignored a malformed or unknown webview message (${describeRejected(raw)})`);
        return;
      }
      this.handle(message, webview).catch((err) => {
        this.services.logger.error(`Chat: ${message.type} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        void this.post(webview, { type: 'notice', level: 'error', text: `${message.type} failed: ${err instanceof Error ? err.message : String(err)}` });
      });
    });
    return new vscode.Disposable(() => {
      sub.dispose();
      this.webviews.delete(webview);
    });
  }

  /** Ask in the current conversation (the input box, or `phiCoder.internal.askInChat`). */
  async ask(question: string, opts: AskOptions = {}): Promise<void> {
    const { services } = this;
    if (this.stream) this.stop(this.stream.requestId);
    const conv = this.store.current();
    const collected = await this.context.collect(opts.composed ? opts.typed ?? '' : question, { resolveWorkspace: true });
    const removed = new Set(opts.removedChips ?? []);
    // Attachments given by the caller (code actions) replace the default editor context (usually the same selection).
    const defaults = opts.extraBlocks?.length ? collected.blocks.filter((b) => !b.id.startsWith('editor:')) : collected.blocks;
    const blocks = [...(opts.extraBlocks ?? []), ...defaults.filter((b) => !removed.has(b.id))];
    const labels = [...new Set(blocks.map((b) => b.label))];
    // Never silent: say which mentions brought nothing (file not found, no such symbol, nothing retrieved).
    const missing = collected.chips.filter((c) => c.id.startsWith('mention:') && !removed.has(c.id) && !blocks.some((b) => b.id === c.id));
    if (missing.length) this.broadcast({ type: 'notice', level: 'info', text: `Not attached (nothing found): ${missing.map((c) => c.label).join(', ')}` });
    if (conv.messages.length === 0) conv.title = titleFromQuestion(question);
    const history = turnsFromMessages(conv.messages);
    const user: StoredMessage = { id: newId('m'), role: 'user', content: question, attachments: labels.length ? labels : undefined, composed: opts.composed || undefined, createdAt: Date.now() };
    const answer: StoredMessage = { id: newId('m'), role: 'assistant', content: '', createdAt: Date.now() };
    conv.messages.push(user, answer);
    this.store.touch(conv);
    const stream: ActiveStream = { requestId: newId('r'), messageId: answer.id, abort: new AbortController() };
    this.stream = stream;
    this.broadcastState();
    this.broadcast({ type: 'streamStart', requestId: stream.requestId, messageId: answer.id });

    const started = Date.now();
    let endRequest: (() => void) | undefined;
    try {
      const active = await services.backends.active();
      this.knownWindow = active.contextWindow;
      const reserve = services.settings().chat.maxAnswerTokens;
      await services.rules.ready();
      const rules = this.rules(active.contextWindow);
      const plan = planChat({ window: active.contextWindow, reserve, system: withRules(CHAT_SYSTEM_PROMPT, rules.text), blocks, history, question });
      this.broadcast({ type: 'meter', meter: meterOf(plan, rules.tokens) });
      if (plan.overflow) {
        answer.error = `The question alone (${plan.question} tokens) plus the ${reserve}-token answer reserve does not fit the ${plan.window}-token window. Shorten it, or lower phiCoder.chat.maxAnswerTokens.`;
        return;
      }
      if (plan.droppedTurns > 0) services.logger.info(`Chat ${stream.requestId}: ${plan.droppedTurns} earlier turns not sent (window full)`);
      services.logger.info(`Chat ${stream.requestId}: ${plan.promptTokens} prompt tokens (system ${plan.system} incl. rules ${rules.tokens}, context ${plan.context}, history ${plan.history}, question ${plan.question}), reserve ${reserve}, window ${plan.window}`);
      endRequest = services.backends.beginRequest();
      for await (const ev of active.backend.chat({
        model: active.chatModel,
        messages: plan.messages,
        sampling: { maxTokens: reserve, temperature: services.settings().temperature },
        signal: stream.abort.signal,
        promptTokens: plan.promptTokens,
        feature: 'chat',
      })) {
        if (ev.type === 'text') {
          answer.content += ev.text;
          this.broadcast({ type: 'streamDelta', requestId: stream.requestId, text: ev.text });
        } else {
          answer.stopReason = ev.usage.stopReason;
          services.logger.info(`Chat ${stream.requestId}: ${ev.usage.completionTokens} tokens, first token ${ev.usage.timeToFirstTokenMs.toFixed(0)} ms, total ${ev.usage.totalMs.toFixed(0)} ms, stop ${ev.usage.stopReason}`);
        }
      }
    } catch (err) {
      if (isAbortError(err) || stream.abort.signal.aborted) {
        answer.stopReason = 'abort';
        services.logger.info(`Chat ${stream.requestId}: stopped after ${Date.now() - started} ms`);
      } else {
        answer.error = chatErrorText(err, services.settings().chatModel);
        services.backends.reportError(err, 'chat');
      }
    } finally {
      endRequest?.();
      if (this.stream === stream) this.stream = undefined;
      this.store.touch(conv);
      this.broadcast({ type: 'streamEnd', requestId: stream.requestId, stopReason: answer.stopReason, error: answer.error });
      this.broadcastState();
      void this.updateMeter();
    }
  }

  stop(requestId: string): void {
    if (this.stream?.requestId === requestId) this.stream.abort.abort();
  }

  newConversation(): void {
    if (this.stream) this.stop(this.stream.requestId);
    this.store.startNew();
    this.broadcastState();
  }

  dispose(): void {
    if (this.stream) this.stream.abort.abort();
    void this.store.flush();
    for (const d of this.disposables) d.dispose();
  }

  private async handle(m: WebviewMessage, from: vscode.Webview): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.post(from, this.stateMessage());
        await this.updateMeter();
        return this.learnWindow();
      case 'send':
        this.draft = { text: '', removedChips: [] };
        return this.ask(m.text, { removedChips: m.removedChips });
      case 'stop':
        return this.stop(m.requestId);
      case 'regenerate':
        return this.regenerate();
      case 'editResend':
        return this.editResend(m.messageId, m.text);
      case 'copyMessage': {
        const msg = this.store.current().messages.find((x) => x.id === m.messageId);
        if (msg) await vscode.env.clipboard.writeText(msg.content);
        return;
      }
      case 'codeBlock': {
        const result = await runCodeBlockAction(m.action, m.code, m.language, this.context.lastEditor);
        if (result) this.broadcast({ type: 'notice', ...result });
        return;
      }
      case 'draft':
        this.draft = { text: m.text, removedChips: m.removedChips };
        return this.updateMeter();
      case 'mentionQuery': {
        const items = m.kind === 'file' || m.kind === 'symbol' ? await this.context.suggestions(m.kind, m.query) : [];
        return void this.post(from, { type: 'mentionSuggestions', queryId: m.queryId, items });
      }
      case 'clear': {
        if (this.stream) this.stop(this.stream.requestId);
        const conv = this.store.current();
        conv.messages = [];
        conv.title = 'New conversation';
        this.store.touch(conv);
        this.broadcastState();
        return this.updateMeter();
      }
      case 'newConversation':
        this.newConversation();
        return this.updateMeter();
      case 'openConversation':
        if (this.stream) this.stop(this.stream.requestId);
        this.store.open(m.id);
        this.broadcastState();
        return this.updateMeter();
      case 'deleteConversation':
        if (this.stream) this.stop(this.stream.requestId);
        this.store.delete(m.id);
        this.broadcastState();
        return this.updateMeter();
      case 'command':
        return this.runCommand(m.command);
      default: {
        const unhandled: never = m;
        this.services.logger.warn(`Chat: unhandled webview message ${JSON.stringify(unhandled).slice(0, 80)}`);
      }
    }
  }

  private async regenerate(): Promise<void> {
    const conv = this.store.current();
    const lastUser = conv.messages.map((x) => x.role).lastIndexOf('user');
    if (lastUser < 0 || this.stream) return;
    const { content: question, composed } = conv.messages[lastUser];
    conv.messages.splice(lastUser);
    await this.ask(question, { removedChips: this.draft.removedChips, composed });
  }

  private async editResend(messageId: string, text: string): Promise<void> {
    const conv = this.store.current();
    const index = conv.messages.findIndex((x) => x.id === messageId && x.role === 'user');
    if (index < 0) return;
    if (this.stream) this.stop(this.stream.requestId);
    const original = conv.messages[index];
    conv.messages.splice(index);
    // An edited composed question stays composed; only the mentions the user added to it are resolved.
    const typed = original.composed ? addedMentions(original.content, text) : undefined;
    await this.ask(text, { removedChips: this.draft.removedChips, composed: original.composed, typed });
  }

  private async runCommand(command: string): Promise<void> {
    if (command === 'pullModel') return pullIntoView(this.services, (p) => this.broadcast(p));
    const ids: Record<string, string> = { recheckBackend: 'phiCoder.recheckBackend', selectModel: 'phiCoder.selectModel', selectBackend: 'phiCoder.selectBackend', setApiKey: 'phiCoder.setApiKey', showLog: 'phiCoder.showLog' };
    const id = ids[command];
    if (!id) return;
    if (command === 'recheckBackend') this.broadcast({ type: 'status', status: { ...this.statusView(), state: 'detecting', detail: 'Checking…' } });
    try {
      await vscode.commands.executeCommand(id);
    } catch (err) {
      // The integrator registers these commands; until then, re-check directly.
      if (command === 'recheckBackend') await this.services.backends.recheck();
      else throw err;
    }
    this.broadcast({ type: 'status', status: this.statusView() });
  }

  /** Recompute chips and the window meter for the current draft. */
  private async updateMeter(): Promise<void> {
    if (this.webviews.size === 0) return;
    const seq = ++this.meterSeq;
    const collected = await this.context.collect(this.draft.text, { resolveWorkspace: false });
    if (seq !== this.meterSeq) return; // a newer keystroke already asked
    const removed = new Set(this.draft.removedChips);
    const conv = this.store.current();
    const window = this.knownWindow ?? (this.services.settings().contextWindow || PHI4_CONTEXT_WINDOW);
    const rules = this.rules(window);
    const plan = planChat({
      window,
      reserve: this.services.settings().chat.maxAnswerTokens,
      system: withRules(CHAT_SYSTEM_PROMPT, rules.text),
      blocks: collected.blocks.filter((b) => !removed.has(b.id)),
      history: turnsFromMessages(conv.messages),
      question: this.draft.text,
    });
    this.lastChips = collected.chips;
    this.broadcast({ type: 'chips', chips: collected.chips });
    this.broadcast({ type: 'meter', meter: meterOf(plan, rules.tokens) });
  }

  /** The project rules for the file the chat is about (the last active editor), budgeted for the window. */
  private rules(window: number) {
    return this.services.rules.forPrompt(this.context.lastEditor?.document.uri, 'chat', window);
  }

  /** Learn the real window once the backend is ready (the meter uses it). */
  private async learnWindow(): Promise<void> {
    const state = this.services.backends.status.state;
    if (state !== 'ready' && state !== 'busy') return;
    try {
      const active = await this.services.backends.active();
      if (active.contextWindow !== this.knownWindow) {
        this.knownWindow = active.contextWindow;
        await this.updateMeter();
      }
    } catch {
      // status events report the problem
    }
  }

  private statusView(): StatusView {
    const s = this.services.backends.status;
    return {
      state: s.state,
      detail: s.detail,
      backend: s.kind ? describeKind(s.kind) : undefined,
      model: this.services.settings().chatModel,
      canPull: s.state === 'model-missing' && s.kind === 'ollama',
    };
  }

  private stateMessage(): HostMessage {
    const conv = this.store.current();
    return {
      type: 'state',
      conversation: { id: conv.id, title: conv.title, messages: conv.messages.map((m) => this.view(m)) },
      conversations: this.store.list(),
      chips: this.lastChips,
      status: this.statusView(),
      activeRequestId: this.stream?.requestId,
    };
  }

  private view(m: StoredMessage): MessageView {
    return { id: m.id, role: m.role, content: m.content, attachments: m.attachments, error: m.error, stopReason: m.stopReason, streaming: this.stream?.messageId === m.id || undefined };
  }

  private broadcastState(): void {
    this.broadcast(this.stateMessage());
  }

  private broadcast(message: HostMessage): void {
    for (const w of this.webviews) void this.post(w, message);
  }

  private async post(webview: vscode.Webview, message: HostMessage): Promise<void> {
    try {
      await webview.postMessage(message);
    } catch {
      // The webview was disposed meanwhile.
    }
  }

  /** For tests: the conversation shown now. */
  get currentConversation(): Conversation {
    return this.store.current();
  }
}

/** The meter's numbers; the rules are shown apart from the rest of the system prompt (they are part of it). */
function meterOf(plan: BudgetPlan, rules: number) {
  const shown = Math.min(rules, plan.system);
  return {
    window: plan.window,
    system: plan.system - shown,
    rules: shown,
    context: plan.context,
    history: plan.history,
    question: plan.question,
    reserve: plan.reserve,
    droppedTurns: plan.droppedTurns,
    truncatedContext: plan.truncatedContext,
    overflow: plan.overflow,
  };
}
