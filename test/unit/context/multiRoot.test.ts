/** A multi-root workspace: several folders indexed as one, paths prefixed with the folder's name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { multiRootWorkspaceFs, nodeWorkspaceFs, walkWorkspace } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';

function folder(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-multiroot-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const app = folder({
  'src/main.ts': "import { format } from './format';\n\nexport function run(n: number) {\n  const s = format(n);\n  return clampValue(s.length, 0, 10);\n}\n",
  'src/format.ts': 'export function format(n: number): string {\n  return String(n);\n}\n',
  '.env': 'TOKEN=secret',
});
const lib = folder({
  'src/math.ts': 'export function clampValue(x: number, lo: number, hi: number): number {\n  return Math.min(hi, Math.max(lo, x));\n}\n',
  'build/out.ts': 'export function clampValue() {}\n',
  '.gitignore': 'build/\n',
});
const wfs = () => multiRootWorkspaceFs([{ name: 'app', fs: nodeWorkspaceFs(app) }, { name: 'lib', fs: nodeWorkspaceFs(lib) }, { name: 'app', fs: nodeWorkspaceFs(lib) }]);

test('the walk lists every folder under its name, with each folder\'s .gitignore and the secret rules applied', async () => {
  const files = await walkWorkspace(wfs(), new ExclusionRules());
  assert.deepEqual(files, ['app/src/format.ts', 'app/src/main.ts', 'lib/.gitignore', 'lib/src/math.ts']);
  assert.equal(await wfs().readText('lib/src/math.ts'), fs.readFileSync(path.join(lib, 'src/math.ts'), 'utf8'));
  assert.equal(await wfs().stat('nope/src/math.ts'), undefined, 'an unknown folder name');
  assert.equal(await wfs().stat('lib'), undefined, 'a folder is not a file');
});

test('one index over both folders: imports resolve inside a folder, definitions are found across folders', async () => {
  const index = new WorkspaceIndex(wfs(), new ExclusionRules(), { workers: 0 });
  await index.build();
  assert.deepEqual([...index.allFiles()].map((f) => f.path).sort(), ['app/src/format.ts', 'app/src/main.ts', 'lib/src/math.ts']);
  const text = fs.readFileSync(path.join(app, 'src/main.ts'), 'utf8');
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({
    doc: { path: path.join(app, 'src/main.ts'), relPath: 'app/src/main.ts', languageId: 'typescript', text, version: 1, offset: text.indexOf('return clamp') },
    budgetTokens: 1000,
    purpose: 'completion',
  });
  assert.ok(packed.items.some((i) => i.path === 'app/src/format.ts' && i.source === 'import' && i.text.includes('export function format(')), packed.text);
  assert.ok(packed.items.some((i) => i.path === 'lib/src/math.ts' && i.text.includes('export function clampValue(')), packed.text);
  assert.ok(!packed.text.includes('TOKEN=secret'));
  engine.dispose();
});
