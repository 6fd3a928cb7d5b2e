/**
 * Ctrl+I inline edit in a real VS Code: the proposal streams into the document as a vertical diff (removed lines kept,
 * proposed lines inserted), CodeLenses accept or reject each hunk, the result is exactly the chosen mix, nothing reaches
 * the disk before it is decided, one undo restores the original; Refine continues the same conversation. The model is
 * the backend simulator (a TEST DOUBLE).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PHI4_MODEL, rulesResponder, type SimRequest } from '../../sim';
import { activateExtension, showFixture, waitFor, waitForStatus } from '../helpers';
import { useSimulator, type UsedSimulator } from '../simulator';

const SOURCE = `/** Fixture for the inline edit suite. */
export function total(prices: number[]): number {
  let sum = 0;
  for (let i = 0; i < prices.length; i++) {
    sum = sum + prices[i];
  }
  return sum;
}

export function label(n: number): string {
  return 'n=' + n;
}
`;

/** Two hunks: the signature and the loop body; the lines between them are unchanged. */
const PROPOSAL = `export function total(prices: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < prices.length; i++) {
    sum += prices[i];
  }
  return sum;
}`;
const ANSWER = "Here's the change:\n\n```typescript\n" + PROPOSAL + '\n```\n';
const REFINED = `export function total(prices: readonly number[]): number {
  return prices.reduce((sum, p) => sum + p, 0);
}`;

interface HunkView { state: string; oldLines: string[]; newLines: string[]; line?: number }
interface State { phase: string; invalid?: string; rounds: number; view: string; tags: string[]; hunks: HunkView[] }

const state = () => vscode.commands.executeCommand<State | undefined>('phiCoder.internal.inlineEditState');

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

/** Runs the CodeLens titled `title` (for hunk `hunk` when given), as clicking it does. */
async function clickLens(uri: vscode.Uri, title: RegExp, hunk?: number): Promise<unknown> {
  const lens = await waitFor(`a CodeLens ${title}${hunk !== undefined ? ` for hunk ${hunk}` : ''}`, async () =>
    (await lenses(uri)).find((l) => l.command && title.test(l.command.title) && (hunk === undefined || l.command.arguments?.[1] === hunk)));
  return vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
}

function chats(requests: SimRequest[]): SimRequest[] {
  return requests.filter((r) => r.messages && r.messages.length > 0);
}

describe('inline edit (Ctrl+I)', function () {
  this.timeout(60_000);
  let used: UsedSimulator | undefined;
  let fileUri: vscode.Uri;
  let editor: vscode.TextEditor;
  let restoreAutoSave: (() => Thenable<void>) | undefined;

  before(async () => {
    // code-server auto-saves after a second by default: the save path is tested on purpose below, not at random.
    const files = vscode.workspace.getConfiguration('files');
    const previous = files.inspect('autoSave')?.globalValue;
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    restoreAutoSave = () => vscode.workspace.getConfiguration('files').update('autoSave', previous, vscode.ConfigurationTarget.Global);
    const services = await activateExtension();
    used = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL] });
    await waitForStatus(services, 'ready', (s) => s.state === 'ready' && s.endpoint === used?.sim.url);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the e2e run opens the fixture workspace');
    fileUri = vscode.Uri.joinPath(folder.uri, 'src', 'inlineEditFixture.ts');
    await vscode.workspace.fs.writeFile(fileUri, new TextEncoder().encode(SOURCE));
  });

  beforeEach(async () => {
    editor = await showFixture(fileUri, SOURCE);
    const inside = editor.document.positionAt(SOURCE.indexOf('sum = sum'));
    editor.selection = new vscode.Selection(inside, inside);
    used?.sim.resetStats();
    used?.sim.requests.splice(0);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('phiCoder.inlineEdit.rejectAll');
    used?.sim.setReply('');
    const doc = await vscode.workspace.openTextDocument(fileUri);
    if (doc.isDirty) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await restoreAutoSave?.();
    await vscode.workspace.fs.delete(fileUri).then(undefined, () => undefined);
    await used?.dispose();
  });

  it('is bound to Ctrl+I / Cmd+I and offered in the Phi Coder submenu', () => {
    const ext = vscode.extensions.getExtension('phi-coder.phi-coder');
    const contributes = (ext?.packageJSON as { contributes: { keybindings: { command: string; key: string; mac?: string }[]; menus: Record<string, { command?: string }[]> } }).contributes;
    const binding = contributes.keybindings.find((k) => k.command === 'phiCoder.inlineEdit');
    assert.equal(binding?.key, 'ctrl+i');
    assert.equal(binding?.mac, 'cmd+i');
    assert.ok(contributes.menus['phiCoder.editorSubmenu']?.some((m) => m.command === 'phiCoder.inlineEdit'));
  });

  it('streams the proposal into the document as hunks; accept one, reject the other gives exactly that mix; one undo restores', async () => {
    used!.sim.setReply(ANSWER);
    const result = await vscode.commands.executeCommand<State>('phiCoder.inlineEdit', { instruction: 'take readonly prices and use +=' });
    assert.equal(result?.phase, 'review', JSON.stringify(result));
    assert.equal(result.hunks.length, 2, JSON.stringify(result.hunks));
    // The buffer shows both sides of each hunk: the removed lines and, after them, the proposed ones.
    const shown = editor.document.getText();
    assert.ok(shown.includes('export function total(prices: number[]): number {\nexport function total(prices: readonly number[]): number {'), shown);
    assert.ok(shown.includes('    sum = sum + prices[i];\n    sum += prices[i];'), shown);
    assert.deepEqual(result.tags.filter((t) => t !== 'same'), ['removed', 'added', 'removed', 'added']);
    // A save during the review (code-server auto-saves after a second) writes the file without the proposal.
    assert.ok(await editor.document.save());
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(fileUri));
    assert.equal(onDisk, SOURCE, 'nothing is written to disk before the edit is decided');
    await waitFor('the review to show again after the save', () => editor.document.getText() === shown);

    const prompt = chats(used!.sim.requests).at(-1)!.messages!.find((m) => m.role === 'user')!.content;
    assert.ok(prompt.includes('take readonly prices and use +='), 'the instruction reaches the model');
    assert.ok(prompt.includes('for (let i = 0; i < prices.length; i++)'), 'the enclosing function reaches the model');

    const top = (await lenses(fileUri)).map((l) => l.command?.title ?? '');
    for (const t of [/Accept all/, /Reject all/, /^Refine…$/, /^Open as diff$/]) assert.ok(top.some((x) => t.test(x)), `${t} in ${top.join(' | ')}`);
    assert.equal(await clickLens(fileUri, /^Accept$/, 0), true);
    assert.equal(await clickLens(fileUri, /^Reject$/, 1), true);
    await waitFor('the review to end', async () => (await state()) === undefined);
    const expected = SOURCE.replace('total(prices: number[])', 'total(prices: readonly number[])');
    assert.equal(editor.document.getText(), expected, 'the first hunk applied, the second not');

    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), SOURCE, 'one undo restores the original');
  });

  it('Reject all restores the text exactly, and stops a proposal that is still streaming', async () => {
    used!.sim.setReply({ chunks: ['```typescript\n', 'export function total(prices: readonly number[]): number {\n', '  let sum = 0;\n'], hang: true });
    const run = vscode.commands.executeCommand<State>('phiCoder.inlineEdit', { instruction: 'readonly' });
    const streaming = await waitFor('the partial proposal in the document', async () => {
      const s = await state();
      return s?.phase === 'streaming' && s.tags.includes('added') && editor.document.getText().includes('prices: readonly number[]') ? s : undefined;
    });
    assert.ok(streaming.view.includes('sum = sum + prices[i];'), 'lines not reached yet stay');
    assert.ok(editor.document.getText().includes('sum = sum + prices[i];'));
    assert.equal(await vscode.commands.executeCommand('phiCoder.inlineEdit.rejectAll'), true);
    await run;
    assert.equal(editor.document.getText(), SOURCE);
    await waitFor('the request to be aborted', () => used!.sim.stats.aborted >= 1, { describe: () => JSON.stringify(used!.sim.stats) });
  });

  it('Refine revises the proposal in the same conversation; Accept all applies it', async () => {
    used!.sim.setReply(rulesResponder([{ match: 'Revise your last version', text: '```typescript\n' + REFINED + '\n```' }], () => ANSWER));
    const first = await vscode.commands.executeCommand<State>('phiCoder.inlineEdit', { instruction: 'take readonly prices' });
    assert.equal(first.phase, 'review');
    const refined = await vscode.commands.executeCommand<State>('phiCoder.inlineEdit.refine', undefined, 'use reduce');
    assert.equal(refined.phase, 'review', JSON.stringify(refined));
    assert.equal(refined.rounds, 2);
    const request = chats(used!.sim.requests).at(-1)!;
    const roles = request.messages!.map((m) => m.role);
    assert.deepEqual(roles, ['system', 'user', 'assistant', 'user']);
    assert.equal(request.messages![2]!.content, ANSWER, 'the first answer is part of the conversation');
    assert.match(request.messages![3]!.content, /use reduce/);
    assert.ok(editor.document.getText().includes('prices.reduce'), 'the refined proposal is shown');
    assert.equal(await clickLens(fileUri, /Accept all/), true);
    await waitFor('the review to end', async () => (await state()) === undefined);
    assert.equal(editor.document.getText(), SOURCE.replace(/export function total[\s\S]*?\n}/, REFINED));
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), SOURCE, 'one undo restores the original after a refine');
  });

  it('a proposal that does not parse cannot be accepted; rejecting leaves the document as it was', async () => {
    used!.sim.setReply('```typescript\nexport function total(prices: number[]): number {\n  let sum = (0;\n  return sum;\n}\n```');
    const result = await vscode.commands.executeCommand<State>('phiCoder.inlineEdit', { instruction: 'break it' });
    assert.match(result.invalid ?? '', /does not parse/);
    assert.equal(await vscode.commands.executeCommand('phiCoder.inlineEdit.acceptAll'), false);
    assert.equal(await vscode.commands.executeCommand('phiCoder.inlineEdit.rejectAll'), true);
    await waitFor('the review to end', async () => (await state()) === undefined);
    assert.equal(editor.document.getText(), SOURCE);
  });
});
