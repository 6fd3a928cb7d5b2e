/**
 * "Pull" in the chat's model-missing banner. The download itself is `phiCoder.pullModel` (the backend commands own it);
 * the chat passes a progress callback as its second argument so the banner can show a progress bar, and shows an
 * indeterminate bar when the command reports nothing.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { PullProgress } from '../../core/backends/types';
import type { HostMessage } from '../../shared/protocol';

export async function pullIntoView(services: Services, post: (m: HostMessage) => void): Promise<void> {
  const model = services.settings().chatModel;
  let last = 0;
  const onProgress = (p: PullProgress) => {
    const now = Date.now();
    if (now - last < 100) return; // the server reports many times a second
    last = now;
    const percent = p.total && p.completed !== undefined ? Math.min(100, (p.completed / p.total) * 100) : undefined;
    post({ type: 'pullProgress', model, status: p.status, percent });
  };
  post({ type: 'pullProgress', model, status: 'Starting download…' });
  try {
    // The command asks for confirmation and reports failures itself; it returns whether the model was pulled.
    const pulled = await vscode.commands.executeCommand<boolean>('phiCoder.pullModel', model, onProgress);
    if (pulled === false) {
      post({ type: 'pullProgress', model, status: 'Not downloaded', done: true });
      return;
    }
    post({ type: 'pullProgress', model, status: 'Done', percent: 100, done: true });
    await services.backends.recheck();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    services.logger.error(`Chat: pulling ${model} failed: ${message}`);
    post({ type: 'pullProgress', model, status: 'Failed', done: true, error: `Pulling ${model} failed: ${message}` });
  }
}
