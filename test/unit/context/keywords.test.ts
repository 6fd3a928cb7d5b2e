import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKeyword } from '../../../src/core/context/keywords';
import { identifierWeights, type CursorInfo } from '../../../src/core/context/retrieval';

test('isKeyword: per language, unknown language has none', () => {
  assert.equal(isKeyword('typescript', 'never'), true);
  assert.equal(isKeyword('python', 'never'), false);
  assert.equal(isKeyword('python', 'elif'), true);
  assert.equal(isKeyword('go', 'func'), true);
  assert.equal(isKeyword('rust', 'Widget'), false);
  assert.equal(isKeyword(undefined, 'if'), false);
});

test('identifierWeights: reserved words are skipped unless used as a member name (z.object)', () => {
  const text = 'function f(x: never) {\n  if (x) return z.object({});\n  const y = helper(x);\n  \n}\n';
  const cur: CursorInfo = {
    relPath: 'a.ts', languageId: 'typescript', text, offset: text.indexOf('  \n') + 2, line: 3,
    tags: [], imports: [], scopes: [], importedFiles: new Map(), reachableFiles: new Set(), resolvedBindings: new Set(), qualifiers: new Map(),
  };
  const { weights } = identifierWeights(cur);
  for (const k of ['function', 'never', 'if', 'return', 'const']) assert.equal(weights.has(k), false, k);
  for (const w of ['object', 'helper', 'z']) assert.ok(weights.has(w), w);
});
