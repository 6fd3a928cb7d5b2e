/**
 * The terminal feature: "Explain Last Terminal Command" (into the chat, with the command and its budgeted, redacted
 * output tail), "Fix Last Terminal Command" (a corrected command typed into the same terminal, never run: the user
 * reviews it and presses Enter), the offer of both when a command fails, and the watcher `@terminal` reads.
 */
import * as os from 'os';
import * as vscode from 'vscode';
import type { Services } from '../services';
import { explainQuestion, fixMessages, parseFixAnswer, terminalBlock } from '../../core/terminal/prompts';
import { chatErrorText } from '../../core/chat/errors';
import { promptTokensOf } from '../../core/chat/budget';
import { isAbortError } from '../../core/backends/errors';
import { chatApi } from '../chat/register';
import { TerminalWatcher, type WatchedRun } from './watcher';
import { OfferLimiter } from '../../core/terminal/offerLimiter';

export const EXPLAIN_TERMINAL_COMMAND = 'phiCoder.explainLastTerminalCommand';
export const FIX_TERMINAL_COMMAND = 'phiCoder.fixLastTerminalCommand';
const FIX_ANSWER_TOKENS = 300;

let watcher: TerminalWatcher | undefined;
/** The running watcher (for `@terminal` in the chat), if the feature is registered. */
export function terminalWatcher(): TerminalWatcher | undefined {
  return watcher;
}

export function registerTerminal(services: Services): TerminalWatcher {
  const limiter = new OfferLimiter();
  const w = new TerminalWatcher(services, (run) => offerHelp(services, limiter, run));
  watcher = w;
  services.extension.subscriptions.push(
    w,
    { dispose: () => (watcher = undefined) },
    vscode.commands.registerCommand(EXPLAIN_TERMINAL_COMMAND, () => explain(services, w.lastFailed ?? w.last)),
    vscode.commands.registerCommand(FIX_TERMINAL_COMMAND, () => fix(services, w.lastFailed)),
    // For tests and diagnostics: what the watcher saw last (no output text).
    vscode.commands.registerCommand('phiCoder.internal.lastTerminalRuns', () => ({
      last: w.last && { commandLine: w.last.commandLine, exitCode: w.last.exitCode, endedAt: w.last.endedAt },
      lastFailed: w.lastFailed && { commandLine: w.lastFailed.commandLine, exitCode: w.lastFailed.exitCode, endedAt: w.lastFailed.endedAt },
    })),
  );
  return w;
}

/** The Explain / Fix notification for a failure, rate-limited (core/terminal/offerLimiter.ts); its buttons act on that run. */
function offerHelp(services: Services, limiter: OfferLimiter, run: WatchedRun): void {
  const verdict = limiter.verdict(run.commandLine, Date.now());
  if (verdict !== 'offer') {
    services.logger.debug(`Terminal: no notification for "${printable(run.commandLine, 80)}" (${verdict}); Explain Last Terminal Command still works`);
    return;
  }
  const closed = limiter.shown(run.commandLine, Date.now());
  const command = printable(run.commandLine, 60);
  void vscode.window.showWarningMessage(`"${command}" failed (exit code ${run.exitCode}).`, 'Explain', 'Fix').then((choice) => {
    closed();
    if (choice === 'Explain') void explain(services, run);
    else if (choice === 'Fix') void fix(services, run);
  }, closed);
}

/** Text from the terminal, safe for a notification: one line, no control characters, capped. */
function printable(text: string, max: number): string {
  const line = text.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const NO_RUN = 'Phi Coder has not seen a command finish in a terminal yet. Run it in a terminal with shell integration (bash, zsh, fish or PowerShell in VS Code\'s integrated terminal), then try again.';

async function explain(services: Services, run: WatchedRun | undefined): Promise<void> {
  if (!run) return void vscode.window.showInformationMessage(NO_RUN);
  const chat = chatApi();
  if (!chat) return void vscode.window.showErrorMessage('Phi Coder: the chat is not available.');
  await vscode.commands.executeCommand('phiCoder.openChat');
  await chat.controller.ask(explainQuestion(run), { extraBlocks: [terminalBlock(run, 'ask:terminal')] });
  services.logger.info(`Terminal: explained "${printable(run.commandLine, 80)}" in the chat`);
}

/** Resolves to the command typed into the terminal, or undefined (nothing to fix, no fix, cancelled, failed). */
async function fix(services: Services, run: WatchedRun | undefined): Promise<string | undefined> {
  if (!run) return void vscode.window.showInformationMessage(`${NO_RUN.replace('finish', 'fail')}`);
  const messages = fixMessages(run, `${os.type()} ${os.release()}`);
  const answer = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Phi Coder: fixing "${printable(run.commandLine, 40)}"…`, cancellable: true },
    async (_p, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      const end = services.backends.beginRequest();
      try {
        const active = await services.backends.active();
        let text = '';
        for await (const ev of active.backend.chat({
          model: active.chatModel,
          messages,
          sampling: { maxTokens: FIX_ANSWER_TOKENS, temperature: 0 },
          signal: abort.signal,
          promptTokens: promptTokensOf(messages),
          feature: 'terminal-fix',
        })) {
          if (ev.type === 'text') text += ev.text;
        }
        return text;
      } catch (err) {
        if (isAbortError(err) || abort.signal.aborted) return undefined;
        services.backends.reportError(err, 'terminal fix');
        void vscode.window.showErrorMessage(`Phi Coder: ${chatErrorText(err, services.settings().chatModel)}`);
        return undefined;
      } finally {
        end();
        sub.dispose();
      }
    },
  );
  if (answer === undefined) return undefined;
  const parsed = parseFixAnswer(answer);
  if (!parsed.command) return void vscode.window.showInformationMessage(`Phi Coder: no corrected command. ${printable(parsed.note, 200)}`);
  if (run.terminal.exitStatus !== undefined) {
    void vscode.window.showInformationMessage(`Phi Coder suggests: ${printable(parsed.command, 200)} (the terminal it failed in is closed).`);
    return undefined;
  }
  run.terminal.show(false);
  // addNewLine false: typed at the prompt, not run. sanitizeCommandLine removed every control character.
  run.terminal.sendText(parsed.command, false);
  services.logger.info(`Terminal: typed a corrected command (${parsed.command.length} characters) into "${run.terminal.name}"; not run`);
  void vscode.window.showInformationMessage(`Phi Coder typed a corrected command into the terminal. Review it, then press Enter to run it.${parsed.note ? ` ${printable(parsed.note, 160)}` : ''}`);
  return parsed.command;
}
