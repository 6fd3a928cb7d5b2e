/**
 * The qualified names a file writes (src/core/context/qualifiedUses.ts): `E.make` resolved through `E`'s import to the
 * one module it names, where the bare name `make` is defined by every module the file imports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { tempWorkspaces } from './tempWorkspace';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { qualifiedWeights } from '../../../src/core/context/qualifiedUses';
import type { CursorInfo } from '../../../src/core/context/retrieval';

const workspace = tempWorkspaces('qualified-uses-');

const MODULES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

/** A module of the functional style: its own `make`, `map`, `Key`, and thirty helpers named after it. */
function moduleText(name: string): string {
  const lines = [
    `export interface Key<A> { readonly ${name}Key: A }`,
    `export const make = <A>(value: A): Key<A> => ({ ${name}Key: value })`,
    `export const map = <A, B>(self: Key<A>, f: (a: A) => B): Key<B> => make(f(self.${name}Key))`,
  ];
  for (let i = 0; i < 30; i++) lines.push(`export const ${name}Helper${i} = (n: number): number => n + ${i}`);
  return lines.join('\n') + '\n';
}

/**
 * A file importing the five modules as namespaces; it writes `epsilon.make` some 45 lines above the cursor, and the other
 * four namespaces on the lines just above it: those are the namespaces used near the cursor, whose members the
 * namespace step offers (three of them), all defining a `make` of their own.
 */
function mainText(): string {
  const lines = MODULES.map((m) => `import * as ${m} from "./${m}"`);
  lines.push('', 'export const first = epsilon.make(1)', 'export const second = epsilon.make("two")', 'export const third = epsilon.make(3)');
  for (let i = 0; i < 30; i++) lines.push(`export const filler${i} = ${i} * 2`);
  // The lines just above the cursor use the other modules' helpers: their namespaces are the near ones.
  for (let i = 0; i < 12; i++) lines.push(`export const near${i} = ${MODULES[i % 4]}.${MODULES[i % 4]}Helper${i}(${i})`);
  lines.push('export const fourth = CURSOR', '');
  return lines.join('\n');
}

test('a qualified name the file writes is packed from the module its qualifier names, not from the others defining the name', async () => {
  const files: Record<string, string> = { 'src/main.ts': mainText() };
  for (const m of MODULES) files[`src/${m}.ts`] = moduleText(m);
  const { root, index } = await workspace(files);
  const engine = new TreeSitterContextEngine({ index, sources: { similar: false, recentEdits: false } });
  const text = files['src/main.ts'];
  const offset = text.indexOf('CURSOR');
  const doc = { path: path.join(root, 'src/main.ts'), relPath: 'src/main.ts', languageId: 'typescript', text: text.replace('CURSOR', ''), version: 1, offset };
  const packed = await engine.assemble({ doc, budgetTokens: 600, purpose: 'completion' });
  const makes = packed.items.filter((i) => /export const make\b/.test(i.text)).map((i) => i.path);
  assert.ok(makes.includes('src/epsilon.ts'), `epsilon's make packed (packed makes: ${makes.join(', ') || 'none'})`);
  engine.dispose();
});

test('qualified names are weighed by nearness and count; members of values and import lines are not qualified names', () => {
  const text = ['import * as A from "./a"', 'const x = A.one(A.two)', 'const y = obj.A.three', 'A.one()', ''].join('\n');
  const cur = { text, offset: text.length, line: 4, imports: [{ source: './a', names: ['A'], line: 0 }], tags: [] } as unknown as CursorInfo;
  const weights = qualifiedWeights(cur, (q) => q === 'A');
  const w = (m: string) => weights.get(`A\u0000${m}`)?.w ?? 0;
  assert.ok(w('one') > w('two'), 'two uses weigh more than one');
  assert.ok(w('two') > 0);
  assert.equal(w('three'), 0, '`obj.A.three` is a member of a value');
  assert.equal(weights.size, 2);
});
