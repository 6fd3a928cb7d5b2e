/**
 * Owns the active backend: resolves it from settings (auto-detecting on loopback when asked), checks its health, keeps a
 * status the status bar shows, and turns errors features report into at most one notification per distinct problem.
 */
import * as vscode from 'vscode';
import type { ActiveBackend, BackendService, BackendStatus } from './backendService';
import type { Logger } from '../core/log';
import { DEFAULT_ENDPOINTS, PHI4_CONTEXT_WINDOW, type Settings } from '../core/config';
import type { Notifier } from './notifier';
import { BackendError, isAbortError } from '../core/backends/errors';
import type { Backend, BackendKind } from '../core/backends/types';
import { createBackend } from '../core/backends/factory';
import { checkEndpoint } from '../core/backends/endpoint';
import { detectBackend } from '../core/backends/detect';
import { DetectedServerConsent } from '../core/backends/detectConsent';
import { guardBackend } from '../core/backends/guarded';
import { redactForRemote } from '../core/trust/remotePrompts';
import { describeKind, problemFor } from './backendProblems';

export interface BackendServiceDeps {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  logger: Logger;
  notifier: Notifier;
  settings(): Settings;
  onDidChangeSettings: vscode.Event<Settings>;
}

/** Health is re-checked this often while the backend is not ready, and less often while it is. */
const POLL_NOT_READY_MS = 10_000;
const POLL_READY_MS = 30_000;

export function apiKeySecretName(kind: BackendKind): string {
  return `phiCoder.apiKey.${kind}`;
}

/** The unguarded backend of `kind` at `endpoint`, built from the user's settings and the API key in SecretStorage. */
export async function backendFromSettings(
  kind: BackendKind,
  endpoint: string,
  settings: Settings,
  secrets: vscode.SecretStorage,
  logger: Logger,
): Promise<Backend> {
  const apiKey = await secrets.get(apiKeySecretName(kind));
  return createBackend({
    kind,
    endpoint,
    apiKey: apiKey || undefined,
    keepAlive: settings.keepAlive,
    contextWindow: settings.contextWindow,
    idleTimeoutMs: settings.requestTimeoutSeconds * 1000,
    firstByteTimeoutMs: settings.firstByteTimeoutSeconds * 1000,
    logger,
  });
}

export function createBackendService(deps: BackendServiceDeps): BackendService {
  return new BackendServiceImpl(deps);
}

class BackendServiceImpl implements BackendService {
  private readonly emitter = new vscode.EventEmitter<BackendStatus>();
  readonly onDidChangeStatus = this.emitter.event;
  private current: BackendStatus = { state: 'detecting', detail: 'Looking for a backend…' };
  private activeBackend: ActiveBackend | undefined;
  private checking: Promise<BackendStatus> | undefined;
  private inFlight = 0;
  /** Requests waiting for the server's first byte for longer than SLOW_START_MS. */
  private waiting = 0;
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private announcedDetection = false;
  private readonly consent: DetectedServerConsent;

  constructor(private readonly deps: BackendServiceDeps) {
    this.consent = new DetectedServerConsent(
      deps.extension.globalState,
      async (d) =>
        (await vscode.window.showInformationMessage(
          `Phi Coder found a ${describeKind(d.kind)} at ${d.endpoint}. Send your code to it for completions and chat?`,
          'Use it',
          'Not now',
        )) === 'Use it',
      () => void this.recheck(),
    );
    this.disposables.push(
      deps.onDidChangeSettings(() => {
        this.activeBackend = undefined;
        // A check already running read the old settings (recheck() would just return it): check again after it.
        const running = this.checking;
        void (running ? running.then(() => this.recheck()) : this.recheck());
      }),
      deps.extension.secrets.onDidChange((e) => {
        if (e.key.startsWith('phiCoder.apiKey.')) {
          this.activeBackend = undefined;
          void this.recheck();
        }
      }),
    );
  }

  get status(): BackendStatus {
    return this.current;
  }

  async active(): Promise<ActiveBackend> {
    if (this.activeBackend && (this.current.state === 'ready' || this.current.state === 'busy')) return this.activeBackend;
    const status = await this.recheck();
    if (this.activeBackend && status.state === 'ready') return this.activeBackend;
    const code = status.state === 'model-missing' ? 'model-missing' : status.state === 'loading' ? 'loading' : status.state === 'key-rejected' ? 'auth' : 'offline';
    throw new BackendError(code, status.detail, status.state === 'key-rejected' ? 401 : undefined);
  }

  recheck(): Promise<BackendStatus> {
    this.checking ??= this.check().finally(() => {
      this.checking = undefined;
      this.schedulePoll();
    });
    return this.checking;
  }

  reportError(err: unknown, feature: string): void {
    if (isAbortError(err)) return;
    const settings = this.deps.settings();
    const problem = problemFor(err, feature, settings.chatModel);
    if (problem.state) {
      this.activeBackend = problem.state === 'ready' ? this.activeBackend : undefined;
      if (problem.state !== 'ready') this.setStatus({ ...this.current, state: problem.state, detail: problem.message });
      this.schedulePoll();
    }
    void this.notifyProblem(problem.key, problem.fullMessage, problem.state === 'model-missing' ? problem.model : undefined);
  }

  beginRequest(): () => void {
    this.inFlight++;
    if (this.current.state === 'ready') this.setStatus({ ...this.current, state: 'busy' });
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight--;
      if (this.inFlight === 0 && this.current.state === 'busy') this.setStatus({ ...this.current, state: 'ready' });
    };
  }

  private slowStart(waiting: boolean): void {
    this.waiting = Math.max(0, this.waiting + (waiting ? 1 : -1));
    if (this.current.state === 'busy' || this.current.state === 'ready') this.setStatus({ ...this.current, waiting: this.waiting > 0 });
  }

  dispose(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
  }

  private async check(): Promise<BackendStatus> {
    const settings = this.deps.settings();
    const { log } = this.deps;
    if (this.current.state === 'offline' || !this.current.kind) this.setStatus({ ...this.current, state: 'detecting', detail: 'Looking for a backend…' });
    if (settings.endpoint) {
      try {
        checkEndpoint(settings.endpoint);
      } catch (err) {
        this.activeBackend = undefined;
        const problem = problemFor(err, 'settings', settings.chatModel);
        void this.deps.notifier.error('endpoint', problem.message, 'Show Log');
        return this.setStatus({ state: 'offline', detail: problem.message });
      }
      this.deps.notifier.clear('endpoint');
    }
    const target = await this.resolveTarget(settings);
    if (!target) {
      this.activeBackend = undefined;
      const detail = `No backend found: nothing answered at ${DEFAULT_ENDPOINTS.ollama} (Ollama) or ${DEFAULT_ENDPOINTS.llamacpp} (llama.cpp). Start one (e.g. \`ollama serve\` then \`ollama pull phi4\`), then run "Phi Coder: Re-check Backend".`;
      return this.setStatus({ state: 'offline', detail });
    }
    if (target.awaitingConsent) {
      this.activeBackend = undefined;
      return this.setStatus({ kind: target.kind, endpoint: target.endpoint, state: 'offline', detail: `Found ${describeKind(target.kind)} at ${target.endpoint}; Phi Coder sends it nothing until you allow it (see the notification, or set phiCoder.backend).` });
    }
    const raw = await backendFromSettings(target.kind, target.endpoint, settings, this.deps.extension.secrets, this.deps.logger);
    const health = await raw.health(settings.chatModel);
    const base = { kind: target.kind, endpoint: target.endpoint };
    if (health.state !== 'ready') {
      this.activeBackend = undefined;
      const status = this.setStatus({ ...base, state: health.state, detail: health.detail });
      if (health.state === 'model-missing') void this.notifyProblem(`model-missing:${settings.chatModel}`, health.detail, settings.chatModel);
      else this.deps.notifier.clear(`model-missing:${settings.chatModel}`);
      return status;
    }
    try {
      const completionModel = settings.completionModel || settings.chatModel;
      const chatInfo = await raw.modelInfo(settings.chatModel);
      const completionInfo = completionModel === settings.chatModel ? chatInfo : await raw.modelInfo(completionModel);
      const contextWindow = settings.contextWindow || chatInfo.contextLength || PHI4_CONTEXT_WINDOW;
      const windows = new Map([[settings.chatModel, contextWindow], [completionModel, settings.contextWindow || completionInfo.contextLength || PHI4_CONTEXT_WINDOW]]);
      // Inline keys are redacted from prompts to an endpoint off this machine.
      const backend = guardBackend(redactForRemote(raw), { logger: this.deps.logger, contextLength: (model: string) => windows.get(model) ?? contextWindow, onSlowStart: (w) => this.slowStart(w) });
      this.activeBackend = { backend, chatModel: settings.chatModel, completionModel, contextWindow, chatInfo, completionInfo };
      log.info(`Backend ready: ${describeKind(target.kind)} at ${target.endpoint}; chat model ${settings.chatModel} (window ${contextWindow}), completion model ${completionModel}${completionInfo.fim ? ' (native FIM)' : ' (Phi-4 hole-filling prompt)'}`);
      this.deps.notifier.clear('offline');
      this.deps.notifier.clear(`model-missing:${settings.chatModel}`);
      const served = chatInfo.served && chatInfo.served !== settings.chatModel ? chatInfo.served : undefined;
      const detail = `${settings.chatModel} on ${describeKind(target.kind)}${served ? ` (it serves one model, ${served}, whatever a request names)` : ''}`;
      return this.setStatus({ ...base, model: served, state: this.inFlight > 0 ? 'busy' : 'ready', detail });
    } catch (err) {
      this.activeBackend = undefined;
      const problem = problemFor(err, 'startup', settings.chatModel);
      if (problem.model) void this.notifyProblem(problem.key, problem.fullMessage, problem.model);
      return this.setStatus({ ...base, state: problem.state ?? 'offline', detail: problem.message });
    }
  }

  private async resolveTarget(settings: Settings): Promise<{ kind: BackendKind; endpoint: string; awaitingConsent?: boolean } | undefined> {
    if (settings.backend !== 'auto') {
      return { kind: settings.backend, endpoint: settings.endpoint || DEFAULT_ENDPOINTS[settings.backend] };
    }
    // With an endpoint but no kind, probe that one address for both servers.
    const found = await detectBackend(settings.endpoint ? { ollamaEndpoint: settings.endpoint, llamacppEndpoint: settings.endpoint } : {});
    if (!found) return undefined;
    if (!this.announcedDetection) {
      this.announcedDetection = true;
      this.deps.log.info(`Auto-detected ${found.detail}`);
    }
    // Nothing is sent to a detected server before the user allowed it (asked once).
    if (!this.consent.allowed(found)) return { ...found, awaitingConsent: true };
    return found;
  }

  private setStatus(status: BackendStatus): BackendStatus {
    const changed = status.state !== this.current.state || status.detail !== this.current.detail || status.kind !== this.current.kind || status.waiting !== this.current.waiting || status.model !== this.current.model;
    this.current = status;
    if (changed) {
      this.deps.log.debug(`Backend status: ${status.state} (${status.detail})`);
      this.emitter.fire(status);
    }
    return status;
  }

  private schedulePoll(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    const ready = this.current.state === 'ready' || this.current.state === 'busy';
    this.pollTimer = setTimeout(() => {
      if (this.inFlight > 0) return this.schedulePoll();
      void this.recheck();
    }, ready ? POLL_READY_MS : POLL_NOT_READY_MS);
  }

  private async notifyProblem(key: string, message: string, missingModel?: string): Promise<void> {
    const { notifier } = this.deps;
    const actions = missingModel && this.current.kind === 'ollama' ? [`Pull ${missingModel}`, 'Show Log'] : ['Re-check', 'Show Log'];
    const choice = await notifier.error(key, message, ...actions);
    if (choice === 'Show Log') this.deps.log.show(true);
    else if (choice === 'Re-check') await vscode.commands.executeCommand('phiCoder.recheckBackend');
    else if (choice?.startsWith('Pull ')) await vscode.commands.executeCommand('phiCoder.pullModel', missingModel);
  }
}
