import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { activateExtension, openWorkspaceFile, readExtensionLog, waitFor } from '../helpers';
import type { Services } from '../../../src/vscode/services';

describe('context engine', () => {
  let services: Services;
  before(async () => {
    services = await activateExtension();
    await services.context.whenIndexed();
  });

  it('Show Context for Cursor lists a cross-file definition, in a read-only document', async () => {
    const editor = await openWorkspaceFile('src/shapes.ts');
    // Cursor inside perimeter(), which calls add() from ./math.
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('2 * add('));
    assert.ok(line > 0, 'fixture has the add() call');
    editor.selection = new vscode.Selection(line, 2, line, 2);
    const report = await vscode.commands.executeCommand<string | undefined>('phiCoder.showContext');
    assert.ok(report, 'the command returns the report it opened');
    assert.match(report, /\| import \| src\/math\.ts:2 \|/, 'the parts table names the imported definition and its line');
    assert.match(report, /export function add\(a: number, b: number\): number \{/, 'the packed text holds the definition');
    assert.match(report, /enclosing function perimeter/, 'the enclosing scope is listed with its reason');
    assert.match(report, /Packed: \d+ tokens in \d+ parts/);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'phi-coder-context');
    assert.ok(shown, 'the report is open beside the editor');
    assert.equal(shown.document.getText(), report);
    // It comes from a content provider (the editor shows such documents read-only): no file system backs its scheme.
    assert.notEqual(vscode.workspace.fs.isWritableFileSystem('phi-coder-context'), true, 'the report cannot be written back');
  });

  it('edits in files outside the workspace or in skipped folders never reach the context; edits inside do (issue 14, finding 3)', async () => {
    const root = vscode.workspace.workspaceFolders![0].uri;
    const outsideDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-e2e-outside-'));
    const files = {
      INSIDE: vscode.Uri.joinPath(root, 'src', 'recentInside.ts'),
      SKIPPED: vscode.Uri.joinPath(root, 'node_modules', 'pkg', 'recentSkipped.ts'),
      OUTSIDE: vscode.Uri.file(path.join(outsideDir, 'recentOutside.ts')),
    };
    try {
      for (const [name, uri] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(uri.fsPath), { recursive: true });
        fs.writeFileSync(uri.fsPath, `export function helper${name}(): number {\n  return 1;\n}\n`);
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        assert.ok(await editor.edit((b) => b.insert(new vscode.Position(1, 0), `  const MARKER_${name}_EDIT = 42;\n`)));
        await editor.document.save();
      }
      const editor = await openWorkspaceFile('src/shapes.ts');
      const line = editor.document.getText().split('\n').findIndex((l) => l.includes('2 * add('));
      editor.selection = new vscode.Selection(line, 2, line, 2);
      const report = await waitFor('the context report to show the edit inside the workspace', async () => {
        const r = await vscode.commands.executeCommand<string | undefined>('phiCoder.showContext');
        return r?.includes('MARKER_INSIDE_EDIT') ? r : undefined;
      });
      assert.ok(!report.includes('MARKER_SKIPPED_EDIT'), 'an edit in node_modules/ is not context');
      assert.ok(!report.includes('MARKER_OUTSIDE_EDIT') && !report.includes('helperOUTSIDE'), 'an edit outside the workspace folders is not context');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      for (const uri of Object.values(files)) fs.rmSync(uri.fsPath, { force: true });
      fs.rmSync(vscode.Uri.joinPath(root, 'node_modules').fsPath, { recursive: true, force: true });
      fs.rmSync(outsideDir, { recursive: true, force: true });
    }
  });

  it('Rebuild Workspace Index indexes the fixture workspace', async () => {
    const stats = await vscode.commands.executeCommand<{ files: number; definitions: number }>('phiCoder.rebuildIndex');
    assert.ok(stats && stats.files >= 3, `indexed files: ${JSON.stringify(stats)}`);
    assert.ok(stats.definitions >= 5);
  });

  it('a rebuild with 48+ files parses in worker threads (the bundled dist/indexWorker.js) and loses nothing', async () => {
    const before = await vscode.commands.executeCommand<{ files: number; definitions: number }>('phiCoder.rebuildIndex');
    const dir = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'generated');
    const count = 60;
    for (let i = 0; i < count; i++) {
      const text = `export function generated${i}(x: number): number {\n  return x + ${i};\n}\n\nexport interface Generated${i} {\n  value: number;\n}\n`;
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, `mod${i}.ts`), new TextEncoder().encode(text));
    }
    try {
      const stats = await vscode.commands.executeCommand<{ files: number; definitions: number }>('phiCoder.rebuildIndex');
      assert.equal(stats.files, before.files + count, `files: ${JSON.stringify({ before, stats })}`);
      assert.ok(stats.definitions >= before.definitions + 2 * count, `definitions: ${JSON.stringify({ before, stats })}`);
      const log = await waitFor('the worker line in the Phi Coder log', async () => {
        const text = await readExtensionLog(services.extension.logUri);
        return /context index: parsing \d+ files in \d+ worker threads/.test(text) ? text : undefined;
      });
      assert.doesNotMatch(log, /no worker threads|a worker failed/, 'no fallback to in-process parsing');
    } finally {
      await vscode.workspace.fs.delete(dir, { recursive: true });
      await vscode.commands.executeCommand('phiCoder.rebuildIndex');
    }
  });
});
