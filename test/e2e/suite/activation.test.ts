import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID, readExtensionLog, waitFor } from '../helpers';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

describe('activation', () => {
  it('activates on startup without errors and returns its services', async () => {
    const services = await activateExtension();
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension?.isActive, 'extension is active');
    assert.equal(typeof services.backends.recheck, 'function');
    assert.equal(typeof services.context, 'object');
    assert.equal(services.extension.extension.id, EXTENSION_ID);
  });

  it('registered every feature (no "Failed to register" in its log)', async () => {
    const services = await activateExtension();
    // activate() registers each feature in try/catch and logs failures before its final "activated" line.
    const log = await waitFor('the "activated" line in the Phi Coder log', async () => {
      const text = await readExtensionLog(services.extension.logUri);
      return /Phi Coder \S+ activated/.test(text) ? text : undefined;
    });
    const failures = log.split('\n').filter((l) => /Failed to register|could not start/.test(l));
    assert.deepEqual(failures, [], `registration failures:\n${failures.join('\n')}`);
  });

  it('runs from the expected place (source folder, or the installed .vsix)', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const where = extension.extensionUri.path;
    // The code-server runner says which it loaded; desktop runs (no PHI_E2E_MODE) load the source folder.
    if (process.env.PHI_E2E_MODE === 'vsix') {
      assert.match(where, /\/extensions\/phi-coder\.phi-coder-\d+\.\d+\.\d+/, `expected the installed .vsix, got ${where}`);
    } else {
      assert.ok(await exists(vscode.Uri.joinPath(extension.extensionUri, 'src', 'extension.ts')), `expected the source folder, got ${where}`);
    }
    // The bundle the manifest points at is what runs: dist/extension.js.
    assert.equal(extension.packageJSON.main, './dist/extension.js');
  });

  it('has the workspace the runner opened', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
  });
});
