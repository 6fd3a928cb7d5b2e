/**
 * Per-request work of the ranking made cheaper without changing what it finds (session 13): secret-path verdicts kept
 * per path, member counts by character code, packing's lower bound stopped early, barrel expansions and import
 * resolutions kept (and dropped when the index or the manifests change).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { rng } from '../../../bench/rng';
import { tempWorkspaces } from './tempWorkspace';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { BarrelCache, expandBarrels } from '../../../src/core/context/barrels';
import { ImportResolver } from '../../../src/core/context/resolveImports';
import type { LanguageName } from '../../../src/core/context/languages';
import type { Candidate } from '../../../src/core/context/packing';
import type { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { isSecretPath } from '../../../src/core/trust/secrets';
import { firstInOrder, memberCounts } from '../../../src/core/context/qualified';
import { minTokens, minTokensExceed } from '../../../src/core/tokens';

test('isSecretPath: a verdict asked again is the one first given, path by path (paths sharing a base name differ)', () => {
  const paths = ['.git/config', 'src/config', 'a/.env', 'a/env.ts', 'home/.ssh/config', 'lib/ssh/config', '.aws/config', 'aws/config', 'id_rsa', 'src/id.ts'];
  const first = paths.map((p) => isSecretPath(p));
  assert.deepEqual(first, [true, false, true, false, true, false, true, false, true, false]);
  for (let round = 0; round < 3; round++) assert.deepEqual([...paths].reverse().map((p) => isSecretPath(p)), [...first].reverse());
});

/** memberCounts before session 13 (regular-expression tests per character), the reference. */
function referenceMemberCounts(text: string, q: string): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = text.indexOf(q); i >= 0; i = text.indexOf(q, i + q.length)) {
    if (i > 0 && /[\w$]/.test(text[i - 1])) continue;
    let j = i + q.length;
    if (text[j] === '.') j++;
    else if (text[j] === ':' && text[j + 1] === ':') j += 2;
    else continue;
    let k = j;
    while (k < text.length && /[\w$]/.test(text[k])) k++;
    if (k > j) out.set(text.slice(j, k), (out.get(text.slice(j, k)) ?? 0) + 1);
  }
  return out;
}

test('memberCounts: the members after `q.` / `q::`, counted and in order as the per-character expression tests found them', () => {
  const random = rng(72);
  const pieces = ['core', 'Q', 'xcore', 'core9', '9', '.', '::', ':', ' ', '\n', 'map', '$x', '_', 'é', 'flatMapWithAVeryLongName', '(', '\u{1F600}', 'core.', 'Q::', ' core.map', '$x.a'];
  let found = 0;
  for (let round = 0; round < 2000; round++) {
    const text = Array.from({ length: Math.floor(random() * 50) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    for (const q of ['core', 'Q', '$x']) {
      const expected = [...referenceMemberCounts(text, q)];
      found += expected.length;
      assert.deepEqual([...memberCounts(text, q)], expected, JSON.stringify({ text, q }));
      assert.deepEqual([...memberCounts(text, q, true)], expected, JSON.stringify({ text, q }));
    }
  }
  assert.ok(found > 500, `the random texts held members (${found})`);
});

test('minTokensExceed: minTokens(text) > limit, for limits below, at and above the count, specials and letters of every script', () => {
  const random = rng(74);
  const pieces = ['a', 'bc', ' ', '\n', '1', 'é', 'ñame', '日本', '\u{1F600}', '<|im_end|>', '<|', '_', '.', 'Ω'];
  for (let round = 0; round < 2000; round++) {
    const text = Array.from({ length: Math.floor(random() * 30) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const n = minTokens(text);
    for (const limit of [-1, 0, n - 1, n, n + 1, Math.floor(random() * 20)]) assert.equal(minTokensExceed(text, limit), n > limit, JSON.stringify({ text, limit }));
  }
});

const workspace = tempWorkspaces('rank-scans-');

/** An engine over `index` and a probe: the files whose `helper` is offered as imported at the cursor of `text`. */
function helperProbe(index: WorkspaceIndex, root: string) {
  let seen: string[] = [];
  const engine = new TreeSitterContextEngine({
    index,
    sources: { similar: false, recentEdits: false },
    onCandidates: (cs: readonly Candidate[]) => (seen = cs.filter((c) => c.source === 'import' && /function helper/.test(c.body)).map((c) => c.path)),
  });
  const importedHelper = async (text: string, version: number): Promise<string[]> => {
    const offset = text.indexOf('CURSOR');
    const doc = { path: path.join(root, 'src/main.ts'), relPath: 'src/main.ts', languageId: 'typescript', text: text.replace('CURSOR', ''), version, offset };
    await engine.assemble({ doc, budgetTokens: 800, purpose: 'completion' });
    return seen;
  };
  return { engine, importedHelper };
}

test('barrels and import resolutions kept across requests: a barrel re-pointed by an index update is followed at once', async () => {
  const main = ['import { helper } from "./lib"', '', 'export function run(n: number) {', '  return helper(n) + helper(n + 1)', '  CURSOR', '}', ''].join('\n');
  const { root, index } = await workspace({
    'src/main.ts': main,
    'src/lib/index.ts': 'export * from "./a"\n',
    'src/lib/a.ts': 'export function helper(a: number): number {\n  return a\n}\n',
    'src/lib/b.ts': 'export function helper(b: number): number {\n  return b * 2\n}\n',
  });
  const { engine, importedHelper } = helperProbe(index, root);
  assert.deepEqual(await importedHelper(main, 1), ['src/lib/a.ts']);
  assert.deepEqual(await importedHelper(main, 2), ['src/lib/a.ts'], 'the same answer from the kept expansion');
  await index.updateText('src/lib/index.ts', 'export * from "./b"\n');
  assert.deepEqual(await importedHelper(main, 3), ['src/lib/b.ts'], 'the barrel now re-exports b.ts');
  engine.dispose();
});

test('BarrelCache: the expansion of the same lists for one owner, a new owner expands again; callers get their own copies', () => {
  const files = new Map<string, { path: string; imports: string[]; tags: unknown[] }>([
    ['index.ts', { path: 'index.ts', imports: ['./a'], tags: [] }],
    ['a.ts', { path: 'a.ts', imports: [], tags: [{}] }],
  ]);
  const index = { file: (p: string) => files.get(p) } as unknown as WorkspaceIndex;
  const resolveFrom = (_from: string, src: string) => [src.replace('./', '') + '.ts'];
  const cache = new BarrelCache();
  const owner = {};
  const first = cache.expand(owner, ['index.ts'], index, resolveFrom, 10);
  assert.deepEqual(first, expandBarrels(['index.ts'], index, resolveFrom, 10));
  first[0].depth = 99;
  first.push({ path: 'x', depth: 0 });
  assert.deepEqual(cache.expand(owner, ['index.ts'], index, resolveFrom, 10), [{ path: 'index.ts', depth: 0 }, { path: 'a.ts', depth: 1 }]);
  files.get('index.ts')!.imports = ['./b'];
  files.set('b.ts', { path: 'b.ts', imports: [], tags: [{}] });
  assert.deepEqual(cache.expand(owner, ['index.ts'], index, resolveFrom, 10).map((f) => f.path), ['index.ts', 'a.ts'], 'kept while the owner holds');
  assert.deepEqual(cache.expand({}, ['index.ts'], index, resolveFrom, 10).map((f) => f.path), ['index.ts', 'b.ts'], 'a new owner expands again');
  assert.deepEqual(cache.expand(owner, ['index.ts'], index, resolveFrom, 1).map((f) => f.path), ['index.ts'], 'the limit is part of the key');
});

test('ImportResolver: kept answers equal a fresh resolver\'s, and a caller changing its answer changes no later one', () => {
  const paths = ['src/a.ts', 'src/b/index.ts', 'src/b/c.ts', 'lib/util.py', 'lib/__init__.py', 'pkg/x.go', 'pkg/y.go'];
  const kept = new ImportResolver(paths);
  const queries: [string, LanguageName, string][] = [
    ['src/a.ts', 'typescript', './b'], ['src/a.ts', 'typescript', './b/c.js'], ['src/b/c.ts', 'typescript', '../a'],
    ['lib/util.py', 'python', '.'], ['lib/util.py', 'python', 'lib.util'], ['pkg/x.go', 'go', 'example.com/pkg'], ['src/a.ts', 'typescript', ''],
  ];
  for (let round = 0; round < 3; round++) {
    for (const [from, language, source] of queries) {
      const answer = kept.resolve(from, language, source);
      assert.deepEqual(answer, new ImportResolver(paths).resolve(from, language, source), JSON.stringify({ from, source, round }));
      answer.push('changed');
    }
  }
});

test('firstInOrder: the first k of n by a total order, as sorting all n and keeping k, with many equal scores', () => {
  const r = rng(41);
  let selected = 0;
  for (let round = 0; round < 400; round++) {
    const n = Math.floor(r() * 600);
    const k = Math.floor(r() * 300);
    // Few distinct scores: ties are broken by position, as the namespace members' order does.
    const distinct = 1 + Math.floor(r() * 12);
    const scores = Float64Array.from({ length: n }, () => Math.floor(r() * distinct) / 3);
    const before = (a: number, b: number) => scores[b] - scores[a] || a - b;
    const want = Array.from({ length: n }, (_, i) => i).sort(before).slice(0, k);
    assert.deepEqual(firstInOrder(n, k, before), want, `round ${round}: n ${n}, k ${k}`);
    if (n > k) selected++;
  }
  assert.ok(selected > 200, `rounds selecting fewer than all: ${selected}`);
});
