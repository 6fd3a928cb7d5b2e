import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateProposal } from '../../../src/core/actions/validate';
import { spliceText } from '../../../src/core/actions/staleCheck';

const DOC = 'const a = 1;\n\nfunction f(x) {\n  return x + a;\n}\n';
const range = { start: DOC.indexOf('function'), end: DOC.indexOf('}\n') + 1 };

test('a replacement that parses is accepted and marked syntax-checked', async () => {
  const rep = 'function f(x) {\n  return a + x;\n}';
  const r = await validateProposal('javascript', rep, DOC, spliceText(DOC, range, rep));
  assert.equal(r.problem, undefined);
  assert.equal(r.syntaxChecked, true);
  assert.equal(r.errorsAfter, 0);
});

test('a replacement that breaks the syntax is refused with the line', async () => {
  const rep = 'function f(x) {\n  return a + x;\n';
  const r = await validateProposal('javascript', rep, DOC, spliceText(DOC, range, rep));
  assert.match(r.problem ?? '', /does not parse as javascript/);
});

test('a fix may start from broken code, but must not add errors', async () => {
  const broken = 'def f(x):\n    return (x +\n';
  const fixed = 'def f(x):\n    return x + 1\n';
  const ok = await validateProposal('python', fixed, broken, fixed);
  assert.equal(ok.problem, undefined);
  assert.ok((ok.errorsBefore ?? 0) > 0);
  const worse = broken + '\ndef g(:\n  pass\n';
  const bad = await validateProposal('python', worse, broken, worse);
  assert.match(bad.problem ?? '', /2 syntax errors, first on line 2; the document had 1/);
});

test('an error inside the replaced range is caught even when the document-wide count stays the same', async () => {
  const doc = 'function a() {\n  return 1;\n}\n\nfunction b() {\n  return (2;\n}\n';
  const r = { start: 0, end: doc.indexOf('}\n') + 1 };
  const rep = 'function a() {\n  return [1;\n}';
  const res = await validateProposal('typescript', rep, doc, spliceText(doc, r, rep), r);
  assert.ok(res.problem, JSON.stringify(res));
});

test('empty answers and prose are refused; unknown languages are passed unchecked', async () => {
  assert.equal((await validateProposal('typescript', '  \n', DOC, DOC)).problem, 'the model returned no code');
  assert.match((await validateProposal('typescript', 'Here is the updated code', DOC, DOC)).problem ?? '', /prose/);
  const r = await validateProposal('cobol', 'DISPLAY "X".', 'A', 'B');
  assert.deepEqual(r, { syntaxChecked: false });
});
