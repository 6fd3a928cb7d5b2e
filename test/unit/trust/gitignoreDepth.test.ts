// Issue 14, finding 17: nested .gitignore chains are decided once per folder, and the walk stops at a depth cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExclusionRules, MAX_PATH_DEPTH } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs, walkWorkspace } from '../../../src/core/context/workspaceFs';

test('a 200-level chain of nested .gitignore files: bounded matcher work, nothing past the depth cap', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gitignore-chain-'));
  const depth = 200;
  let dir = root;
  for (let i = 0; i < depth; i++) {
    fs.writeFileSync(path.join(dir, '.gitignore'), `ignored-${i}.ts\n`);
    fs.writeFileSync(path.join(dir, `ignored-${i}.ts`), '');
    fs.writeFileSync(path.join(dir, `kept-${i}.ts`), '');
    dir = path.join(dir, 'd');
    fs.mkdirSync(dir);
  }
  const rules = new ExclusionRules();
  const files = await walkWorkspace(nodeWorkspaceFs(root), rules);
  assert.ok(files.length > 0);
  assert.ok(!files.some((f) => /ignored-/.test(f)), 'every level\'s .gitignore applied');
  const deepest = Math.max(...files.map((f) => f.split('/').length - 1));
  assert.ok(deepest <= MAX_PATH_DEPTH, `deepest folder ${deepest} > cap ${MAX_PATH_DEPTH}`);
  assert.ok(files.includes(`${'d/'.repeat(MAX_PATH_DEPTH)}kept-${MAX_PATH_DEPTH}.ts`), 'files up to the cap are kept');
  // Each entry consults at most one matcher per .gitignore above it, and each folder is decided once.
  const entries = files.length * 3;
  assert.ok(rules.gitignoreChecks <= entries * (MAX_PATH_DEPTH + 1), `${rules.gitignoreChecks} matcher calls for ${entries} entries`);
  fs.rmSync(root, { recursive: true, force: true });
});
