/**
 * A package imported by its own name (src/core/context/packageManifests.ts, resolveImports.ts): through the
 * workspace's package.json (`exports` subpaths, `*` patterns, conditions; `main`/`types` without exports), to the
 * workspace file a target names or to the source of an emitted target (`./index.js` -> `./index.ts`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { tempWorkspaces } from './tempWorkspace';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { ImportResolver } from '../../../src/core/context/resolveImports';
import { loadManifests, manifestCandidates, parseManifest } from '../../../src/core/context/packageManifests';

const workspace = tempWorkspaces('packages-');

const ZOD = JSON.stringify({
  name: 'zod',
  main: './index.cjs',
  exports: {
    './package.json': './package.json',
    '.': { '@zod/source': './src/index.ts', types: './index.d.cts', import: './index.js' },
    './v4/core': { types: './v4/core/index.d.cts', import: './v4/core/index.js' },
    './locales/*': { import: './src/locales/*.ts' },
  },
});
const UTIL = JSON.stringify({ name: '@acme/util', main: 'lib/index.js', types: 'lib/index.d.ts' });

test('a package name and its export subpaths resolve through the package.json of the workspace', () => {
  const files = ['packages/zod/src/index.ts', 'packages/zod/src/v4/core/index.ts', 'packages/zod/v4/core/index.ts', 'packages/zod/src/locales/fr.ts', 'packages/util/lib/index.ts', 'packages/util/lib/strings.ts', 'app/main.ts'];
  const manifests = [parseManifest('packages/zod', ZOD)!, parseManifest('packages/util', UTIL)!];
  const withManifests = new ImportResolver(files, manifests);
  const without = new ImportResolver(files);
  const ts = (r: ImportResolver, source: string) => r.resolve('app/main.ts', 'typescript', source);
  assert.deepEqual(ts(withManifests, 'zod'), ['packages/zod/src/index.ts'], 'the source condition, first written');
  assert.deepEqual(ts(without, 'zod'), [], 'no file or folder is named zod');
  assert.deepEqual(ts(withManifests, 'zod/v4/core'), ['packages/zod/v4/core/index.ts'], 'an emitted target stands for its source');
  assert.deepEqual(ts(withManifests, 'zod/locales/fr'), ['packages/zod/src/locales/fr.ts'], 'a * pattern');
  assert.deepEqual(ts(withManifests, '@acme/util'), ['packages/util/lib/index.ts'], 'main, without exports');
  assert.deepEqual(ts(withManifests, '@acme/util/lib/strings'), ['packages/util/lib/strings.ts'], 'any path, without exports');
  assert.deepEqual(ts(withManifests, 'zodiac'), [], 'a name that only starts like the package');
  assert.deepEqual(withManifests.resolve('app/main.py', 'python', 'zod'), [], 'other languages do not use package.json');
});

test('manifests: malformed, nameless or oversized package.json files are ignored; candidates are the folders of the files', async () => {
  assert.equal(parseManifest('', '{ "name": '), undefined);
  assert.equal(parseManifest('', '{ "version": "1.0.0" }'), undefined);
  assert.equal(parseManifest('', `{ "name": "x", "description": "${'a'.repeat(300_000)}" }`), undefined);
  assert.deepEqual(parseManifest('', '{ "name": "x", "exports": "./main.js" }')?.exports.get('.'), ['./main.js']);
  assert.deepEqual(manifestCandidates(['a/b/c.ts', 'a/d.ts', 'e.ts']), ['package.json', 'a/package.json', 'a/b/package.json']);
  const read: string[] = [];
  const loaded = await loadManifests(['pkg/src/a.ts'], async (p) => {
    read.push(p);
    return p === 'pkg/package.json' ? UTIL : undefined;
  });
  assert.deepEqual(read.sort(), ['package.json', 'pkg/package.json', 'pkg/src/package.json']);
  assert.deepEqual(loaded.map((m) => [m.dir, m.name]), [['pkg', '@acme/util']]);
});

test('a test importing its own package by name (`from "zod"`) gets the definitions of the package\'s entry', async () => {
  const { root, index } = await workspace({
    'package.json': ZOD,
    'src/index.ts': "export * from './schemas';\n",
    'src/schemas.ts': [
      ...Array.from({ length: 20 }, (_, i) => `export function helper${i}(x: number): number {\n  return x + ${i};\n}`),
      'export function object(shape: Record<string, unknown>): { shape: Record<string, unknown> } {',
      '  return { shape };',
      '}',
      '',
    ].join('\n'),
    'other/object.ts': 'export function object(): string {\n  return "not zod";\n}\n',
  });
  const text = "import { object } from 'zod';\n\nconst schema = object({ a: 1 });\n";
  const doc = { path: path.join(root, 'src/tests/object.test.ts'), relPath: 'src/tests/object.test.ts', languageId: 'typescript', text, version: 1, offset: text.length };
  const engine = new TreeSitterContextEngine({ index });
  const before = await engine.assemble({ doc, budgetTokens: 400, purpose: 'completion' });
  assert.ok(!before.items.some((i) => i.path === 'src/schemas.ts' && i.text.includes('export function object(shape')), 'not resolved before the manifests are read');
  await engine.loadPackageManifests();
  const packed = await engine.assemble({ doc: { ...doc, version: 2 }, budgetTokens: 400, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'src/schemas.ts' && i.text.includes('export function object(shape'));
  assert.ok(item, packed.text);
  engine.dispose();
});
