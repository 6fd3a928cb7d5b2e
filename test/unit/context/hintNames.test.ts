/**
 * The names the extension asks the language server about (src/core/context/hintNames.ts): nearest to the cursor first,
 * each once, no keywords, nothing from comments or strings, and a name declared in the lines marked (asked for its type only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hintNames } from '../../../src/core/context/hintNames';

const TEXT = [
  "import { makeClient } from './factory';", // line 10
  'export async function report() {',
  '  // remember the retries here',
  '  const c = makeClient();',
  '  const total = await c.runQueryWithRetries("select count", 3);',
  '  c.',
  '  return total.toFixed(2);',
].join('\n');

test('names nearest to the cursor first, each once, without keywords, comments and strings', () => {
  const names = hintNames(TEXT, 10, 15, 'typescript', 100);
  const order = names.map((n) => n.name);
  // toFixed one line below (1.5) before makeClient two above (2); `factory` is in a string.
  assert.deepEqual(order, ['c', 'total', 'runQueryWithRetries', 'toFixed', 'makeClient', 'report']);
  for (const absent of ['const', 'await', 'return', 'remember', 'retries', 'select', 'count', 'async', 'function', 'import', 'factory']) assert.ok(!order.includes(absent), absent);
  assert.deepEqual(names.find((n) => n.name === 'c'), { name: 'c', line: 15, character: 2, declared: true });
  assert.deepEqual(names.find((n) => n.name === 'runQueryWithRetries'), { name: 'runQueryWithRetries', line: 14, character: 24, declared: false });
  assert.equal(names.find((n) => n.name === 'total')?.line, 14, 'above the cursor wins over as far below');
  assert.equal(names.find((n) => n.name === 'makeClient')?.declared, false);
  assert.deepEqual(hintNames(TEXT, 10, 15, 'typescript', 2).map((n) => n.name), order.slice(0, 2));
});
