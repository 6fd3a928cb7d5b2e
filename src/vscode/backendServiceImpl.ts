// PLACEHOLDER: replaced by the real backend service (issue 2) in the next commits.
import * as vscode from 'vscode';
import type { BackendService, BackendStatus } from './backendService';
import type { Logger } from '../core/log';
import type { Settings } from '../core/config';
import type { Notifier } from './notifier';
import { BackendError } from '../core/backends/errors';

export interface BackendServiceDeps {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  logger: Logger;
  notifier: Notifier;
  settings(): Settings;
  onDidChangeSettings: vscode.Event<Settings>;
}

export function createBackendService(_deps: BackendServiceDeps): BackendService {
  const emitter = new vscode.EventEmitter<BackendStatus>();
  const status: BackendStatus = { state: 'offline', detail: 'not implemented yet' };
  return {
    status,
    onDidChangeStatus: emitter.event,
    active: async () => { throw new BackendError('offline', 'not implemented yet'); },
    recheck: async () => status,
    reportError: () => {},
    beginRequest: () => () => {},
    dispose: () => emitter.dispose(),
  };
}
