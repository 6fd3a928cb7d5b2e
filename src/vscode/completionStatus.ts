/**
 * The inline-completion state the status bar and its menu show: on/off, snoozed until, and which model completes.
 * The completion feature writes it; the status bar reads it.
 */
import * as vscode from 'vscode';
import type { Settings } from '../core/config';

const emitter = new vscode.EventEmitter<void>();
export const onDidChangeCompletionStatus = emitter.event;

let snoozedUntil = 0;
let snoozeTimer: NodeJS.Timeout | undefined;
let modelLine = '';

export function snoozeCompletions(minutes: number): void {
  snoozedUntil = Date.now() + minutes * 60_000;
  if (snoozeTimer) clearTimeout(snoozeTimer);
  snoozeTimer = setTimeout(() => {
    snoozedUntil = 0;
    emitter.fire();
  }, minutes * 60_000);
  emitter.fire();
}

export function isSnoozed(): boolean {
  return Date.now() < snoozedUntil;
}

/** e.g. "qwen2.5-coder:1.5b (native FIM)" or "phi4 (hole-filling prompt)"; set by the completion feature. */
export function setCompletionModelLine(line: string): void {
  if (line === modelLine) return;
  modelLine = line;
  emitter.fire();
}

export function completionStatusLine(settings: Settings): string {
  if (!settings.completions.enabled) return 'off';
  const model = modelLine || settings.completionModel || settings.chatModel;
  if (isSnoozed()) return `snoozed until ${new Date(snoozedUntil).toLocaleTimeString()} (${model})`;
  return `on (${model})`;
}
