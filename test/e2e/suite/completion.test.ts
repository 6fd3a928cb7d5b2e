/**
 * Inline completions in a real VS Code: a suggestion from the backend simulator (a TEST DOUBLE of llama.cpp) is
 * provided for what the user typed and accepted into the document; the request is the Phi-4 hole-filling prompt;
 * fast typing aborts stale requests with never more than one open; toggle, snooze and "Show Last Completion Prompt".
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PHI4_MODEL, type SimRequest } from '../../sim';
import { activateExtension, setUserSetting, waitFor, waitForStatus } from '../helpers';
import { useSimulator, type UsedSimulator } from '../simulator';
import type { Services } from '../../../src/vscode/services';

const SUGGESTION = 'a + b;';

let untitled = 0;
/**
 * A new untitled TypeScript editor holding `content`, cursor at the end. Each one has a name of its own: VS Code reuses
 * "Untitled-N" names, and on a loaded machine the extension host could still hold the previous test's closed document
 * under the same name, so the test typed into stale text (seen in CI).
 */
async function newEditor(content: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.from({ scheme: 'untitled', path: `/phi-e2e-completion-${process.pid}-${++untitled}.ts` });
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  await editor.edit((b) => b.insert(new vscode.Position(0, 0), content));
  await waitFor('the new editor to hold its text and be active', () =>
    editor.document.getText() === content && vscode.window.activeTextEditor?.document === editor.document,
  );
  const end = editor.document.positionAt(content.length);
  editor.selection = new vscode.Selection(end, end);
  return editor;
}

async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Triggers inline suggestions and accepts one as soon as it is shown: the document then changes. */
async function acceptGhost(editor: vscode.TextEditor, before: string): Promise<string> {
  return waitFor(
    'an inline suggestion to be shown and accepted',
    async () => {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await new Promise((r) => setTimeout(r, 100));
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
      const text = editor.document.getText();
      return text !== before ? text : undefined;
    },
    { timeoutMs: 45_000, describe: () => JSON.stringify(editor.document.getText()) },
  );
}

describe('inline completions', () => {
  let services: Services;
  let used: UsedSimulator;

  before(async () => {
    services = await activateExtension();
    used = await useSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], reply: SUGGESTION });
    await waitForStatus(services, 'ready on the simulator', (s) => s.state === 'ready' && s.endpoint === used.sim.url);
  });
  after(async () => {
    await closeEditors();
    await used.dispose();
  });

  it('provides the model answer as ghost text at the cursor, and Tab-accept inserts it', async () => {
    used.sim.setReply(SUGGESTION);
    used.sim.resetStats();
    const editor = await newEditor('export function add(a: number, b: number): number {\n  return ');
    const text = await acceptGhost(editor, editor.document.getText());
    assert.equal(text, 'export function add(a: number, b: number): number {\n  return a + b;');
    const req = used.sim.requests.at(-1) as SimRequest;
    assert.equal(req.endpoint, '/completion');
    // Phi-4 hole-filling prompt, sent raw, KV cache on and a pinned slot.
    assert.match(req.prompt ?? '', /^<\|im_start\|>system<\|im_sep\|>\n/);
    assert.ok((req.prompt ?? '').endsWith('  return <HOLE><|im_end|>\n<|im_start|>assistant<|im_sep|>\n'), req.prompt);
    assert.equal(req.body.cache_prompt, true);
    assert.equal(req.body.id_slot, 0);
    assert.ok(Array.isArray(req.body.stop) && req.body.stop.includes('<|im_end|>'));
    await closeEditors();
  });

  it('strips what a chat model wraps around the code (fences, tags) before showing it', async () => {
    used.sim.setReply('```ts\nMath.max(a, b);\n```<|im_end|>');
    const editor = await newEditor('function max(a: number, b: number) {\n  return ');
    const text = await acceptGhost(editor, editor.document.getText());
    assert.equal(text, 'function max(a: number, b: number) {\n  return Math.max(a, b);');
    await closeEditors();
  });

  it('fast typing aborts stale requests and never has more than one open', async () => {
    // Slow GPU model so requests are still streaming when the next key arrives; the answer contradicts what is typed.
    const slow = await useSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], reply: 'zzzz zzzz zzzz zzzz zzzz zzzz zzzz zzzz', timing: { timeScale: 1, prefillTokPerSec: 5000, decodeTokPerSec: 8 } });
    try {
      await waitForStatus(services, 'ready on the slow simulator', (s) => s.state === 'ready' && s.endpoint === slow.sim.url);
      const editor = await newEditor('const label = ');
      assert.ok(editor);
      // Typed as a user types (automatic triggers): quick keys inside words, a hesitation after punctuation, long
      // enough for the debounce to send a request, too short for the slow answer to finish.
      for (const ch of 'items.map((x) => x.name)') {
        await vscode.commands.executeCommand('type', { text: ch });
        await new Promise((r) => setTimeout(r, /[\w]/.test(ch) ? 100 : 700));
      }
      await waitFor('the simulator to see aborted requests', () => slow.sim.stats.aborted > 0 && slow.sim.stats.open === 0, {
        timeoutMs: 45_000,
        describe: () => JSON.stringify(slow.sim.stats),
      });
      assert.ok(slow.sim.stats.requests >= 2, JSON.stringify(slow.sim.stats));
      assert.ok(slow.sim.stats.maxOpen <= 1, `at most one request open at once: ${JSON.stringify(slow.sim.stats)}`);
    } finally {
      await closeEditors();
      await slow.dispose();
      await waitForStatus(services, 'back on the main simulator', (s) => s.state === 'ready' && s.endpoint === used.sim.url);
    }
  });

  it('"Show Last Completion Prompt" opens the exact prompt with its metadata', async () => {
    const text = await vscode.commands.executeCommand<string>('phiCoder.showLastCompletionPrompt');
    assert.match(text, /# Last inline completion request/);
    assert.match(text, /prompt style: phi4-hole/);
    assert.match(text, /<\|im_start\|>assistant<\|im_sep\|>/);
    await closeEditors();
  });

  it('toggle, snooze and the per-language switch stop requests (and lifting them brings requests back)', async () => {
    const count = () => used.sim.stats.requests;
    const noRequestFor = async (ms: number, before: number, why: string) => {
      await new Promise((r) => setTimeout(r, ms));
      assert.equal(count(), before, why);
    };
    const restoreEnabled = await setUserSetting('completions.enabled', true);
    try {
      assert.equal(await vscode.commands.executeCommand('phiCoder.toggleCompletions'), false);
      await newEditor('let answer = ');
      let before = count();
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await noRequestFor(600, before, 'no request while disabled');
      assert.equal(await vscode.commands.executeCommand('phiCoder.toggleCompletions'), true);
      // A new position (VS Code does not re-ask for a position it was just told has nothing).
      await vscode.commands.executeCommand('type', { text: '4' });
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await waitFor('a request once enabled again', () => count() > before);

      await vscode.commands.executeCommand('phiCoder.snoozeCompletions', 5);
      before = count();
      await vscode.commands.executeCommand('type', { text: ' +' });
      await noRequestFor(800, before, 'no automatic request while snoozed');
      await vscode.commands.executeCommand('phiCoder.snoozeCompletions', 0);
      await vscode.commands.executeCommand('type', { text: '2 +' });
      await waitFor('an automatic request after resuming', () => count() > before);

      const restoreLangs = await setUserSetting('completions.disabledLanguages', ['typescript']);
      try {
        before = count();
        await vscode.commands.executeCommand('type', { text: ' 1' });
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await noRequestFor(800, before, 'no request for a disabled language');
      } finally {
        await restoreLangs();
      }
    } finally {
      await restoreEnabled();
      await closeEditors();
    }
  });
});
