/**
 * Commands around the backend: the status bar menu, switching backend or model, pulling a model with progress,
 * the API key (kept in SecretStorage), re-checking, and the log.
 */
import * as vscode from 'vscode';
import type { Services } from './services';
import { DEFAULT_ENDPOINTS, type Settings } from '../core/config';
import type { BackendKind, PullProgress } from '../core/backends/types';
import { BackendError } from '../core/backends/errors';
import { apiKeySecretName, backendFromSettings } from './backendServiceImpl';
import { describeKind } from './backendProblems';
import { completionStatusLine } from './completionStatus';
import { modelRegistry } from '../core/modelSource';
import { inertText } from '../core/untrusted';

type MenuItem = vscode.QuickPickItem & { command?: string; args?: unknown[] };

export function registerBackendCommands(services: Services): void {
  const { extension } = services;
  const reg = (id: string, fn: (...args: never[]) => unknown) => extension.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg('phiCoder.showLog', () => services.log.show());
  reg('phiCoder.recheckBackend', () => recheck(services));
  reg('phiCoder.statusMenu', () => statusMenu(services));
  reg('phiCoder.selectBackend', () => selectBackend(services));
  reg('phiCoder.selectModel', (purpose?: 'chat' | 'completion') => selectModel(services, purpose));
  // onProgress: optional second argument, used by the chat view's pull progress bar.
  reg('phiCoder.pullModel', (model?: string, onProgress?: (p: PullProgress) => void) => pullModel(services, model, onProgress));
  reg('phiCoder.setApiKey', () => setApiKey(services));
}

async function recheck(services: Services): Promise<void> {
  services.notifier.clearAll();
  const status = await services.backends.recheck();
  const text = status.state === 'ready' ? `ready: ${status.detail}` : status.detail;
  vscode.window.setStatusBarMessage(`Phi Coder: ${text}`, 5000);
}

async function statusMenu(services: Services): Promise<void> {
  const settings = services.settings();
  const status = services.backends.status;
  const items: MenuItem[] = [
    { label: `$(${settings.completions.enabled ? 'circle-slash' : 'check'}) ${settings.completions.enabled ? 'Disable' : 'Enable'} inline completions`, description: completionStatusLine(settings), command: 'phiCoder.toggleCompletions' },
    { label: '$(clock) Snooze inline completions…', command: 'phiCoder.snoozeCompletions' },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(server) Select backend…', description: status.kind ? `${describeKind(status.kind)} at ${status.endpoint}` : settings.backend, command: 'phiCoder.selectBackend' },
    { label: '$(hubot) Select chat model…', description: settings.chatModel, command: 'phiCoder.selectModel', args: ['chat'] },
    { label: '$(symbol-snippet) Select completion model…', description: settings.completionModel || `same as chat (${settings.chatModel})`, command: 'phiCoder.selectModel', args: ['completion'] },
  ];
  if (status.kind === 'ollama') items.push({ label: '$(cloud-download) Pull a model…', command: 'phiCoder.pullModel' });
  if (status.kind && status.kind !== 'ollama') items.push({ label: '$(key) Set API key…', command: 'phiCoder.setApiKey' });
  items.push(
    { label: '$(refresh) Re-check backend', description: status.detail, command: 'phiCoder.recheckBackend' },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(comment-discussion) Open chat', command: 'phiCoder.openChat' },
    { label: '$(output) Show log', command: 'phiCoder.showLog' },
    { label: '$(file-code) Show last completion prompt', command: 'phiCoder.showLastCompletionPrompt' },
  );
  const pick = await vscode.window.showQuickPick(items, { title: 'Phi Coder', placeHolder: status.detail });
  if (pick?.command) await vscode.commands.executeCommand(pick.command, ...(pick.args ?? []));
}

async function selectBackend(services: Services): Promise<void> {
  const settings = services.settings();
  const kinds: { label: string; kind: Settings['backend']; detail: string }[] = [
    { label: 'Auto-detect', kind: 'auto', detail: `Probe Ollama (${DEFAULT_ENDPOINTS.ollama}) then llama.cpp (${DEFAULT_ENDPOINTS.llamacpp})` },
    { label: 'Ollama', kind: 'ollama', detail: DEFAULT_ENDPOINTS.ollama },
    { label: 'llama.cpp server', kind: 'llamacpp', detail: DEFAULT_ENDPOINTS.llamacpp },
    { label: 'OpenAI-compatible server (vLLM, LM Studio, team server)', kind: 'openai', detail: DEFAULT_ENDPOINTS.openai },
  ];
  const items: (vscode.QuickPickItem & { backend: Settings['backend'] })[] = kinds.map((k) => ({
    label: k.label,
    backend: k.kind,
    detail: k.detail,
    description: k.kind === settings.backend ? '(current)' : '',
  }));
  const pick = await vscode.window.showQuickPick(items, { title: 'Phi Coder: backend' });
  if (!pick) return;
  let endpoint = '';
  if (pick.backend !== 'auto') {
    const typed = await vscode.window.showInputBox({
      title: `${pick.label}: server URL`,
      value: settings.backend === pick.backend && settings.endpoint ? settings.endpoint : DEFAULT_ENDPOINTS[pick.backend as BackendKind],
      prompt: 'Your code is sent to this server. Keep it on this machine unless you trust the server.',
      validateInput: (v) => (/^https?:\/\/[^\s/]+/.test(v.trim()) ? undefined : 'Enter a URL such as http://127.0.0.1:11434'),
    });
    if (typed === undefined) return;
    endpoint = typed.trim().replace(/\/+$/, '');
  }
  const config = vscode.workspace.getConfiguration('phiCoder');
  // User level on purpose: where code is sent is never a workspace setting.
  await config.update('endpoint', endpoint, vscode.ConfigurationTarget.Global);
  await config.update('backend', pick.backend, vscode.ConfigurationTarget.Global);
}

async function selectModel(services: Services, purpose: 'chat' | 'completion' = 'chat'): Promise<void> {
  let models: string[] = [];
  try {
    const { backend } = await services.backends.active().catch(async (err) => {
      // A missing model still leaves the server reachable: list what it has.
      if (err instanceof BackendError && err.code === 'model-missing') return { backend: await rawBackendForListing(services) };
      throw err;
    });
    models = await backend.listModels();
  } catch (err) {
    services.backends.reportError(err, 'select model');
  }
  const settings = services.settings();
  const currentModel = purpose === 'chat' ? settings.chatModel : settings.completionModel;
  const items: vscode.QuickPickItem[] = models.map((m) => ({ label: m, description: m === currentModel ? '(current)' : undefined }));
  if (purpose === 'completion') items.unshift({ label: '', description: `Same as the chat model (${settings.chatModel})` });
  items.push({ label: '$(edit) Other…', description: 'Type a model name' });
  const pick = await vscode.window.showQuickPick(items, { title: `Phi Coder: ${purpose} model`, placeHolder: models.length ? undefined : 'The server listed no models' });
  if (!pick) return;
  let model = pick.label;
  if (model.startsWith('$(edit)')) {
    const typed = await vscode.window.showInputBox({ title: `${purpose} model name`, value: currentModel || 'phi4' });
    if (!typed) return;
    model = typed.trim();
  }
  await vscode.workspace.getConfiguration('phiCoder').update(purpose === 'chat' ? 'chatModel' : 'completionModel', model, vscode.ConfigurationTarget.Global);
}

/** A backend for listing models when the configured model is missing (active() refuses then). */
async function rawBackendForListing(services: Services) {
  const status = services.backends.status;
  if (!status.kind || !status.endpoint) throw new BackendError('offline', status.detail);
  return backendFromSettings(status.kind, status.endpoint, services.settings(), services.extension.secrets, services.logger);
}

async function pullModel(services: Services, model?: string, onProgress?: (p: PullProgress) => void): Promise<boolean> {
  const settings = services.settings();
  const name =
    model ??
    (await vscode.window.showInputBox({ title: 'Phi Coder: pull a model with Ollama', value: settings.chatModel, prompt: 'Model name, e.g. phi4 or qwen2.5-coder:1.5b' }));
  if (!name) return false;
  let backend;
  try {
    backend = await rawBackendForListing(services);
  } catch (err) {
    services.backends.reportError(err, 'pull');
    return false;
  }
  if (!backend.pull) {
    void vscode.window.showWarningMessage(`Phi Coder: ${describeKind(backend.kind)} cannot download models; load ${name} on the server yourself.`);
    return false;
  }
  const confirm = await vscode.window.showInformationMessage(
    `Download ${inertText(name, 120)} with Ollama from ${inertText(modelRegistry(name), 80)}? Phi-4 is about 9 GB.`,
    { modal: true },
    'Download',
  );
  if (confirm !== 'Download') return false;
  const pull = backend.pull.bind(backend);
  const ok = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Pulling ${name}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let lastPercent = 0;
      try {
        await pull(
          name,
          (p) => {
            onProgress?.(p);
            if (p.total && p.completed !== undefined) {
              const percent = Math.floor((p.completed / p.total) * 100);
              progress.report({ message: `${p.status} ${percent}%`, increment: Math.max(0, percent - lastPercent) });
              lastPercent = percent;
            } else {
              progress.report({ message: p.status });
            }
          },
          abort.signal,
        );
        services.log.info(`Pulled ${name}`);
        return true;
      } catch (err) {
        services.backends.reportError(err, 'pull');
        return false;
      }
    },
  );
  if (ok) {
    services.notifier.clearAll();
    await services.backends.recheck();
    void vscode.window.showInformationMessage(`Phi Coder: ${name} is ready.`);
  }
  return ok;
}

async function setApiKey(services: Services): Promise<void> {
  const kind = services.backends.status.kind ?? (services.settings().backend === 'auto' ? 'openai' : (services.settings().backend as BackendKind));
  const key = await vscode.window.showInputBox({
    title: `Phi Coder: API key for the ${describeKind(kind)}`,
    prompt: 'Stored in VS Code\'s secret storage, sent as "Authorization: Bearer <key>". Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return;
  if (key.trim()) await services.extension.secrets.store(apiKeySecretName(kind), key.trim());
  else await services.extension.secrets.delete(apiKeySecretName(kind));
}
