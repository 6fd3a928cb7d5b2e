/**
 * Typed view of the `phiCoder.*` settings. package.json `contributes.configuration` is the single source of
 * truth; test/unit/config.test.ts checks that every key and default here matches it.
 */
import type { BackendKind } from './backends/types';

export interface Settings {
  backend: BackendKind | 'auto';
  endpoint: string;
  chatModel: string;
  completionModel: string;
  contextWindow: number;
  keepAlive: string;
  temperature: number;
  requestTimeoutSeconds: number;
  firstByteTimeoutSeconds: number;
  completions: {
    enabled: boolean;
    disabledLanguages: string[];
    debounceMs: number;
    maxTokens: number;
  };
  chat: {
    maxAnswerTokens: number;
  };
  context: {
    exclude: string[];
    /** Ask the editor's language server what the names around the cursor are (definitionHintsHost.ts). */
    languageServerHints: boolean;
  };
  terminal: {
    offerHelp: boolean;
  };
}

/** Setting key (without the `phiCoder.` prefix) -> default. Mirrors package.json. */
export const SETTING_DEFAULTS = {
  backend: 'auto',
  endpoint: '',
  chatModel: 'phi4',
  completionModel: '',
  contextWindow: 0,
  keepAlive: '30m',
  temperature: 0.2,
  requestTimeoutSeconds: 120,
  firstByteTimeoutSeconds: 600,
  'completions.enabled': true,
  'completions.disabledLanguages': ['plaintext', 'scminput'],
  'completions.debounceMs': 120,
  'completions.maxTokens': 160,
  'chat.maxAnswerTokens': 2048,
  'context.exclude': [] as string[],
  'context.languageServerHints': true,
  'terminal.offerHelp': true,
} as const;

export type SettingKey = keyof typeof SETTING_DEFAULTS;

/**
 * [minimum, maximum] of every numeric setting, mirroring package.json's schema (test/unit/config.test.ts checks it).
 * VS Code does not enforce a schema's bounds on values written by hand or by a workspace, so the reader clamps:
 * a timeout beyond 2^31 ms would overflow setTimeout, a huge answer budget would leave no room for any prompt, and
 * the context window is sent to Ollama as num_ctx.
 */
export const SETTING_LIMITS = {
  contextWindow: [0, 1_048_576],
  temperature: [0, 2],
  requestTimeoutSeconds: [5, 3600],
  firstByteTimeoutSeconds: [5, 3600],
  'completions.debounceMs': [0, 2000],
  'completions.maxTokens': [8, 1024],
  'chat.maxAnswerTokens': [256, 8192],
} as const satisfies Partial<Record<SettingKey, readonly [number, number]>>;

type NumericSetting = keyof typeof SETTING_LIMITS;

/** Settings that decide where code is sent: user-level only, never from a workspace. */
export const MACHINE_LEVEL_SETTINGS: readonly SettingKey[] = ['backend', 'endpoint'];

const BACKENDS = ['auto', 'ollama', 'llamacpp', 'openai'] as const;

/** Build Settings from a getter (VS Code's WorkspaceConfiguration.get, or a plain object in tests). */
export function readSettings(get: <T>(key: SettingKey, fallback: T) => T): Settings {
  const str = (k: SettingKey) => String(get(k, SETTING_DEFAULTS[k] as unknown as string) ?? SETTING_DEFAULTS[k]);
  const num = (k: NumericSetting) => {
    const v = Number(get(k, SETTING_DEFAULTS[k] as unknown as number));
    const [min, max] = SETTING_LIMITS[k];
    return Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : (SETTING_DEFAULTS[k] as unknown as number);
  };
  const int = (k: NumericSetting) => Math.floor(num(k));
  const bool = (k: SettingKey) => Boolean(get(k, SETTING_DEFAULTS[k] as unknown as boolean));
  const list = (k: SettingKey) => {
    const v = get<unknown>(k, SETTING_DEFAULTS[k]);
    return Array.isArray(v) ? v.map(String) : [...(SETTING_DEFAULTS[k] as readonly string[])];
  };
  const backend = str('backend');
  return {
    backend: (BACKENDS as readonly string[]).includes(backend) ? (backend as Settings['backend']) : 'auto',
    endpoint: str('endpoint').trim(),
    chatModel: str('chatModel').trim() || 'phi4',
    completionModel: str('completionModel').trim(),
    contextWindow: int('contextWindow'),
    keepAlive: str('keepAlive'),
    temperature: num('temperature'),
    requestTimeoutSeconds: num('requestTimeoutSeconds'),
    firstByteTimeoutSeconds: num('firstByteTimeoutSeconds'),
    completions: {
      enabled: bool('completions.enabled'),
      disabledLanguages: list('completions.disabledLanguages'),
      debounceMs: num('completions.debounceMs'),
      maxTokens: int('completions.maxTokens'),
    },
    chat: { maxAnswerTokens: int('chat.maxAnswerTokens') },
    context: { exclude: list('context.exclude'), languageServerHints: bool('context.languageServerHints') },
    terminal: { offerHelp: bool('terminal.offerHelp') },
  };
}

/** The default endpoint of each backend kind on loopback. */
export const DEFAULT_ENDPOINTS: Record<BackendKind, string> = {
  ollama: 'http://127.0.0.1:11434',
  llamacpp: 'http://127.0.0.1:8080',
  openai: 'http://127.0.0.1:8000',
};

/** Phi-4's window when the server cannot tell us. */
export const PHI4_CONTEXT_WINDOW = 16384;
