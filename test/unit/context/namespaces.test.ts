/**
 * Namespace members, barrels, adjacent definitions and module aliases (src/core/context/{qualified,barrels,adjacent,
 * subwords}.ts), on the fixture workspace's src/ns: `schemas.ts` uses `core.` (import * as core from a barrel that
 * re-exports api.ts, 50 factories), `checks.ts` is a re-export list with a line missing.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import * as fs from 'fs';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { RecentActivity } from '../../../src/core/context/activity';
import { expandBarrels, isBarrel } from '../../../src/core/context/barrels';
import { ImportResolver } from '../../../src/core/context/resolveImports';
import { SubwordBag, subwordIdf, subwordRelevance, subwords } from '../../../src/core/context/subwords';
import type { DocumentSnapshot } from '../../../src/core/context/types';

const ROOT = path.join(__dirname, '..', '..', 'fixtures', 'context', 'workspace');
let index: WorkspaceIndex;

before(async () => {
  index = new WorkspaceIndex(nodeWorkspaceFs(ROOT), new ExclusionRules());
  await index.build();
});

/** The file with its `// CURSOR` line emptied, the cursor at that line's indentation. */
function atCursor(rel: string): DocumentSnapshot {
  const raw = fs.readFileSync(path.join(ROOT, rel), 'utf8');
  const at = raw.indexOf('// CURSOR');
  assert.ok(at >= 0);
  const text = raw.slice(0, at) + raw.slice(at + '// CURSOR'.length);
  return { path: path.join(ROOT, rel), relPath: rel, languageId: 'typescript', text, version: 1, offset: at };
}

test('subwords split camelCase, snake_case, acronyms and $-prefixes, singularised', () => {
  assert.deepEqual(subwords('$ZodEmojiInternals'), ['zod', 'emoji', 'internal']);
  assert.deepEqual(subwords('parse_headers'), ['parse', 'header']);
  assert.deepEqual(subwords('JSONSchema'), ['json', 'schema']);
  assert.deepEqual(subwords('_properties'), ['property']);
  assert.deepEqual(subwords('x1'), []);
});

test('subword relevance prefers rare shared sub-words over common ones', () => {
  const names = ['$ZodNever', '$ZodString', '$ZodNumber', '$ZodNeverInternals', 'helper'];
  const idf = subwordIdf(names);
  const bag = new SubwordBag();
  bag.add('never', 1);
  bag.add('ZodThing', 0.5);
  const score = (n: string) => subwordRelevance(n, bag, idf);
  assert.ok(score('$ZodNever') > score('$ZodString'), 'the rare sub-word decides');
  assert.ok(score('$ZodNever') > score('$ZodNeverInternals'), 'an extra unmatched sub-word costs');
  assert.equal(score('helper'), 0);
});

test('barrels are followed: core/index.ts reaches api.ts and shapes.ts', () => {
  const resolver = new ImportResolver([...index.allFiles()].map((f) => f.path));
  const barrel = index.file('src/ns/core/index.ts');
  assert.ok(barrel && isBarrel(barrel));
  assert.equal(isBarrel(index.file('src/ns/core/api.ts')!), false);
  const reach = expandBarrels(['src/ns/core/index.ts'], index, (from, src) => resolver.resolve(from, 'typescript', src));
  assert.deepEqual(reach.map((r) => `${r.path}@${r.depth}`).sort(), ['src/ns/core/api.ts@1', 'src/ns/core/index.ts@0', 'src/ns/core/shapes.ts@1']);
});

test('a namespace member the visible text never names is packed, ranked by the enclosing function name', async () => {
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: atCursor('src/ns/schemas.ts'), budgetTokens: 300, purpose: 'completion' });
  const never = packed.items.find((i) => i.path === 'src/ns/core/api.ts' && i.text.includes('export function _never('));
  assert.ok(never, packed.text);
  assert.match(never.reason, /a member of core/);
  const internals = packed.items.find((i) => i.text.includes('interface NeverShapeInternals'));
  assert.ok(internals, 'the type sharing the rare sub-word is packed too');
  // 50 factories do not fit in 300 tokens: the name decides which do.
  assert.ok(!packed.text.includes('export function _toUpperCase('), packed.text);
  assert.ok(packed.tokens <= 300);
  engine.dispose();
});

test('a module alias is not looked up by name: `core` defined elsewhere stays out', async () => {
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: atCursor('src/ns/schemas.ts'), budgetTokens: 2000, purpose: 'completion' });
  assert.ok(!packed.items.some((i) => i.path === 'src/ns/other.ts'), packed.text);
  engine.dispose();
});

test('in a re-export list, the definitions between the names above and below the cursor are packed', async () => {
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: atCursor('src/ns/checks.ts'), budgetTokens: 400, purpose: 'completion' });
  for (const name of ['_lte', '_gt']) {
    const item = packed.items.find((i) => i.path === 'src/ns/core/api.ts' && i.text.includes(`export function ${name}(`));
    assert.ok(item, `${name}\n${packed.text}`);
    assert.match(item.reason, /defined between _lt and _gte/);
  }
  engine.dispose();
});

test('members that the open files call on the same qualifier rank higher (what siblings use, this file likely uses)', async () => {
  const doc = atCursor('src/ns/schemas.ts');
  const quiet = new TreeSitterContextEngine({ index });
  const before = await quiet.assemble({ doc, budgetTokens: 300, purpose: 'completion' });
  assert.ok(!before.text.includes('export function _boolean('), 'not packed on its name alone');
  const activity = new RecentActivity();
  for (const n of ['a', 'b']) activity.noteDocument({ relPath: `src/ns/open-${n}.ts`, languageId: 'typescript', version: 1, text: `import * as core from './core/index';\nexport const ${n} = core._boolean();\n` });
  const engine = new TreeSitterContextEngine({ index, activity });
  const packed = await engine.assemble({ doc, budgetTokens: 300, purpose: 'completion' });
  const item = packed.items.find((i) => i.text.includes('export function _boolean('));
  assert.ok(item, packed.text);
  assert.match(item.reason, /2 open files use core\._boolean/);
  quiet.dispose();
  engine.dispose();
});

test('a qualifier naming a namespace declared in the imported file offers that namespace\'s members', async () => {
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: atCursor('src/ns/user.ts'), budgetTokens: 400, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'src/ns/helpers.ts' && i.text.includes('function objectValues(') && /a member of util/.test(i.reason));
  assert.ok(item, packed.items.map((i) => `${i.reason}: ${i.text}`).join('\n'));
  engine.dispose();
});
