/**
 * The language server VS Code runs for a file enriches the context (issue 12, item 3; src/vscode/definitionHintsHost.ts
 * and src/core/context/definitionHints.ts): code-server's built-in TypeScript language features know that
 * `const c = makeClient()` is a `Client`, declared in a file the cursor's file does not import and reached only through
 * a generic, which tree-sitter cannot follow. When the cursor rests, the extension asks; the completion prompt then
 * holds Client's members. With `phiCoder.context.languageServerHints` off it does not. The run also prints the host
 * thread's own time per pass over a scripted walk of the cursor (p50/p95; figures, no bound).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PHI4_MODEL, type SimRequest } from '../../sim';
import { activateExtension, setUserSetting, waitFor, waitForStatus } from '../helpers';
import { useSimulator, type UsedSimulator } from '../simulator';
import type { Services } from '../../../src/vscode/services';

/** A member only Client declares: in the context only if something typed `c`. */
const MARKER = 'closeConnectionGracefully';

const FILES: Record<string, string> = {
  'src/lsp/client.ts': [
    'export interface Client {',
    '  runQueryWithRetries(sql: string, attempts: number): Promise<number>;',
    `  ${MARKER}(reason: string): void;`,
    '}',
    '',
  ].join('\n'),
  'src/lsp/factory.ts': [
    "import type { Client } from './client';",
    'function wrap<T>(value: unknown): T {',
    '  return value as T;',
    '}',
    'export function makeClient() {',
    '  return wrap<Client>({});',
    '}',
    '',
  ].join('\n'),
  'src/lsp/app.ts': [
    "import { makeClient } from './factory';",
    '',
    'export async function report(rows: number[]) {',
    '  const c = makeClient();',
    '  const total = await c.runQueryWithRetries("select 1", rows.length);',
    '  console.log(total);',
    '  c.',
    '}',
    '',
  ].join('\n'),
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe('language-server hints', function () {
  // A language server loading its project, then passes, then completions, on a loaded machine: the waits' sum.
  this.timeout(300_000);
  let services: Services;
  let used: UsedSimulator;
  let root: vscode.Uri;

  before(async () => {
    services = await activateExtension();
    used = await useSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], reply: `${MARKER}("done");` });
    await waitForStatus(services, 'ready on the simulator', (s) => s.state === 'ready' && s.endpoint === used.sim.url);
    root = vscode.workspace.workspaceFolders![0].uri;
    for (const [rel, text] of Object.entries(FILES)) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, rel), new TextEncoder().encode(text));
    await services.context.whenIndexed();
    const stats = await vscode.commands.executeCommand<{ files: number }>('phiCoder.rebuildIndex');
    assert.ok(stats && stats.files >= 3);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, 'src', 'lsp'), { recursive: true });
    await used.dispose();
  });

  it("the completion prompt holds the members of a value's type that only the language server knows; not with the setting off", async () => {
    const appUri = vscode.Uri.joinPath(root, 'src/lsp/app.ts');
    const doc = await vscode.workspace.openTextDocument(appUri);
    const line = doc.getText().split('\n').findIndex((l) => l.trim() === 'c.');
    const cursor = new vscode.Position(line, 4);
    const cDecl = new vscode.Position(3, 8);
    // The built-in TypeScript features run in this VS Code: wait until its server has loaded the project.
    await waitFor('the TypeScript language server to type `c`', async () => {
      const r = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeTypeDefinitionProvider', appUri, cDecl);
      return r?.some((l) => ('targetUri' in l ? l.targetUri : l.uri).path.endsWith('/src/lsp/client.ts'));
    }, { timeoutMs: 90_000 });
    const editor = await vscode.window.showTextDocument(doc);
    let nudge = 0;
    const rest = () => {
      // A pass starts when the cursor has rested: move it off and back, as a user's cursor moves.
      editor.selection = new vscode.Selection(line - 1 - (nudge++ % 2), 2, line - 1, 2);
      editor.selection = new vscode.Selection(cursor, cursor);
    };
    const passCount = () => services.context.hintPasses?.().length ?? 0;
    rest();
    // Moved again only after a pass has ended (a language server still loading may answer nothing at first; moving
    // on every poll would cancel each pass before it starts).
    let nudgedAt = passCount();
    await waitFor('the hints to bring Client\'s members into the cursor\'s context', async () => {
      const report = await services.context.contextReport(editor);
      if (report.includes(MARKER)) return report;
      if (passCount() > nudgedAt) {
        nudgedAt = passCount();
        rest();
      }
      return undefined;
    }, { timeoutMs: 90_000, describe: () => JSON.stringify(services.context.hintPasses?.().slice(-3)) });

    // Completions keep their cross-file context while the cursor stays in its region; new hints make the next request
    // refresh it in the background (it uses the old one meanwhile): poll with fresh requests until one holds the member.
    const prompt = await waitFor('a completion prompt holding Client\'s member', async () => {
      const p = await freshPrompt(editor);
      return p.includes(`${MARKER}(reason: string): void;`) ? p : undefined;
    }, { timeoutMs: 60_000 });
    assert.ok(!prompt.includes('node_modules') && !prompt.includes('lib.es'), 'no location outside the workspace');

    const restore = await setUserSetting('context.languageServerHints', false);
    try {
      await waitFor('the context to lose the hinted members once the setting is off', async () => {
        const report = await services.context.contextReport(editor);
        return !report.includes(MARKER);
      });
      await waitFor('a completion prompt without Client\'s members once the setting is off', async () => !(await freshPrompt(editor)).includes(MARKER), { timeoutMs: 60_000 });
      const passes = services.context.hintPasses?.().length;
      rest();
      const off = await freshPrompt(editor);
      assert.ok(!off.includes(MARKER), `with the setting off, tree-sitter alone does not type c:\n${off}`);
      assert.equal(services.context.hintPasses?.().length, passes, 'no pass runs with the setting off');
    } finally {
      await restore();
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('a scripted walk of the cursor: the host thread time per pass (printed)', async () => {
    // A longer file of the same kind: each line names a value and a member, so most passes ask the server something.
    const lines = ["import { makeClient } from './factory';", '', 'export async function walk() {'];
    for (let i = 0; i < 120; i++) lines.push(`  const client${i} = makeClient();`, `  const rows${i} = await client${i}.runQueryWithRetries("q${i}", ${i});`);
    lines.push('}', '');
    const uri = vscode.Uri.joinPath(root, 'src/lsp/walk.ts');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(lines.join('\n')));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const start = services.context.hintPasses!().length;
    const stops = 40;
    for (let k = 0; k < stops; k++) {
      const at = new vscode.Position(3 + k * 6, 4);
      const before = services.context.hintPasses!().length;
      editor.selection = new vscode.Selection(at, at);
      await waitFor(`pass ${k + 1} to end`, () => services.context.hintPasses!().length > before, { timeoutMs: 30_000 });
    }
    const passes = services.context.hintPasses!().slice(start);
    const host = passes.map((p) => p.hostMs).sort((a, b) => a - b);
    const wall = passes.map((p) => p.wallMs).sort((a, b) => a - b);
    const asked = passes.reduce((s, p) => s + p.asked, 0);
    console.log(`[language-server hints] ${passes.length} passes, ${asked} names asked: host thread p50 ${percentile(host, 50).toFixed(2)} ms, p95 ${percentile(host, 95).toFixed(2)} ms, max ${host[host.length - 1].toFixed(2)} ms; wall p50 ${percentile(wall, 50).toFixed(0)} ms, p95 ${percentile(wall, 95).toFixed(0)} ms`);
    assert.ok(passes.length >= stops && asked > 0, JSON.stringify(passes.slice(0, 5)));
  });

  let edits = 0;
  /**
   * A new completion request at the end of the `c.` line, after an edit above it (so that it is not answered from the
   * completions' cache): its prompt.
   */
  async function freshPrompt(editor: vscode.TextEditor): Promise<string> {
    const doc = editor.document;
    const at = doc.getText().split('\n').findIndex((l) => l.trim() === 'c.');
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(at, 0), `  // request ${++edits}\n`)));
    const cursor = new vscode.Position(at + 1, 4);
    editor.selection = new vscode.Selection(cursor, cursor);
    const before = used.sim.requests.length;
    const req = await waitFor('a completion request', async () => {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      return used.sim.requests.slice(before).find((x) => (x as SimRequest).endpoint === '/completion') as SimRequest | undefined;
    });
    return req.prompt ?? '';
  }
});
