/**
 * The editor's language server as a context source (src/core/context/definitionHints.ts): the locations its providers
 * give for the names around the cursor bring the definitions there (taken from the index by file and line) into the
 * packed context; a location the index does not hold, or in a file re-indexed since, brings nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { tempWorkspaces } from './tempWorkspace';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { tagAt, type DefinitionHint } from '../../../src/core/context/definitionHints';
import type { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';

const workspace = tempWorkspaces('definition-hints-');

const CLIENT = [
  'export interface Client {',
  '  runQueryWithRetries(sql: string, attempts: number): Promise<number>;',
  '  closeConnectionGracefully(reason: string): void;',
  '}',
  '',
].join('\n');

/** `makeClient()` returns a Client only through a generic: tree-sitter cannot type `c`; a language server can. */
function files(): Record<string, string> {
  const out: Record<string, string> = {
    'src/client.ts': CLIENT,
    'src/factory.ts': "import type { Client } from './client';\nfunction wrap<T>(value: unknown): T {\n  return value as T;\n}\nexport function makeClient() {\n  return wrap<Client>({});\n}\n",
  };
  // Modules the cursor's file imports and uses: what the budget holds without the hints.
  for (let i = 0; i < 12; i++) out[`src/util${i}.ts`] = `export function formatRecordNumber${i}(value: number, width: number): string {\n  return String(value).padStart(width + ${i});\n}\n`;
  return out;
}

const CURSOR_FILE = [
  "import { makeClient } from './factory';",
  ...Array.from({ length: 12 }, (_, i) => `import { formatRecordNumber${i} } from './util${i}';`),
  '',
  'export async function report(rows: number[]) {',
  ...Array.from({ length: 12 }, (_, i) => `  console.log(formatRecordNumber${i}(rows[${i}], 4));`),
  '  const c = makeClient();',
  '  const total = await c.runQueryWithRetries("select 1", 3);',
  '  c.CURSOR',
  '}',
  '',
].join('\n');

async function assembleAt(engine: TreeSitterContextEngine, root: string) {
  const offset = CURSOR_FILE.indexOf('CURSOR');
  const text = CURSOR_FILE.replace('CURSOR', '');
  return engine.assemble({ doc: { path: path.join(root, 'src/app.ts'), relPath: 'src/app.ts', languageId: 'typescript', text, version: 1, offset }, budgetTokens: 400, purpose: 'completion' });
}

/** The hints a TypeScript language server gives here: `c`'s type, and what `runQueryWithRetries` is. */
function serverHints(index: WorkspaceIndex): DefinitionHint[] {
  const lines = index.file('src/client.ts') ? CLIENT.split('\n') : [];
  return [
    { name: 'c', kind: 'type', relPath: 'src/client.ts', line: lines.findIndex((l) => l.includes('interface Client')) },
    { name: 'runQueryWithRetries', kind: 'definition', relPath: 'src/client.ts', line: lines.findIndex((l) => l.includes('runQueryWithRetries(')) },
  ];
}

test("a value's type from the hints brings its members into the context; without them it is not there", async () => {
  const { root, index } = await workspace(files());
  const engine = new TreeSitterContextEngine({ index });
  const before = await assembleAt(engine, root);
  assert.ok(!before.text.includes('closeConnectionGracefully'), `tree-sitter alone does not type c:\n${before.text}`);
  engine.hints.set('src/app.ts', serverHints(index), index);
  const after = await assembleAt(engine, root);
  const member = after.items.find((i) => i.path === 'src/client.ts' && i.text.includes('closeConnectionGracefully(reason: string): void;'));
  assert.ok(member, after.text);
  assert.match(member.reason, /a member of Client/);
  const defined = after.items.find((i) => i.path === 'src/client.ts' && i.text.includes('runQueryWithRetries(sql: string'));
  assert.ok(defined, after.text);
});

test('a hinted definition is scored as an imported name used near the cursor, even where its name is ambiguous', async () => {
  // Eight other classes define the method: too many for a name search to pick one (retrieval's MAX_AMBIGUITY).
  const more = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`src/other${i}.ts`, `export class Other${i} {\n  runQueryWithRetries(sql: string, attempts: number, other${i}: boolean): number {\n    return ${i};\n  }\n}\n`]));
  const { root, index } = await workspace({ ...files(), ...more });
  const engine = new TreeSitterContextEngine({ index });
  assert.ok(!(await assembleAt(engine, root)).text.includes('runQueryWithRetries(sql: string, attempts: number)'), 'tree-sitter alone cannot tell which');
  // Only the definition hint: the method is offered for the name itself, as an import's definition would be.
  engine.hints.set('src/app.ts', serverHints(index).filter((h) => h.kind === 'definition'), index);
  let seen: { source: string; reason: string }[] = [];
  const probe = new TreeSitterContextEngine({ index, onCandidates: (c) => (seen = c.filter((x) => x.path === 'src/client.ts')) });
  probe.hints.set('src/app.ts', serverHints(index).filter((h) => h.kind === 'definition'), index);
  await assembleAt(probe, root);
  assert.equal(seen.length, 1, JSON.stringify(seen));
  assert.equal(seen[0].source, 'import');
  assert.match(seen[0].reason, /method runQueryWithRetries: the editor's language server resolves runQueryWithRetries/);
  const packed = await assembleAt(engine, root);
  assert.ok(packed.text.includes('runQueryWithRetries(sql: string, attempts: number): Promise<number>;'), packed.text);
  assert.ok(!packed.text.includes('other0: boolean'), 'the other definitions stay out');
  assert.ok(!packed.text.includes('closeConnectionGracefully'), 'a definition hint alone offers no members');
});

test('hints pointing outside the index (node_modules, lib.d.ts, a file it never held) change nothing', async () => {
  const { root, index } = await workspace(files());
  const engine = new TreeSitterContextEngine({ index });
  const before = await assembleAt(engine, root);
  engine.hints.set('src/app.ts', [
    { name: 'c', kind: 'type', relPath: 'node_modules/pg/index.d.ts', line: 0 },
    { name: 'c', kind: 'type', relPath: '../lib.es5.d.ts', line: 0 },
    { name: 'runQueryWithRetries', kind: 'definition', relPath: 'src/missing.ts', line: 1 },
  ], index);
  assert.deepEqual(engine.hints.held('src/app.ts', index), []);
  const after = await assembleAt(engine, root);
  assert.equal(after.text, before.text);
});

test("a file re-indexed after its hints arrived has them dropped (their lines may name something else now)", async () => {
  const { root, index } = await workspace(files());
  const engine = new TreeSitterContextEngine({ index });
  engine.hints.set('src/app.ts', serverHints(index), index);
  assert.equal(engine.hints.held('src/app.ts', index).length, 2);
  assert.ok((await assembleAt(engine, root)).text.includes('closeConnectionGracefully'));
  // Another interface above the same definitions: the hints' lines now point at it and its member.
  const moved = `export interface Unrelated {\n  unrelatedMemberName(): void;\n}\n${CLIENT}`;
  await index.updateText('src/client.ts', moved, { mtimeMs: Date.now() + 1000, size: moved.length });
  assert.deepEqual(engine.hints.held('src/app.ts', index), []);
  const stale = (await assembleAt(engine, root)).text;
  assert.ok(!stale.includes('unrelatedMemberName') && !stale.includes('closeConnectionGracefully'), stale);
  // Hints read again against the new text count again.
  engine.hints.set('src/app.ts', serverHints(index).map((h) => ({ ...h, line: h.line + 3 })), index);
  assert.ok((await assembleAt(engine, root)).text.includes('closeConnectionGracefully'));
});

test('a hint names the innermost definition on its line (a type hint: the innermost type)', async () => {
  const { index } = await workspace(files());
  const file = index.file('src/client.ts')!;
  assert.equal(tagAt(file, 0, 'type')?.name, 'Client');
  assert.equal(tagAt(file, 2, 'definition')?.name, 'closeConnectionGracefully');
  assert.equal(tagAt(file, 2, 'type')?.name, 'Client', 'a type hint inside a type names the type');
  assert.equal(tagAt(file, 40, 'definition'), undefined);
});
