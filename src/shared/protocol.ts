/**
 * The chat webview protocol: every message between the extension host and the chat webview, typed both ways.
 * Shared by src/vscode/chat (host) and src/webview (browser bundle); no imports, runs anywhere.
 *
 * - Streams carry a `requestId` the host chooses; the webview sends it back to stop that stream.
 * - The host is the source of truth (conversation, chips, status); the webview renders snapshots and stream deltas.
 * - Messages FROM the webview are untrusted: `parseWebviewMessage` validates every field and returns undefined for
 *   anything unknown or malformed (the host logs and ignores it).
 */

// ---------------------------------------------------------------- shared shapes

export type MentionKind = 'file' | 'symbol' | 'problems' | 'workspace' | 'terminal';

/** A piece of context shown as a chip above the input (and attached to the question unless removed). */
export interface ChipView {
  id: string;
  kind: 'selection' | 'file' | MentionKind;
  label: string;
  /** Tooltip: full path, line range, token count. */
  detail: string;
  tokens: number;
}

export type CodeBlockAction = 'copy' | 'insert' | 'apply' | 'newFile';

export interface MessageView {
  id: string;
  role: 'user' | 'assistant';
  /** Markdown (assistant) or plain text (user). */
  content: string;
  /** Labels of the context the question carried ("src/a.ts:10-20", "@problems"). */
  attachments?: string[];
  /** Shown under the message when the request failed. */
  error?: string;
  /** True while this assistant message is still streaming. */
  streaming?: boolean;
  stopReason?: 'stop' | 'length' | 'window' | 'abort';
}

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: number;
  messageCount: number;
}

export type ViewBackendState = 'ready' | 'busy' | 'loading' | 'offline' | 'model-missing' | 'key-rejected' | 'detecting';

export interface StatusView {
  state: ViewBackendState;
  /** Human text: "phi4 on Ollama", or what is wrong and how to fix it. */
  detail: string;
  backend?: string;
  model?: string;
  /** Ollama can pull a missing model from the view. */
  canPull: boolean;
}

/** How the window is spent: every number is Phi-4 tokens, as the budget would send it now. */
export interface MeterView {
  window: number;
  /** The system prompt, project rules excluded. */
  system: number;
  /** Project rules in the system prompt (absent or 0 when none apply). */
  rules?: number;
  context: number;
  history: number;
  question: number;
  reserve: number;
  /** Earlier turns that no longer fit and will not be sent. */
  droppedTurns: number;
  /** Context that was cut to fit (tokens removed). */
  truncatedContext: number;
  /** The question cannot be sent: system + question + reserve alone exceed the window. */
  overflow: boolean;
}

export interface MentionSuggestion {
  kind: MentionKind;
  /** Inserted after '@', e.g. "file:src/a.ts" or "problems". */
  insertText: string;
  label: string;
  detail: string;
}

// ---------------------------------------------------------------- host -> webview

export type HostMessage =
  | {
      type: 'state';
      conversation: { id: string; title: string; messages: MessageView[] };
      conversations: ConversationSummary[];
      chips: ChipView[];
      status: StatusView;
      /** The request currently streaming, if any (so a re-opened view can stop it). */
      activeRequestId?: string;
    }
  | { type: 'chips'; chips: ChipView[] }
  | { type: 'status'; status: StatusView }
  | { type: 'meter'; meter: MeterView }
  | { type: 'streamStart'; requestId: string; messageId: string }
  | { type: 'streamDelta'; requestId: string; text: string }
  | { type: 'streamEnd'; requestId: string; stopReason?: 'stop' | 'length' | 'window' | 'abort'; error?: string }
  | { type: 'mentionSuggestions'; queryId: number; items: MentionSuggestion[] }
  | { type: 'pullProgress'; model: string; status: string; percent?: number; done?: boolean; error?: string }
  | { type: 'notice'; level: 'info' | 'error'; text: string }
  | { type: 'focusInput' };

// ---------------------------------------------------------------- webview -> host

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'send'; text: string; removedChips: string[] }
  | { type: 'stop'; requestId: string }
  | { type: 'regenerate' }
  | { type: 'editResend'; messageId: string; text: string }
  | { type: 'copyMessage'; messageId: string }
  | { type: 'codeBlock'; action: CodeBlockAction; code: string; language: string }
  | { type: 'draft'; text: string; removedChips: string[] }
  | { type: 'mentionQuery'; queryId: number; kind: MentionKind | 'any'; query: string }
  | { type: 'clear' }
  | { type: 'newConversation' }
  | { type: 'openConversation'; id: string }
  | { type: 'deleteConversation'; id: string }
  | { type: 'command'; command: ViewCommand };

/** Host commands the view may trigger; an allow-list, never an arbitrary command id. */
export type ViewCommand = 'recheckBackend' | 'pullModel' | 'selectModel' | 'selectBackend' | 'setApiKey' | 'showLog';

export const VIEW_COMMANDS: readonly ViewCommand[] = ['recheckBackend', 'pullModel', 'selectModel', 'selectBackend', 'setApiKey', 'showLog'];
export const CODE_BLOCK_ACTIONS: readonly CodeBlockAction[] = ['copy', 'insert', 'apply', 'newFile'];
export const MENTION_KINDS: readonly MentionKind[] = ['file', 'symbol', 'problems', 'workspace', 'terminal'];

/** Longest text the host accepts from the view (a question, a draft, a code block). */
export const MAX_TEXT_LENGTH = 1_000_000;
const MAX_ID_LENGTH = 200;
const MAX_LIST = 100;

// ---------------------------------------------------------------- validation

type Rec = Record<string, unknown>;

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT_LENGTH;
const isIdList = (v: unknown): v is string[] => Array.isArray(v) && v.length <= MAX_LIST && v.every(isId);
const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);

/**
 * Validates a message from the webview. Returns a fresh object holding only the known fields, or undefined when the
 * message is unknown or any field has the wrong type. Never throws.
 */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const m = raw as Rec;
  switch (m.type) {
    case 'ready':
    case 'regenerate':
    case 'clear':
    case 'newConversation':
      return { type: m.type };
    case 'send':
      return isText(m.text) && isIdList(m.removedChips) ? { type: 'send', text: m.text, removedChips: [...m.removedChips] } : undefined;
    case 'draft':
      return isText(m.text) && isIdList(m.removedChips) ? { type: 'draft', text: m.text, removedChips: [...m.removedChips] } : undefined;
    case 'stop':
      return isId(m.requestId) ? { type: 'stop', requestId: m.requestId } : undefined;
    case 'editResend':
      return isId(m.messageId) && isText(m.text) ? { type: 'editResend', messageId: m.messageId, text: m.text } : undefined;
    case 'copyMessage':
      return isId(m.messageId) ? { type: 'copyMessage', messageId: m.messageId } : undefined;
    case 'codeBlock':
      return oneOf(CODE_BLOCK_ACTIONS, m.action) && isText(m.code) && typeof m.language === 'string' && m.language.length <= 64
        ? { type: 'codeBlock', action: m.action, code: m.code, language: m.language }
        : undefined;
    case 'mentionQuery':
      return Number.isSafeInteger(m.queryId) &&
        (m.kind === 'any' || oneOf(MENTION_KINDS, m.kind)) &&
        typeof m.query === 'string' &&
        m.query.length <= 500
        ? { type: 'mentionQuery', queryId: m.queryId as number, kind: m.kind as MentionKind | 'any', query: m.query }
        : undefined;
    case 'openConversation':
    case 'deleteConversation':
      return isId(m.id) ? { type: m.type, id: m.id } : undefined;
    case 'command':
      return oneOf(VIEW_COMMANDS, m.command) ? { type: 'command', command: m.command } : undefined;
    default:
      return undefined;
  }
}

/** Light check on the webview side: host messages are trusted but a stray postMessage must not crash the view. */
export function isHostMessage(raw: unknown): raw is HostMessage {
  return typeof raw === 'object' && raw !== null && typeof (raw as Rec).type === 'string';
}

/** A short description of a rejected message for the log (never its full content). */
export function describeRejected(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return `non-object (${raw === null ? 'null' : typeof raw})`;
  const type = (raw as Rec).type;
  const keys = Object.keys(raw).slice(0, 8).join(',');
  return `type=${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : typeof type} keys=[${keys}]`;
}
