import * as vscode from 'vscode';
import { readSettings, MACHINE_LEVEL_SETTINGS, type Settings, type SettingKey } from '../core/config';
import { chooseModel, modelRegistry } from '../core/modelSource';
import { inertText } from '../core/untrusted';

/** Model settings a workspace may set only with the user's consent (see core/modelSource.ts). */
const MODEL_SETTINGS: readonly SettingKey[] = ['chatModel', 'completionModel'];

/**
 * Reads `phiCoder.*` settings and re-reads them when they change, so changes take effect without reload.
 * Settings that decide where code is sent (backend, endpoint) are read from the user level only: even if a
 * workspace's .vscode/settings.json sets them (VS Code ignores application-scoped keys there anyway), they are not used.
 * A workspace's chat or completion model is used only after the user allowed it for that workspace (asked once per
 * session); registry-qualified and cloud models from a workspace are refused.
 */
export class SettingsWatcher implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Settings>();
  readonly onDidChange = this.emitter.event;
  private value: Settings;
  private readonly listener: vscode.Disposable;
  private readonly asked = new Set<string>();

  constructor(private readonly workspaceState?: vscode.Memento) {
    this.value = this.load();
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('phiCoder')) return;
      this.reload();
    });
  }

  get current(): Settings {
    return this.value;
  }

  dispose(): void {
    this.listener.dispose();
    this.emitter.dispose();
  }

  private reload(): void {
    this.value = this.load();
    this.emitter.fire(this.value);
  }

  private load(): Settings {
    return loadSettings({
      allowed: (key, model) => this.workspaceState?.get<boolean>(consentKey(key, model)) === true,
      onAsk: (key, model) => this.ask(key, model, false),
      onRefused: (key, model) => this.ask(key, model, true),
    });
  }

  private ask(key: SettingKey, model: string, refused: boolean): void {
    const id = `${key}=${model}`;
    if (this.asked.has(id)) return;
    this.asked.add(id);
    const shown = inertText(model, 120);
    if (refused) {
      void vscode.window.showWarningMessage(
        `Phi Coder: this workspace sets phiCoder.${key} to "${shown}" (from ${inertText(modelRegistry(model), 80)}, or run off this machine). A workspace cannot choose such a model; set it in your user settings if you want it.`,
      );
      return;
    }
    void vscode.window
      .showWarningMessage(`Phi Coder: this workspace sets phiCoder.${key} to "${shown}". Use that model in this workspace?`, 'Use it', 'Keep mine')
      .then(async (choice) => {
        if (choice !== 'Use it' || !this.workspaceState) return;
        await this.workspaceState.update(consentKey(key, model), true);
        this.reload();
      });
  }
}

function consentKey(key: SettingKey, model: string): string {
  return `consent.workspaceModel:${key}=${model}`;
}

export interface ModelConsent {
  allowed(key: SettingKey, model: string): boolean;
  onAsk(key: SettingKey, model: string): void;
  onRefused(key: SettingKey, model: string): void;
}

export function loadSettings(consent?: ModelConsent): Settings {
  const config = vscode.workspace.getConfiguration('phiCoder');
  return readSettings(<T>(key: SettingKey, fallback: T): T => {
    if (MACHINE_LEVEL_SETTINGS.includes(key)) {
      const inspected = config.inspect<T>(key);
      return (inspected?.globalValue ?? inspected?.defaultValue ?? fallback) as T;
    }
    if (MODEL_SETTINGS.includes(key)) {
      const i = config.inspect<string>(key);
      const choice = chooseModel(i?.globalValue ?? i?.defaultValue, i?.workspaceFolderValue ?? i?.workspaceValue, (m) => consent?.allowed(key, m) ?? false);
      if (choice.ask) consent?.onAsk(key, choice.ask);
      if (choice.refused) consent?.onRefused(key, choice.refused);
      return (choice.value ?? fallback) as T;
    }
    return config.get<T>(key, fallback);
  });
}
