/**
 * The engine worker's copies of open documents: VS Code's changes applied in order give the editor's text; a change
 * that does not fit, or a length that disagrees, marks the copy stale (the next request resyncs); the lines around an
 * edit are read from its offset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentMirror, linesAroundOffset } from '../../../src/core/context/documentMirror';

const doc = (text: string) => ({ path: '/w/a.ts', relPath: 'a.ts', languageId: 'typescript', version: 1, text });
const change = (offset: number, length: number, text: string) => ({ offset, length, text, startLine: 0, endLine: 0 });

test('changes of one event apply in order; the copy is at the new version', () => {
  const m = new DocumentMirror();
  m.open(doc('const a = 1;\nconst b = 2;\n'));
  // A multi-cursor edit as VS Code reports it: the later position first, so each offset holds after the previous change.
  const after = 'const a = 10;\nconst bb = 2;\n';
  m.change('/w/a.ts', 2, [change(20, 0, 'b'), change(11, 0, '0')], after.length);
  assert.equal(m.at('/w/a.ts', 2)?.text, after);
  assert.equal(m.at('/w/a.ts', 1), undefined, 'another version is not served');
});

test('a change that does not fit, or a wrong length, marks the copy stale', () => {
  const m = new DocumentMirror();
  m.open(doc('abc'));
  m.change('/w/a.ts', 2, [change(1, 1, 'X')], 99);
  assert.equal(m.at('/w/a.ts', 2), undefined);
  m.open(doc('abc'));
  m.change('/w/a.ts', 2, [change(5, 1, 'X')], 3);
  assert.equal(m.at('/w/a.ts', 2), undefined);
  m.open({ ...doc('fresh'), version: 3 });
  assert.equal(m.at('/w/a.ts', 3)?.text, 'fresh', 'opening again replaces a stale copy');
});

test('the lines around an offset, without scanning from the start', () => {
  const text = ['l0', 'l1', 'l2', 'l3', 'l4', 'l5'].join('\n');
  const at3 = text.indexOf('l3') + 1;
  assert.deepEqual(linesAroundOffset(text, at3, 3, 0, 2, 1), { first: 1, lines: ['l1', 'l2', 'l3', 'l4'], lineCount: Infinity });
  assert.deepEqual(linesAroundOffset(text, 0, 0, 0, 2, 1), { first: 0, lines: ['l0', 'l1'], lineCount: Infinity });
  const end = linesAroundOffset(text, text.length, 5, 0, 1, 3);
  assert.deepEqual(end, { first: 4, lines: ['l4', 'l5'], lineCount: 6 });
  assert.deepEqual(linesAroundOffset('\n\nx', 2, 2, 0, 2, 0).lines, ['', '', 'x'], 'empty lines at the start');
});
