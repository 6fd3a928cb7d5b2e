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
const NEEDS_FEATURE_STATE = new Set(['phiCoder.acceptDiff', 'phiCoder.rejectDiff', 'phiCoder.createProjectRules', 'phiCoder.editUserRules']);

/** Every phiCoder.* user-level value, so a test that runs state-changing commands can put them back. */
async function snapshotUserSettings(): Promise<() => Promise<void>> {
  const extension = vscode.extensions.getExtension('phi-coder.phi-coder');
  const properties = (extension?.packageJSON as { contributes: { configuration: { properties: Record<string, unknown> } } }).contributes.configuration.properties;
  const keys = Object.keys(properties).map((k) => k.replace(/^phiCoder\./, ''));
  const config = vscode.workspace.getConfiguration('phiCoder');
  const saved = keys.map((k) => [k, config.inspect(k)?.globalValue] as const);
  return async () => {
    const now = vscode.workspace.getConfiguration('phiCoder');
    for (const [k, v] of saved) {
      if (JSON.stringify(now.inspect(k)?.globalValue) !== JSON.stringify(v)) await now.update(k, v, vscode.ConfigurationTarget.Global);
    }
  };
}

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
    // Some commands change user settings (Toggle Inline Completions): later suites must find them as they were.
    const restore = await snapshotUserSettings();
    const failures: string[] = [];
    try {
      for (const command of contributedCommands().filter((c) => !NEEDS_FEATURE_STATE.has(c))) {
        try {
          await runDismissingPrompts(command);
        } catch (err) {
          failures.push(`${command}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    } finally {
      await restore();
      // Leave the window as later suites expect it: no editors, no panel, focus back in the editor area.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    }
    assert.deepEqual(failures, []);
  });

  it('Toggle Inline Completions flips the user setting, and back', async () => {
    const read = () => vscode.workspace.getConfiguration('phiCoder').inspect<boolean>('completions.enabled')?.globalValue ?? true;
    const before = read();
    await vscode.commands.executeCommand('phiCoder.toggleCompletions');
    assert.equal(read(), !before);
    await vscode.commands.executeCommand('phiCoder.toggleCompletions');
    assert.equal(read(), before);
  });
});
