/**
 * The status bar item: backend + model + state (ready, loading, offline, model missing, busy). A click opens the
 * Phi Coder menu (switch backend or model, pull a model, toggle completions, show the log).
 */
import * as vscode from 'vscode';
import type { Services } from './services';
import type { BackendStatus } from './backendService';
import { describeKind } from './backendProblems';
import { completionStatusLine, onDidChangeCompletionStatus } from './completionStatus';
import { statusTooltipMarkdown } from './statusTooltip';

const ICONS: Record<BackendStatus['state'], string> = {
  ready: '$(check)',
  busy: '$(sync~spin)',
  loading: '$(loading~spin)',
  detecting: '$(loading~spin)',
  offline: '$(debug-disconnect)',
  'model-missing': '$(warning)',
  'key-rejected': '$(key)',
};

const LABELS: Record<BackendStatus['state'], string> = {
  ready: 'ready',
  busy: 'busy',
  loading: 'loading model',
  detecting: 'detecting',
  offline: 'offline',
  'model-missing': 'model missing',
  'key-rejected': 'API key rejected',
};

/** Status bar text for a state; exported for tests. */
export function statusText(status: BackendStatus, model: string): string {
  return `${ICONS[status.state]} Phi Coder: ${status.model ?? model} · ${stateLabel(status)}`;
}

/** A busy request that has not started answering: the server is loading the model or reading the prompt. */
function stateLabel(status: BackendStatus): string {
  return status.state === 'busy' && status.waiting ? 'loading model / reading prompt' : LABELS[status.state];
}

export function registerStatusBar(services: Services): void {
  const item = vscode.window.createStatusBarItem('phiCoder.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Phi Coder';
  item.command = 'phiCoder.statusMenu';
  const render = () => {
    const status = services.backends.status;
    const settings = services.settings();
    item.text = statusText(status, settings.chatModel);
    const tooltip = new vscode.MarkdownString(
      statusTooltipMarkdown({
        stateLabel: stateLabel(status),
        detail: status.detail,
        backendName: status.kind ? describeKind(status.kind) : undefined,
        endpoint: status.endpoint,
        chatModel: settings.chatModel,
        servedModel: status.model,
        completionsLine: completionStatusLine(settings),
      }),
      true,
    );
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `Phi Coder ${stateLabel(status)}, model ${status.model ?? settings.chatModel}`, role: 'button' };
    item.backgroundColor =
      status.state === 'offline' || status.state === 'model-missing' || status.state === 'key-rejected' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  };
  render();
  item.show();
  services.extension.subscriptions.push(
    item,
    services.backends.onDidChangeStatus(render),
    services.onDidChangeSettings(render),
    onDidChangeCompletionStatus(render),
  );
}
