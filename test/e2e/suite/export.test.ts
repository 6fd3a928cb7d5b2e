/**
 * Export and copy a conversation as Markdown in a real VS Code, against the backend simulator (a TEST DOUBLE of
 * Ollama): a question with attached code is answered, then exported to an untitled Markdown document and to a file,
 * and copied whole to the clipboard; each turn lists the context it was sent with.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PHI4_MODEL } from '../../sim';
import { activateExtension, openWorkspaceFile, waitFor, waitForReadyOn } from '../helpers';
import { useSimulator, type UsedSimulator } from '../simulator';
import type { Services } from '../../../src/vscode/services';

const ANSWER = 'It adds:\n\n```ts\nreturn a + b;\n```\n';

describe('conversation export', () => {
  let services: Services;
  let used: UsedSimulator;

  before(async () => {
    services = await activateExtension();
    used = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL], reply: ANSWER });
    await waitForReadyOn(services, used.sim.url);
    await openWorkspaceFile('src/math.ts');
    await vscode.commands.executeCommand('phiCoder.newChat');
    await vscode.commands.executeCommand('phiCoder.internal.askInChat', {
      prompt: 'What does add do?',
      attachments: [{ path: 'src/math.ts', languageId: 'typescript', text: 'export function add(a: number, b: number): number {\n  return a + b;\n}', startLine: 1 }],
    });
    await vscode.commands.executeCommand('phiCoder.internal.askInChat', { prompt: 'And @problems?', typed: true });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await used.dispose();
  });

  function assertExported(md: string): void {
    assert.match(md, /^# What does add do\?\n/);
    assert.match(md, /## 1\. You[^\n]*\n\nWhat does add do\?\n\n\*\*Context sent with this question:\*\*\n\n- `src\/math\.ts:2-4`\n\n### Phi Coder\n\nIt adds:\n\n```ts\nreturn a \+ b;\n```/);
    assert.match(md, /## 2\. You[^\n]*\n\nAnd @problems\?\n\n\*\*Context sent with this question:\*\*\n\n(- `[^`]+`\n)*- `@problems`\n/);
  }

  it('exports to a new untitled Markdown document', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('phiCoder.exportConversation', { target: 'untitled' });
    assert.equal(uri?.scheme, 'untitled');
    const editor = await waitFor('the export to open', () => (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.document.languageId, 'markdown');
    assertExported(editor.document.getText());
  });

  it('exports to a file', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const target = vscode.Uri.joinPath(folder, 'exported-conversation.md');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('phiCoder.exportConversation', { target: 'file', uri: target });
    assert.equal(uri?.toString(), target.toString());
    assertExported(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)));
    await vscode.workspace.fs.delete(target);
  });

  it('copies the whole conversation', async () => {
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('phiCoder.copyConversation');
    assertExported(await vscode.env.clipboard.readText());
  });
});
