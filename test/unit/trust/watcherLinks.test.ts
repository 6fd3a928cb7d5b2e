// Issue 14, finding 10: full builds skip symbolic links, and so do the watcher's single-file updates now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs, readLocalSource } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';

test('a link arriving after the build (git pull) is not indexed by the update its file event triggers', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'links-ws-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'links-out-'));
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'src/a.ts'), 'export function insideOnly(): number {\n  return 1;\n}\n');
  fs.writeFileSync(path.join(outside, 'secret.ts'), 'export function outsideSecret(): string {\n  return "x";\n}\n');
  const index = new WorkspaceIndex(nodeWorkspaceFs(root), new ExclusionRules(), { workers: 0 });
  await index.build();
  assert.equal(index.lookup('insideOnly').length, 1);

  fs.symlinkSync(path.join(outside, 'secret.ts'), path.join(root, 'src/link.ts'));
  fs.symlinkSync(outside, path.join(root, 'lib'));
  assert.equal(await index.update('src/link.ts'), false);
  assert.equal(await index.update('lib/secret.ts'), false);
  assert.deepEqual(index.lookup('outsideSecret'), [], 'nothing from outside the workspace was indexed');
  // A rebuild skips them too, and an index worker handed the link's path reads nothing.
  await index.build();
  assert.deepEqual(index.lookup('outsideSecret'), []);
  assert.equal(readLocalSource(path.join(root, 'src/link.ts'), 1e6).kind, 'gone');
  // An ordinary file added later is still picked up.
  fs.writeFileSync(path.join(root, 'src/b.ts'), 'export function addedLater(): void {}\n');
  assert.equal(await index.update('src/b.ts'), true);
  assert.equal(index.lookup('addedLater').length, 1);
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});
