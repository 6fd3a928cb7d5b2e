import { test } from 'node:test';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { parse } from '../../../src/core/context/parser';
import { parseable, parseableText, updateParseable } from '../../../src/core/context/grammarQuirks';
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
    assert.equal(updated.text, parseable('typescript', next).text, `a run of ${run}`);
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
      assert.equal(state.text, full.text, `${language}, edit ${v} at ${at}`);
      assert.deepEqual(state.angles, full.angles, `${language}, edit ${v} at ${at}`);
      text = next;
      if (full.angles.some((a) => a.patch >= 0)) updatedWith++;
    }
  }
  assert.ok(updatedWith > 250, `edits on a text with call signatures to separate: ${updatedWith}`);
});
