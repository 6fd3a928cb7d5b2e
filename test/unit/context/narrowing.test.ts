/**
 * Narrowing (src/core/context/narrowing.ts): a discriminated union tested on its tag (`switch (node.kind) { case
 * "branch": |`, `if (node.kind === "branch") { |`) narrows the value to the member declaring that tag, whose own fields
 * the engine then offers; a cast ending a declaration (`const x = f() as T`) types the value as written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { tempWorkspaces } from './tempWorkspace';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { castTypeAt, narrowingsAt } from '../../../src/core/context/narrowing';
import type { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';

const at = (src: string) => ({ text: src.replace('|', ''), cursor: src.indexOf('|') });

test('the narrowings in force at the cursor: the case group it is under, the if-blocks it is in', () => {
  const sw = at('switch (node.kind) {\n  case "leaf":\n    return 1\n  case "branch":\n  case \'fork\':\n    |\n}');
  assert.deepEqual(narrowingsAt(sw.text, sw.cursor), [{ value: 'node', field: 'kind', literals: ['branch', 'fork'] }]);
  // In a block of its own under the label, and with a nested switch closed before the cursor.
  const block = at('switch (n.kind) {\n  case "branch": {\n    switch (m.kind) { case "leaf": break }\n    |\n  }\n}');
  assert.deepEqual(narrowingsAt(block.text, block.cursor), [{ value: 'n', field: 'kind', literals: ['branch'] }]);
  const dflt = at('switch (n.kind) {\n  case "leaf":\n    return 1\n  default:\n    |\n}');
  assert.deepEqual(narrowingsAt(dflt.text, dflt.cursor), [], 'default narrows to nothing said');
  const closed = at('switch (n.kind) {\n  case "leaf":\n    return 1\n}\n|');
  assert.deepEqual(narrowingsAt(closed.text, closed.cursor), [], 'after the switch');
  const nonString = at('switch (n.kind) {\n  case Kind.Leaf:\n    |\n}');
  assert.deepEqual(narrowingsAt(nonString.text, nonString.cursor), []);
  const ifs = at('if (n.kind === "branch") {\n  if ("leaf" == m.tag) {\n    |\n  }\n}');
  assert.deepEqual(narrowingsAt(ifs.text, ifs.cursor), [
    { value: 'm', field: 'tag', literals: ['leaf'] },
    { value: 'n', field: 'kind', literals: ['branch'] },
  ]);
  const other = at('if (n.kind === "branch" && ok) {\n  |\n}');
  assert.deepEqual(narrowingsAt(other.text, other.cursor), [], 'a compound test is not read');
});

test('a cast or satisfies ending the statement is the declared type; casts inside it and `as const` are not', () => {
  assert.equal(castTypeAt('lookup(services, key) as Rpc.Handler<Tags["_tag"]>\n', 0), 'Rpc.Handler<Tags["_tag"]>');
  assert.equal(castTypeAt('{ a: 1 } satisfies Options;', 0), 'Options');
  assert.equal(castTypeAt('f(x as Options)', 0), undefined);
  assert.equal(castTypeAt('[1, 2] as const', 0), undefined);
  assert.equal(castTypeAt('compute(x)\nother as Options', 0), undefined, 'the statement\'s own line only');
});

const workspace = tempWorkspaces('narrowing-');

/** A union of many members (its alias longer than the index's snippet shows), each with fields of its own. */
function library(): Record<string, string> {
  const names = Array.from({ length: 14 }, (_, i) => `Kind${i}`);
  const members = names.map((n, i) => [
    `export interface ${n} extends Base {`,
    `  readonly kind: "${n.toLowerCase()}";`,
    ...Array.from({ length: 6 }, (_, j) => `  readonly field${i}x${j}: number;`),
    '}',
  ].join('\n'));
  return {
    'src/ast.ts': [
      'export interface Base { readonly annotations: unknown; readonly checks: unknown[] }',
      'export interface Branch extends Base {',
      '  readonly kind: "branch";',
      '  readonly children: ReadonlyArray<Node>;',
      '}',
      ...members,
      'export type Node =',
      '  | Branch',
      ...names.map((n) => `  | ${n}`),
      '',
    ].join('\n'),
  };
}

async function packedAt(root: string, index: WorkspaceIndex, body: string[], budgetTokens = 250) {
  const text = ["import * as ast from './ast';", ...body, ''].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const offset = text.indexOf('CURSOR');
  const packed = await engine.assemble({ doc: { path: path.join(root, 'src/walk.ts'), relPath: 'src/walk.ts', languageId: 'typescript', text: text.replace('CURSOR', ''), version: 1, offset }, budgetTokens, purpose: 'completion' });
  engine.dispose();
  return packed;
}

test('under `case "branch":` of a switch on the tag, the narrowed member\'s own field is offered', async () => {
  const { root, index } = await workspace(library());
  const walk = (label: string) => [
    'export function walk(node: ast.Node): number {',
    '  switch (node.kind) {',
    ...Array.from({ length: 4 }, (_, i) => `    case "kind${i}":\n      return node.field${i}x0`),
    `    case "${label}":`,
    '      CURSOR',
    '  }',
    '}',
  ];
  // A budget of a few lines: the narrowed member's own fields come first.
  const packed = await packedAt(root, index, walk('branch'), 70);
  const item = packed.items.find((i) => i.path === 'src/ast.ts' && i.text.includes('readonly children: ReadonlyArray<Node>;'));
  assert.ok(item, packed.text);
  assert.match(item.reason, /narrowed to/);
  // Another member's case: Branch's field is not what the block uses.
  const other = await packedAt(root, index, walk('kind9'));
  assert.ok(!other.items.some((i) => i.text.includes('readonly children') && /narrowed to/.test(i.reason)), other.text);
  const own = other.items.find((i) => i.text.includes('readonly field9x3: number;'));
  assert.match(own?.reason ?? '', /narrowed to/, other.text);
});

test('`const b = lookup(node) as ast.Branch`: the members of the type cast to are offered', async () => {
  const { root, index } = await workspace(library());
  // Imported by name: a bare `Branch` is no chain, so only the cast says what `branch` is.
  const packed = await packedAt(root, index, ["import type { Branch } from './ast';", 'export function find(node: unknown) {', '  const branch = lookup(node) as Branch', '  CURSOR', '}']);
  const item = packed.items.find((i) => i.path === 'src/ast.ts' && i.text.includes('readonly children: ReadonlyArray<Node>;'));
  assert.match(item?.reason ?? '', /a member of Branch/, packed.text);
});
