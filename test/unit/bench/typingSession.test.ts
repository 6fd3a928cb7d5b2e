/** bench:typing's file picker on a tree with a dangling symlink, a link to a real file and a FIFO: it skips them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pickFiles } from '../../../bench/typing/session';
import { rng } from '../../../bench/rng';

test('pickFiles skips dangling symlinks, links and entries that are no regular files', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'typing-pick-'));
  try {
    const body = Array.from({ length: 80 }, (_, i) => `export const value${i} = ${i}; // a line of real length`).join('\n');
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), body);
    fs.writeFileSync(path.join(root, 'src', 'b.ts'), body);
    fs.symlinkSync(path.join(root, 'src', 'missing.ts'), path.join(root, 'src', 'dangling.ts'));
    fs.symlinkSync(path.join(root, 'src', 'a.ts'), path.join(root, 'src', 'alias.ts'));
    execFileSync('mkfifo', [path.join(root, 'src', 'pipe.ts')]);
    const picked = pickFiles(root, 10, rng(1)).map((f) => path.relative(root, f)).sort();
    assert.deepEqual(picked, ['src/a.ts', 'src/b.ts']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
