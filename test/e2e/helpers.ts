/**
 * Shared helpers for the e2e suite files (they run inside VS Code's extension host, real `vscode` API).
 * Each suite file is bundled on its own, so keep state in VS Code or the extension, not in module variables here.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Services } from '../../src/vscode/services';
import type { BackendStatus } from '../../src/vscode/backendService';
import { PHI4_MODEL } from '../sim';
import { useSimulator, type UsedSimulator } from './simulator';

export const EXTENSION_ID = 'phi-coder.phi-coder';

/** Activates the extension (or returns the running one) and its API: `activate` returns `{ services }`. */
export async function activateExtension(): Promise<Services> {
  const extension = vscode.extensions.getExtension<{ services: Services }>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this VS Code`);
  const api = extension.isActive ? extension.exports : await extension.activate();
  assert.ok(api && api.services, 'activate() did not return { services }');
  return api.services;
}

/**
 * Waits until `probe` returns something truthy, re-checking whenever one of `events` fires (and every 50 ms, for
 * state that has no event). Fails with `what` and the last probed value after `timeoutMs`.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: { timeoutMs?: number; events?: vscode.Event<unknown>[]; describe?: () => string } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 45_000;
  const deadline = Date.now() + timeoutMs;
  let wake: () => void = () => {};
  const subscriptions = (opts.events ?? []).map((e) => e(() => wake()));
  try {
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${opts.describe ? ` (last: ${opts.describe()})` : ''}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    for (const s of subscriptions) s.dispose();
  }
}

/** Waits until the backend status satisfies `predicate` (driven by onDidChangeStatus). */
export async function waitForStatus(
  services: Services,
  what: string,
  predicate: (s: BackendStatus) => boolean,
  timeoutMs = 20_000,
): Promise<BackendStatus> {
  return waitFor(what, () => (predicate(services.backends.status) ? { ...services.backends.status } : undefined), {
    timeoutMs,
    events: [services.backends.onDidChangeStatus as vscode.Event<unknown>],
    describe: () => JSON.stringify(services.backends.status),
  });
}

/**
 * Sets a `phiCoder.*` user setting (ConfigurationTarget.Global: backend and endpoint are application-scoped, so
 * the user level is the only one that counts) and returns a function that restores the previous user value.
 */
export async function setUserSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('phiCoder');
  const previous = config.inspect(key)?.globalValue;
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  return async () => {
    await vscode.workspace.getConfiguration('phiCoder').update(key, previous, vscode.ConfigurationTarget.Global);
  };
}

/** The commands package.json contributes (the manifest as VS Code loaded it). */
export function contributedCommands(): string[] {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension);
  const commands = (extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? [];
  return commands.map((c) => c.command);
}

/** Opens a file of the fixture workspace (test/e2e/fixtures/workspace) in an editor. */
export async function openWorkspaceFile(relativePath: string): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e run opens the fixture workspace');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, relativePath));
  return vscode.window.showTextDocument(doc);
}

/**
 * Sets a fixture file's text through the editor (not only on disk: an open document may not have reloaded yet),
 * saves it and shows it.
 */
export async function showFixture(fileUri: vscode.Uri, text: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fileUri);
  if (doc.getText() !== text) {
    const reset = new vscode.WorkspaceEdit();
    reset.replace(fileUri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
    assert.ok(await vscode.workspace.applyEdit(reset));
  }
  if (doc.isDirty) await doc.save();
  const editor = await vscode.window.showTextDocument(doc);
  assert.equal(editor.document.getText(), text);
  return editor;
}

/**
 * The common start of a suite that edits one fixture file: the extension active and ready on a fresh simulator (Ollama,
 * Phi-4; a TEST DOUBLE) and `src/<name>` of the fixture workspace written with `source`.
 */
export async function prepareFixture(name: string, source: string): Promise<{ services: Services; used: UsedSimulator; fileUri: vscode.Uri }> {
  const services = await activateExtension();
  const used = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL] });
  await waitForStatus(services, 'ready', (s) => s.state === 'ready' && s.endpoint === used.sim.url);
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e run opens the fixture workspace');
  const fileUri = vscode.Uri.joinPath(folder.uri, 'src', name);
  await vscode.workspace.fs.writeFile(fileUri, new TextEncoder().encode(source));
  return { services, used, fileUri };
}

/** The extension's log channel as written to disk (LogOutputChannel files live under the extension's logUri). */
export async function readExtensionLog(logUri: vscode.Uri): Promise<string> {
  try {
    const entries = await vscode.workspace.fs.readDirectory(logUri);
    let text = '';
    for (const [name] of entries.filter(([n]) => n.endsWith('.log'))) {
      text += new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(logUri, name)));
    }
    return text;
  } catch {
    return '';
  }
}

/**
 * Waits until the backend is ready on `endpoint` (a simulator the test just pointed the settings at). The backend
 * service dedups recheck() onto a check already in flight, which may have read the previous settings: ask again
 * until a check has run with the new ones.
 */
export async function waitForReadyOn(services: Services, endpoint: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`ready on ${endpoint}`, async () => {
    const s = services.backends.status;
    if (s.state === 'ready' && s.endpoint === endpoint) return true;
    await services.backends.recheck();
    return false;
  }, { timeoutMs, describe: () => JSON.stringify(services.backends.status) });
}
