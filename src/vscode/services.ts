/**
 * What every feature gets from activation: settings, logging, notifications, the backend and the context engine.
 * Features register themselves with `register(services)` functions and push their Disposables to `extension.subscriptions`.
 */
import type * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { Settings } from '../core/config';
import type { BackendService } from './backendService';
import type { Notifier } from './notifier';
import type { ContextService } from './contextService';
import type { RulesService } from './rules/rulesService';
import type { DocumentGate } from './workspaceGate';

export interface Services {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** The same channel, as the core's Logger. */
  readonly logger: Logger;
  settings(): Settings;
  readonly onDidChangeSettings: vscode.Event<Settings>;
  readonly backends: BackendService;
  readonly notifier: Notifier;
  readonly context: ContextService;
  /** Project and user rules files, per file and feature. */
  readonly rules: RulesService;
  /** What may enter a prompt: inside a workspace folder (real path) and not excluded. */
  readonly gate: DocumentGate;
}
