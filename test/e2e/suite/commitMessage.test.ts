/**
 * "Write Commit Message" in a real VS Code with the built-in Git extension and a real git repository (created in the
 * run's copy of the fixture workspace), against the backend simulator (a TEST DOUBLE of Ollama): the staged diff and the
 * repository's recent subjects reach the prompt, the answer is cleaned and streamed into the Source Control input box,
 * nothing is committed, secrets stay out, and Stop puts back what the box held.
 *
 * VS Code echoes every write to an input box back to the extension host asynchronously, so right after a series of writes
 * the value read there can briefly be an older one. `settled()` makes a round trip through the workbench first (the
 * channel is ordered, so the echoes still in flight arrive before its answer): what it returns is the box's current text.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PHI4_MODEL } from '../../sim';
import { activateExtension, waitFor, waitForReadyOn } from '../helpers';
import { useSimulator, type UsedSimulator } from '../simulator';
import type { Services } from '../../../src/vscode/services';
import { gitApi, type GitApi, type GitRepository } from '../../../src/vscode/scm/gitApi';

const REPLY = 'Here is the commit message:\n```\nfeat(math): add a sub helper\n\nAdds sub() beside add().\n```\n';
const EXPECTED = 'feat(math): add a sub helper\n\nAdds sub() beside add().';
const SUBJECTS = Array.from({ length: 22 }, (_, i) => (i % 3 === 0 ? `fix(math): handle case ${i}` : i % 3 === 1 ? `feat(shapes): add shape ${i}` : `docs: note ${i}`));
// Assembled at run time so no scanner takes this file for a leak.
const TOKEN = 'ghp_' + 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa';

async function settled(repo: GitRepository): Promise<string> {
  await vscode.commands.executeCommand('setContext', 'phiCoder.e2e.roundTrip', Date.now());
  return repo.inputBox.value;
}

/** Writes `value` into the box and waits until the extension host reads it back. */
async function putInBox(repo: GitRepository, value: string): Promise<void> {
  repo.inputBox.value = value;
  await waitFor(`the input box to hold ${JSON.stringify(value)}`, async () => (await settled(repo)) === value);
}

describe('commit message from the staged changes', () => {
  let services: Services;
  let used: UsedSimulator;
  let api: GitApi;
  let repo: GitRepository;
  let root: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });

  before(async function () {
    this.timeout(60_000);
    services = await activateExtension();
    used = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL], reply: REPLY });
    await waitForReadyOn(services, used.sim.url);

    root = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'commit-repo');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'e2e@example.invalid');
    git('config', 'user.name', 'e2e');
    git('config', 'commit.gpgsign', 'false');
    fs.writeFileSync(path.join(root, 'src', 'math.ts'), 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
    git('add', '.');
    git('commit', '-q', '-m', 'chore: start');
    for (const subject of SUBJECTS) git('commit', '-q', '--allow-empty', '-m', subject);
    const found = await gitApi();
    assert.ok(typeof found !== 'string', `the Git extension's API: ${String(found)}`);
    api = found;
    repo = await waitFor('the Git extension to open the repository', async () => (await api.openRepository?.(vscode.Uri.file(root))) ?? api.getRepository(vscode.Uri.file(root)), { timeoutMs: 30_000 });
  });
  after(async () => {
    await used.dispose();
  });

  it('streams a message in the repository\'s style into the input box and commits nothing', async () => {
    fs.appendFileSync(path.join(root, 'src', 'math.ts'), `\nexport function sub(a: number, b: number): number {\n  return a - b; // ${TOKEN}\n}\n`);
    fs.writeFileSync(path.join(root, '.env'), 'API_KEY=do-not-send-this\n');
    git('add', 'src/math.ts', '.env');
    const head = git('rev-parse', 'HEAD').trim();
    used.sim.resetStats();
    await putInBox(repo, '');
    const result = await vscode.commands.executeCommand<string>('phiCoder.writeCommitMessage', { rootUri: repo.rootUri });
    assert.equal(result, EXPECTED);
    assert.equal(await settled(repo), EXPECTED, 'the Source Control input box holds the cleaned message');
    assert.equal(git('rev-parse', 'HEAD').trim(), head, 'nothing was committed');
    assert.match(git('diff', '--cached', '--name-only'), /src\/math\.ts/, 'the changes are still staged');

    assert.equal(used.sim.requests.length, 1);
    const [system, user] = used.sim.requests[0].messages!;
    assert.equal(system.role, 'system');
    assert.match(system.content, /commit message/i);
    assert.match(user.content, /Conventional Commits[^\n]*types used here: docs, fix, feat\.\n- Scopes used here: math, shapes;/);
    assert.match(user.content, new RegExp(`Its most recent subjects \\(newest first\\):\\n- ${SUBJECTS.at(-1)!.replace(/[()]/g, '\\$&')}\\n`));
    assert.match(user.content, /Branch: main/);
    assert.match(user.content, /Staged changes:\n[\s\S]*diff --git a\/src\/math\.ts b\/src\/math\.ts[\s\S]*\+export function sub\(a: number, b: number\): number \{/);
    assert.ok(!user.content.includes(TOKEN), 'the inline token is redacted');
    assert.match(user.content, /\/\/ \[REDACTED\]/);
    assert.ok(!user.content.includes('do-not-send-this'), 'a secret-looking file\'s content is not sent');
    assert.match(user.content, /\.env\n\(a secret-looking file: content not shown\)/);
  });

  it('Stop puts back what the input box held', async () => {
    used.sim.resetStats();
    used.sim.setReply({ chunks: ['fix: partial\n', '\nA body still being'], hang: true });
    await putInBox(repo, 'my own draft');
    const writing = vscode.commands.executeCommand<string | undefined>('phiCoder.writeCommitMessage', { rootUri: repo.rootUri });
    await waitFor('the partial message in the input box', async () => (await settled(repo)) === 'fix: partial');
    await vscode.commands.executeCommand('phiCoder.stopCommitMessage');
    assert.equal(await writing, undefined);
    assert.equal(await settled(repo), 'my own draft');
    await waitFor('the server to see the client go away', () => used.sim.stats.aborted === 1 && used.sim.stats.open === 0);
    used.sim.setReply(REPLY);
  });

  it('says so when nothing is staged, and leaves the input box alone', async () => {
    git('reset', '-q');
    await waitFor('git to report nothing staged', () => git('diff', '--cached', '--name-only').trim() === '');
    used.sim.resetStats();
    await putInBox(repo, 'untouched');
    assert.equal(await vscode.commands.executeCommand('phiCoder.writeCommitMessage', { rootUri: repo.rootUri }), undefined);
    assert.equal(await settled(repo), 'untouched');
    assert.equal(used.sim.requests.length, 0, 'no request without staged changes');
  });
});
