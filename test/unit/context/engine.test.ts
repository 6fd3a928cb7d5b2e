import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import * as fs from 'fs';
import * as os from 'os';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { TreeSitterContextEngine, inSortGap } from '../../../src/core/context/engine';
import { RecentActivity } from '../../../src/core/context/activity';
import { renderContextReport } from '../../../src/core/context/report';
import type { DocumentSnapshot, PackedContext } from '../../../src/core/context/types';

const ROOT = path.join(__dirname, '..', '..', 'fixtures', 'context', 'workspace');
let index: WorkspaceIndex;

before(async () => {
  index = new WorkspaceIndex(nodeWorkspaceFs(ROOT), new ExclusionRules());
  await index.build();
});

function snapshot(rel: string, languageId: string, marker: string, text = fs.readFileSync(path.join(ROOT, rel), 'utf8')): DocumentSnapshot {
  const offset = text.indexOf(marker);
  assert.ok(offset >= 0, `marker ${marker}`);
  return { path: path.join(ROOT, rel), relPath: rel, languageId, text, version: 1, offset };
}

test('TypeScript: definitions imported from another file are packed, with their path header', async () => {
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: snapshot('src/invoice.ts', 'typescript', 'sum = addMoney'), budgetTokens: 1000, purpose: 'completion' });
  const add = packed.items.find((i) => i.text.includes('export function addMoney(a: Money, b: Money): Money {'));
  assert.ok(add, packed.text);
  assert.equal(add.source, 'import');
  assert.equal(add.path, 'src/util/money.ts');
  assert.match(packed.text, /^\/\/ src\/util\/money\.ts$/m);
  const scope = packed.items.find((i) => i.source === 'scope');
  assert.ok(scope && /export function total\(lines: Line\[\]\): Money/.test(scope.text), 'enclosing scope with its signature');
  assert.ok(packed.items.findIndex((i) => i.source === 'import') < packed.items.findIndex((i) => i.source === 'scope'), 'stable first');
  assert.ok(!packed.text.includes('SECRET_TOKEN'), 'the .env file never appears');
  assert.ok(packed.tokens <= 1000);
  engine.dispose();
});

test('Python: a relative import resolves to the module and its class is packed', async () => {
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: snapshot('py/pkg/service.py', 'python', 'dst.deposit'), budgetTokens: 800, purpose: 'chat' });
  const account = packed.items.find((i) => i.path === 'py/pkg/models.py' && i.text.includes('class Account:'));
  assert.ok(account, packed.text);
  assert.match(packed.text, /^# py\/pkg\/models\.py$/m, 'header uses the language comment');
  engine.dispose();
});

test('Go: same-package definitions from another file (no import needed) are packed', async () => {
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: snapshot('go/app/handler.go', 'go', 's.Put('), budgetTokens: 800, purpose: 'completion' });
  assert.ok(packed.items.some((i) => i.path === 'go/app/store.go' && i.text.includes('func NewStore() *Store')), packed.text);
  assert.ok(packed.items.some((i) => i.path === 'go/app/store.go' && i.text.includes('func (s *Store) Put(key string, n int)')), packed.text);
  engine.dispose();
});

test('the skeleton of the current file is added when it does not fit, and types of the enclosing signature rank high', async () => {
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: snapshot('src/invoice.ts', 'typescript', 'return lines.map'), budgetTokens: 600, purpose: 'completion', fileFits: false });
  const skel = packed.items.find((i) => i.source === 'skeleton');
  assert.ok(skel, packed.text);
  assert.match(skel.text, /export function total\(lines: Line\[\]\): Money …/);
  assert.ok(!skel.text.includes('addMoney(sum'), 'no bodies in the skeleton');
  engine.dispose();
});

test('similar windows of open files and recent edits are packed last, with their reasons', async () => {
  const activity = new RecentActivity();
  activity.noteDocument({ relPath: 'src/report.ts', languageId: 'typescript', version: 3, text: 'export function summary(lines: Line[]) {\n  return lines.map((l) => l.label + formatMoney(l.price));\n}\n' });
  activity.noteEdit('src/other.ts', 'typescript', 'const a = 1;\nconst edited = computeTax(a);\nconst b = 2;\n', 1, 1);
  const engine = new TreeSitterContextEngine({ index, activity });
  const packed = await engine.assemble({ doc: snapshot('src/invoice.ts', 'typescript', 'return lines.map'), budgetTokens: 2000, purpose: 'chat' });
  const similar = packed.items.find((i) => i.source === 'similar');
  assert.ok(similar && similar.path === 'src/report.ts' && /Jaccard/.test(similar.reason), packed.text);
  const edit = packed.items.find((i) => i.source === 'recent-edit');
  assert.ok(edit && edit.text.includes('computeTax'), packed.text);
  assert.equal(packed.items[packed.items.length - 1].source, 'recent-edit', 'the most volatile part is last');
  engine.dispose();
});

test('prepare() computes the windows of an open document ahead: the request then reads no text of it', async () => {
  const text = 'export function summary(lines: Line[]) {\n  return lines.map((l) => l.label + formatMoney(l.price));\n}\n';
  let reads = 0;
  const open = { relPath: 'src/report.ts', languageId: 'typescript', version: 7, get text() { reads++; return text; } };
  const activity = new RecentActivity();
  activity.noteDocument(open);
  const engine = new TreeSitterContextEngine({ index, activity });
  engine.prepare(open);
  const before = reads;
  assert.ok(before >= 1, 'prepare read the text');
  const packed = await engine.assemble({ doc: snapshot('src/invoice.ts', 'typescript', 'return lines.map'), budgetTokens: 2000, purpose: 'chat' });
  assert.ok(packed.items.some((i) => i.source === 'similar' && i.path === 'src/report.ts'), packed.text);
  assert.equal(reads, before, 'windows came from the cache');
  engine.prepare({ relPath: '.env', languageId: 'dotenv', version: 1, get text(): string { throw new Error('a secret-looking file was read'); } });
  engine.dispose();
});

test('huge and minified files take the line-window fallback within the time budget', async () => {
  const engine = new TreeSitterContextEngine({ index });
  const minified = 'var a=1;'.repeat(5000) + 'formatMoney(x);addMoney(y,z);' + 'var b=2;'.repeat(5000);
  const huge = '// generated\n' + 'export const filler = [1, 2, 3];\n'.repeat(40_000) + 'const v = formatMoney(m);\n';
  for (const [name, text, reason] of [['dist.min.js', minified, 'minified'], ['big.ts', huge, 'too-big']] as const) {
    const offset = text.indexOf('formatMoney');
    const t0 = performance.now();
    const packed = await engine.assemble({ doc: { path: `/w/${name}`, relPath: name, languageId: name.endsWith('.js') ? 'javascript' : 'typescript', text, version: 1, offset }, budgetTokens: 1500, purpose: 'completion' });
    const ms = performance.now() - t0;
    assert.equal(packed.fallback, reason);
    assert.ok(ms < 2000, `${name}: ${ms.toFixed(0)} ms`);
    assert.ok(packed.items.some((i) => i.text.includes('export function formatMoney(m: Money): string')), `${name}: definitions still found by name`);
    assert.ok(packed.tokens <= 1500);
  }
  const plain = await engine.assemble({ doc: { path: '/w/notes.txt', relPath: 'notes.txt', languageId: 'plaintext', text: 'call addMoney here\n', version: 1, offset: 5 }, budgetTokens: 500, purpose: 'chat' });
  assert.equal(plain.fallback, 'no-grammar');
  assert.ok(plain.items.some((i) => i.text.includes('addMoney')));
  engine.dispose();
});

test('a cancelled request rejects instead of packing', async () => {
  const engine = new TreeSitterContextEngine({ index });
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(engine.assemble({ doc: snapshot('src/invoice.ts', 'typescript', 'return sum'), budgetTokens: 500, purpose: 'completion', signal: ac.signal }));
  engine.dispose();
});

test('the Show Context report lists every part with source, score and tokens, and the total', async () => {
  const engine = new TreeSitterContextEngine({ index });
  const doc = snapshot('src/invoice.ts', 'typescript', 'sum = addMoney');
  const packed = await engine.assemble({ doc, budgetTokens: 1000, purpose: 'completion' });
  const report = renderContextReport(doc, packed, { files: index.size, definitions: 10, state: 'ready' });
  assert.match(report, /# Phi Coder context for src\/invoice\.ts:11:/);
  assert.match(report, /\| \d+ \| import \| src\/util\/money\.ts:11 \| \d+\.\d\d \| \d+ \| function addMoney: imported/);
  assert.match(report, new RegExp(`Total: ${packed.tokens} tokens`));
  for (const it of packed.items) assert.ok(report.includes(`| ${it.tokens} |`));
  engine.dispose();
});

test('inSortGap: a file sorts into the slot between the imports above and below, case-insensitively', () => {
  assert.equal(inSortGap('ops/repeat.ts', 'ops/reduce.ts', 'ops/repeatWhen.ts'), true);
  assert.equal(inSortGap('ops/retry.ts', 'ops/reduce.ts', 'ops/repeatWhen.ts'), false);
  assert.equal(inSortGap('ops/Delay.ts', 'ops/count.ts', 'ops/every.ts'), true);
  assert.equal(inSortGap('ops/b.ts', 'ops/c.ts', 'ops/a.ts'), false, 'neighbours out of order: no slot');
  assert.equal(inSortGap('ops/b.ts', undefined, 'ops/c.ts'), false);
});

/**
 * The context packed for `cursorFile` at `offset`, in a throwaway workspace of `files` (relative path -> text), indexed
 * as the extension would; the workspace is removed afterwards.
 */
async function assembleInTempWorkspace(files: Record<string, string>, cursorFile: string, offset: number, budgetTokens: number): Promise<PackedContext> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-engine-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    const idx = new WorkspaceIndex(nodeWorkspaceFs(root), new ExclusionRules());
    await idx.build();
    const engine = new TreeSitterContextEngine({ index: idx });
    const text = files[cursorFile];
    const doc: DocumentSnapshot = { path: path.join(root, cursorFile), relPath: cursorFile, languageId: 'typescript', text, version: 1, offset };
    const packed = await engine.assemble({ doc, budgetTokens, purpose: 'completion' });
    engine.dispose();
    return packed;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test('in a sorted barrel, the module that sorts into the cursor line is packed first among 40 unexported siblings', async () => {
  const names = Array.from({ length: 40 }, (_, i) => `op${String(i).padStart(2, '0')}`);
  const files: Record<string, string> = {};
  for (const n of names) files[`ops/${n}.ts`] = `export function ${n}Impl(source: number): number {\n  return source + 1;\n}\n`;
  // The barrel exports the first 30 operators except op25; the cursor is on the empty line where op25 belongs.
  const lines = names.slice(0, 30).map((n) => (n === 'op25' ? '' : `export { ${n}Impl } from './ops/${n}';`));
  const text = lines.join('\n') + '\n';
  files['index.ts'] = text;
  const packed = await assembleInTempWorkspace(files, 'index.ts', text.indexOf('\n\n') + 1, 120);
  const slot = packed.items.find((i) => i.path === 'ops/op25.ts');
  assert.ok(slot && slot.text.includes('export function op25Impl(source: number): number'), packed.text);
  assert.match(slot.reason, /sorts into the import list/);
  assert.ok(!packed.items.some((i) => i.path === 'ops/op39.ts'), 'siblings far from the slot do not beat it');
});

test('a definition whose name extends an identifier next to the cursor is packed (Foo -> FooInternals)', async () => {
  const text = "import * as core from './core';\nexport interface MyWidget {\n  \n}\nexport const w = new core.Widget();\n";
  const files = { 'core.ts': 'export class Widget {}\nexport interface WidgetInternals {\n  size: number;\n}\n', 'app.ts': text };
  const packed = await assembleInTempWorkspace(files, 'app.ts', text.indexOf('  \n') + 2, 500);
  const family = packed.items.find((i) => i.text.includes('export interface WidgetInternals'));
  assert.ok(family, packed.text);
  assert.match(family.reason, /extends Widget/);
});
