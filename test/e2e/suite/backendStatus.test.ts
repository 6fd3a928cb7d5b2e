import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PHI4_MODEL, QWEN_CODER_MODEL } from '../../sim';
import { activateExtension, waitForStatus } from '../helpers';
import { useSimulator, type UsedSimulator } from '../simulator';
import type { Services } from '../../../src/vscode/services';

/** The backend state the status bar shows, through the extension's API (the UI tier checks the rendered text). */
describe('backend status', () => {
  let services: Services;
  let used: UsedSimulator | undefined;

  before(async () => {
    services = await activateExtension();
  });

  afterEach(async () => {
    await used?.dispose();
    used = undefined;
  });

  it('is ready against an Ollama simulator that has phi4', async () => {
    used = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL] });
    const status = await waitForStatus(services, 'ready on the simulator', (s) => s.state === 'ready' && s.endpoint === used?.sim.url);
    assert.equal(status.kind, 'ollama');
  });

  it('is ready against a llama.cpp simulator', async () => {
    used = await useSimulator({ kind: 'llamacpp', models: [PHI4_MODEL] });
    const status = await waitForStatus(services, 'ready on llama.cpp', (s) => s.state === 'ready' && s.endpoint === used?.sim.url);
    assert.equal(status.kind, 'llamacpp');
  });

  it('goes offline when the server stops, and back to ready when it returns', async () => {
    used = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL] });
    const { sim } = used;
    await waitForStatus(services, 'ready', (s) => s.state === 'ready' && s.endpoint === sim.url);
    await sim.close();
    await vscode.commands.executeCommand('phiCoder.recheckBackend');
    const offline = await waitForStatus(services, 'offline after the server stopped', (s) => s.state === 'offline');
    assert.ok(offline.detail.length > 0, 'offline status explains itself');
    // The same port again: the user restarts the server.
    const again = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL], port: sim.port });
    try {
      await vscode.commands.executeCommand('phiCoder.recheckBackend');
      await waitForStatus(services, 'ready after the server came back', (s) => s.state === 'ready');
    } finally {
      await again.dispose();
    }
  });

  it('reports model-missing when the server lacks the chat model', async () => {
    used = await useSimulator({ kind: 'ollama', models: [QWEN_CODER_MODEL] });
    const status = await waitForStatus(services, 'model-missing', (s) => s.state === 'model-missing' && s.endpoint === used?.sim.url);
    assert.match(status.detail, /phi4/);
  });

  it('reports loading while the server loads the model', async () => {
    used = await useSimulator({ kind: 'llamacpp', models: [PHI4_MODEL] });
    const { sim } = used;
    await waitForStatus(services, 'ready', (s) => s.state === 'ready' && s.endpoint === sim.url);
    sim.setLoading(true);
    await vscode.commands.executeCommand('phiCoder.recheckBackend');
    await waitForStatus(services, 'loading', (s) => s.state === 'loading');
    sim.setLoading(false);
    await vscode.commands.executeCommand('phiCoder.recheckBackend');
    await waitForStatus(services, 'ready after loading', (s) => s.state === 'ready');
  });
});
