/**
 * Project rules in a real VS Code: a .phicoder/rules file in the workspace is read, and its text reaches the model's
 * prompt for chat, inline edit and an inline completion (at the very start of the completion prompt); a rule limited
 * by applyTo to other files does not; "Show Rules" and "Show Context for Cursor" list what applies; "Create Project
 * Rules" writes the starter file. The model is the backend simulator (a TEST DOUBLE).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PHI4_MODEL, type SimRequest } from '../../sim';
import { activateExtension, openWorkspaceFile, waitFor, waitForStatus } from '../helpers';
import { useSimulator, type UsedSimulator } from '../simulator';
import type { Services } from '../../../src/vscode/services';

const MARKER = 'RULE-7Q: name booleans as questions (isReady, hasItems).';
const OTHER = 'RULE-OTHER: this rule is only for docs.';

function systemOf(r: SimRequest | undefined): string {
  if (!r) return '';
  return r.messages?.find((m) => m.role === 'system')?.content ?? r.prompt ?? '';
}

describe('project rules', function () {
  this.timeout(60_000);
  let services: Services;
  let used: UsedSimulator;
  let folder: vscode.Uri;
  const written: vscode.Uri[] = [];

  before(async () => {
    services = await activateExtension();
    used = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL] });
    await waitForStatus(services, 'ready', (s) => s.state === 'ready' && s.endpoint === used.sim.url);
    folder = vscode.workspace.workspaceFolders![0]!.uri;
    const write = async (rel: string, text: string) => {
      const uri = vscode.Uri.joinPath(folder, rel);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      written.push(uri);
    };
    await write('.phicoder/rules/e2e.md', `---\napplyTo: "src/**"\n---\n# Naming\n${MARKER}\n`);
    await write('.github/instructions/docs.instructions.md', `---\napplyTo: "docs/**"\n---\n${OTHER}\n`);
    const math = vscode.Uri.joinPath(folder, 'src', 'math.ts');
    // What every prompt does first (ready): the watcher's report or, when it missed the new folder, the places' check.
    await waitFor('the rules file to be read', async () => {
      await services.rules.ready();
      return services.rules.forFile(math, 'chat').some((r) => r.body.includes(MARKER));
    }, { events: [services.rules.onDidChange as vscode.Event<unknown>] });
  });

  after(async () => {
    await vscode.commands.executeCommand('phiCoder.inlineEdit.rejectAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const uri of written) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, '.phicoder'), { recursive: true }).then(undefined, () => undefined);
    await used.dispose();
  });

  it('chat: the rule is in the system prompt; a rule for other files is not', async () => {
    await openWorkspaceFile('src/math.ts');
    used.sim.setReply('Fine.');
    await vscode.commands.executeCommand('phiCoder.internal.askInChat', { prompt: 'Any naming advice?' });
    const chat = await waitFor('the chat request', () => used.sim.requests.filter((r) => r.messages?.some((m) => m.content.includes('Any naming advice?'))).at(-1));
    assert.ok(systemOf(chat).includes(MARKER), systemOf(chat));
    assert.ok(systemOf(chat).includes('From .phicoder/rules/e2e.md:'));
    assert.ok(!JSON.stringify(chat.messages).includes(OTHER), 'applyTo keeps the docs rule out');
  });

  it('inline edit: the rule is in the system prompt', async () => {
    const editor = await openWorkspaceFile('src/math.ts');
    const inside = editor.document.positionAt(editor.document.getText().indexOf('return'));
    editor.selection = new vscode.Selection(inside, inside);
    used.sim.setReply('```typescript\n' + editor.document.getText().trim().split('\n').slice(0, 3).join('\n') + '\n```');
    const before = used.sim.requests.length;
    const state = vscode.commands.executeCommand('phiCoder.inlineEdit', { instruction: 'rename per the rules' });
    const request = await waitFor('the inline edit request', () => used.sim.requests.slice(before).find((r) => r.messages?.some((m) => m.content.includes('rename per the rules'))));
    assert.ok(systemOf(request).includes(MARKER), systemOf(request));
    await state;
    await vscode.commands.executeCommand('phiCoder.inlineEdit.rejectAll');
  });

  it('completion: the compact rules open the prompt, before the file', async () => {
    const editor = await openWorkspaceFile('src/math.ts');
    const end = editor.document.positionAt(editor.document.getText().length);
    editor.selection = new vscode.Selection(end, end);
    used.sim.setReply('x');
    const before = used.sim.requests.length;
    const request = await waitFor('a completion request', async () => {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      return used.sim.requests.slice(before).find((r) => (r.prompt ?? '').includes('<HOLE>'));
    }, { timeoutMs: 45_000 });
    const prompt = request.prompt!;
    assert.ok(prompt.startsWith('<|im_start|>system<|im_sep|>\n'), prompt.slice(0, 80));
    const rule = prompt.indexOf(MARKER);
    assert.ok(rule > 0 && rule < prompt.indexOf('File src/math.ts'), 'the rule comes before the file');
    assert.ok(rule < prompt.indexOf('<|im_end|>'), 'inside the system message');
    assert.ok(!prompt.includes(OTHER));
  });

  it('Show Rules and Show Context for Cursor list the rule for the current file', async () => {
    await openWorkspaceFile('src/math.ts');
    const report = await vscode.commands.executeCommand<string>('phiCoder.showRules');
    assert.match(report, /\.phicoder\/rules\/e2e\.md/);
    assert.match(report, /## completions: \d+ tokens/);
    assert.ok(!report.includes('docs.instructions.md'), report);
    await openWorkspaceFile('src/math.ts');
    const context = await vscode.commands.executeCommand<string>('phiCoder.showContext');
    assert.match(context, /\.phicoder\/rules\/e2e\.md/);
  });

  it('Create Project Rules writes the starter file, which is then read', async () => {
    const uri = await vscode.commands.executeCommand<string>('phiCoder.createProjectRules');
    assert.ok(uri?.endsWith('/.phicoder/rules/project.md'));
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri)));
    assert.match(text, /^---\napplyTo:/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitFor('the starter rules to be read', async () => {
      await services.rules.ready();
      return services.rules.all().some((r) => r.path === '.phicoder/rules/project.md');
    }, { events: [services.rules.onDidChange as vscode.Event<unknown>] });
  });
});
