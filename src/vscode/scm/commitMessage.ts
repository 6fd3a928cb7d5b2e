/**
 * "Write Commit Message": the staged diff (through the built-in Git extension's API), the repository's style learned
 * from its last 20 subjects, Phi-4's answer streamed into the Source Control input box. Cancellable (the notification's
 * Cancel, the same button again, or "Stop Writing Commit Message"); cancelling or a failure puts back what the box held.
 * Nothing is ever committed: only the input box changes.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Services } from '../services';
import { parseUnifiedDiff, sanitizeDiff, type FileDiff } from '../../core/scm/diff';
import { diffForPrompt, type FileSides } from '../../core/scm/diffSummary';
import { learnCommitStyle } from '../../core/scm/commitStyle';
import { cleanCommitMessage, commitMessages, diffBudget, streamingCommitMessage, COMMIT_ANSWER_TOKENS } from '../../core/scm/commitPrompt';
import { isAbortError } from '../../core/backends/errors';
import { chatErrorText } from '../../core/chat/errors';
import { promptTokensOf } from '../../core/chat/budget';
import { gitApi, pickRepository, type GitRepository } from './gitApi';

export const WRITE_COMMIT_MESSAGE = 'phiCoder.writeCommitMessage';
export const STOP_COMMIT_MESSAGE = 'phiCoder.stopCommitMessage';
const RUNNING_KEY = 'phiCoder.writingCommitMessage';
const HISTORY_SUBJECTS = 20;
/** Files larger than this are not parsed for the summary (their hunks still count). */
const MAX_PARSE_CHARS = 512 * 1024;

export function registerCommitMessage(services: Services): void {
  let running: AbortController | undefined;
  const stop = () => running?.abort();
  services.extension.subscriptions.push(
    vscode.commands.registerCommand(WRITE_COMMIT_MESSAGE, async (arg?: unknown) => {
      if (running) return stop(); // the button doubles as Stop while a message is being written
      const abort = new AbortController();
      running = abort;
      void vscode.commands.executeCommand('setContext', RUNNING_KEY, true);
      try {
        return await writeCommitMessage(services, arg, abort.signal);
      } finally {
        running = undefined;
        void vscode.commands.executeCommand('setContext', RUNNING_KEY, false);
      }
    }),
    vscode.commands.registerCommand(STOP_COMMIT_MESSAGE, stop),
    { dispose: stop },
  );
}

/** Resolves to the message written, or undefined (nothing staged, cancelled, failed: the user was told). */
async function writeCommitMessage(services: Services, arg: unknown, signal: AbortSignal): Promise<string | undefined> {
  const api = await gitApi();
  if (typeof api === 'string') return void vscode.window.showWarningMessage(`Phi Coder can't write a commit message: ${api}.`);
  const repo = await pickRepository(api, arg);
  if (!repo) return void vscode.window.showInformationMessage('Phi Coder: no Git repository is open.');
  const rawDiff = await repo.diff(true);
  if (!rawDiff.trim()) {
    const hint = repo.state.workingTreeChanges.length ? ' Stage the changes to describe first (the + on a file in Source Control).' : '';
    return void vscode.window.showInformationMessage(`Phi Coder: nothing is staged in ${path.basename(repo.rootUri.fsPath)}.${hint}`);
  }
  const previous = repo.inputBox.value;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Phi Coder: writing the commit message…', cancellable: true },
    async (_progress, token) => {
      // Stopped by the notification's Cancel or by the command again (`signal`).
      const abort = new AbortController();
      const onAbort = () => abort.abort();
      signal.addEventListener('abort', onAbort);
      const cancel = token.onCancellationRequested(onAbort);
      try {
        const message = await generate(services, repo, rawDiff, abort.signal);
        if (message === undefined || abort.signal.aborted) {
          repo.inputBox.value = previous;
          return undefined;
        }
        return message;
      } catch (err) {
        repo.inputBox.value = previous;
        if (isAbortError(err) || abort.signal.aborted) {
          services.logger.info('Commit message: cancelled; the input box has its previous text again');
          return undefined;
        }
        services.backends.reportError(err, 'commit message');
        void vscode.window.showErrorMessage(`Phi Coder: ${chatErrorText(err, services.settings().chatModel)}`);
        return undefined;
      } finally {
        cancel.dispose();
        signal.removeEventListener('abort', onAbort);
      }
    },
  );
}

async function generate(services: Services, repo: GitRepository, rawDiff: string, signal: AbortSignal): Promise<string | undefined> {
  const started = Date.now();
  const subjects = await repo.log({ maxEntries: HISTORY_SUBJECTS }).then(
    (commits) => commits.map((c) => c.message.split('\n')[0]),
    () => [] as string[], // no commits yet
  );
  const style = learnCommitStyle(subjects);
  const branch = repo.state.HEAD?.name;
  const active = await services.backends.active();
  const budget = diffBudget(active.contextWindow, { style, branch });
  // The same gate as every prompt: a staged file the workspace keeps out of prompts is named, never shown.
  const { files, secretFiles, redacted } = sanitizeDiff(parseUnifiedDiff(rawDiff), (rel) => services.gate.excludedPath(vscode.Uri.joinPath(repo.rootUri, rel)));
  const diff = await diffForPrompt(files, budget, (f) => sides(repo, f));
  if (signal.aborted) return undefined;
  const messages = commitMessages({ style, diff: diff.text, branch });
  const promptTokens = promptTokensOf(messages);
  services.logger.info(
    `Commit message: ${files.length} files, diff ${diff.summarised ? `summarised (${diff.hunksShown}/${diff.hunksTotal} hunks whole)` : 'whole'} ${diff.tokens}/${budget} tokens, ` +
      `style from ${style.sample} subjects (${style.conventional ? 'conventional' : 'plain'}), prompt ${promptTokens} tokens` +
      `${secretFiles.length ? `, ${secretFiles.length} files kept out of prompts (names only)` : ''}${redacted ? `, ${redacted} inline secrets redacted` : ''}`,
  );
  const end = services.backends.beginRequest();
  let raw = '';
  let message = '';
  try {
    for await (const ev of active.backend.chat({
      model: active.chatModel,
      messages,
      sampling: { maxTokens: COMMIT_ANSWER_TOKENS, temperature: services.settings().temperature },
      signal,
      promptTokens,
      feature: 'commit-message',
    })) {
      if (ev.type !== 'text') continue;
      raw += ev.text;
      const shown = streamingCommitMessage(raw);
      if (shown && shown !== message) {
        message = shown;
        repo.inputBox.value = message;
      }
    }
  } finally {
    end();
  }
  if (signal.aborted) return undefined;
  const final = cleanCommitMessage(raw);
  if (final !== message) repo.inputBox.value = final;
  message = final;
  if (!message) throw new Error('the model answered with an empty commit message');
  services.logger.info(`Commit message: ${message.length} characters in ${Date.now() - started} ms`);
  return message;
}

/** The staged (index) and HEAD texts of a file, for the tree-sitter summary; absent when not text or too big. */
async function sides(repo: GitRepository, f: FileDiff): Promise<FileSides> {
  const read = async (ref: string, rel: string) => {
    try {
      const text = await repo.show(ref, vscode.Uri.joinPath(repo.rootUri, rel).fsPath);
      return text.length <= MAX_PARSE_CHARS ? text : undefined;
    } catch {
      return undefined;
    }
  };
  const [newText, oldText] = await Promise.all([f.kind === 'deleted' ? undefined : read('', f.path), f.kind === 'added' ? undefined : read('HEAD', f.oldPath || f.path)]);
  return { newText, oldText };
}
