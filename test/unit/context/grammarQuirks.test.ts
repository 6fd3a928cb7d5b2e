import { test } from 'node:test';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { loadLanguage, parse, parseParseableSync, type Tree } from '../../../src/core/context/parser';
import { parseable, parseableReader, parseableText, rewrittenText, updateParseable, type Parseable } from '../../../src/core/context/grammarQuirks';
import { editTree, findChange } from '../../../src/core/context/documentCache';
import { randomEdit } from './randomEdits';
import { rng } from '../../../bench/rng';
import { indexFileText } from '../../../src/core/context/fileIndexer';

// Constructs the bundled TypeScript grammar turns into ERROR nodes (each made a whole real module one ERROR node).
const OVERLOADS = [
  '/** Data-first or data-last. */',
  'export const dual: {',
  '  /** By arity. */',
  '  <DataLast extends (...args: Array<any>) => any, DataFirst extends (...args: Array<any>) => any>(arity: number, body: DataFirst): DataLast & DataFirst',
  '  // by predicate',
  '  <DataLast extends (...args: Array<any>) => any, DataFirst extends (...args: Array<any>) => any>(',
  '    isDataFirst: (args: IArguments) => boolean,',
  '    body: DataFirst',
  '  ): DataLast & DataFirst',
  '  <',
  '    A',
  '  >(a: A): A',
  '} = function (arity: any, body: any) { return body }',
  '',
  'export function pipe<A>(a: A): A { return a }',
  '',
].join('\n');
const VARIANCE = 'export interface Stream<out A, in out E = never, in R = unknown> { readonly a: A }\nexport const after = 1\n';
const TEMPLATE_TYPE = 'type Missing<U extends string> =\n  `Missing \\`Self\\` generic - use \\`class Self extends ${U}<Self>()\\``\nexport const after = 1\n';
// Lines opening with `<` that must stay as they are: a generic arrow after `=>` or `=`, and a comparison's operand.
const UNTOUCHED = 'export const curried = (a: number) =>\n  <B>(b: B) => [a, b]\nexport const g =\n  <C>(c: C) => c\n';

test('parse() reads TypeScript the grammar cannot parse through same-length rewrites: no errors', async () => {
  for (const code of [OVERLOADS, VARIANCE, TEMPLATE_TYPE]) {
    const raw = await parse('typescript', code, { timeoutMs: 1000 });
    const rewritten = parseableText('typescript', code);
    assert.equal(rewritten.length, code.length);
    assert.equal(rewritten.split('\n').length, code.split('\n').length);
    assert.ok(raw, 'parsed');
    assert.equal(raw.rootNode.hasError, false, `${code.slice(0, 40)}: ${raw.rootNode.toString().slice(0, 200)}`);
    raw.delete();
  }
});

test('the rewrites are what makes those files parse: the raw text has errors in the grammar', async () => {
  const { Parser } = createRequire(__filename)('web-tree-sitter') as typeof import('web-tree-sitter');
  const tree = await parse('typescript', 'let x = 1\n', { timeoutMs: 1000 });
  assert.ok(tree);
  const parser = new Parser();
  parser.setLanguage(tree.language);
  tree.delete();
  for (const code of [OVERLOADS, VARIANCE, TEMPLATE_TYPE]) {
    const raw = parser.parse(code)!;
    assert.equal(raw.rootNode.hasError, true, `expected the grammar to fail on: ${code.slice(0, 60)}`);
    raw.delete();
    const fixed = parser.parse(parseableText('typescript', code))!;
    assert.equal(fixed.rootNode.hasError, false, `${code.slice(0, 60)}: ${fixed.rootNode.toString().slice(0, 300)}`);
    fixed.delete();
  }
  parser.delete();
});

test('definitions after an overloaded const are indexed, with signatures and snippets from the original text', async () => {
  const { tags } = await indexFileText('typescript', OVERLOADS, { maxTags: 100, parseTimeoutMs: 1000 });
  const names = tags.map((t) => t.name);
  assert.ok(names.includes('dual'), names.join(','));
  assert.ok(names.includes('pipe'), names.join(','));
  const dual = tags.find((t) => t.name === 'dual')!;
  assert.equal(dual.startLine, 1);
  assert.ok(!dual.snippet.includes(';<'), dual.snippet);
  const variance = await indexFileText('typescript', VARIANCE, { maxTags: 100, parseTimeoutMs: 1000 });
  assert.match(variance.tags.find((t) => t.name === 'Stream')!.signature, /<out A, in out E = never, in R = unknown>/);
  assert.ok(variance.tags.some((t) => t.name === 'after'));
  const template = await indexFileText('typescript', TEMPLATE_TYPE, { maxTags: 100, parseTimeoutMs: 1000 });
  assert.deepEqual(template.tags.map((t) => t.name).sort(), ['Missing', 'after']);
});

test('generic arrows on their own line, TSX, other languages and plain text are left alone', () => {
  assert.equal(parseableText('typescript', UNTOUCHED), UNTOUCHED);
  const jsx = 'const a = (\n  <div>{x}</div>\n)\nconst b = x\n  <span />\n';
  assert.equal(parseableText('tsx', jsx), jsx);
  assert.equal(parseableText('python', 'x = a if b in c else d\n'), 'x = a if b in c else d\n');
  const plain = 'for (const k in obj) { if (k in other) out.push(k) }\nconst s = "in out"\n';
  assert.equal(parseableText('typescript', plain), plain);
  const escaped = 'const s = `a \\\\` + `b`\n'; // an escaped backslash before a closing backtick: not an escaped backtick
  assert.equal(parseableText('typescript', escaped), escaped);
});

test('a run of backslashes longer than the rewrite window (a long data line, parsed now) rewrites the same around an edit as whole', () => {
  // 9,001 backslashes then a backtick in a template literal type: whether it is escaped depends on the run's parity. An
  // edit on the next line redoes the rewrites in a window starting ~6,000 characters back, inside the run.
  for (const run of [9001, 9002]) {
    const text = `type T = \`a${'\\'.repeat(run)}\` b\`;\nconst after = 1;\n`;
    const at = text.indexOf('1;');
    const next = text.slice(0, at) + '2' + text.slice(at + 1);
    const updated = updateParseable('typescript', parseable('typescript', text), next, { start: at, oldEnd: at + 1, newEnd: at + 1 });
    assert.equal(rewrittenText(updated), parseableText('typescript', next), `a run of ${run}`);
  }
});

test('after random edits, the rewrites updated around the edit equal a full rewrite of the edited text', () => {
  // Long comments between overloads (their look-back crosses them), and edits that open, close or cut those comments.
  const comment = `/**\n${Array.from({ length: 120 }, (_, i) => ` * line ${i} of a long comment, with \`code\` in it`).join('\n')}\n */\n`;
  const block = [OVERLOADS, VARIANCE, TEMPLATE_TYPE, UNTOUCHED].join('\n');
  const base = Array.from({ length: 6 }, (_, i) => `${block}\nexport const over${i}: {\n  (a: number): number\n  ${comment}  <A>(a: A): A\n} = (a: any) => a\n`).join('\n');
  const inserts = ['\n', '/*', '*/', '//', '<', '\n  <B>(b: B): B', ';', ' in ', 'out ', '\\`', '`', 'x', ' ', '\n\n', '<in\n', ', out\n  ', 'A>', 'B,', '\\'];
  const r = rng(5);
  let updatedWith = 0;
  for (const language of ['typescript', 'tsx'] as const) {
    let text = base;
    let state = parseable(language, text);
    for (let v = 0; v < 300; v++) {
      const at = Math.floor(r() * (text.length + 1));
      const cut = r() < 0.5 ? 0 : Math.floor(r() * 60);
      const insert = r() < 0.8 ? inserts[Math.floor(r() * inserts.length)] : '';
      const next = text.slice(0, at) + insert + text.slice(at + cut);
      const edit = { start: at, oldEnd: Math.min(text.length, at + cut), newEnd: at + insert.length };
      state = updateParseable(language, state, next, edit);
      const full = parseable(language, next);
      assert.equal(rewrittenText(state), rewrittenText(full), `${language}, edit ${v} at ${at}`);
      assert.deepEqual(state.patches, full.patches, `${language}, edit ${v} at ${at}`);
      assert.deepEqual(state.angles, full.angles, `${language}, edit ${v} at ${at}`);
      text = next;
      if (full.angles.some((a) => a.patch >= 0)) updatedWith++;
    }
  }
  assert.ok(updatedWith > 250, `edits on a text with call signatures to separate: ${updatedWith}`);
});

/** Everything parseableReader(p) gives, read the way the parser reads it: chunk after chunk until an empty one. */
function readAll(p: Parseable, chunk: number): string {
  const read = parseableReader(p, chunk);
  const parts: string[] = [];
  for (let at = 0, s = read(0); s.length > 0; at += s.length, s = read(at)) parts.push(s);
  return parts.join('');
}

/** A tree's nodes with their kinds, offsets and lines (what structure extraction reads), in order. */
function shape(tree: Tree): string {
  const out: string[] = [];
  const cursor = tree.walk();
  for (let more = true; more; ) {
    const n = cursor.currentNode;
    out.push(`${n.type}@${n.startIndex}-${n.endIndex}:${n.startPosition.row}.${n.startPosition.column}-${n.endPosition.row}.${n.endPosition.column}`);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) { more = false; break; }
  }
  cursor.delete();
  return out.join('\n');
}

test('600 random edits: the patches read through parseableReader, and the tree re-parsed from them, equal a parse of the whole rewritten text', async () => {
  await loadLanguage('typescript');
  const comment = `/**\n${Array.from({ length: 20 }, (_, i) => ` * line ${i} of a comment, with \`code\``).join('\n')}\n */\n`;
  const block = [OVERLOADS, VARIANCE, TEMPLATE_TYPE, UNTOUCHED, 'export type V<in\n  out A, out\n B> = [A, B]\n'].join('\n');
  const base = Array.from({ length: 2 }, (_, i) => `${block}\nexport const over${i}: {\n  (a: number): number\n  ${comment}  <A>(a: A): A\n} = (a: any) => a\n`).join('\n');
  const inserts = ['\n', '/*', '*/', '//', '<', '\n  <B>(b: B): B', ';', ' in ', 'out ', '\\`', '`', 'x', ' ', '<in\n', ', out\n  ', 'A>', 'B,', '\\', '}', '{'];
  const r = rng(11);
  const parseWhole = (input: string | Parseable, oldTree?: Tree) => parseParseableSync('typescript', input, { oldTree, timeoutMs: 5000 })!;
  let text = '';
  let state = parseable('typescript', text);
  let tree = parseWhole(state);
  let treeOfString = parseWhole('');
  let patched = 0;
  let sameAsScratch = 0;
  for (let v = 0; v < 600; v++) {
    // Rounds of 30 edits from the base text, so that some of the edited texts still parse without errors.
    const next = v % 30 === 0 ? base : randomEdit(text, r, inserts);
    const edit = findChange(text, next);
    state = updateParseable('typescript', state, next, edit);
    const whole = parseableText('typescript', next);
    const at = `edit ${v} at ${edit.start}`;
    // Chunk sizes that cut patches (a `;`, a blanked `in out`, two spaces for an escaped backtick) in two.
    for (const chunk of [3, 1024]) assert.equal(readAll(state, chunk), whole, `${at}, chunks of ${chunk}`);
    if (state.patches.length > 0) patched++;
    // The tree re-parsed through the reader from the previous one (edited), as the document cache does, against the
    // same re-parse reading the whole rewritten string: the same tree, with the same text and lines.
    editTree(tree, text, next, edit);
    editTree(treeOfString, text, next, edit);
    const reparsed = parseWhole(state, tree);
    const reparsedString = parseWhole(whole, treeOfString);
    tree.delete();
    treeOfString.delete();
    tree = reparsed;
    treeOfString = reparsedString;
    assert.equal(tree.rootNode.text, whole, at);
    assert.equal(tree.rootNode.endPosition.row, next.split('\n').length - 1, at);
    const got = shape(tree);
    assert.equal(got, shape(treeOfString), at);
    // And against a parse from scratch, when that parses clean (error recovery may differ between a re-parse and a
    // parse from scratch: tree-sitter's own behaviour, see DocumentCache).
    const scratch = parseWhole(whole);
    if (!scratch.rootNode.hasError) {
      assert.equal(got, shape(scratch), at);
      sameAsScratch++;
    }
    scratch.delete();
    text = next;
  }
  tree.delete();
  treeOfString.delete();
  assert.ok(patched > 550, `edits on a text with patches: ${patched}`);
  assert.ok(sameAsScratch > 25, `trees compared with a parse from scratch: ${sameAsScratch}`);
});

test('a variance annotation split over lines keeps its line break: the lines after it stay where they are', async () => {
  const code = 'export interface Stream<in\n  out A, out\r\n  B> { readonly a: A }\nexport const after = 1\n';
  const rewritten = parseableText('typescript', code);
  assert.equal(rewritten, 'export interface Stream<  \n      A,    \r\n  B> { readonly a: A }\nexport const after = 1\n');
  const tree = await parse('typescript', code, { timeoutMs: 1000 });
  assert.ok(tree);
  assert.equal(tree.rootNode.hasError, false, tree.rootNode.toString());
  const after = tree.rootNode.namedChildren.find((n) => n!.text.includes('after'))!;
  assert.equal(after.startPosition.row, 3);
  tree.delete();
  const { tags } = await indexFileText('typescript', code, { maxTags: 100, parseTimeoutMs: 1000 });
  assert.equal(tags.find((t) => t.name === 'after')?.startLine, 3);
});
