import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../../src/core/context/parser';
import { enclosingTarget, selectionTarget, countSyntaxErrors, lineStartIfIndented } from '../../../src/core/actions/target';

/** The target around the first occurrence of `marker` (cursor placed on it). */
async function targetAt(languageId: string, text: string, marker: string) {
  const tree = await parse(languageId, text);
  assert.ok(tree, `${languageId} parses`);
  try {
    const offset = text.indexOf(marker);
    assert.ok(offset >= 0, `marker ${marker} present`);
    const t = enclosingTarget(tree, languageId, text, offset);
    return t && { ...t, text: text.slice(t.start, t.end) };
  } finally {
    tree.delete();
  }
}

const TS = `import { z } from './z';

export function add(a: number, b: number): number {
  return a + b;
}

export class Cart {
  private items: number[] = [];

  total(): number {
    return this.items.reduce((s, x) => s + x, 0);
  }

  readonly count = () => {
    return this.items.length;
  };
}

const double = (x: number) => x * 2;
`;

test('typescript: the exported function including `export`', async () => {
  const t = await targetAt('typescript', TS, 'return a + b');
  assert.equal(t?.kind, 'function');
  assert.equal(t?.name, 'add');
  assert.equal(t?.text, 'export function add(a: number, b: number): number {\n  return a + b;\n}');
});

test('typescript: a method inside a class, from its line start (indentation included); not the callback', async () => {
  const t = await targetAt('typescript', TS, 's + x');
  assert.equal(t?.kind, 'function');
  assert.equal(t?.name, 'total');
  assert.equal(t?.text, '  total(): number {\n    return this.items.reduce((s, x) => s + x, 0);\n  }');
});

test('typescript: an arrow function bound to a class field and to a const', async () => {
  const field = await targetAt('typescript', TS, 'this.items.length');
  assert.equal(field?.name, 'count');
  assert.ok(field?.text.startsWith('  readonly count = () => {'));
  const constant = await targetAt('typescript', TS, 'x * 2');
  assert.equal(constant?.name, 'double');
  assert.equal(constant?.text, 'const double = (x: number) => x * 2;');
});

test('typescript: cursor in a class body outside methods gives the class', async () => {
  const t = await targetAt('typescript', TS, 'private items');
  assert.equal(t?.kind, 'class');
  assert.ok(t?.text.startsWith('export class Cart {'));
  assert.ok(t?.text.endsWith('}'));
});

test('typescript: cursor on an import gives no target', async () => {
  assert.equal(await targetAt('typescript', TS, 'import {'), undefined);
});

const PY = `import math

@cache
def area(r):
    return math.pi * r * r

class Shape:
    sides = 0

    def describe(self):
        return f"{self.sides} sides"
`;

test('python: decorated function includes the decorator', async () => {
  const t = await targetAt('python', PY, 'math.pi');
  assert.equal(t?.name, 'area');
  assert.equal(t?.text, '@cache\ndef area(r):\n    return math.pi * r * r');
});

test('python: method and class', async () => {
  const m = await targetAt('python', PY, 'sides"');
  assert.equal(m?.name, 'describe');
  assert.ok(m?.text.startsWith('    def describe(self):'));
  const c = await targetAt('python', PY, 'sides = 0');
  assert.equal(c?.kind, 'class');
  assert.equal(c?.name, 'Shape');
});

test('go: method with receiver, and type declaration as class', async () => {
  const src = 'package geo\n\ntype Point struct {\n\tX, Y int\n}\n\nfunc (p Point) Add(q Point) Point {\n\treturn Point{p.X + q.X, p.Y + q.Y}\n}\n';
  const m = await targetAt('go', src, 'return Point');
  assert.equal(m?.kind, 'function');
  assert.equal(m?.name, 'Add');
  assert.ok(m?.text.startsWith('func (p Point) Add'));
  const c = await targetAt('go', src, 'X, Y');
  assert.equal(c?.kind, 'class');
  assert.ok(c?.text.startsWith('type Point struct'));
});

test('rust: fn inside impl, impl when between fns', async () => {
  const src = 'struct A;\n\nimpl A {\n    fn one(&self) -> i32 {\n        1\n    }\n\n    fn two(&self) -> i32 { 2 }\n}\n';
  const f = await targetAt('rust', src, '1\n');
  assert.equal(f?.name, 'one');
  assert.ok(f?.text.startsWith('    fn one'));
  const blank = src.indexOf('\n\n    fn two') + 1;
  const tree = (await parse('rust', src))!;
  const i = enclosingTarget(tree, 'rust', src, blank);
  tree.delete();
  assert.equal(i?.kind, 'class');
  assert.equal(i?.nodeType, 'impl_item');
});

test('java, c#, ruby, php, c, cpp: innermost method', async () => {
  const cases: [string, string, string, string][] = [
    ['java', 'class A {\n  int m() {\n    return 1;\n  }\n}\n', 'return 1', 'm'],
    ['csharp', 'class A {\n  int M() {\n    return 1;\n  }\n}\n', 'return 1', 'M'],
    ['ruby', 'class A\n  def m\n    1\n  end\nend\n', '1\n', 'm'],
    ['php', '<?php\nclass A {\n  function m() {\n    return 1;\n  }\n}\n', 'return 1', 'm'],
    ['c', 'int f(int x) {\n  return x;\n}\n', 'return x', 'f'],
    ['cpp', 'class A {\n  int m() {\n    return 1;\n  }\n};\n', 'return 1', 'm'],
  ];
  for (const [lang, src, marker, name] of cases) {
    const t = await targetAt(lang, src, marker);
    assert.equal(t?.kind, 'function', lang);
    assert.equal(t?.name, name, lang);
  }
});

test('unknown language gives no target', async () => {
  const tree = (await parse('typescript', 'function f() {}'))!;
  assert.equal(enclosingTarget(tree, 'cobol', 'function f() {}', 3), undefined);
  tree.delete();
});

test('selection target: whitespace-only is none; indented start moves to the line start', () => {
  const text = 'a\n    foo();\n    bar();\n';
  assert.equal(selectionTarget(text, { start: 0, end: 0 }), undefined);
  assert.equal(selectionTarget(text, { start: 1, end: 6 }), undefined);
  const s = selectionTarget(text, { start: text.indexOf('foo'), end: text.indexOf('bar();') + 6 });
  assert.deepEqual(s, { kind: 'selection', start: 2, end: text.indexOf('bar();') + 6 });
  // a reversed (backwards) selection is normalised; a mid-line start stays where it is
  const mid = selectionTarget(text, { start: text.indexOf('();'), end: text.indexOf('foo') + 1 });
  assert.equal(mid?.start, text.indexOf('oo()'));
  assert.equal(lineStartIfIndented('x = 1', 4), 4);
});

test('countSyntaxErrors: 0 on clean code, > 0 on broken code', async () => {
  const ok = (await parse('typescript', 'function f() { return 1; }'))!;
  const bad = (await parse('typescript', 'function f() { return 1; '))!;
  assert.equal(countSyntaxErrors(ok), 0);
  assert.ok(countSyntaxErrors(bad) > 0);
  ok.delete();
  bad.delete();
});

test('actionLanguageIds: VS Code ids with a grammar (react variants included, our internal "tsx" name not)', async () => {
  const { actionLanguageIds } = await import('../../../src/core/actions/target');
  const ids = actionLanguageIds();
  for (const id of ['typescript', 'typescriptreact', 'javascriptreact', 'python', 'go', 'rust', 'csharp']) assert.ok(ids.includes(id), id);
  assert.ok(!ids.includes('tsx'));
  assert.ok(!ids.includes('plaintext'));
});

test('leading doc comments join the target on request (Add Docs), across languages; a blank line separates', async () => {
  const cases: [string, string, string, string][] = [
    ['typescript', '// header\n\n/**\n * Adds.\n */\nexport function add(a: number) {\n  return a;\n}\n', 'return a', '/**\n * Adds.\n */\nexport function add'],
    ['rust', 'struct S;\n/// Doubles.\n/// Really.\nfn dbl(x: i32) -> i32 {\n    x * 2\n}\n', 'x * 2', '/// Doubles.\n/// Really.\nfn dbl'],
    ['go', 'package p\n\n// Sum adds.\nfunc Sum(a int) int {\n\treturn a\n}\n', 'return a', '// Sum adds.\nfunc Sum'],
    ['python', 'import os\n\n# helper\ndef f():\n    return 1\n', 'return 1', '# helper\ndef f'],
  ];
  for (const [lang, src, marker, startsWith] of cases) {
    const tree = (await parse(lang, src))!;
    const withComments = enclosingTarget(tree, lang, src, src.indexOf(marker), { leadingComments: true })!;
    const without = enclosingTarget(tree, lang, src, src.indexOf(marker))!;
    tree.delete();
    assert.ok(src.slice(withComments.start).startsWith(startsWith), `${lang}: ${JSON.stringify(src.slice(withComments.start, withComments.start + 30))}`);
    assert.ok(without.start > withComments.start, `${lang}: without the option the comment stays outside`);
    assert.equal(withComments.end, without.end);
  }
});
