/**
 * The first-run walkthrough in a real VS Code: every step's media ships with the extension, every button and every
 * completion event names a command, view, setting or context key that exists, and the self-completing keys turn on
 * from the backend status (against the backend simulator, a TEST DOUBLE of Ollama). The UI check
 * test/ui/checks/70-walkthrough.check.ts sees the steps ticked in the workbench.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PHI4_MODEL } from '../../sim';
import { activateExtension, EXTENSION_ID, waitFor, waitForReadyOn } from '../helpers';
import { useSimulator, type UsedSimulator } from '../simulator';
import type { Services } from '../../../src/vscode/services';
import { CHAT_MODEL_READY_KEY, SERVER_FOUND_KEY } from '../../../src/vscode/walkthrough';

interface Step {
  id: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents: string[];
}
/** Built in parallel by the inline-edit work: checked once package.json contributes it. */
const INLINE_EDIT = 'phiCoder.inlineEdit';

describe('first-run walkthrough', () => {
  let services: Services;
  let used: UsedSimulator;
  const extension = () => vscode.extensions.getExtension(EXTENSION_ID)!;
  const steps = () => (extension().packageJSON.contributes.walkthroughs as { id: string; steps: Step[] }[])[0].steps;

  before(async () => {
    services = await activateExtension();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await used?.dispose();
  });

  it('has the six steps, each with media that ships and links to commands that exist', async () => {
    assert.deepEqual(steps().map((s) => s.id), ['server', 'pull', 'fim', 'completion', 'chat', 'inlineEdit']);
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = new Set((extension().packageJSON.contributes.commands as { command: string }[]).map((c) => c.command));
    for (const step of steps()) {
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media, `${step.id} has media`);
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(extension().extensionUri, media));
      const links = [...step.description.matchAll(/\(command:([\w.]+)(\?[^)]*)?\)/g)];
      assert.ok(links.length > 0, `${step.id} has a button`);
      for (const [, command, query] of links) {
        if (command === INLINE_EDIT && !contributed.has(INLINE_EDIT)) continue;
        assert.ok(registered.has(command), `${step.id}: ${command} is registered`);
        if (query) JSON.parse(decodeURIComponent(query.slice(1)));
      }
    }
  });

  it('completes itself on events that exist', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const settings = extension().packageJSON.contributes.configuration.properties as Record<string, unknown>;
    const views = (extension().packageJSON.contributes.views.phiCoder as { id: string }[]).map((v) => v.id);
    const contributed = new Set((extension().packageJSON.contributes.commands as { command: string }[]).map((c) => c.command));
    for (const step of steps()) {
      assert.ok(step.completionEvents.length > 0, `${step.id} completes itself`);
      for (const event of step.completionEvents) {
        const [kind, arg] = [event.slice(0, event.indexOf(':')), event.slice(event.indexOf(':') + 1)];
        if (kind === 'onContext') assert.ok([SERVER_FOUND_KEY, CHAT_MODEL_READY_KEY].includes(arg), `${event}: a key the extension sets`);
        else if (kind === 'onCommand') assert.ok(registered.has(arg) || (arg === INLINE_EDIT && !contributed.has(INLINE_EDIT)), `${event}: registered`);
        else if (kind === 'onSettingChanged') assert.ok(arg in settings, `${event}: a contributed setting`);
        else if (kind === 'onView') assert.ok(views.includes(arg), `${event}: a contributed view`);
        else assert.fail(`unexpected completion event ${event}`);
      }
    }
  });

  it('turns the server and model keys on from the backend status', async () => {
    used = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL] });
    await waitForReadyOn(services, used.sim.url);
    const state = await waitFor('both keys on', async () => {
      const s = await vscode.commands.executeCommand<{ serverFound: boolean; chatModelReady: boolean }>('phiCoder.internal.walkthroughState');
      return s.serverFound && s.chatModelReady ? s : undefined;
    });
    assert.deepEqual(state, { serverFound: true, chatModelReady: true });
  });

  it('opens a sample file with the cursor in an empty function body', async () => {
    await vscode.commands.executeCommand('phiCoder.walkthrough.openSample');
    const editor = await waitFor('the sample editor', () => (vscode.window.activeTextEditor?.document.languageId === 'typescript' && vscode.window.activeTextEditor.document.isUntitled ? vscode.window.activeTextEditor : undefined));
    const line = editor.document.lineAt(editor.selection.active.line);
    assert.equal(line.text, '  ');
    assert.match(editor.document.lineAt(line.lineNumber - 1).text, /^export function fibonacci/);
  });
});
