/**
 * The terminal in a real VS Code (shell integration in bash), against the backend simulator (a TEST DOUBLE of
 * Ollama): a failing command is seen with its exit code and output; "Explain" asks in the chat with the command and
 * the output tail, secrets redacted; "Fix" types the model's corrected command into the same terminal WITHOUT running
 * it (the test then types more and presses Enter itself, and sees both run as one command line); @terminal attaches it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PHI4_MODEL } from '../../sim';
import { activateExtension, waitFor, waitForReadyOn } from '../helpers';
import { useSimulator, type UsedSimulator } from '../simulator';
import type { Services } from '../../../src/vscode/services';

interface Runs {
  last?: { commandLine: string; exitCode?: number; endedAt: number };
  lastFailed?: { commandLine: string; exitCode?: number; endedAt: number };
}
// Assembled at run time so no scanner takes this file for a leak.
const TOKEN = 'ghp_' + 'T0k3nT0k3nT0k3nT0k3nT0k3nT0k3nT0k3nXy';
// The sleep comes first because VS Code hands an extension only the output written after it started reading, which is
// at the start event: on a loaded machine that event reached the extension after a quick command had already printed
// everything (CI saw "(no output)" twice). A command that prints two seconds later is read whole on any machine.
const FAILING = `sleep 2; printf 'API_TOKEN=%s\\n' ${TOKEN}; ls /phi-e2e-missing-dir`;

describe('terminal: explain or fix the last failed command', () => {
  let services: Services;
  let used: UsedSimulator;
  let terminal: vscode.Terminal;
  const ended: vscode.TerminalShellExecutionEndEvent[] = [];
  let endSub: vscode.Disposable;

  before(async function () {
    this.timeout(90_000);
    services = await activateExtension();
    used = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL], reply: 'The directory does not exist.' });
    await waitForReadyOn(services, used.sim.url);
    endSub = vscode.window.onDidEndTerminalShellExecution((e) => ended.push(e));
    terminal = vscode.window.createTerminal({ name: 'phi-e2e', shellPath: '/bin/bash', cwd: vscode.workspace.workspaceFolders![0].uri });
    terminal.show();
    await waitFor('shell integration in the terminal', () => terminal.shellIntegration, {
      timeoutMs: 60_000,
      events: [vscode.window.onDidChangeTerminalShellIntegration as vscode.Event<unknown>],
    });
  });
  after(async () => {
    endSub?.dispose();
    terminal?.dispose();
    await used.dispose();
  });

  it('sees the failure, and Explain asks in the chat with the command and the output tail, secrets redacted', async function () {
    this.timeout(60_000);
    terminal.shellIntegration!.executeCommand(FAILING);
    const runs = await waitFor('the watcher to record the failure', async () => {
      const r = await vscode.commands.executeCommand<Runs>('phiCoder.internal.lastTerminalRuns');
      return r.lastFailed?.commandLine.includes('/phi-e2e-missing-dir') ? r : undefined;
    }, { timeoutMs: 45_000 });
    assert.equal(runs.lastFailed!.exitCode, 2, 'ls exits with 2 for a missing directory');

    used.sim.resetStats();
    await vscode.commands.executeCommand('phiCoder.explainLastTerminalCommand');
    assert.equal(used.sim.requests.length, 1);
    const user = used.sim.requests[0].messages!.at(-1)!.content;
    assert.match(user, /A command run in the terminal[^\n]*\n\$ sleep 2; printf [^\n]*\[REDACTED\]; ls \/phi-e2e-missing-dir\n\(exit code 2/);
    assert.match(user, /API_TOKEN=\[REDACTED\]\n[^\n]*No such file or directory/);
    assert.ok(!user.includes(TOKEN), 'the token is redacted from the command line and the output');
    assert.match(user, /Question:\nWhy did this terminal command fail, and how do I fix it\?$/);
  });

  it('@terminal attaches the last command to a chat question', async () => {
    used.sim.resetStats();
    await vscode.commands.executeCommand('phiCoder.internal.askInChat', { prompt: 'What went wrong in @terminal?', typed: true });
    const user = used.sim.requests[0].messages!.at(-1)!.content;
    assert.match(user, /\$ sleep 2; printf [^\n]*\[REDACTED\]; ls \/phi-e2e-missing-dir\n\(exit code 2/);
    assert.ok(!user.includes(TOKEN));
  });

  it('Fix types the corrected command into the terminal without running it', async function () {
    this.timeout(60_000);
    used.sim.resetStats();
    used.sim.setReply('```sh\necho phi-fixed\n```\nUse an existing directory.');
    const typed = await vscode.commands.executeCommand<string>('phiCoder.fixLastTerminalCommand');
    assert.equal(typed, 'echo phi-fixed');
    const fixPrompt = used.sim.requests[0].messages!.at(-1)!.content;
    assert.match(fixPrompt, /This command failed with exit code 2:/);
    assert.ok(!fixPrompt.includes(TOKEN));
    // Had the fix run by itself, the next command would be " && echo typed-after" alone (a syntax error). It sat
    // at the prompt: what we type now is appended to it, and Enter runs both as one command line.
    const before = ended.length;
    terminal.sendText(' && echo typed-after', false);
    terminal.sendText('', true);
    const next = await waitFor('the next command to end', () => ended.slice(before).find((e) => e.terminal === terminal), { timeoutMs: 45_000 });
    assert.equal(next.execution.commandLine.value.trim(), 'echo phi-fixed && echo typed-after');
    assert.equal(next.exitCode, 0);
    used.sim.setReply('The directory does not exist.');
  });
});
