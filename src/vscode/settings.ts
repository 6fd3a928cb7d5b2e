import * as vscode from 'vscode';
import { readSettings, MACHINE_LEVEL_SETTINGS, type Settings, type SettingKey } from '../core/config';

/**
 * Reads `phiCoder.*` settings and re-reads them when they change, so changes take effect without reload.
 * Settings that decide where code is sent (backend, endpoint) are read from the user level only: even if a
 * workspace's .vscode/settings.json sets them (VS Code ignores application-scoped keys there anyway), they are not used.
 */
export class SettingsWatcher implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Settings>();
  readonly onDidChange = this.emitter.event;
  private value: Settings;
  private readonly listener: vscode.Disposable;

  constructor() {
    this.value = loadSettings();
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('phiCoder')) return;
      this.value = loadSettings();
      this.emitter.fire(this.value);
    });
  }

  get current(): Settings {
    return this.value;
  }

  dispose(): void {
    this.listener.dispose();
    this.emitter.dispose();
  }
}

export function loadSettings(): Settings {
  const config = vscode.workspace.getConfiguration('phiCoder');
  return readSettings(<T>(key: SettingKey, fallback: T): T => {
    if (MACHINE_LEVEL_SETTINGS.includes(key)) {
      const inspected = config.inspect<T>(key);
      return (inspected?.globalValue ?? inspected?.defaultValue ?? fallback) as T;
    }
    return config.get<T>(key, fallback);
  });
}
