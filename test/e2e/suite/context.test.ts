import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, openWorkspaceFile } from '../helpers';
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

  it('Rebuild Workspace Index indexes the fixture workspace', async () => {
    const stats = await vscode.commands.executeCommand<{ files: number; definitions: number }>('phiCoder.rebuildIndex');
    assert.ok(stats && stats.files >= 3, `indexed files: ${JSON.stringify(stats)}`);
    assert.ok(stats.definitions >= 5);
  });
});
