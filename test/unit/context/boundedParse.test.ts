/**
 * A keystroke answered from a window (documentCache.ts, editWindow.ts): the statements around the change parsed alone,
 * the other definitions kept from the last whole parse, the whole re-parse finished between requests. Checked against
 * a full extraction on random edits: equal once settled always, and at the keystroke whenever the whole re-parse's
 * changes stay inside the window.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import * as fs from 'fs';
import * as path from 'path';
import { DocumentCache, applyTextChange, findChange, type DocumentStructure } from '../../../src/core/context/documentCache';
import { editWindow } from '../../../src/core/context/editWindow';
import { newParser, parse, parseParseable, ResumableParse, type LanguageName, type Tree } from '../../../src/core/context/parser';
import { parseableText } from '../../../src/core/context/grammarQuirks';
import { changedStatements } from '../../../src/core/context/structureUpdate';
import { extractImports, extractTags, type ImportRef, type Tag } from '../../../src/core/context/structure';
import { rng } from '../../../bench/rng';
import { randomEdit } from './randomEdits';

const LANG_DIR = path.join(__dirname, '..', '..', 'fixtures', 'context', 'lang');
const FIXTURES: [string, LanguageName][] = [
  ['sample.ts', 'typescript'], ['sample.tsx', 'tsx'], ['sample.js', 'javascript'], ['sample.py', 'python'], ['sample.go', 'go'],
  ['sample.rs', 'rust'], ['Sample.java', 'java'], ['sample.c', 'c'], ['sample.cpp', 'cpp'], ['Sample.cs', 'csharp'],
  ['sample.rb', 'ruby'], ['sample.php', 'php'],
];
/** What edits insert: code, brackets and quotes that restructure what follows, newlines, non-ASCII text. */
const INSERTS = ['\n', '}', '{', '(', ')', '/*', '*/', '"', "'", '`', 'x', ' value', 'é', '😀 ', '\n\n', 'def g(a):\n    return a\n', 'function q(a) { return a; }\n', 'class K {}\n', 'fn h() {}\n', 'const zz = 1;\n'];

/** A letter typed next to a letter (inside a name, a keyword, a string or a comment). */
function typeInWord(text: string, r: () => number): string {
  for (;;) {
    const at = 1 + Math.floor(r() * (text.length - 1));
    if (/[A-Za-z]/.test(text[at - 1])) return text.slice(0, at) + 'abcxyz'[Math.floor(r() * 6)] + text.slice(at);
  }
}


async function full(language: LanguageName, text: string): Promise<{ tags: Tag[]; imports: ImportRef[] }> {
  const tree = (await parse(language, text, { timeoutMs: 5000 }))!;
  try {
    return { tags: extractTags(language, tree, text), imports: extractImports(language, tree, text) };
  } finally {
    tree.delete();
  }
}

/**
 * Whether the whole re-parse from `baseText` to `text` changes the syntax only inside the edit's window (the
 * statements around the change, as the cache chooses them), and both it and the window's own parse are free of syntax
 * errors there: then the window's answer must be the whole parse's. (Where the window holds a syntax error,
 * tree-sitter's recovery can differ: the window's parse meets the end of its text where the whole parse sees what
 * follows, and recovers differently.)
 */
async function staysInWindow(language: LanguageName, baseText: string, text: string): Promise<boolean> {
  const edit = findChange(baseText, text);
  const old = (await parseParseable(language, parseableText(language, baseText), { timeoutMs: 5000 }))!;
  applyTextChange(old, baseText, text);
  const window = editWindow(old, text, edit.start, edit.newEnd);
  const next = (await parseParseable(language, parseableText(language, text), { oldTree: old, timeoutMs: 5000 }))!;
  try {
    if (!window) return false;
    const { range } = window;
    if (!changedStatements(old, next, edit).every((r) => r.startIndex >= range.startIndex && r.endIndex <= range.endIndex)) return false;
    for (let c = next.rootNode.firstChildForIndex(range.startIndex); c && c.startIndex < range.endIndex; c = c.nextSibling) if (c.hasError) return false;
    const part = (await parseParseable(language, parseableText(language, text), { includedRanges: [range], timeoutMs: 5000 }))!;
    const clean = !part.rootNode.hasError;
    part.delete();
    return clean;
  } finally {
    old.delete();
    next.delete();
  }
}

/** Definitions and imports extracted in full from the re-parse of `baseText`'s tree edited to `text` (one change). */
async function reparsed(language: LanguageName, baseText: string, text: string): Promise<{ tags: Tag[]; imports: ImportRef[] }> {
  const old = (await parseParseable(language, parseableText(language, baseText), { timeoutMs: 5000 }))!;
  applyTextChange(old, baseText, text);
  const tree = (await parseParseable(language, parseableText(language, text), { oldTree: old, timeoutMs: 5000 }))!;
  try {
    return { tags: extractTags(language, tree, text), imports: extractImports(language, tree, text) };
  } finally {
    old.delete();
    tree.delete();
  }
}

function eightCopies(file: string, language: string): string {
  const one = fs.readFileSync(path.join(LANG_DIR, file), 'utf8');
  return Array.from({ length: 8 }, (_, i) => `${one}\n${language === 'python' || language === 'ruby' ? '#' : '//'} séparateur ${i} ✓\n`).join('');
}

test('random edits answered from a window: a full extraction once settled, and at the keystroke when the re-parse stays in the window', async () => {
  const r = rng(23);
  let local = 0;
  let spilled = 0;
  let spilledSame = 0;
  let asFresh = 0;
  let windowless = 0;
  for (const [file, language] of FIXTURES) {
    let text = eightCopies(file, language);
    // Budget 0: every edit of a parsed document is answered from a window first.
    const cache = new DocumentCache({ limit: 2, parseTimeoutMs: 5000, keystrokeParseMs: 0 });
    await cache.get(file, language, 0, text);
    for (let v = 1; v <= 30; v++) {
      // Back to the clean text every other round (random edits pile up errors that leave little well-formed code).
      if (v % 2 === 0) await cache.get(file, language, v * 10 - 1, (text = eightCopies(file, language)));
      // Up to three edits before the document settles: the window covers every change since the last whole parse.
      await cache.settled();
      // The text of the last whole parse: a window covers every change since.
      let baseText = text;
      // Every third round, letters typed inside words (mostly well-formed code, the common keystroke).
      const edit = v % 3 === 0 ? typeInWord : (t: string, rand: () => number) => randomEdit(t, rand, INSERTS);
      let answered: DocumentStructure | undefined;
      let before = text;
      for (let k = 0; k < 1 + Math.floor(r() * 3); k++) {
        answered = await cache.get(file, language, v * 10 + k, (text = edit(text, r)));
        // Not answered from a window (its statements parsed alone read differently, PHP's; see windowParsedAlike): the
        // whole re-parse, from the last one.
        if (!answered.provisional && !answered.fallback) {
          assert.deepEqual(answered.tags, (await reparsed(language, before, text)).tags, `${file}, edit ${v}: re-parsed whole`);
          windowless++;
          baseText = text;
        }
        before = text;
      }
      if (!answered || answered.fallback || text === baseText) continue;
      const expected = await full(language, text);
      if (await staysInWindow(language, baseText, text)) {
        local++;
        assert.deepEqual(answered.tags, expected.tags, `${file}, edit ${v}: the window's definitions`);
        assert.deepEqual(answered.imports, expected.imports, `${file}, edit ${v}: the window's imports`);
      } else {
        spilled++;
        if (isDeepStrictEqual(answered.tags, expected.tags) && isDeepStrictEqual(answered.imports, expected.imports)) spilledSame++;
      }
      await cache.settled();
      const settled = await cache.get(file, language, v * 10 + 9, text);
      assert.equal(settled.provisional, undefined, `${file}, edit ${v}: settled`);
      // Settled, the structure is a full extraction of the whole re-parse from the last whole parse (the one change
      // since: what a keystroke making all of it at once gives). That is a fresh parse's except where tree-sitter's
      // re-parse recovers from a syntax error differently than a fresh parse (seen on random edits of Java).
      const whole = await reparsed(language, baseText, text);
      assert.deepEqual(settled.tags, whole.tags, `${file}, edit ${v}: definitions once settled`);
      assert.deepEqual(settled.imports, whole.imports, `${file}, edit ${v}: imports once settled`);
      if (isDeepStrictEqual(whole, expected)) asFresh++;
    }
    cache.dispose();
  }
  console.log(`edits whose re-parse stayed in an error-free window: ${local}; others: ${spilled}, of which answered as the whole parse: ${spilledSame}; settled as a fresh parse: ${asFresh} of ${local + spilled}; edits re-parsed whole: ${windowless}`);
  assert.ok(local > 50, `edits whose re-parse stayed in an error-free window: ${local}`);
  assert.ok(spilled > 10, `edits whose re-parse reached past it (answered from the window, settled later): ${spilled}`);
});

test('a removed closing brace in a long document: the keystroke keeps the later definitions, the settled structure is the whole parse', async () => {
  const fns = Array.from({ length: 3000 }, (_, i) => `export function f${i}(a: number): number {\n  return a + ${i};\n}\n`).join('\n');
  const cache = new DocumentCache({ parseTimeoutMs: 5000 });
  await cache.get('f.ts', 'typescript', 0, fns.replace('return a + 5;', 'return a - 5;'));
  // A change inside one function: the whole re-parse fits a window's worth of parse steps, and answers.
  const before = await cache.get('f.ts', 'typescript', 1, fns);
  assert.equal(before.provisional, undefined);
  const edited = fns.replace('  return a + 100;\n}\n', '  return a + 100;\n\n');
  const answered = await cache.get('f.ts', 'typescript', 2, edited);
  assert.equal(answered.provisional, true);
  const f100 = answered.tags.find((t) => t.name === 'f100')!;
  const f101 = answered.tags.find((t) => t.name === 'f101')!;
  assert.ok(f100.endIndex <= f101.startIndex, 'f100 ends in its window, before f101');
  assert.equal(answered.tags[0], before.tags[0], 'a definition before the edit is the one kept');
  assert.equal(answered.tags.length, before.tags.length);
  assert.equal(cache.treeOf('f.ts', edited), undefined, 'no tree is lent while the structure is provisional');
  await cache.settled();
  const settled = await cache.get('f.ts', 'typescript', 2, edited);
  const whole = await full('typescript', edited);
  assert.deepEqual(settled.tags, whole.tags);
  assert.ok(whole.tags.find((t) => t.name === 'f100')!.endIndex > f101.startIndex, 'the whole parse runs f100 on into what follows');
  assert.ok(cache.treeOf('f.ts', edited), 'the settled tree is lent');
  cache.dispose();
});

test('a change undone while the structure is provisional returns to the last whole parse, without a parse', async () => {
  const fns = Array.from({ length: 200 }, (_, i) => `export function f${i}(a: number): number {\n  return a + ${i};\n}\n`).join('\n');
  const cache = new DocumentCache({ parseTimeoutMs: 5000, keystrokeParseMs: 0 });
  const v1 = await cache.get('f.ts', 'typescript', 1, fns);
  const typed = await cache.get('f.ts', 'typescript', 2, fns.replace('return a + 100;', 'return a + 100; {'));
  assert.equal(typed.provisional, true);
  const parses = cache.parses;
  const undone = await cache.get('f.ts', 'typescript', 3, fns);
  assert.equal(undone.provisional, undefined);
  assert.equal(cache.parses, parses, 'no parse');
  assert.equal(undone.tags, v1.tags, "the last whole parse's definitions, as they were");
  assert.ok(cache.treeOf('f.ts', fns), 'its tree is lent again');
  const next = fns.replace('return a + 7;', 'return a + 8;');
  await cache.get('f.ts', 'typescript', 4, next);
  await cache.settled();
  assert.deepEqual((await cache.get('f.ts', 'typescript', 4, next)).tags, (await full('typescript', next)).tags, 'and edits go on from it');
  cache.dispose();
});

test('a whole parse run in slices resumes where it stopped and gives the uninterrupted tree; another key starts over', async () => {
  const text = parseableText('typescript', Array.from({ length: 5000 }, (_, i) => `export const v${i} = { a: [${i}, "${'x'.repeat(i % 50)}"] };\n`).join(''));
  const parser = (await newParser('typescript'))!;
  const sliced = new ResumableParse(parser);
  const key = {};
  let slices = 0;
  let tree: Tree | undefined;
  while (!(tree = sliced.step(key, text, undefined, 0))) {
    slices++;
    assert.ok(sliced.holds(key));
    // Another key in between drops the unfinished parse: started over for it, then over again for `key`.
    if (slices === 3) {
      let other: Tree | undefined;
      while (!(other = sliced.step({}, text, undefined, 1000)));
      other.delete();
    }
  }
  const whole = (await parseParseable('typescript', text, { timeoutMs: 5000 }))!;
  assert.ok(slices > 3, `slices: ${slices}`);
  assert.equal(tree.rootNode.toString(), whole.rootNode.toString());
  assert.equal(sliced.holds(key), false);
  tree.delete();
  whole.delete();
  sliced.delete();
});
