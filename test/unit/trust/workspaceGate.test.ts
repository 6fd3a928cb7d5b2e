// Issue 14, findings 3 and 4: one check, by real path, for everything that may enter a prompt, and @file mentions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { WorkspaceGate, plainRelativePath } from '../../../src/core/trust/workspaceGate';

function tree(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'gate-')));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

test('open documents and edits: excluded, ignored, skipped and outside files are refused; workspace files pass', () => {
  const outside = tree({ '.docker/config.json': '{"auths":{}}', 'notes.ts': 'export const x = 1;' });
  const ws = tree({
    'src/app.ts': 'export const a = 1;',
    '.git/config': '[remote "origin"]\n url = https://user:pw@example.com/r.git',
    '.gitignore': 'local/\n',
    'local/scratch.ts': 'export const s = 1;',
    'pkg/.gitignore': 'gen.ts\n',
    'pkg/gen.ts': 'export const g = 1;',
    'private/plan.ts': 'export const p = 1;',
    'node_modules/lib/index.js': 'module.exports = 1;',
  });
  const gate = new WorkspaceGate([{ name: 'ws', path: ws }], new ExclusionRules({ userExclude: ['private/**'] }));
  const verdict = (rel: string) => gate.check(path.join(ws, rel));
  assert.deepEqual(verdict('src/app.ts'), { ok: true, relPath: 'src/app.ts', realPath: path.join(ws, 'src/app.ts') });
  for (const rel of ['.git/config', 'local/scratch.ts', 'pkg/gen.ts', 'private/plan.ts', 'node_modules/lib/index.js']) {
    assert.equal(verdict(rel).ok, false, rel);
  }
  assert.equal(gate.check(path.join(outside, 'notes.ts')).ok, false, 'a file outside the workspace folders');
  assert.equal(gate.check(path.join(outside, '.docker/config.json')).ok, false);
});

test('links: a link inside the workspace to a file outside it, or to an excluded file, is refused', () => {
  const outside = tree({ 'kube.yaml': 'token: abc' });
  const ws = tree({ 'src/app.ts': 'export const a = 1;', '.env': 'KEY=1' });
  fs.symlinkSync(path.join(outside, 'kube.yaml'), path.join(ws, 'src/cluster.yaml'));
  fs.symlinkSync(outside, path.join(ws, 'linked-dir'));
  fs.symlinkSync(path.join(ws, '.env'), path.join(ws, 'src/settings.txt'));
  const gate = new WorkspaceGate([{ name: 'ws', path: ws }]);
  assert.equal(gate.check(path.join(ws, 'src/cluster.yaml')).ok, false);
  assert.equal(gate.check(path.join(ws, 'linked-dir/kube.yaml')).ok, false);
  assert.equal(gate.check(path.join(ws, 'src/settings.txt')).ok, false);
  assert.equal(gate.check(path.join(ws, 'src/app.ts')).ok, true);
});

test('@file mentions: plain relative paths inside a folder only; no absolute, `..`, links out, or excluded files', () => {
  const outside = tree({ '.kube/config': 'token' });
  const ws = tree({ 'src/app.ts': 'export const a = 1;', '.git/config': '[core]', 'README.md': '# r' });
  fs.symlinkSync(path.join(outside, '.kube'), path.join(ws, 'kube'));
  const gate = new WorkspaceGate([{ name: 'ws', path: ws }]);
  assert.equal(gate.resolveMention('src/app.ts').ok, true);
  assert.equal(gate.resolveMention('./README.md').ok, true);
  for (const m of ['.git/config', '../../.kube/config', `${outside}/.kube/config`, 'src/../../x', 'kube/config', '~/.ssh/id_rsa', 'C:\\Windows\\win.ini', 'missing.ts']) {
    assert.equal(gate.resolveMention(m).ok, false, m);
  }
  assert.equal(plainRelativePath('a/./b'), 'a/b');
  assert.equal(plainRelativePath('a/../b'), undefined);
  assert.equal(plainRelativePath('/etc/passwd'), undefined);
  assert.equal(plainRelativePath('file:///etc/passwd'), undefined);
});

test('multi-root: mentions may name the folder; paths are <folder>/<path>', () => {
  const a = tree({ 'src/a.ts': 'export const a = 1;' });
  const b = tree({ 'lib/b.ts': 'export const b = 1;', '.gitignore': 'lib/\n' });
  const gate = new WorkspaceGate([{ name: 'front', path: a }, { name: 'back', path: b }]);
  const v = gate.resolveMention('front/src/a.ts');
  assert.ok(v.ok && v.relPath === 'front/src/a.ts', JSON.stringify(v));
  assert.equal(gate.check(path.join(b, 'lib/b.ts')).ok, false, "the second folder's .gitignore applies");
});

test('a verdict is reused for a few seconds, but a fresh check sees a file replaced by a link', () => {
  const outside = tree({ 'x.ts': 'export const x = 1;' });
  const ws = tree({ 'src/t.test.ts': 'test' });
  const gate = new WorkspaceGate([{ name: 'ws', path: ws }]);
  const file = path.join(ws, 'src/t.test.ts');
  assert.equal(gate.check(file).ok, true);
  fs.rmSync(file);
  fs.symlinkSync(path.join(outside, 'x.ts'), file);
  assert.equal(gate.check(file).ok, true, 'cached');
  assert.equal(gate.check(file, true).ok, false, 'decided again');
});
