/**
 * Definitions and imports updated after an edit (structureUpdate.ts) equal a full extraction of the edited text: random edits,
 * in every language with a fixture, on files long enough that most edits take the incremental path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { DocumentCache } from '../../../src/core/context/documentCache';
import { parse } from '../../../src/core/context/parser';
import type { Tag } from '../../../src/core/context/structure';
import { rng } from '../../../bench/rng';
import { checkedStructure, fullStructure, LANG_DIR, LANG_FIXTURES, randomEdit, STRUCTURE_INSERTS } from './randomEdits';

const INSERTS = STRUCTURE_INSERTS;


async function fullTags(language: string, text: string): Promise<Tag[]> {
  return (await fullStructure(language, text)).tags;
}


test('after random edits, the updated definitions and imports equal a full extraction, in every language', async () => {
  const r = rng(11);
  let reused = 0;
  let importsSeen = 0;
  for (const [file, language] of LANG_FIXTURES) {
    // Eight copies, with non-ASCII between them: a statement is a small part of the file, and indices past
    // multi-byte text must stay right.
    const one = fs.readFileSync(path.join(LANG_DIR, file), 'utf8');
    let text = Array.from({ length: 8 }, (_, i) => `${one}\n${language === 'python' || language === 'ruby' ? '#' : '//'} séparateur ${i} ✓\n`).join('');
    // Every edit re-parsed whole (test/unit/context/boundedParse.test.ts covers the keystroke's window).
    const cache = new DocumentCache({ limit: 2, parseTimeoutMs: 5000, keystrokeParseMs: Infinity });
    let previous = await cache.get(file, language, 0, text);
    for (let v = 1; v <= 40; v++) {
      text = randomEdit(text, r, INSERTS);
      const updated = await checkedStructure(cache, file, language, v, text);
      if (!updated) continue;
      importsSeen += updated.imports.length;
      const before = new Set(previous.tags);
      reused += updated.tags.filter((t) => before.has(t)).length;
      previous = updated;
    }
    cache.dispose();
  }
  assert.ok(reused > 500, `definitions kept from the previous version without a query: ${reused}`);
  assert.ok(importsSeen > 1000, `imports compared: ${importsSeen}`);
});

test('an edit inside one function leaves the other definitions as they were (moved when after it)', async () => {
  const fns = Array.from({ length: 40 }, (_, i) => `export function f${i}(a: number): number {\n  return a + ${i};\n}\n`).join('\n');
  const cache = new DocumentCache({ limit: 2, parseTimeoutMs: 5000 });
  const v1 = await cache.get('f.ts', 'typescript', 1, fns);
  const edited = fns.replace('return a + 20;', 'const b = a * 2;\n  return b + 20;');
  const v2 = await cache.get('f.ts', 'typescript', 2, edited);
  assert.deepEqual(v2.tags, await fullTags('typescript', edited));
  assert.equal(v2.tags[0], v1.tags[0], 'a definition before the edit is the same object');
  assert.equal(v2.tags[39].nameLine, v1.tags[39].nameLine + 1, 'one after it moves down a line');
  assert.notEqual(v2.tags[20], v1.tags[20], 'the edited one is extracted again');
  cache.dispose();
});

test('a document whose parse ran over the budget is not parsed again per keystroke: after a wait that doubles, or once it shrank', async () => {
  // 40,000 lines of TypeScript: its whole parse takes far more than the 1 ms budget; a tenth of it parses in 5 s.
  const big = Array.from({ length: 10_000 }, (_, i) => `export function f${i}(a: number): number {\n  return a + ${i};\n}\n`).join('');
  const small = big.slice(0, big.length / 10);
  const roomy = new DocumentCache({ limit: 2, parseTimeoutMs: 5000 });
  assert.equal((await roomy.get('small.ts', 'typescript', 1, small)).fallback, undefined);
  roomy.dispose();
  let clock = 0;
  const cache = new DocumentCache({ limit: 2, parseTimeoutMs: 1, retryFirstMs: 1000, now: () => clock });
  assert.equal((await cache.get('big.ts', 'typescript', 1, big)).fallback, 'timeout');
  assert.equal(cache.parses, 1);
  let text = big;
  let v = 1;
  const edit = async () => {
    v++;
    text = text.replace(`return a + ${v};`, `return a - ${v};`);
    assert.equal((await cache.get('big.ts', 'typescript', v, text)).fallback, 'timeout');
  };
  for (let i = 0; i < 5; i++, clock += 100) await edit();
  assert.equal(cache.parses, 1, 'keystrokes within the wait did not parse the file again');
  clock = 1000;
  await edit();
  assert.equal(cache.parses, 2, 'tried again once the wait passed');
  clock = 2999;
  await edit();
  assert.equal(cache.parses, 2, 'the next wait is twice as long');
  clock = 3000;
  await edit();
  assert.equal(cache.parses, 3);
  // An edit putting most of the text on one long line (its line breaks made spaces) is still seen.
  const joined = Math.floor(text.length * 0.6);
  const minified = text.slice(0, joined).replace(/\n/g, ' ') + text.slice(joined);
  assert.equal((await cache.get('big.ts', 'typescript', ++v, minified)).fallback, 'minified');
  assert.equal(cache.parses, 3);
  cache.dispose();
  // Shrunk to a tenth, the document is tried again at once.
  const shrinking = new DocumentCache({ limit: 2, parseTimeoutMs: 1, now: () => 0 });
  await shrinking.get('big.ts', 'typescript', 1, big);
  await shrinking.get('big.ts', 'typescript', 2, big.slice(0, big.length * 0.9));
  assert.equal(shrinking.parses, 1, 'not at nine tenths');
  await shrinking.get('big.ts', 'typescript', 3, small);
  assert.equal(shrinking.parses, 2, 'the shrunk text was tried again');
  shrinking.dispose();
});

test('trees past the character budget are freed, oldest first; a freed document is parsed whole on its next version', async () => {
  const a = Array.from({ length: 30 }, (_, i) => `export function a${i}(x: number): number {\n  return x + ${i};\n}\n`).join('');
  const b = a.replace(/\ba(\d)/g, 'b$1');
  // Room for two documents' trees.
  const cache = new DocumentCache({ parseTimeoutMs: 5000, treeChars: 2 * a.length + 100 });
  await cache.get('a.ts', 'typescript', 1, a);
  await cache.get('b.ts', 'typescript', 1, b);
  assert.equal(cache.treesKept(), 2);
  await cache.get('c.ts', 'typescript', 1, a.replace(/\ba(\d)/g, 'c$1'));
  assert.equal(cache.treesKept(), 2, "a.ts's tree was freed");
  // Asked again unchanged (focused again), a.ts is parsed whole then, off its next keystroke's path.
  const parses = cache.parses;
  assert.deepEqual((await cache.get('a.ts', 'typescript', 1, a)).tags.map((t) => t.name).slice(0, 2), ['a0', 'a1']);
  assert.equal(cache.parses, parses + 1);
  assert.equal(cache.treesKept(), 2, 'a.ts has its tree back, b.ts lost its');
  const edited = a.replace('return x + 3;', 'const y = x * 2;\n  return y + 3;');
  const next = await cache.get('a.ts', 'typescript', 2, edited);
  assert.equal(next.fallback, undefined);
  assert.deepEqual(next.tags, await fullTags('typescript', edited));
  assert.equal(cache.treesKept(), 2, 'a.ts kept its tree');
  // A document bigger than the budget keeps its own tree while it is the one asked for.
  const tight = new DocumentCache({ parseTimeoutMs: 5000, treeChars: 10 });
  await tight.get('a.ts', 'typescript', 1, a);
  await tight.get('b.ts', 'typescript', 1, b);
  assert.equal(tight.treesKept(), 1);
  cache.dispose();
  tight.dispose();
});

test('trees past the node budget are freed, however few characters they hold', async () => {
  // Two documents of the same length: one sparse (a few long comments), one dense (short statements): the node budget,
  // not the character budget (room for both), frees the older tree once the dense one is parsed.
  const sparse = Array.from({ length: 30 }, (_, i) => `// ${'note '.repeat(20)}\nexport const s${i} = ${i};\n`).join('');
  const dense = Array.from({ length: 1000 }, (_, i) => `f(${i % 10});`).join('\n').slice(0, sparse.length);
  const probe = await parse('typescript', dense);
  const denseNodes = probe!.rootNode.descendantCount;
  probe!.delete();
  const cache = new DocumentCache({ parseTimeoutMs: 5000, treeChars: 10 * sparse.length, treeNodes: denseNodes + 10 });
  await cache.get('sparse.ts', 'typescript', 1, sparse);
  await cache.get('sparse2.ts', 'typescript', 1, sparse.replace(/\bs(\d)/g, 't$1'));
  assert.equal(cache.treesKept(), 2, 'two sparse trees fit');
  await cache.get('dense.ts', 'typescript', 1, dense);
  assert.equal(cache.treesKept(), 1, 'the dense tree alone fills the node budget');
  cache.dispose();
});

test("the trees a document's parse from scratch would push past the budget are freed before that parse, by an estimate", async () => {
  // The estimate is the densest document of the language parsed so far: after a dense one, a sparse document's parse
  // frees the other tree first, though its own turns out small enough for both (freed after the parse, it would stay).
  const dense = Array.from({ length: 60 }, (_, i) => `f(${i % 10});`).join('\n');
  const sparse = Array.from({ length: 10 }, (_, i) => `// ${'note '.repeat(20)}\nexport const s${i} = ${i};\n`).join('');
  const nodes = async (text: string) => {
    const t = (await parse('typescript', text))!;
    const n = t.rootNode.descendantCount;
    t.delete();
    return n;
  };
  const [denseNodes, sparseNodes] = [await nodes(dense), await nodes(sparse)];
  const estimate = (sparse.length * denseNodes) / dense.length;
  assert.ok(2 * sparseNodes < estimate, 'the sparse text is sparse');
  const cache = new DocumentCache({ parseTimeoutMs: 5000, treeNodes: Math.ceil(sparseNodes + estimate / 2) });
  await cache.get('dense.ts', 'typescript', 1, dense);
  await cache.get('one.ts', 'typescript', 1, sparse);
  assert.equal(cache.treesKept(), 1, 'the dense tree was freed (node budget)');
  await cache.get('two.ts', 'typescript', 1, sparse.replace(/\bs(\d)/g, 't$1'));
  assert.equal(cache.treesKept(), 1, "one.ts's tree was freed before two.ts's parse");
  cache.dispose();
});
