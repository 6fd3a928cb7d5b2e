/**
 * Keystrokes in long documents (documentCache.ts, structureUpdate.ts): a change inside one long top-level statement (a
 * namespace or class of thousands of lines) is queried again in the statements of the innermost node holding it, not
 * the whole statement (narrowStatements), and the definitions and imports still equal a full extraction; the rows of a
 * change are counted from the tree's nearest point (pointBefore), not from the top; the document being edited keeps its
 * tree and entry while others are opened past the budgets (markActive).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { DocumentCache, pointBefore } from '../../../src/core/context/documentCache';
import { parse } from '../../../src/core/context/parser';
import type { Tag } from '../../../src/core/context/structure';
import { rng } from '../../../bench/rng';
import { checkedStructure, fullStructure, LANG_DIR, LANG_FIXTURES, randomEdit, STRUCTURE_INSERTS } from './randomEdits';

const INSERTS = [...STRUCTURE_INSERTS, 'import { z } from "./z";\n'];


test('narrowed to the statements around the change, random edits in every language equal a full extraction', async () => {
  const r = rng(29);
  let narrowed = 0;
  for (const [file, language] of LANG_FIXTURES) {
    // The file inside one statement of its language where it has one that can hold the others, and as it is.
    const one = fs.readFileSync(path.join(LANG_DIR, file), 'utf8');
    let text = `${one}\n${one}`;
    // Every statement narrowed (narrowChars 0), every edit re-parsed whole.
    const cache = new DocumentCache({ limit: 2, parseTimeoutMs: 5000, keystrokeParseMs: Infinity, narrowChars: 0 });
    await cache.get(file, language, 0, text);
    for (let v = 1; v <= 60; v++) {
      text = randomEdit(text, r, INSERTS);
      await checkedStructure(cache, file, language, v, text);
    }
    narrowed += cache.narrowed;
    cache.dispose();
  }
  assert.ok(narrowed > 150, `edits narrowed: ${narrowed}`);
});

test('a change inside a long namespace re-queries the member it is in: the others are kept, the namespace is moved', async () => {
  const members = Array.from({ length: 500 }, (_, i) => `  export function f${i}(a: number): number {\n    return a + ${i};\n  }\n`).join('');
  const text = `import { x } from "./x";\n\n/** The functions. */\nexport namespace ns {\n${members}}\n\nexport const after = 1;\n`;
  const cache = new DocumentCache({ limit: 2, parseTimeoutMs: 5000, keystrokeParseMs: Infinity });
  const v1 = await cache.get('n.ts', 'typescript', 1, text);
  const edited = text.replace('return a + 250;', 'const b = a * 2;\n    return b + 250;');
  const v2 = await cache.get('n.ts', 'typescript', 2, edited);
  assert.equal(cache.narrowed, 1);
  const full = await fullStructure('typescript', edited);
  assert.deepEqual(v2.tags, full.tags);
  assert.deepEqual(v2.imports, full.imports);
  const byName = (tags: readonly Tag[], name: string) => tags.find((t) => t.name === name)!;
  assert.equal(byName(v2.tags, 'f10'), byName(v1.tags, 'f10'), 'a member before the change is the same object');
  assert.equal(byName(v2.tags, 'f400').nameLine, byName(v1.tags, 'f400').nameLine + 1, 'one after it moved down a line');
  assert.notEqual(byName(v2.tags, 'f250'), byName(v1.tags, 'f250'), 'the edited one was found again');
  assert.equal(byName(v2.tags, 'ns').endLine, byName(v1.tags, 'ns').endLine + 1, "the namespace's end moved");
  // The namespace renamed: narrowed to its name, the namespace found again with it.
  const renamed = edited.replace('export namespace ns {', 'export namespace ns2 {');
  const v3 = await cache.get('n.ts', 'typescript', 3, renamed);
  assert.equal(cache.narrowed, 2);
  assert.deepEqual(v3.tags, (await fullStructure('typescript', renamed)).tags);
  assert.equal(byName(v3.tags, 'ns2').endLine, byName(v2.tags, 'ns').endLine);
  cache.dispose();
});

test('a change that makes a statement holding it an import is not narrowed below that statement', async () => {
  const text = 'function outer() {\n  const m = require(y);\n  return m;\n}\n';
  const cache = new DocumentCache({ limit: 2, parseTimeoutMs: 5000, keystrokeParseMs: Infinity, narrowChars: 0 });
  await cache.get('r.ts', 'typescript', 1, text);
  const edited = text.replace('require(y)', 'require("./y")');
  const v2 = await cache.get('r.ts', 'typescript', 2, edited);
  const full = await fullStructure('typescript', edited);
  assert.equal(full.imports.length, 1);
  assert.deepEqual(v2.imports, full.imports);
  assert.deepEqual(v2.tags, full.tags);
  // And back: the import the call was is gone.
  const v3 = await cache.get('r.ts', 'typescript', 3, text);
  assert.deepEqual(v3.imports, []);
  cache.dispose();
});

test('pointBefore: a point at or before the index with its row and line start right, near the index in a long file', async () => {
  const r = rng(5);
  const body = (i: number) => `/** f${i}: é 😀\n * more */\nexport function f${i}(a: number): number {\n  const s = "x${i}";\n\n  return a + ${i};\n}\n\n`;
  const text = Array.from({ length: 2000 }, (_, i) => body(i)).join('');
  const tree = (await parse('typescript', text, { timeoutMs: 5000 }))!;
  let far = 0;
  for (let k = 0; k < 3000; k++) {
    const index = Math.floor(r() * (text.length + 1));
    const p = pointBefore(tree, index);
    assert.ok(p.index <= index, `at ${index}: ${p.index}`);
    const before = text.slice(0, p.index);
    assert.equal(p.row, before.split('\n').length - 1, `row at ${index}`);
    assert.equal(p.lineStart, before.lastIndexOf('\n') + 1, `line start at ${index}`);
    if (index - p.index > 200) far++;
  }
  tree.delete();
  assert.equal(far, 0, 'points more than a statement before the index');
});

test('the active document keeps its tree and entry while other documents are opened past the budgets', async () => {
  const a = Array.from({ length: 30 }, (_, i) => `export function a${i}(x: number): number {\n  return x + ${i};\n}\n`).join('');
  const b = a.replace(/\ba(\d)/g, 'b$1');
  const c = a.replace(/\ba(\d)/g, 'c$1');
  // Room for one and a half documents' trees, two entries.
  const cache = new DocumentCache({ limit: 2, parseTimeoutMs: 5000, treeChars: Math.floor(1.5 * a.length) });
  cache.markActive('a.ts');
  await cache.get('a.ts', 'typescript', 1, a);
  await cache.get('b.ts', 'typescript', 1, b); // opened beside it: parsed, its tree then freed
  assert.ok(cache.treeOf('a.ts', a), "the active document's tree is kept");
  assert.equal(cache.treeOf('b.ts', b), undefined);
  await cache.get('c.ts', 'typescript', 1, c); // a third entry: the oldest other than the active one goes
  assert.ok(cache.treeOf('a.ts', a), 'the active entry is kept past the entry limit');
  const parses = cache.parses;
  const edited = a.replace('return x + 7;', 'return x + 70;');
  const v2 = await cache.get('a.ts', 'typescript', 2, edited);
  assert.equal(cache.parses, parses + 1);
  assert.deepEqual(v2.tags, (await fullStructure('typescript', edited)).tags);
  // No active document: the newest keeps its tree, as before.
  cache.markActive(undefined);
  await cache.get('b.ts', 'typescript', 2, b + '\n');
  assert.ok(cache.treeOf('b.ts', b + '\n'));
  assert.equal(cache.treeOf('a.ts', edited), undefined);
  cache.dispose();
});
