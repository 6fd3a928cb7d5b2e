import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { LocalTrees } from '../../../src/core/completion/localTrees';
import { loadLanguage, parseSync } from '../../../src/core/context/parser';
import { rng } from '../../../bench/rng';

const FILES: [string, string][] = [
  ['typescript', path.join(__dirname, '..', '..', '..', 'src', 'core', 'completion', 'pipeline.ts')],
  ['python', path.join(__dirname, '..', '..', 'fixtures', 'context', 'lang', 'sample.py')],
];

before(async () => {
  await loadLanguage('typescript');
  await loadLanguage('python');
});

test('local trees: typing, deleting and moving re-parse incrementally to the same tree as a fresh parse', () => {
  const random = rng(3);
  const trees = new LocalTrees();
  let reused = 0;
  for (const [languageId, file] of FILES) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    let start = 0;
    let text = lines.slice(start, start + 80).join('\n');
    for (let step = 0; step < 120; step++) {
      const r = random();
      const at = Math.floor(random() * text.length);
      if (r < 0.5) text = text.slice(0, at) + ['x', '\n', '(', '  ', 'return 1', '"', '}'][Math.floor(random() * 7)] + text.slice(at);
      else if (r < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
      else if (r < 0.9) {
        start = Math.floor(random() * Math.max(1, lines.length - 80));
        text = lines.slice(start, start + 80).join('\n');
      }
      const tree = trees.parse(languageId, text, 1000);
      const fresh = parseSync(languageId, text, { timeoutMs: 1000 });
      assert.ok(tree && fresh);
      assert.equal(tree.rootNode.toString(), fresh.rootNode.toString(), `${languageId} step ${step}`);
      fresh.delete();
      // The same text again: the kept tree, not a parse.
      if (trees.parse(languageId, text, 1000) === tree) reused++;
    }
  }
  assert.equal(reused, 240);
  trees.clear();
});
