import type * as vscode from 'vscode';
import type { Backend, BackendKind, BackendState, ModelInfo } from '../core/backends/types';

export interface ActiveBackend {
  /** Already wrapped with request logging and the context-overflow guard. */
  backend: Backend;
  chatModel: string;
  completionModel: string;
  /** The window every request uses (num_ctx / n_ctx): the same for every feature so Ollama never reloads. */
  contextWindow: number;
  chatInfo: ModelInfo;
  completionInfo: ModelInfo;
}

export interface BackendStatus {
  state: BackendState | 'detecting' | 'busy';
  kind?: BackendKind;
  endpoint?: string;
  detail: string;
  /** The model the server serves, when it is not the one the settings name (a single-model server). */
  model?: string;
  /** A request is waiting for the server to start answering (loading the model or reading the prompt). */
  waiting?: boolean;
}

export interface BackendService extends vscode.Disposable {
  readonly status: BackendStatus;
  readonly onDidChangeStatus: vscode.Event<BackendStatus>;
  /** The active backend (detected on first use). Throws a BackendError ('offline', 'model-missing', ...) when unusable. */
  active(): Promise<ActiveBackend>;
  /** Probe again (after the user started a server or changed settings). */
  recheck(): Promise<BackendStatus>;
  /** A feature saw this error: update the status and notify once per distinct problem. */
  reportError(err: unknown, feature: string): void;
  /** Mark a request in flight; call the returned function when it ends. */
  beginRequest(): () => void;
}
