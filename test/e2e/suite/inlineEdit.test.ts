/**
 * Ctrl+I inline edit in a real VS Code: the proposal streams into the document as a vertical diff (removed lines kept,
 * proposed lines inserted), CodeLenses accept or reject each hunk, the result is exactly the chosen mix, nothing reaches
 * the disk before it is decided, one undo restores the original; Refine continues the same conversation. With auto-save
 * on (after a delay, on focus change), the review is drawn into a read-only review document and auto-save keeps
 * running without ending it or writing the proposal. The model is the backend simulator (a TEST DOUBLE).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { rulesResponder, type SimRequest } from '../../sim';
import { prepareFixture, showFixture, waitFor } from '../helpers';
import type { UsedSimulator } from '../simulator';

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
interface State { phase: string; invalid?: string; rounds: number; view: string; tags: string[]; hunks: HunkView[]; review?: string }

const REVIEW_SCHEME = 'phi-coder-review';

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

/** Sets files.autoSave (and its delay) for the user, as someone who keeps auto-save on would have it. */
async function setAutoSave(mode: string, delayMs?: number): Promise<void> {
  const files = vscode.workspace.getConfiguration('files');
  await files.update('autoSave', mode, vscode.ConfigurationTarget.Global);
  await files.update('autoSaveDelay', delayMs, vscode.ConfigurationTarget.Global);
}

const readDisk = async (uri: vscode.Uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
const reviewTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === REVIEW_SCHEME);

describe('inline edit (Ctrl+I)', function () {
  this.timeout(60_000);
  let used: UsedSimulator | undefined;
  let fileUri: vscode.Uri;
  let editor: vscode.TextEditor;
  let restoreAutoSave: (() => Promise<void>) | undefined;

  before(async () => {
    // code-server auto-saves after a second by default: each test chooses (off: the review is drawn in place).
    const files = vscode.workspace.getConfiguration('files');
    const previous = { mode: files.inspect<string>('autoSave')?.globalValue, delay: files.inspect<number>('autoSaveDelay')?.globalValue };
    restoreAutoSave = async () => {
      await vscode.workspace.getConfiguration('files').update('autoSave', previous.mode, vscode.ConfigurationTarget.Global);
      await vscode.workspace.getConfiguration('files').update('autoSaveDelay', previous.delay, vscode.ConfigurationTarget.Global);
    };
    await setAutoSave('off');
    ({ used, fileUri } = await prepareFixture('inlineEditFixture.ts', SOURCE));
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
    await setAutoSave('off');
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
    assert.equal(result.review, undefined, 'with auto-save off the review is drawn in place');
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

  it('a proposal longer than the 64 KB live limit (no redraws past it) ends whole in the review and applies (issue 14, finding 12)', async () => {
    // ~66 KB of code, under the answer cap at the default chat.maxAnswerTokens, in 64-character chunks (one per token).
    const steps = Array.from({ length: 1790 }, (_, i) => `  sum += prices[${i % 7}] ?? 0; // step ${i}`).join('\n');
    const longRewrite = `export function total(prices: number[]): number {\n  let sum = 0;\n${steps}\n  return sum;\n}`;
    const answer = '```typescript\n' + longRewrite + '\n```\n';
    assert.ok(answer.length > 64 * 1024 && answer.length < 2048 * 32 + 4096, `answer of ${answer.length} characters`);
    const chunks: string[] = [];
    for (let i = 0; i < answer.length; i += 64) chunks.push(answer.slice(i, i + 64));
    used!.sim.setReply({ chunks });
    const done = await vscode.commands.executeCommand<State>('phiCoder.inlineEdit', { instruction: 'unroll the loop' });
    assert.equal(done.phase, 'review', JSON.stringify(done));
    assert.equal(await clickLens(fileUri, /Accept all/), true);
    await waitFor('the review to end', async () => (await state()) === undefined);
    assert.equal(editor.document.getText(), SOURCE.replace(/export function total[\s\S]*?\n}/, () => longRewrite));
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

  describe('with auto-save on', () => {
    let probeUri: vscode.Uri;

    before(async () => {
      probeUri = vscode.Uri.joinPath(fileUri, '..', 'autoSaveProbe.txt');
      await vscode.workspace.fs.writeFile(probeUri, new TextEncoder().encode('probe\n'));
    });

    after(async () => {
      await vscode.workspace.fs.delete(probeUri).then(undefined, () => undefined);
    });

    /**
     * Waits until auto-save has written `text` and the save is complete (an undo while a save is finishing can leave
     * VS Code taking the undone text for the saved one).
     */
    async function savedAs(text: string): Promise<void> {
      let disk = '';
      await waitFor(`auto-save to write ${text === SOURCE ? 'the original' : 'the decided text'}`, async () => !editor.document.isDirty && (disk = await readDisk(fileUri)) === text, {
        describe: () => `dirty ${editor.document.isDirty}, disk ${disk === SOURCE ? 'original' : JSON.stringify(disk.slice(0, 160))}`,
      });
    }

    /** Dirties another file and waits until auto-save has saved it: auto-save is running now. */
    async function autoSaveRan(): Promise<void> {
      const probe = await vscode.workspace.openTextDocument(probeUri);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(probeUri, probe.positionAt(probe.getText().length), 'x');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(probe.isDirty);
      await waitFor('auto-save to save the probe file', () => !probe.isDirty, { events: [vscode.workspace.onDidSaveTextDocument as vscode.Event<unknown>] });
    }

    it('after a delay: the review is drawn into a read-only review document; auto-save keeps running, the file and the document keep the original until the hunks are decided; the mix is one undoable edit', async () => {
      await setAutoSave('afterDelay', 200);
      used!.sim.setReply(ANSWER);
      const result = await vscode.commands.executeCommand<State>('phiCoder.inlineEdit', { instruction: 'take readonly prices and use +=' });
      assert.equal(result?.phase, 'review', JSON.stringify(result));
      assert.equal(result.hunks.length, 2, JSON.stringify(result.hunks));
      await autoSaveRan();
      const during = await state();
      assert.equal(during?.phase, 'review', 'auto-save did not end the review');
      assert.deepEqual(during.hunks.map((h) => h.state), ['pending', 'pending']);
      assert.equal(editor.document.getText(), SOURCE, 'the document holds the original during the review');
      assert.equal(editor.document.isDirty, false);
      assert.equal(await readDisk(fileUri), SOURCE, 'nothing is written to disk before the edit is decided');

      assert.ok(result.review, 'the review is drawn into a review document');
      const reviewUri = vscode.Uri.parse(result.review);
      const review = vscode.window.activeTextEditor;
      assert.equal(review?.document.uri.toString(), result.review, 'the review document is the active editor');
      assert.equal(review.viewColumn, editor.viewColumn, 'in the editor group of the document');
      const shown = review.document.getText();
      assert.ok(shown.includes('export function total(prices: number[]): number {\nexport function total(prices: readonly number[]): number {'), shown);
      assert.ok(shown.includes('    sum = sum + prices[i];\n    sum += prices[i];'), shown);
      assert.ok(shown.startsWith('/** Fixture for the inline edit suite. */\n') && shown.endsWith("return 'n=' + n;\n}\n"), 'the whole document around it');
      assert.deepEqual(during.tags.filter((t) => t !== 'same'), ['removed', 'added', 'removed', 'added']);

      const top = (await lenses(reviewUri)).map((l) => l.command?.title ?? '');
      for (const t of [/Accept all/, /Reject all/, /^Refine…$/, /^Open as diff$/]) assert.ok(top.some((x) => t.test(x)), `${t} in ${top.join(' | ')}`);
      assert.deepEqual(await lenses(fileUri), [], 'the document (showing the original) has no lenses');
      assert.equal(await clickLens(reviewUri, /^Accept$/, 0), true);
      assert.equal(editor.document.getText(), SOURCE, 'nothing is written before every hunk is decided');
      assert.equal(await clickLens(reviewUri, /^Reject$/, 1), true);
      await waitFor('the review to end', async () => (await state()) === undefined);
      const expected = SOURCE.replace('total(prices: number[])', 'total(prices: readonly number[])');
      assert.equal(editor.document.getText(), expected, 'the first hunk applied, the second not');
      await waitFor('the review tab to close', () => reviewTabs().length === 0);
      assert.equal(vscode.window.activeTextEditor?.document, editor.document, 'the document is shown in its place');
      await savedAs(expected);

      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), SOURCE, 'one undo restores the original');
      await savedAs(SOURCE);
    });

    it('on focus change: Refine and Accept all work in the review document; Ctrl+I there refines', async () => {
      await setAutoSave('onFocusChange');
      used!.sim.setReply(rulesResponder([{ match: 'Revise your last version', text: '```typescript\n' + REFINED + '\n```' }], () => ANSWER));
      const first = await vscode.commands.executeCommand<State>('phiCoder.inlineEdit', { instruction: 'take readonly prices' });
      assert.equal(first.phase, 'review');
      assert.ok(first.review, 'the review is drawn into a review document');
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), first.review);
      // Ctrl+I (the command without a target) in the review document refines the edit.
      const refined = await vscode.commands.executeCommand<State>('phiCoder.inlineEdit', { instruction: 'use reduce' });
      assert.equal(refined.rounds, 2, JSON.stringify(refined));
      const reviewDoc = vscode.window.activeTextEditor!.document;
      assert.ok(reviewDoc.getText().includes('prices.reduce'), 'the refined proposal is shown');
      assert.equal(editor.document.getText(), SOURCE);
      // An edit above the target (in the document, hidden behind the review) moves it; the review shows it too.
      const header = new vscode.WorkspaceEdit();
      header.insert(fileUri, new vscode.Position(0, 0), '// header\n');
      assert.ok(await vscode.workspace.applyEdit(header));
      await waitFor('the review document to show the new first line', () => reviewDoc.getText().startsWith('// header\n/** Fixture'));
      assert.equal((await state())?.phase, 'review', 'an edit outside the target keeps the review');
      assert.equal(await clickLens(reviewDoc.uri, /Accept all/), true);
      await waitFor('the review to end', async () => (await state()) === undefined);
      const before = '// header\n' + SOURCE;
      assert.equal(editor.document.getText(), before.replace(/export function total[\s\S]*?\n}/, REFINED));
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), before, 'one undo restores the text before the edit, after a refine');
      assert.ok(await editor.document.save(), 'the next test starts from a saved file');
    });

    it('on window change: the review goes to a review document too; Reject all closes it and changes nothing', async () => {
      await setAutoSave('onWindowChange');
      used!.sim.setReply(ANSWER);
      const result = await vscode.commands.executeCommand<State>('phiCoder.inlineEdit', { instruction: 'take readonly prices' });
      assert.equal(result.phase, 'review');
      assert.ok(result.review, 'the review is drawn into a review document');
      assert.equal(await vscode.commands.executeCommand('phiCoder.inlineEdit.rejectAll'), true);
      await waitFor('the review to end', async () => (await state()) === undefined);
      await waitFor('the review tab to close', () => reviewTabs().length === 0);
      assert.equal(editor.document.getText(), SOURCE);
      assert.equal(editor.document.isDirty, false, 'nothing was written to the document');
    });

    it('turned on during a review drawn in place: the review moves to a review document and the document gets the original back', async () => {
      used!.sim.setReply(ANSWER);
      const result = await vscode.commands.executeCommand<State>('phiCoder.inlineEdit', { instruction: 'take readonly prices and use +=' });
      assert.equal(result.phase, 'review');
      assert.equal(result.review, undefined, 'auto-save off: drawn in place');
      assert.ok(editor.document.getText().includes('sum += prices[i];'));
      await setAutoSave('afterDelay', 200);
      const moved = await waitFor('the review to move to a review document', async () => {
        const s = await state();
        return s?.review && s.phase === 'review' ? s : undefined;
      });
      assert.equal(editor.document.getText(), SOURCE, 'the proposal left the document');
      await autoSaveRan();
      assert.equal(await readDisk(fileUri), SOURCE, 'nothing was written to disk');
      assert.deepEqual(moved.hunks.map((h) => h.state), ['pending', 'pending']);
      const reviewUri = vscode.Uri.parse(moved.review!);
      await waitFor('the review document to show both sides', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === moved.review)?.getText().includes('    sum = sum + prices[i];\n    sum += prices[i];'));
      assert.equal(await clickLens(reviewUri, /Accept all/), true);
      await waitFor('the review to end', async () => (await state()) === undefined);
      const expected = SOURCE.replace(/export function total[\s\S]*?\n}/, PROPOSAL);
      assert.equal(editor.document.getText(), expected);
      await savedAs(expected);
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), SOURCE, 'one undo restores the original');
      await savedAs(SOURCE);
    });

    it('closing the review tab while the proposal streams stops it and leaves the document as it was', async () => {
      await setAutoSave('afterDelay', 200);
      used!.sim.setReply({ chunks: ['```typescript\n', 'export function total(prices: readonly number[]): number {\n', '  let sum = 0;\n'], hang: true });
      const run = vscode.commands.executeCommand<State>('phiCoder.inlineEdit', { instruction: 'readonly' });
      const streaming = await waitFor('the partial proposal in the review document', async () => {
        const s = await state();
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === s?.review);
        return s?.phase === 'streaming' && doc?.getText().includes('prices: readonly number[]') ? s : undefined;
      });
      await autoSaveRan();
      assert.equal((await state())?.phase, 'streaming', 'auto-save did not end the review');
      const tab = reviewTabs().find((t) => (t.input as vscode.TabInputText).uri.toString() === streaming.review);
      assert.ok(tab, 'the review has a tab');
      assert.ok(await vscode.window.tabGroups.close(tab));
      await run;
      await waitFor('the review to end', async () => (await state()) === undefined);
      await waitFor('the request to be aborted', () => used!.sim.stats.aborted >= 1, { describe: () => JSON.stringify(used!.sim.stats) });
      assert.equal(editor.document.getText(), SOURCE, 'the document is as it was');
      assert.equal(await readDisk(fileUri), SOURCE, 'the file is as it was');
    });
  });
});
