import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStale, minimalReplacement, spliceText } from '../../../src/core/actions/staleCheck';

const doc = 'import x from "x";\n\nfunction add(a, b) {\n  return a + b;\n}\n\nconsole.log(add(1, 2));\n';
const start = doc.indexOf('function add');
const end = doc.indexOf('}\n') + 1;
const target = { start, end };

test('unchanged document keeps the range', () => {
  assert.deepEqual(checkStale(doc, target, doc), { kind: 'unchanged', range: target });
});

test('an edit above the target moves the range by its length', () => {
  const after = doc.replace('import x from "x";', 'import x from "x";\nimport y from "y";');
  const r = checkStale(doc, target, after);
  assert.equal(r.kind, 'moved');
  assert.ok(r.kind === 'moved');
  assert.equal(after.slice(r.range.start, r.range.end), doc.slice(start, end));
  assert.equal(r.range.start, start + '\nimport y from "y";'.length);
});

test('an edit below the target leaves the range where it was', () => {
  const after = doc.replace('add(1, 2)', 'add(3, 4)');
  const r = checkStale(doc, target, after);
  assert.deepEqual(r, { kind: 'moved', range: target });
});

test('an edit inside the target is a conflict', () => {
  const after = doc.replace('return a + b;', 'return a - b;');
  assert.equal(checkStale(doc, target, after).kind, 'conflict');
});

test('typing right against the target is a conflict', () => {
  const before = doc.slice(0, start) + 'export ' + doc.slice(start);
  assert.equal(checkStale(doc, target, before).kind, 'conflict');
  const after = doc.slice(0, end) + ' // done' + doc.slice(end);
  assert.equal(checkStale(doc, target, after).kind, 'conflict');
});

test('deleting the whole document is a conflict, an out-of-range target too', () => {
  assert.equal(checkStale(doc, target, '').kind, 'conflict');
  assert.equal(checkStale(doc, { start: 5, end: doc.length + 1 }, doc).kind, 'conflict');
});

test('edits on both sides of the target are a conflict (one span covers the target)', () => {
  const after = 'X' + doc + 'Y';
  assert.equal(checkStale(doc, target, after).kind, 'conflict');
});

test('minimalReplacement trims the common prefix and suffix', () => {
  const m = minimalReplacement('function f() {\n  return 1;\n}', 'function f() {\n  return 2;\n}');
  assert.deepEqual(m, { start: 24, end: 25, text: '2' });
  const same = minimalReplacement('abc', 'abc');
  assert.deepEqual(same, { start: 3, end: 3, text: '' });
  const insert = minimalReplacement('', 'new');
  assert.deepEqual(insert, { start: 0, end: 0, text: 'new' });
  // repeated characters: the result still reproduces the new text
  const old = 'aaaa';
  const m2 = minimalReplacement(old, 'aaaaaa');
  assert.equal(spliceText(old, m2, m2.text), 'aaaaaa');
});
