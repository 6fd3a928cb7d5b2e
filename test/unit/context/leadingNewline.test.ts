/**
 * Texts that start with a newline: `text.lastIndexOf('\n', pos - 1)` at pos 0 reads its fromIndex -1 as 0 and finds that
 * newline "before" the start. Walks back over lines then never ended (the engine's identifier and qualified-name scans
 * hung the worker), and the completion window put line 0 after itself (firstLine -1520). newlineBefore() is the fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { newlineBefore } from '../../../src/core/strings';
import { fileWindow } from '../../../src/core/completion/promptWindow';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { tempWorkspaces } from './tempWorkspace';
import { rng } from '../../../bench/rng';

test('newlineBefore: the last newline strictly before a position, none before position 0', () => {
  assert.equal(newlineBefore('\nab', 0), -1);
  assert.equal(newlineBefore('\nab', 1), 0);
  assert.equal(newlineBefore('a\nb', 3), 1);
  assert.equal(newlineBefore('ab', 2), -1);
});

test('the completion window of a text starting with blank lines: every line where it is, from line 0', () => {
  const random = rng(9);
  for (let t = 0; t < 200; t++) {
    const lines = Array.from({ length: 1 + Math.floor(random() * 30) }, () => (random() < 0.4 ? '' : `v${Math.floor(random() * 99)} = 1`));
    lines[0] = '';
    const text = lines.join('\n');
    const offset = Math.floor(random() * (text.length + 1));
    const cursorLine = text.slice(0, offset).split('\n').length - 1;
    const w = fileWindow(text, offset);
    assert.equal(w.cursorLine, cursorLine, JSON.stringify({ text, offset }));
    assert.equal(w.firstLine, 0, JSON.stringify({ text, offset, w }));
    const rebuilt = (w.cursorLine > w.firstLine ? w.above + '\n' : '') + w.linePrefix + w.lineSuffix + (w.lastLine > w.cursorLine ? '\n' + w.below : '');
    assert.equal(rebuilt, lines.slice(w.firstLine, w.lastLine + 1).join('\n'), JSON.stringify({ text, offset, w }));
  }
});

const workspace = tempWorkspaces('leading-newline-');

test('assemble() answers in a document that starts with a blank line, at every cursor of its first lines', { timeout: 60_000 }, async () => {
  const files = { 'util.ts': 'export const make = (n: number) => n + 1;\n', 'main.ts': '\nimport * as util from "./util";\nexport const x = util.make(1);\n' };
  const { root, index } = await workspace(files);
  const engine = new TreeSitterContextEngine({ index });
  try {
    const text = files['main.ts'];
    for (let offset = 0; offset <= text.length; offset++) {
      const line = text.slice(0, offset).split('\n').length - 1;
      const packed = await engine.assemble({ doc: { path: path.join(root, 'main.ts'), relPath: 'main.ts', languageId: 'typescript', text, version: 1, offset, line }, budgetTokens: 500, purpose: 'completion' });
      assert.ok(packed.tokens <= 500);
    }
  } finally {
    engine.dispose();
  }
});
