import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainQuestion } from '../../../src/core/actions/explainPrompt';

test('explain names the target, its file and 1-based lines, and lists problems the editor reports', () => {
  const q = explainQuestion({ relPath: 'src/cart.ts', target: { kind: 'function', name: 'total' }, startLine: 9, endLine: 14, diagnostics: [{ line: 11, message: "'x' is declared but never used." }] });
  assert.match(q, /^Explain the function `total` in src\/cart\.ts \(lines 10-15\)/);
  assert.ok(q.includes("- line 12: 'x' is declared but never used."));
  const sel = explainQuestion({ relPath: 'a.py', target: { kind: 'selection' }, startLine: 0, endLine: 0 });
  assert.match(sel, /^Explain the selected code in a\.py \(lines 1-1\)/);
  assert.ok(!sel.includes('problems'));
});
