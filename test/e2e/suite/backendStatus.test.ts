import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PHI4_MODEL, QWEN_CODER_MODEL } from '../../sim';
import { activateExtension, readExtensionLog, waitFor, waitForReadyOn, waitForStatus } from '../helpers';
import { NOTIFICATION_MAX_CHARS } from '../../../src/core/untrusted';
import { useSimulator, type UsedSimulator } from '../simulator';
import type { Services } from '../../../src/vscode/services';
import { statusText } from '../../../src/vscode/statusBar';

/**
 * The pattern VS Code's notifications turn into clickable links (parseLinkedText, src/vs/base/common/linkedText.ts),
 * applied after line breaks become spaces.
 */
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;

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

  it('reports "API key rejected", not offline, when the server refuses the key', async () => {
    used = await useSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], apiKey: 'a-key-this-vs-code-does-not-have' });
    const status = await waitForStatus(services, 'key-rejected', (s) => s.state === 'key-rejected' && s.endpoint === used?.sim.url);
    assert.match(status.detail, /rejected the API key/);
    assert.match(statusText(status, 'phi4'), /Phi Coder: phi4 · API key rejected$/);
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
  it('shows a hostile server error as inert, capped text; the whole text goes only to the log (issue 14, finding 1)', async () => {
    used = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL] });
    const { sim } = used;
    await waitForReadyOn(services, sim.url);
    // Two ways a server's text reaches a notification: an HTTP error body, and an error in the middle of a stream.
    const cases = [
      { name: 'http', reply: (message: string) => ({ status: 500, error: message }) },
      { name: 'mid-stream', reply: (message: string) => ({ text: 'A partial answer', error: message, errorAfterChunks: 1 }) },
    ];
    for (const c of cases) {
      const tail = `END-OF-${c.name.toUpperCase()}-MESSAGE`;
      const hostile = `[Open the settings](command:workbench.action.quit) then ![x](command:workbench.action.closeWindow?%5B%5D) ${'padding '.repeat(150)}${tail}`;
      sim.setReply(c.reply(hostile));
      // A problem is notified once until cleared: Re-check clears what earlier tests showed.
      await vscode.commands.executeCommand('phiCoder.recheckBackend');
      const before = services.notifier.recent.length;
      await vscode.commands.executeCommand('phiCoder.newChat');
      await vscode.commands.executeCommand('phiCoder.internal.askInChat', { prompt: `Fail with a hostile ${c.name} error` });
      const shown = await waitFor(`the ${c.name} error notification`, () => services.notifier.recent.slice(before).find((n) => n.text.includes('Open the settings')), {
        events: [services.notifier.onDidShow as vscode.Event<unknown>],
        describe: () => JSON.stringify(services.notifier.recent.slice(before)),
      });
      assert.equal(shown.severity, 'error');
      assert.doesNotMatch(shown.text, NOTIFICATION_LINK, 'no [label](command:...) link VS Code would make clickable');
      assert.ok(shown.text.includes('[Open the settings]'), 'the server text is shown, as plain text');
      assert.ok(shown.text.length <= 'Phi Coder: '.length + NOTIFICATION_MAX_CHARS, `capped: ${shown.text.length} characters`);
      assert.ok(!shown.text.includes(tail), 'the over-long message is cut in the notification');
      assert.doesNotMatch(shown.text, /[\r\n]/, 'one line');
      const log = await waitFor(`the whole ${c.name} message in the log`, async () => {
        const text = await readExtensionLog(services.extension.logUri);
        return text.includes(tail) ? text : undefined;
      });
      assert.ok(log.includes('[Open the settings](command:workbench.action.quit)'), 'the log keeps the server text as it was sent');
    }
    sim.setReply('ok');
  });
});
