/**
 * Grammars requested at the same time all load (its own file: it needs a process where no grammar is loaded yet).
 * Loading web-tree-sitter side modules concurrently bound one grammar's symbols to another's, and the grammar that
 * lost the race failed for good ("bad export type for 'tree_sitter_tsx_external_scanner_create'").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadError, loadLanguage, parse } from '../../../src/core/context/parser';
import type { LanguageName } from '../../../src/core/context/languages';

test('grammars requested together all load, and each parses its own language', async () => {
  const names: LanguageName[] = ['typescript', 'javascript', 'tsx', 'python', 'go', 'rust', 'java', 'c', 'cpp'];
  const loaded = await Promise.all(names.map((n) => loadLanguage(n)));
  const failed = names.filter((_, i) => !loaded[i]).map((n) => `${n}: ${loadError(n)}`);
  assert.deepEqual(failed, []);
  const tree = await parse('python', 'def f(x):\n    return x\n');
  assert.equal(tree?.rootNode.firstChild?.type, 'function_definition');
  tree?.delete();
  const ts = await parse('typescript', 'interface A { x: number }');
  assert.equal(ts?.rootNode.firstChild?.type, 'interface_declaration');
  ts?.delete();
});
