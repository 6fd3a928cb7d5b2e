import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PHI4_MODEL } from '../../sim';
import { activateExtension, contributedCommands, waitForStatus } from '../helpers';
import { useSimulator, type UsedSimulator } from '../simulator';

/**
 * Runs a command the way a user who changes their mind does: any quick pick, input box or notification it opens is
 * dismissed until the command finishes. Resolves with its result; rejects if the command throws.
 */
async function runDismissingPrompts(command: string, timeoutMs = 15_000): Promise<unknown> {
  let settled = false;
  const run = Promise.resolve(vscode.commands.executeCommand(command));
  run.then(() => (settled = true), () => (settled = true));
  const deadline = Date.now() + timeoutMs;
  while (!settled) {
    if (Date.now() > deadline) throw new Error(`${command} did not finish within ${timeoutMs} ms with its prompts dismissed`);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('notifications.clearAll');
    await Promise.race([run.catch(() => undefined), new Promise((r) => setTimeout(r, 100))]);
  }
  return run;
}

/** Commands that need a diff preview, a selection and a model answer are exercised by the feature suites. */
const NEEDS_FEATURE_STATE = new Set(['phiCoder.acceptDiff', 'phiCoder.rejectDiff']);

describe('commands', () => {
  let used: UsedSimulator | undefined;

  before(async () => {
    const services = await activateExtension();
    used = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL] });
    await waitForStatus(services, 'ready', (s) => s.state === 'ready' && s.endpoint === used?.sim.url);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await used?.dispose();
  });

  it('registers every command package.json contributes', async () => {
    const contributed = contributedCommands();
    assert.ok(contributed.length >= 20, `package.json contributes ${contributed.length} commands`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('runs every command without throwing when there is nothing to act on (no editor, prompts dismissed)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const failures: string[] = [];
    for (const command of contributedCommands().filter((c) => !NEEDS_FEATURE_STATE.has(c))) {
      try {
        await runDismissingPrompts(command);
      } catch (err) {
        failures.push(`${command}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});
