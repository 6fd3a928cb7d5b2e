import * as vscode from 'vscode';
import { inertText } from '../core/untrusted';

/** A notification as the user saw it: exactly the text passed to VS Code. */
export interface ShownNotification {
  severity: 'error' | 'warning';
  key: string;
  text: string;
}

/** How many shown notifications `recent` keeps (a record for the e2e tests, not a history). */
const RECENT_MAX = 20;

/**
 * One notification per distinct problem; repeats go to the log only. Messages often quote a server, so the
 * notification shows them inert (no `[x](command:...)` links, one line, capped); the log gets the whole text. A problem can be shown again
 * once it has been cleared (e.g. the backend came back and went away again).
 */
export class Notifier {
  private readonly shown = new Set<string>();
  private readonly recentShown: ShownNotification[] = [];
  private readonly shownEmitter = new vscode.EventEmitter<ShownNotification>();
  /** Fires with the exact text of each notification shown (the e2e suite waits on it). */
  readonly onDidShow = this.shownEmitter.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The last notifications shown, oldest first, as passed to VS Code. */
  get recent(): readonly ShownNotification[] {
    return this.recentShown;
  }

  /** Show `message` unless the problem `key` is already shown. Returns the chosen action, if any. */
  async error(key: string, message: string, ...actions: string[]): Promise<string | undefined> {
    this.log.error(message);
    const text = this.admit('error', key, message);
    return text === undefined ? undefined : vscode.window.showErrorMessage(text, ...actions);
  }

  async warn(key: string, message: string, ...actions: string[]): Promise<string | undefined> {
    this.log.warn(message);
    const text = this.admit('warning', key, message);
    return text === undefined ? undefined : vscode.window.showWarningMessage(text, ...actions);
  }

  /** The problem is gone; show it again if it comes back. */
  clear(key: string): void {
    this.shown.delete(key);
  }

  clearAll(): void {
    this.shown.clear();
  }

  dispose(): void {
    this.shownEmitter.dispose();
  }

  /** The text to show for `message`, or undefined when the problem `key` is already shown. */
  private admit(severity: ShownNotification['severity'], key: string, message: string): string | undefined {
    if (this.shown.has(key)) return undefined;
    this.shown.add(key);
    const shown: ShownNotification = { severity, key, text: `Phi Coder: ${inertText(message)}` };
    this.recentShown.push(shown);
    if (this.recentShown.length > RECENT_MAX) this.recentShown.shift();
    this.shownEmitter.fire(shown);
    return shown.text;
  }
}
