import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamSplitter, stableBoundary } from '../../../src/webview/streamSplit';

test('cuts after the last blank line before an unindented line', () => {
  const text = 'First paragraph.\n\nSecond paragraph.\n\nThird, still stream';
  assert.equal(text.slice(stableBoundary(text)), 'Third, still stream');
});

test('never cuts inside a code fence, even at blank lines in the code', () => {
  const text = 'Intro.\n\n```ts\nconst a = 1;\n\nconst b = 2;\n';
  assert.equal(text.slice(stableBoundary(text)), '```ts\nconst a = 1;\n\nconst b = 2;\n');
  const closed = text + '```\n\nAfter the code.\n';
  assert.equal(closed.slice(stableBoundary(closed)), 'After the code.\n');
});

test('keeps indented continuations and unfinished lines in the tail', () => {
  const text = '1. item\n\n   more about the item\n';
  assert.equal(stableBoundary(text), 0);
  const growing = 'Para.\n\nNext li';
  assert.equal(growing.slice(stableBoundary(growing)), 'Next li', 'a growing line is cut before: its indentation is known');
  const justBlank = 'Para.\n\n';
  assert.equal(stableBoundary(justBlank), 0, 'no cut before text that has not arrived');
  assert.equal(stableBoundary(''), 0);
});

test('rendering the pieces separately gives the same blocks as the whole for paragraphs and fences', () => {
  const text = 'A **b**.\n\n```py\nx = 1\n\ny = 2\n```\n\nDone.\n';
  const cut = stableBoundary(text);
  assert.ok(cut > 0);
  assert.ok(!text.slice(0, cut).includes('Done.'));
  assert.equal((text.slice(0, cut).match(/```/g) ?? []).length % 2, 0, 'fences are balanced before the cut');
});

test('the incremental splitter gives the cut a whole scan gives, for every prefix of a stream in any chunking', () => {
  const texts = [
    'Intro.\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n\nAfter.\n\n- item\n\n  more\n\nEnd of it.',
    'A\n\n~~~~py\nx\n~~~\n\nstill code\n~~~~\n\nout\n\n\n\nlast',
    '```\nunclosed\n\nfence\n',
    'para one\nline two\n\n    indented code\n\nnext\n\n',
  ];
  for (const text of texts) {
    for (const size of [1, 2, 3, 7, 64]) {
      const splitter = new StreamSplitter();
      for (let end = size; ; end += size) {
        const prefix = text.slice(0, Math.min(end, text.length));
        assert.equal(splitter.advance(prefix), stableBoundary(prefix), `chunks of ${size}, prefix ${JSON.stringify(prefix)}`);
        if (end >= text.length) break;
      }
    }
  }
});

test('no cut before a list item after a blank line (it joins the list above and makes it loose), a cut before other lines', () => {
  for (const item of ['- b\n', '* b\n', '+ b\n', '2. b\n', '10) b\n']) {
    const text = `- a\n\n${item}`;
    assert.equal(stableBoundary(text), 0, JSON.stringify(text));
  }
  for (const line of ['---\n', '2024 was\n', '-x\n', 'Text\n']) {
    const text = `- a\n\n${line}`;
    assert.equal(text.slice(stableBoundary(text)), line, JSON.stringify(text));
  }
  assert.equal(stableBoundary('- a\n\n- b'), 0, 'a possible list marker waits for its whole line');
});

test('a fence opened in the first column is a cut before it and after its closing line, and is reported with its code offsets', () => {
  const text = 'Intro\n```ts\nconst a = 1;\n\n```\nafter\n';
  const s = new StreamSplitter();
  s.advance(text);
  const events = s.drain();
  const open = text.indexOf('```ts');
  const codeStart = open + '```ts\n'.length;
  const close = text.indexOf('```\nafter');
  assert.deepEqual(events, [
    { kind: 'cut', at: open },
    { kind: 'open', start: open, codeStart },
    { kind: 'close', start: open, codeEnd: close, end: close + 4 },
    { kind: 'cut', at: close + 4 },
  ]);
  assert.deepEqual(s.drain(), [], 'events are reported once');
  // Indented fences and fences whose info has a backtick are not first-column fences.
  const other = new StreamSplitter();
  other.advance('Intro\n  ```ts\ncode\n  ```\n\n```a`b\nnot code\n');
  assert.ok(other.drain().every((e) => e.kind === 'cut'));
  const open2 = new StreamSplitter();
  open2.advance('x\n```py\nline one\nline tw');
  assert.deepEqual(open2.openFence, { start: 2, codeStart: 8 });
  assert.equal(open2.completeEnd, 'x\n```py\nline one\n'.length);
});

test('a link reference definition outside fences is noticed', () => {
  const s = new StreamSplitter();
  s.advance('```\n[a]: https://in.code\n```\n');
  assert.equal(s.sawReference, false);
  s.advance('```\n[a]: https://in.code\n```\n[g]: https://example.com\n');
  assert.equal(s.sawReference, true);
});
