import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachWord, identifierSet, jaccardIds, lineWindows, WindowCache, wordIds } from '../../../src/core/context/similarity';
import { rng } from '../../../bench/rng';
import { subwords } from '../../../src/core/context/subwords';
import { MemberUseCache } from '../../../src/core/context/qualified';
import { countTokens } from '../../../src/core/tokens';
import { heapAfterGc } from './heap';

function jaccardOfSets(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const w of a) if (b.has(w)) inter++;
  return inter / (a.size + b.size - inter);
}

test('jaccardIds over sorted word ids equals Jaccard over the word sets', () => {
  const r = rng(3);
  const vocab = Array.from({ length: 60 }, (_, i) => `w${i}`);
  for (let round = 0; round < 200; round++) {
    const pick = () => new Set(Array.from({ length: Math.floor(r() * 30) }, () => vocab[Math.floor(r() * vocab.length)]));
    const a = pick(), b = pick();
    assert.equal(jaccardIds(wordIds(a), wordIds(b)), jaccardOfSets(a, b));
  }
  const ids = wordIds(['b', 'a', 'b', 'c']);
  assert.equal(ids.length, 3, 'distinct');
  assert.deepEqual([...ids], [...ids].sort((x, y) => x - y), 'sorted');
});

test('windows cover the file in strides, the last flush with the end, with the words of their lines', () => {
  const lines = Array.from({ length: 100 }, (_, i) => `const value${i} = compute(value${i - 1});`);
  const ws = lineWindows(lines.join('\n'), 40, 13.333);
  assert.deepEqual(ws.map((w) => w.startLine), [0, 13, 26, 39, 53, 60]);
  assert.equal(ws[ws.length - 1].endLine, 100);
  const w = ws[1];
  assert.equal(jaccardIds(w.words, wordIds(identifierSet(lines.slice(w.startLine, w.endLine).join('\n')))), 1);
});

test('forEachWord finds what /[A-Za-z_$][A-Za-z0-9_$]*/g matches, with lines and offsets', () => {
  const r = rng(7);
  const alphabet = 'ab_$Z09 \n.é(\t';
  for (let round = 0; round < 300; round++) {
    const text = Array.from({ length: Math.floor(r() * 40) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
    const expected = [...text.matchAll(/[A-Za-z_$][A-Za-z0-9_$]*/g)].map((m) => [m[0], 3 + text.slice(0, m.index).split('\n').length - 1, m.index]);
    const got: unknown[] = [];
    forEachWord(text, 3, (w, line, index) => got.push([w, line, index]));
    assert.deepEqual(got, expected, JSON.stringify(text));
  }
});

test('the window cache slices lines like split/join, and recomputes only for a new key', () => {
  const text = 'a\nbb\n\nccc\nlast';
  const cache = new WindowCache(2);
  const first = cache.get('f@1', text, 2, 1);
  const lines = text.split('\n');
  for (let s = 0; s <= lines.length; s++) for (let e = s; e <= lines.length; e++) assert.equal(first.slice(s, e), lines.slice(s, e).join('\n'), `${s}..${e}`);
  assert.equal(cache.get('f@1', text, 2, 1), first, 'cached');
  cache.get('g@1', 'x', 2, 1);
  cache.get('h@1', 'y', 2, 1);
  assert.notEqual(cache.get('f@1', text, 2, 1), first, 'evicted beyond the limit');
});

test('long-lived caches keep the words and snippets they store, not the documents those were cut from', async () => {
  const heap = heapAfterGc;
  const members = new MemberUseCache();
  const before = heap();
  // 24 versions of a 1 MB document, each with a new long identifier (what typing does), each seen by the similarity
  // windows (vocabulary), the sub-word cache, the token count cache and the namespace member cache.
  for (let v = 0; v < 24; v++) {
    const text = `const typedIdentifierVersion${v} = 1;\n` + 'x'.repeat(1 << 20) + `\n// ${v}`;
    lineWindows(text, 40, 13);
    const word = text.slice(6, 6 + `typedIdentifierVersion${v}`.length);
    subwords(word);
    countTokens(text.slice(0, 80));
    members.get({ relPath: 'a.ts', languageId: 'typescript', version: v, text: text + `\nutil.stringifyPrimitive${v}(x);` }, 'util');
  }
  const grown = (heap() - before) / 1048576;
  assert.ok(grown < 8, `heap grew ${grown.toFixed(1)} MB: cached keys are holding whole documents`);
});
