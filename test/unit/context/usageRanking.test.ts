import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { identifiersUsed } from '../../../src/core/context/fileIndexer';
import { importBonus } from '../../../src/core/context/retrieval';
import type { PackedContext } from '../../../src/core/context/types';

/** Writes `files` to a throwaway folder, indexes it, and runs `fn` with the index; the folder is removed afterwards. */
async function withIndex<T>(files: Record<string, string>, fn: (idx: WorkspaceIndex, root: string) => Promise<T>): Promise<T> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-usage-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    const idx = new WorkspaceIndex(nodeWorkspaceFs(root), new ExclusionRules(), { workers: 0 });
    await idx.build();
    return await fn(idx, root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function assemble(idx: WorkspaceIndex, root: string, relPath: string, text: string, offset: number, budgetTokens: number): Promise<PackedContext> {
  const engine = new TreeSitterContextEngine({ index: idx });
  try {
    return await engine.assemble({ doc: { path: path.join(root, relPath), relPath, languageId: 'typescript', text, version: 1, offset }, budgetTokens, purpose: 'completion' });
  } finally {
    engine.dispose();
  }
}

/** A module of 60 helpers: `rare00`..`rare58` first, then `shared` last (beyond the first 40 definitions of the file). */
function helpersModule(): string {
  const rare = Array.from({ length: 59 }, (_, i) => `export function rare${String(i).padStart(2, '0')}(value: number, other: string): number {\n  return value + other.length;\n}\n`);
  return rare.join('') + 'export function shared(input: string): string {\n  return input.trim();\n}\n';
}

/** `n` modules that each import and call `shared` (what makes it the workspace's most used helper). */
function callers(n: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < n; i++) out[`feature${i}.ts`] = `import { shared } from './helpers';\nexport const f${i} = (s: string) => shared(s);\n`;
  return out;
}

test('identifiersUsed: the distinct identifiers of the code, without keywords or line comments', () => {
  const used = identifiersUsed('typescript', "import { shared } from './helpers';\n// prose mentions unrelatedWord\nconst total = shared(x) + shared(y); // trailing note\n");
  assert.deepEqual(used.sort(), ['helpers', 'shared', 'total']);
  assert.deepEqual(identifiersUsed('python', 'from util import helper  # comment words\nhelper(1)\n').sort(), ['helper', 'util']);
});

test('the index counts in how many files a name is used, and keeps the counts on update and delete', async () => {
  await withIndex({ 'helpers.ts': helpersModule(), ...callers(5) }, async (idx, root) => {
    assert.equal(idx.usage('shared'), 6); // helpers.ts and its five callers
    assert.equal(idx.usage('rare07'), 1);
    assert.equal(idx.usage('nowhere'), 0);
    fs.rmSync(path.join(root, 'feature0.ts'));
    await idx.update('feature0.ts');
    assert.equal(idx.usage('shared'), 5);
    fs.writeFileSync(path.join(root, 'feature1.ts'), 'export const g = rare07(1, "a");\n');
    await idx.update('feature1.ts');
    assert.equal(idx.usage('shared'), 4);
    assert.equal(idx.usage('rare07'), 2);
    const restored = new WorkspaceIndex(nodeWorkspaceFs(root), new ExclusionRules(), { workers: 0 });
    assert.ok(restored.restore(idx.serialize()) > 0);
    assert.equal(restored.usage('shared'), 4, 'counts come back with a restored index');
  });
});

test("an imported module's most used helper is offered before its rarely used definitions, even past the 40 first", async () => {
  const files = { 'helpers.ts': helpersModule(), ...callers(8) };
  // The current file imports the module but names none of its helpers near the cursor.
  const text = "import * as H from './helpers';\n\nexport function run(s: string) {\n  \n}\n";
  await withIndex({ ...files, 'app.ts': text }, async (idx, root) => {
    const packed = await assemble(idx, root, 'app.ts', text, text.indexOf('  \n') + 2, 300);
    const shared = packed.items.find((i) => i.path === 'helpers.ts' && i.text.includes('function shared('));
    assert.ok(shared, `the workspace's most used helper is packed:\n${packed.text}`);
    const rare = packed.items.filter((i) => i.path === 'helpers.ts' && /function rare\d\d\(/.test(i.text));
    assert.ok(rare.length < 59, 'the budget does not hold every helper (the test would not tell anything)');
  });
});

test('an imported file named by a plain import: its most used definition comes first in its surface', async () => {
  const files = { 'helpers.ts': helpersModule(), ...callers(8), 'app.ts': "import { rare03 } from './helpers';\n\nexport function run(s: string) {\n  \n}\n" };
  await withIndex(files, async (idx, root) => {
    const text = files['app.ts'];
    const packed = await assemble(idx, root, 'app.ts', text, text.indexOf('  \n') + 2, 200);
    assert.ok(packed.items.some((i) => i.text.includes('function shared(')), packed.text);
  });
});

test("a namespace's members are ranked by how much the workspace uses them (H.shared before H.rareNN)", async () => {
  const text = "import * as H from './helpers';\n\nexport function run(s: string) {\n  const a = H.rare01(1, s);\n  \n  return a;\n}\n";
  await withIndex({ 'helpers.ts': helpersModule(), ...callers(8), 'app.ts': text }, async (idx, root) => {
    const packed = await assemble(idx, root, 'app.ts', text, text.indexOf('  \n') + 2, 150);
    const shared = packed.items.find((i) => i.text.includes('function shared('));
    assert.ok(shared, packed.text);
    assert.match(shared.reason, /a member of H/);
  });
});

test('importBonus: every imported name gets it in a file with few imports; in one importing dozens, the used ones do', () => {
  assert.equal(importBonus(1, 3), importBonus(30, 3));
  assert.ok(importBonus(1, 40) < 0.25 * importBonus(1, 3), `${importBonus(1, 40)}`);
  assert.ok(importBonus(20, 40) > 2 * importBonus(2, 40));
  assert.equal(importBonus(100, 40), importBonus(1, 3));
});
