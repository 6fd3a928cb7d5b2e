import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMentions, mentionAtCursor, completeMention, addedMentions, stillMatching } from '../../../src/core/chat/mentions';

test('parses every mention kind, trims sentence punctuation, drops duplicates', () => {
  const text = 'Compare @file:src/a.ts and @symbol:parseThing, see @problems. Also @workspace and @file:src/a.ts again';
  const ms = parseMentions(text);
  assert.deepEqual(ms.map((m) => [m.kind, m.arg]), [['file', 'src/a.ts'], ['symbol', 'parseThing'], ['problems', ''], ['workspace', '']]);
  assert.equal(text.slice(ms[0].start, ms[0].end), '@file:src/a.ts');
});

test('ignores e-mail addresses, decorators-in-words and empty arguments', () => {
  assert.deepEqual(parseMentions('mail me@problems.com or user@workspace'), []);
  assert.deepEqual(parseMentions('@file: nothing'), []);
  assert.deepEqual(parseMentions('@problemsolver'), []);
});

test('finds the mention being typed for autocomplete', () => {
  assert.deepEqual(mentionAtCursor('explain @fi', 11), { kind: 'any', query: 'fi', start: 8 });
  assert.deepEqual(mentionAtCursor('explain @file:src/ma', 20), { kind: 'file', query: 'src/ma', start: 8 });
  assert.deepEqual(mentionAtCursor('@symbol:Foo', 11), { kind: 'symbol', query: 'Foo', start: 0 });
  assert.equal(mentionAtCursor('a@b', 3), undefined);
  assert.equal(mentionAtCursor('@file:x done', 12), undefined);
  assert.equal(mentionAtCursor('@nope:x', 7), undefined);
});

test('completing replaces the typed fragment', () => {
  assert.deepEqual(completeMention('explain @fi now', 8, 11, 'file:src/a.ts'), { text: 'explain @file:src/a.ts  now', cursor: 23 });
  assert.deepEqual(completeMention('@fi', 0, 3, 'file:'), { text: '@file:', cursor: 6 });
});

test('an edited composed question: only the mentions the user added are read back', () => {
  const composed = 'Explain f.\n- line 3: bad @file:.git/config and @workspace';
  assert.equal(addedMentions(composed, composed), '');
  const edited = `${composed}\nalso @file:src/a.ts, please`;
  assert.deepEqual(parseMentions(addedMentions(composed, edited)).map((m) => `${m.kind}:${m.arg}`), ['file:src/a.ts']);
});

test('a list answering an older query keeps only the items the new query still matches', () => {
  const items = [
    { insertText: 'file:', label: '@file' },
    { insertText: 'file:README.md', label: 'README.md' },
    { insertText: 'file:src/Shapes.ts', label: 'Shapes.ts' },
    { insertText: 'symbol:shape', label: 'shape' },
  ];
  assert.deepEqual(stillMatching(items, { kind: 'file', query: 'shap', start: 0 }).map((i) => i.label), ['Shapes.ts']);
  assert.deepEqual(stillMatching(items, { kind: 'file', query: '', start: 0 }).map((i) => i.label), ['README.md', 'Shapes.ts']);
  assert.deepEqual(stillMatching(items, { kind: 'symbol', query: 'SHA', start: 0 }).map((i) => i.label), ['shape']);
  assert.deepEqual(stillMatching(items, { kind: 'file', query: 'zz', start: 0 }), []);
  assert.deepEqual(stillMatching(items, { kind: 'any', query: 'fi', start: 0 }), []);
});
