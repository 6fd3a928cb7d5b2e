import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExclusionRules, isSecretPath, looksBinary } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs, walkWorkspace } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { RecentActivity } from '../../../src/core/context/activity';

test('secret-looking files are recognised by name', () => {
  for (const p of ['.env', 'app/.env.local', 'prod.env', 'certs/server.pem', 'tls.key', 'home/.ssh/id_rsa', 'id_ed25519.pub',
    'credentials.json', 'aws/credentials', 'store.p12', '.npmrc', 'cfg/secrets.yaml', 'gcp/service-account-prod.json', 'X.KEY']) {
    assert.equal(isSecretPath(p), true, p);
  }
  for (const p of ['src/env.ts', 'keyboard.ts', 'src/environment.py', 'docs/keys.md', 'credit.ts', 'src/pem_utils.go']) {
    assert.equal(isSecretPath(p), false, p);
  }
});

test('rules: vendored folders, binaries, secrets, files.exclude, user globs, nested .gitignore', () => {
  const rules = new ExclusionRules({ filesExclude: ['**/*.gen.ts', 'scratch'], userExclude: ['private/**'] });
  rules.addGitignore('', 'logs/\n*.tmp\n');
  rules.addGitignore('pkg', 'fixtures/big.ts\n');
  const excluded = ['node_modules/x/index.js', 'a/dist/b.js', 'build/c.ts', '.git/config', 'target/debug/x.rs', 'vendor/lib.go',
    'out/x.js', 'img/logo.png', 'app.wasm', '.env', 'src/a.gen.ts', 'scratch', 'deep/scratch', 'private/notes.ts', 'logs/a.ts',
    'x.tmp', 'pkg/fixtures/big.ts'];
  for (const p of excluded) assert.equal(rules.excludes(p), true, p);
  for (const p of ['src/a.ts', 'pkg/src/big.ts', 'fixtures/big.ts', 'src/logs.ts']) assert.equal(rules.excludes(p), false, p);
  assert.equal(rules.excludes('node_modules', true), true);
  assert.equal(rules.excludes('logs', true), true);
});

test('binary content is detected by NUL bytes', () => {
  assert.equal(looksBinary(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1])), true);
  assert.equal(looksBinary('plain text\n'), false);
});

test('the index never reads secret-looking, ignored or vendored files', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-excl-'));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  write('src/app.ts', 'export function app() { return 1; }\n');
  write('.env', 'export const API_KEY = "sk-live";\n');
  write('config/credentials.ts', 'export const PASSWORD = "hunter2";\n'); // credentials* by name
  write('node_modules/lib/index.js', 'export function vendored() {}\n');
  write('gen/out.ts', 'export function generated() {}\n');
  write('.gitignore', 'gen/\n');
  write('src/blob.ts', 'export const x = 1;\0\0binary');
  const reads: string[] = [];
  const base = nodeWorkspaceFs(root);
  const wfs = { ...base, readText: (p: string) => (reads.push(p), base.readText(p)) };
  const rules = new ExclusionRules();
  const index = new WorkspaceIndex(wfs, rules);
  await index.build();
  assert.deepEqual([...index.allFiles()].map((f) => f.path).sort(), ['src/app.ts']);
  assert.deepEqual(reads.filter((p) => p !== '.gitignore').sort(), ['src/app.ts', 'src/blob.ts']);
  assert.equal(index.lookup('API_KEY').length, 0);
  assert.equal(index.lookup('PASSWORD').length, 0);
  assert.equal(index.lookup('app').length, 1);
  const listed = await walkWorkspace(base, new ExclusionRules());
  assert.ok(!listed.includes('.env') && !listed.some((p) => p.startsWith('node_modules/')));
  fs.rmSync(root, { recursive: true, force: true });
});

test('open secret-looking documents and their edits never reach the activity the engine reads', () => {
  const a = new RecentActivity();
  a.noteDocument({ relPath: '.env.production', languageId: 'dotenv', version: 1, text: 'TOKEN=abc' });
  a.noteDocument({ relPath: 'keys/deploy.pem', languageId: 'plaintext', version: 1, text: '-----BEGIN' });
  a.noteEdit('.env', 'dotenv', 'TOKEN=abc', 0, 0);
  a.noteDocument({ relPath: 'src/a.ts', languageId: 'typescript', version: 1, text: 'let a = 1;' });
  assert.deepEqual(a.openDocuments().map((d) => d.relPath), ['src/a.ts']);
  assert.equal(a.recentEdits().length, 0);
});
