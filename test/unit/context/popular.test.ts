/**
 * The workspace's most used classes and modules (src/core/context/popular.ts): offered as signatures at the lowest
 * score, so code naming no import for them (Ruby inside a module) still sees them when the budget has room.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';

const roots: string[] = [];
after(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

test('Ruby: a class most files of the workspace use is offered to a file that does not name it', async () => {
  const files: Record<string, string> = {
    'lib/app/body_proxy.rb': 'module App\n  class BodyProxy\n    def initialize(body, &block)\n      @body = body\n    end\n  end\nend\n',
    'lib/app/rarely.rb': 'module App\n  class Rarely\n    def go\n    end\n  end\nend\n',
  };
  for (let i = 0; i < 5; i++) {
    files[`lib/app/middleware${i}.rb`] = `module App\n  class Middleware${i}\n    def call(env)\n      BodyProxy.new(@app.call(env)) { close }\n    end\n  end\nend\n`;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'popular-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  const index = new WorkspaceIndex(nodeWorkspaceFs(root), new ExclusionRules(), { workers: 0 });
  await index.build();
  const text = 'module App\n  class Lock\n    def call(env)\n      \n    end\n  end\nend\n';
  const offset = text.indexOf('      \n') + 6;
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: { path: path.join(root, 'lib/app/lock.rb'), relPath: 'lib/app/lock.rb', languageId: 'ruby', text, version: 1, offset }, budgetTokens: 2000, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'lib/app/body_proxy.rb');
  assert.ok(item, `BodyProxy offered: ${packed.items.map((i) => `${i.path}: ${i.reason}`).join('; ')}`);
  // Named by the five middlewares and by its own file.
  assert.match(item.reason, /most used \(6 files/);
  // Named by one file only: not "used across the workspace".
  assert.equal(packed.items.some((i) => i.path === 'lib/app/rarely.rb'), false);
  engine.dispose();
});
