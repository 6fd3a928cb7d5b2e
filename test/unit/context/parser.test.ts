import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGES, languageForId, languageForPath, type LanguageName } from '../../../src/core/context/languages';
import { parse, parseSync, isLoaded, loadLanguage, loadError, unparseableReason, checkAfterEdit, checkParseable, MAX_PARSE_CHARS } from '../../../src/core/context/parser';
import { rng } from '../../../bench/rng';

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

test('one long line of data does not make a hand-written file minified; a bundle, mostly long lines, still is', async () => {
  // A test file with a 14,000-character string (every emoji) among ordinary code: parsed, its definitions found.
  const code = Array.from({ length: 300 }, (_, i) => `export function check${i}(s: string): boolean {\n  return s.length > ${i};\n}\n`).join('');
  const withData = `const EMOJI = "${'\u{1F600}'.repeat(7000)}";\n` + code;
  assert.ok(withData.split('\n')[0].length > 14_000);
  assert.equal(unparseableReason(withData), undefined);
  const tree = await parse('typescript', withData);
  assert.ok(tree, 'parsed');
  assert.equal(tree.rootNode.hasError, false);
  assert.equal(tree.rootNode.namedChildren.filter((n) => n?.type === 'export_statement').length, 300);
  tree.delete();
  // A bundle: a short banner, then the code on a few very long lines.
  const bundle = '/*! lib v1.0 | MIT */\n"use strict";\n' + Array.from({ length: 3 }, (_, i) => `var m${i}=function(a,b){return a+b};`.repeat(200)).join('\n') + '\n';
  assert.equal(unparseableReason(bundle), 'minified');
  assert.equal(await parse('javascript', bundle), undefined);
  // The same data line in a file holding little else: most of the text is the long line.
  assert.equal(unparseableReason(`const EMOJI = "${'\u{1F600}'.repeat(7000)}";\nexport const n = 1;\n`), 'minified');
});

test('the minified check after an edit, from the edited lines alone, equals a check of the whole text', () => {
  const r = rng(11);
  const pieces = ['\n', 'x', 'abc def ', '\n\n', 'y'.repeat(900), 'z'.repeat(2100), '\n' + 'w'.repeat(2500) + '\n'];
  let text = 'let a = 1;\n'.repeat(300);
  let check = checkParseable(text);
  let minified = 0;
  for (let v = 0; v < 600; v++) {
    const at = Math.floor(r() * (text.length + 1));
    const cut = r() < 0.5 ? 0 : Math.floor(r() * (r() < 0.2 ? 3000 : 40));
    const insert = r() < 0.8 ? pieces[Math.floor(r() * pieces.length)] : '';
    const next = text.slice(0, at) + insert + text.slice(at + cut);
    const edit = { start: at, oldEnd: Math.min(text.length, at + cut), newEnd: at + insert.length };
    check = checkAfterEdit(text, check, next, edit);
    assert.deepEqual(check, checkParseable(next), `edit ${v} at ${at}`);
    if (check.reason === 'minified') minified++;
    text = next;
  }
  assert.ok(minified > 20 && minified < 580, `both verdicts were reached: ${minified} minified`);
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
