import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGES, languageForId, languageForPath, type LanguageName } from '../../../src/core/context/languages';
import { parse, parseSync, isLoaded, loadLanguage, loadError, unparseableReason, MAX_PARSE_CHARS } from '../../../src/core/context/parser';

const SAMPLES: Record<LanguageName, { code: string; root: string }> = {
  typescript: { code: 'export function f(a: number): string { return `${a}`; }\n', root: 'program' },
  tsx: { code: 'const A = () => <div className="x">{1}</div>;\n', root: 'program' },
  javascript: { code: 'function f(a) { return a + 1; }\n', root: 'program' },
  python: { code: 'def f(a):\n    return a + 1\n', root: 'module' },
  go: { code: 'package main\nfunc f(a int) int { return a + 1 }\n', root: 'source_file' },
  rust: { code: 'fn f(a: i32) -> i32 { a + 1 }\n', root: 'source_file' },
  java: { code: 'class A { int f(int a) { return a + 1; } }\n', root: 'program' },
  c: { code: 'int f(int a) { return a + 1; }\n', root: 'translation_unit' },
  cpp: { code: 'namespace n { int f(int a) { return a + 1; } }\n', root: 'translation_unit' },
  csharp: { code: 'class A { int F(int a) { return a + 1; } }\n', root: 'compilation_unit' },
  ruby: { code: 'def f(a)\n  a + 1\nend\n', root: 'program' },
  php: { code: '<?php function f($a) { return $a + 1; }\n', root: 'program' },
};

test('every grammar loads and parses its language without errors', async () => {
  for (const name of Object.keys(LANGUAGES) as LanguageName[]) {
    const tree = await parse(name, SAMPLES[name].code);
    assert.ok(tree, `${name}: no tree (${loadError(name) ?? 'no load error'})`);
    assert.equal(tree.rootNode.type, SAMPLES[name].root, name);
    assert.equal(tree.rootNode.hasError, false, `${name}: ${tree.rootNode.toString()}`);
    tree.delete();
  }
});

test('VS Code language ids and paths map to grammars', () => {
  assert.equal(languageForId('typescriptreact'), 'tsx');
  assert.equal(languageForId('javascriptreact'), 'javascript');
  assert.equal(languageForId('csharp'), 'csharp');
  assert.equal(languageForId('markdown'), undefined);
  assert.equal(languageForPath('/a/b/c.PY'), 'python');
  assert.equal(languageForPath('src/x.d.ts'), 'typescript');
  assert.equal(languageForPath('Makefile'), undefined);
  assert.equal(languageForPath('.env'), undefined);
});

test('no grammar, too big and minified text are not parsed', async () => {
  assert.equal(await parse('markdown', '# hi\n'), undefined);
  const big = 'let x = 1;\n'.repeat(Math.ceil(MAX_PARSE_CHARS / 11) + 1);
  assert.equal(unparseableReason(big), 'too-big');
  assert.equal(await parse('javascript', big), undefined);
  const minified = 'var a=1;'.repeat(1000);
  assert.equal(unparseableReason(minified), 'minified');
  assert.equal(await parse('javascript', minified), undefined);
});

test('a parse over its time budget gives up and the parser still works afterwards', async () => {
  // ~900 KB of valid, deeply nested code: far more than a 1 ms budget allows.
  const heavy = 'function f() {\n' + '  if (a) { b(c, d, [1, 2, 3], { e: f }); }\n'.repeat(20000) + '}\n';
  assert.equal(unparseableReason(heavy), undefined);
  assert.equal(await parse('javascript', heavy, { timeoutMs: 1 }), undefined);
  const ok = await parse('javascript', 'let y = 2;\n');
  assert.ok(ok);
  assert.equal(ok.rootNode.hasError, false);
  ok.delete();
});

test('incremental re-parse with an edited old tree, and parseSync once loaded', async () => {
  await loadLanguage('python');
  assert.equal(isLoaded('python'), true);
  const before = 'def f(a):\n    return a\n';
  const tree = parseSync('python', before);
  assert.ok(tree);
  const after = 'def f(a, b):\n    return a\n';
  tree.edit({
    startIndex: 8, oldEndIndex: 8, newEndIndex: 11,
    startPosition: { row: 0, column: 8 }, oldEndPosition: { row: 0, column: 8 }, newEndPosition: { row: 0, column: 11 },
  });
  const next = parseSync('python', after, { oldTree: tree });
  assert.ok(next);
  const params = next.rootNode.descendantsOfType('parameters')[0];
  assert.equal(params?.text, '(a, b)');
  tree.delete();
  next.delete();
});
