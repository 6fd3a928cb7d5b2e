import * as vscode from 'vscode';
import { inertText } from '../core/untrusted';

/**
 * One notification per distinct problem; repeats go to the log only. Messages often quote a server, so the
 * notification shows them inert (no `[x](command:...)` links, one line, capped); the log gets the whole text. A problem can be shown again
 * once it has been cleared (e.g. the backend came back and went away again).
 */
export class Notifier {
  private readonly shown = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Show `message` unless the problem `key` is already shown. Returns the chosen action, if any. */
  async error(key: string, message: string, ...actions: string[]): Promise<string | undefined> {
    this.log.error(message);
    if (this.shown.has(key)) return undefined;
    this.shown.add(key);
    return vscode.window.showErrorMessage(`Phi Coder: ${inertText(message)}`, ...actions);
  }

  async warn(key: string, message: string, ...actions: string[]): Promise<string | undefined> {
    this.log.warn(message);
    if (this.shown.has(key)) return undefined;
    this.shown.add(key);
    return vscode.window.showWarningMessage(`Phi Coder: ${inertText(message)}`, ...actions);
  }

  /** The problem is gone; show it again if it comes back. */
  clear(key: string): void {
    this.shown.delete(key);
  }

  clearAll(): void {
    this.shown.clear();
  }
}
