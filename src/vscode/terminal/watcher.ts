/**
 * Watches commands run in terminals through VS Code's shell integration: keeps a bounded tail of each running
 * command's output (execution.read() has to be read from the start), and remembers the last command and the last
 * failed one per window. On a failure it offers Explain / Fix (once per failure, never for Ctrl+C, and not while the
 * setting is off). Nothing here runs anything.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { OutputTail } from '../../core/terminal/output';
import type { TerminalRun } from '../../core/terminal/prompts';

export interface WatchedRun extends TerminalRun {
  terminal: vscode.Terminal;
  endedAt: number;
}

/** Exit codes that mean "interrupted by the user" (SIGINT, SIGTERM via the shell), not a failure to explain. */
const INTERRUPTED = new Set([130, 143]);
/**
 * The longest wait, after the end event, for the output stream to be drained. The stream normally ends with the
 * execution, but its last data can arrive well after the end event on a loaded machine (1 s lost the whole output of a
 * short command in CI); the run is recorded, and Explain/Fix offered, only once the output is in.
 */
const DRAIN_MS = 8_000;

export class TerminalWatcher implements vscode.Disposable {
  private readonly reading = new Map<vscode.TerminalShellExecution, { tail: OutputTail; done: Promise<void> }>();
  private lastRun: WatchedRun | undefined;
  private lastFailedRun: WatchedRun | undefined;
  private readonly emitter = new vscode.EventEmitter<WatchedRun>();
  /** A command finished (its output tail is complete). */
  readonly onDidEndRun = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: Services, private readonly offer: (run: WatchedRun) => void) {
    // Older VS Code (before 1.93) has no shell-integration execution events: the feature then stays silent.
    if (typeof vscode.window.onDidStartTerminalShellExecution !== 'function') return;
    this.disposables.push(
      vscode.window.onDidStartTerminalShellExecution((e) => this.start(e.execution)),
      vscode.window.onDidEndTerminalShellExecution((e) => void this.end(e)),
      vscode.window.onDidCloseTerminal((t) => {
        if (this.lastRun?.terminal === t) this.lastRun = undefined;
        if (this.lastFailedRun?.terminal === t) this.lastFailedRun = undefined;
      }),
      this.emitter,
    );
  }

  /** The last command that finished in any terminal. */
  get last(): WatchedRun | undefined {
    return this.lastRun;
  }

  /** The last command that failed (non-zero exit, not interrupted). */
  get lastFailed(): WatchedRun | undefined {
    return this.lastFailedRun;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.reading.clear();
  }

  private start(execution: vscode.TerminalShellExecution): void {
    const tail = new OutputTail();
    const done = (async () => {
      try {
        for await (const chunk of execution.read()) tail.append(chunk);
      } catch (err) {
        this.services.logger.debug(`Terminal: output of "${execution.commandLine.value.slice(0, 80)}" could not be read: ${err instanceof Error ? err.message : String(err)}`);
      }
    })();
    this.reading.set(execution, { tail, done });
  }

  private async end(e: vscode.TerminalShellExecutionEndEvent): Promise<void> {
    const entry = this.reading.get(e.execution);
    this.reading.delete(e.execution);
    if (entry) await Promise.race([entry.done, new Promise((r) => setTimeout(r, DRAIN_MS))]);
    const output = entry?.tail.text() ?? { text: '', truncated: false };
    const run: WatchedRun = {
      terminal: e.terminal,
      commandLine: e.execution.commandLine.value,
      exitCode: e.exitCode,
      cwd: e.execution.cwd?.fsPath,
      output: output.text,
      truncated: output.truncated,
      shell: shellName(e.terminal),
      endedAt: Date.now(),
    };
    if (!run.commandLine.trim()) return;
    this.lastRun = run;
    const failed = run.exitCode !== undefined && run.exitCode !== 0 && !INTERRUPTED.has(run.exitCode);
    if (failed) {
      this.lastFailedRun = run;
      this.services.logger.info(`Terminal: "${run.commandLine.slice(0, 80)}" exited with ${run.exitCode} (${run.output.length} characters of output kept)`);
    }
    this.emitter.fire(run);
    if (failed && this.services.settings().terminal.offerHelp) this.offer(run);
  }
}

function shellName(terminal: vscode.Terminal): string | undefined {
  const opts = terminal.creationOptions as vscode.TerminalOptions;
  const shellPath = typeof opts?.shellPath === 'string' ? opts.shellPath : vscode.env.shell;
  return shellPath ? shellPath.split(/[\\/]/).pop()?.replace(/\.exe$/i, '') : undefined;
}
