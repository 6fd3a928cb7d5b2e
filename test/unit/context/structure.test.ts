/** Per-language structure on small fixtures written for the purpose: tags, imports, enclosing scopes, skeletons. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { languageForPath } from '../../../src/core/context/languages';
import { parse } from '../../../src/core/context/parser';
import { extractStructure, enclosingScopes, skeleton } from '../../../src/core/context/structure';
import { heapAfterGc } from './heap';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'context', 'lang');

interface Expect {
  file: string;
  /** name:kind pairs that must be tagged */
  tags: string[];
  /** import sources that must be found */
  imports: string[];
  /** enclosing scope names at `cursor_here`, outermost first */
  scopes: string[];
  /** text that must be in the skeleton, and a body statement that must not */
  skeletonHas: string;
  skeletonLacks: string;
}

const CASES: Expect[] = [
  { file: 'sample.ts', tags: ['Shape:interface', 'area:method', 'Id:type', 'Circle:class', 'radius:field', 'makeCircle:function', 'DEFAULT_RADIUS:variable'], imports: ['./helper', 'path'], scopes: ['Circle', 'area'], skeletonHas: 'export function makeCircle(r: number, opts?: Options): Circle', skeletonLacks: 'return new Circle' },
  { file: 'sample.tsx', tags: ['Props:interface', 'label:field', 'Panel:function', 'Legacy:class', 'render:method'], imports: ['react', './button'], scopes: ['Panel'], skeletonHas: 'export function Panel(props: Props): JSX.Element', skeletonLacks: 'className' },
  { file: 'sample.js', tags: ['Store:class', 'add:method', 'createStore:function', 'LIMIT:variable'], imports: ['./helper.js', 'fs'], scopes: ['Store', 'add'], skeletonHas: 'add(item)', skeletonLacks: 'items.push' },
  { file: 'sample.py', tags: ['Session:class', 'timeout:field', 'request:function', 'make_session:function', 'DEFAULT_TIMEOUT:variable'], imports: ['os', '.helpers'], scopes: ['Session', 'request'], skeletonHas: 'def request(self, method, url):', skeletonLacks: 'parse_value(url)' },
  { file: 'sample.go', tags: ['Command:type', 'Use:field', 'Runner:type', 'Run:method', 'Execute:method', 'NewCommand:function', 'DefaultUse:constant'], imports: ['fmt', 'strings'], scopes: ['Execute'], skeletonHas: 'func (c *Command) Execute(args []string) error', skeletonLacks: 'strings.Join' },
  { file: 'sample.rs', tags: ['Map:struct', 'entries:field', 'Lookup:interface', 'get:function', 'insert:function', 'new_map:function', 'MAX_DEPTH:constant'], imports: ['std::collections::HashMap', 'crate::value::{Value, Number}'], scopes: ['Map', 'insert'], skeletonHas: 'pub fn insert(&mut self, key: String, value: Value) -> Option<Value>', skeletonLacks: 'entries.insert' },
  { file: 'Sample.java', tags: ['Sample:class', 'items:field', 'count:method', 'Counter:interface'], imports: ['java.util.List', 'java.util.ArrayList'], scopes: ['Sample', 'count'], skeletonHas: 'public int count(String prefix)', skeletonLacks: 'startsWith' },
  { file: 'sample.c', tags: ['BUFFER_SIZE:macro', 'buffer:struct', 'data:field', 'buffer_t:type', 'buffer_append:function', 'buffer_len:function'], imports: ['stdio.h', 'buffer.h'], scopes: ['buffer_append'], skeletonHas: 'static int buffer_append(struct buffer *b, char c)', skeletonLacks: 'b->data' },
  { file: 'sample.cpp', tags: ['geo:module', 'Polygon:class', 'perimeter:method', 'sides_:field', 'count_sides:function'], imports: ['vector', 'shape.hpp'], scopes: ['geo', 'Polygon', 'perimeter'], skeletonHas: 'double perimeter(double side) const', skeletonLacks: 'side * sides_' },
  { file: 'Sample.cs', tags: ['Sample:module', 'Inventory:class', 'items:field', 'Count:field', 'Add:method', 'IStore:interface'], imports: ['System', 'System.Collections.Generic'], scopes: ['Sample', 'Inventory', 'Add'], skeletonHas: 'public void Add(string item)', skeletonLacks: 'item.Trim' },
  { file: 'sample.rb', tags: ['Shop:module', 'Cart:class', 'LIMIT:constant', 'initialize:method', 'add:method', 'build:method'], imports: ['json', 'helper'], scopes: ['Shop', 'Cart', 'add'], skeletonHas: 'def add(item)', skeletonLacks: 'Helper.normalize' },
  { file: 'sample.php', tags: ['App\\Shop:module', 'Store:interface', 'Cart:class', 'items:field', 'add:method', 'make_cart:function'], imports: ['App\\Support\\Helper', 'bootstrap.php'], scopes: ['Cart', 'add'], skeletonHas: 'public function add(string $item): void', skeletonLacks: 'Helper::normalize' },
];

for (const c of CASES) {
  test(`${c.file}: tags, imports, scopes, skeleton`, async () => {
    const text = fs.readFileSync(path.join(DIR, c.file), 'utf8');
    const lang = languageForPath(c.file);
    assert.ok(lang, 'language by extension');
    const tree = await parse(lang, text);
    assert.ok(tree, 'parsed');
    try {
      const { tags, imports } = extractStructure(lang, tree, text);
      const got = new Set(tags.map((t) => `${t.name}:${t.kind}`));
      for (const want of c.tags) assert.ok(got.has(want), `missing tag ${want}; got ${[...got].join(', ')}`);
      for (const t of tags) {
        assert.ok(t.startLine <= t.nameLine && t.nameLine <= t.endLine, `${t.name}: name line inside its range`);
        assert.ok(t.signature.length > 0 && !t.signature.includes('\n'), `${t.name}: one-line signature`);
        assert.equal(text.split('\n')[t.nameLine].includes(t.name.split('\\').pop()!), true, `${t.name}: nameLine holds the name`);
      }
      const sources = imports.map((i) => i.source);
      for (const want of c.imports) assert.ok(sources.includes(want), `missing import ${want}; got ${sources.join(' | ')}`);
      const scopes = enclosingScopes(tags, text.indexOf('cursor_here')).map((t) => t.name);
      assert.deepEqual(scopes, c.scopes);
      const outline = skeleton(tags);
      assert.ok(outline.includes(c.skeletonHas), `skeleton lacks "${c.skeletonHas}":\n${outline}`);
      assert.ok(!outline.includes(c.skeletonLacks), `skeleton has a body statement "${c.skeletonLacks}":\n${outline}`);
      assert.ok(!outline.includes('cursor_here'), 'locals stay out of skeletons');
    } finally {
      tree.delete();
    }
  });
}

test('Go: a type, const or var spec on its declaration\'s line keeps the keyword in its signature; one in a group does not get it', async () => {
  const text = 'package p\n\ntype Pass struct {\n\tName string\n}\n\nconst Enabled = true\n\nvar (\n\tDebug = false\n)\n\ntype (\n\tID int\n)\n';
  const tree = await parse('go', text);
  assert.ok(tree);
  try {
    const sig = (name: string) => extractStructure('go', tree, text).tags.find((t) => t.name === name)?.signature;
    assert.equal(sig('Pass'), 'type Pass struct {');
    assert.equal(sig('Enabled'), 'const Enabled = true');
    assert.equal(sig('Debug'), 'Debug = false');
    assert.equal(sig('ID'), 'ID int');
  } finally {
    tree.delete();
  }
});

test('skeleton with `around`: a long outline keeps the lines centred on the cursor', async () => {
  const text = Array.from({ length: 100 }, (_, i) => `export function f${i}(x: number): number {\n  return x;\n}\n`).join('');
  const tree = await parse('typescript', text);
  assert.ok(tree);
  try {
    const { tags } = extractStructure('typescript', tree, text);
    const atF50 = text.indexOf('export function f50(');
    const outline = skeleton(tags, { maxLines: 10, around: atF50 }).split('\n');
    assert.equal(outline.length, 10);
    assert.ok(outline.some((l) => l.startsWith('export function f50(')), outline.join('\n'));
    assert.ok(!outline.some((l) => l.startsWith('export function f0(')), 'not the top of the file');
    assert.equal(skeleton(tags, { maxLines: 10 }).split('\n')[0].startsWith('export function f0('), true, 'without around: the first lines');
    assert.equal(skeleton(tags, { maxLines: 10, around: text.length }).split('\n').pop()!.startsWith('export function f99('), true);
  } finally {
    tree.delete();
  }
});

test('tag names, signatures and import strings do not keep the file text alive (V8 substrings hold their parent)', async () => {
  const heap = heapAfterGc;
  const padding = 'x'.repeat(60);
  /** Parse a distinct ~0.8 MB file and keep its first tags' names and signatures and its imports. */
  const extractOne = async (i: number) => {
    // Names and sources are long enough (13+ characters) to be substrings rather than copies.
    const body = Array.from({ length: 9_000 }, (_, n) => `const value_${i}_${n} = "${padding}";`).join('\n');
    const text = `import { somethingLongEnough_${i} } from "./a/module/with/a/long/path_${i}";\nexport function someLongFunctionName_${i}(){}\n${body}\n`;
    const tree = (await parse('typescript', text, { timeoutMs: 10_000 }))!;
    const s = extractStructure('typescript', tree, text, { maxDepth: 2 });
    tree.delete();
    assert.equal(s.imports[0].source, `./a/module/with/a/long/path_${i}`);
    assert.ok(s.tags.some((t) => t.name === `someLongFunctionName_${i}`));
    return { tags: s.tags.slice(0, 2).map((t) => ({ name: t.name, signature: t.signature })), imports: s.imports };
  };
  for (let i = 0; i < 3; i++) await extractOne(1000 + i); // warm-up: grammar, queries, JIT, parser buffers
  const before = heap();
  const kept: unknown[] = [];
  const FILES = 12;
  for (let i = 0; i < FILES; i++) kept.push(await extractOne(i));
  const grownMb = (heap() - before) / 1048576;
  assert.equal(kept.length, FILES);
  // Were the strings substrings of the files, the 12 files (~10 MB) would still be on the heap.
  assert.ok(grownMb < 3, `heap grew ${grownMb.toFixed(1)} MB keeping a few strings of ${FILES} files`);
});
