import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SavedParses } from '../../../src/core/context/savedParse';
import { indexFileText, type FileIndexResult } from '../../../src/core/context/fileIndexer';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { randomEdit } from './randomEdits';
import { rng } from '../../../bench/rng';

const OPTIONS = { maxTags: 2000, parseTimeoutMs: 5000 };
const withoutTiming = ({ timing: _timing, ...rest }: FileIndexResult) => rest;

/** An edit that usually keeps the code parseable: a letter added to an identifier, a statement or a blank line added, a line dropped. */
function cleanEdit(text: string, r: () => number): string {
  const lines = text.split('\n');
  const at = Math.floor(r() * lines.length);
  const kind = r();
  if (kind < 0.4) {
    const line = lines[at];
    const letters = [...line.matchAll(/[A-Za-z_]\w*/g)];
    if (letters.length === 0) return text;
    const m = letters[Math.floor(r() * letters.length)];
    lines[at] = line.slice(0, m.index! + m[0].length) + 'Q' + line.slice(m.index! + m[0].length);
  } else if (kind < 0.7) lines.splice(at, 0, r() < 0.5 ? '' : `export const added${at} = ${at};`);
  else if (kind < 0.85) lines.splice(at, 1);
  else lines[at] = lines[at] + ' // note';
  return lines.join('\n');
}

test('a file saved again and again: each entry, re-parsed from the kept tree, equals indexFileText of the new text', async () => {
  // Real code: sources of this repository (a long one and a short one, to switch files between saves).
  const files = ['src/core/context/documentCache.ts', 'src/core/context/grammarQuirks.ts'].map((f) => ({ path: f, text: fs.readFileSync(path.join(__dirname, '../../..', f), 'utf8') }));
  const inserts = ['\n', '{', '}', '(', ')', ';', '/*', '*/', '`', "'", 'x', ' => ', '<T>', 'const '];
  const saved = new SavedParses();
  const r = rng(13);
  let compared = 0;
  let broken = false;
  for (let v = 0; v < 160; v++) {
    // Mostly the same file, edited cleanly; now and then another file, or a random edit (often a syntax error), undone
    // by the next save (back to the file as it is in the repository).
    const f = files[r() < 0.1 ? 1 : 0];
    const kind = r();
    f.text = broken ? fs.readFileSync(path.join(__dirname, '../../..', f.path), 'utf8') : kind < 0.8 ? cleanEdit(f.text, r) : randomEdit(f.text, r, inserts);
    broken = !broken && kind >= 0.8;
    const got = await saved.index(f.path, 'typescript', f.text, OPTIONS);
    const want = await indexFileText('typescript', f.text, OPTIONS);
    assert.deepEqual(withoutTiming(got), withoutTiming(want), `save ${v} of ${f.path}`);
    compared++;
  }
  saved.clear();
  assert.equal(compared, 160);
  assert.ok(saved.counts.reparsed > 80, `re-parsed from the kept tree: ${saved.counts.reparsed}`);
  assert.ok(saved.counts.merged > 25, `queried in the changed statements only: ${saved.counts.merged}`);
  assert.ok(saved.counts.whole > 15, `parsed whole (another file, an error): ${saved.counts.whole}`);
});

test('a file too big or minified after a save is skipped, and the kept tree is dropped', async () => {
  const saved = new SavedParses();
  await saved.index('a.ts', 'typescript', 'export const a = 1\n', OPTIONS);
  const minified = `export const a = ${'1+'.repeat(3000)}1\n`;
  assert.deepEqual(await saved.index('a.ts', 'typescript', minified, OPTIONS), { tags: [], imports: [], skipped: 'minified' });
  const after = await saved.index('a.ts', 'typescript', 'export const b = 2\n', OPTIONS);
  assert.deepEqual(after.tags.map((t) => t.name), ['b']);
  assert.deepEqual(saved.counts, { reparsed: 0, merged: 0, whole: 2 });
  saved.clear();
});

test('the workspace index re-indexes a saved file from its last parse: the same entry as a fresh index of it', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'saved-parse-'));
  try {
    const file = path.join(root, 'a.ts');
    const lines = Array.from({ length: 200 }, (_, i) => `export function f${i}(x: number): number {\n  return x + ${i}\n}`);
    fs.writeFileSync(file, lines.join('\n'));
    const index = new WorkspaceIndex(nodeWorkspaceFs(root), new ExclusionRules(), { workers: 0 });
    await index.build();
    lines[100] = 'export class C {\n  m(): void {}\n}';
    const text = lines.join('\n');
    fs.writeFileSync(file, text);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const before = { ...index.savedParses.counts };
    assert.equal(await index.update('a.ts'), true);
    assert.equal(index.savedParses.counts.reparsed, before.reparsed + 1);
    const fresh = new WorkspaceIndex(nodeWorkspaceFs(root), new ExclusionRules(), { workers: 0 });
    await fresh.build();
    const entry = (i: WorkspaceIndex) => ({ ...i.file('a.ts')!, mtimeMs: 0 });
    assert.deepEqual(entry(index), entry(fresh));
    assert.ok(index.lookup('C').length === 1 && index.lookup('f100').length === 0);
    index.clear();
    fresh.clear();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('random edits, syntax errors included: each entry equals indexFileText of the new text (a re-parse that recovered from an error is not kept)', async () => {
  const file = 'src/core/context/structure.ts';
  const original = fs.readFileSync(path.join(__dirname, '../../..', file), 'utf8');
  const inserts = ['\n', '{', '}', '(', ')', ';', '/*', '*/', '`', "'", 'x', ' => ', '<T>', 'const ', 'function ', 'class '];
  const saved = new SavedParses();
  const r = rng(17);
  let text = original;
  for (let v = 0; v < 120; v++) {
    // Runs of 12 edits from the original, so that errors pile up and clear.
    text = v % 12 === 0 ? original : randomEdit(text, r, inserts);
    const got = await saved.index(file, 'typescript', text, OPTIONS);
    const want = await indexFileText('typescript', text, OPTIONS);
    assert.deepEqual(withoutTiming(got), withoutTiming(want), `save ${v}`);
  }
  saved.clear();
});

test('definitions nested deeper than the index looks (locals) stay out of a re-parsed file as out of a whole one', async () => {
  const nest = (depth: number, body: string): string => (depth === 0 ? body : `const level${depth} = () => {\n${nest(depth - 1, body)}\nreturn level${depth}\n}`);
  // Most of the file elsewhere: the re-parse queries the edited statement only.
  const rest = Array.from({ length: 40 }, (_, i) => `export const after${i} = ${i}`).join('\n');
  const text = `export function outer() {\n${nest(4, 'function deepest() { return 1 }')}\n}\n${rest}\n`;
  const saved = new SavedParses();
  await saved.index('deep.ts', 'typescript', text, OPTIONS);
  const edited = text.replace('return 1', 'return 2');
  const got = await saved.index('deep.ts', 'typescript', edited, OPTIONS);
  const want = await indexFileText('typescript', edited, OPTIONS);
  assert.deepEqual(withoutTiming(got), withoutTiming(want));
  assert.deepEqual(saved.counts, { reparsed: 1, merged: 1, whole: 1 });
  const names = got.tags.map((t) => t.name);
  assert.ok(names.includes('outer') && names.includes('after39') && !names.includes('deepest'), names.join(' '));
  saved.clear();
});

test('a definition kept from the last parse is rendered again when the change touched its line (a snippet is made of whole lines)', async () => {
  const rest = Array.from({ length: 40 }, (_, i) => `export function after${i}(x: number): number {\n  return x + ${i}\n}`).join('\n');
  const text = `export const a = 1; export const b = 2\n${rest}\nexport const c = 3; export const d = 4\n`;
  const saved = new SavedParses();
  await saved.index('line.ts', 'typescript', text, OPTIONS);
  let edited = text;
  // One change a save, each next to definitions on the same line (a, d) or on other lines.
  for (const [from, to] of [['b = 2', 'b = 22'], ['c = 3', 'c = 33'], ['return x + 7', 'return x + 77\n']]) {
    edited = edited.replace(from, to);
    const got = await saved.index('line.ts', 'typescript', edited, OPTIONS);
    assert.deepEqual(withoutTiming(got), withoutTiming(await indexFileText('typescript', edited, OPTIONS)));
  }
  assert.deepEqual(saved.counts, { reparsed: 3, merged: 3, whole: 1 });
  saved.clear();
});
