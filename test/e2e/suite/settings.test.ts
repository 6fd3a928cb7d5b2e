import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PHI4_MODEL, QWEN_CODER_MODEL } from '../../sim';
import { activateExtension, setUserSetting, waitFor, waitForStatus } from '../helpers';
import { useSimulator, type UsedSimulator } from '../simulator';
import type { Services } from '../../../src/vscode/services';

/** Settings changes take effect at once, without reloading the window. */
describe('settings without reload', () => {
  let services: Services;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    services = await activateExtension();
  });

  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()?.();
  });

  async function simulator(opts: Parameters<typeof useSimulator>[0]): Promise<UsedSimulator> {
    const used = await useSimulator(opts);
    cleanups.push(() => used.dispose());
    return used;
  }

  it('follows phiCoder.endpoint to another server', async () => {
    const first = await simulator({ kind: 'ollama', models: [PHI4_MODEL] });
    await waitForStatus(services, 'ready on the first server', (s) => s.state === 'ready' && s.endpoint === first.sim.url);
    const second = await simulator({ kind: 'ollama', models: [PHI4_MODEL] });
    await waitForStatus(services, 'ready on the second server', (s) => s.state === 'ready' && s.endpoint === second.sim.url);
  });

  it('follows phiCoder.chatModel (a model the server lacks, then one it has)', async () => {
    const { sim } = await simulator({ kind: 'ollama', models: [PHI4_MODEL, QWEN_CODER_MODEL] });
    await waitForStatus(services, 'ready', (s) => s.state === 'ready' && s.endpoint === sim.url);
    cleanups.push(await setUserSetting('chatModel', 'no-such-model'));
    await waitForStatus(services, 'model-missing for no-such-model', (s) => s.state === 'model-missing');
    await vscode.workspace.getConfiguration('phiCoder').update('chatModel', QWEN_CODER_MODEL.name, vscode.ConfigurationTarget.Global);
    await waitForStatus(services, `ready with ${QWEN_CODER_MODEL.name}`, (s) => s.state === 'ready');
    assert.equal(services.settings().chatModel, QWEN_CODER_MODEL.name);
  });

  it('reads feature settings live (completions.enabled, temperature)', async () => {
    const before = services.settings();
    cleanups.push(await setUserSetting('completions.enabled', !before.completions.enabled));
    cleanups.push(await setUserSetting('temperature', 0.7));
    const after = await waitFor('the new settings in services.settings()', () => {
      const s = services.settings();
      return s.completions.enabled !== before.completions.enabled && s.temperature === 0.7 ? s : undefined;
    }, { events: [services.onDidChangeSettings as vscode.Event<unknown>] });
    assert.equal(after.completions.enabled, !before.completions.enabled);
  });

  it('ignores a workspace-level phiCoder.endpoint (where code is sent is user-level only)', async () => {
    const { sim } = await simulator({ kind: 'ollama', models: [PHI4_MODEL] });
    await waitForStatus(services, 'ready', (s) => s.state === 'ready' && s.endpoint === sim.url);
    const config = vscode.workspace.getConfiguration('phiCoder');
    // VS Code itself refuses to write an application-scoped setting to the workspace; either way it must not count.
    await config.update('endpoint', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Workspace).then(
      () => cleanups.push(async () => vscode.workspace.getConfiguration('phiCoder').update('endpoint', undefined, vscode.ConfigurationTarget.Workspace)),
      () => undefined,
    );
    assert.equal(services.settings().endpoint, sim.url);
    await vscode.commands.executeCommand('phiCoder.recheckBackend');
    await waitForStatus(services, 'still ready on the user-level endpoint', (s) => s.state === 'ready' && s.endpoint === sim.url);
  });
  it('does not use a workspace-level chat model without the user\'s consent (issue 14, finding 2)', async () => {
    const { sim } = await simulator({ kind: 'ollama', models: [PHI4_MODEL, QWEN_CODER_MODEL] });
    await waitForStatus(services, 'ready', (s) => s.state === 'ready' && s.endpoint === sim.url);
    const userModel = services.settings().chatModel;
    const changed = new Promise<void>((resolve) => {
      const d = services.onDidChangeSettings(() => {
        d.dispose();
        resolve();
      });
    });
    const config = vscode.workspace.getConfiguration('phiCoder');
    await config.update('chatModel', QWEN_CODER_MODEL.name, vscode.ConfigurationTarget.Workspace);
    cleanups.push(async () => vscode.workspace.getConfiguration('phiCoder').update('chatModel', undefined, vscode.ConfigurationTarget.Workspace));
    await changed;
    assert.equal(vscode.workspace.getConfiguration('phiCoder').get('chatModel'), QWEN_CODER_MODEL.name, 'VS Code resolves the workspace value');
    assert.equal(services.settings().chatModel, userModel, 'the extension keeps the user-level model until the user allows the workspace one');
    await vscode.commands.executeCommand('phiCoder.recheckBackend');
    await waitForStatus(services, 'ready with the user-level model', (s) => s.state === 'ready' && s.endpoint === sim.url);
    assert.ok(!sim.allRequests.some((r) => (r.body as { model?: unknown } | undefined)?.model === QWEN_CODER_MODEL.name), 'nothing was asked of the workspace model');
  });
});
