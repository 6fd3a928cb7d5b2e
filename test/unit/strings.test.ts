import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineOf, newlineAfterWithin, newlineBefore, newlineBeforeWithin, newlinesBetween, quoteEndOnLine } from '../../src/core/strings';

/** Random texts with line breaks anywhere: at the start, doubled, at the end, with \r before some. */
function randomText(seed: number): string {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pieces = ['\n', '\n', 'a', 'bc', ' ', '\r\n', 'é', '{'];
  let t = '';
  const n = Math.floor(next() * 60);
  for (let i = 0; i < n; i++) t += pieces[Math.floor(next() * pieces.length)];
  return t;
}

test('lineOf and newlinesBetween count the line breaks before an offset as a split does', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const text = randomText(seed);
    for (let a = 0; a <= text.length; a++) {
      const line = text.slice(0, a).split('\n').length - 1;
      assert.equal(lineOf(text, a), line, `lineOf(${JSON.stringify(text)}, ${a})`);
      for (let b = a; b <= text.length; b += 3) {
        assert.equal(newlinesBetween(text, a, b), text.slice(a, b).split('\n').length - 1, `between ${a} and ${b} of ${JSON.stringify(text)}`);
      }
      // newlineBefore: the last line break strictly before `a`, -1 when there is none (also at offset 0).
      assert.equal(newlineBefore(text, a), a > 0 ? text.slice(0, a).lastIndexOf('\n') : -1);
    }
  }
});

test('quoteEndOnLine: the closing quote on the same line, else the opening quote itself', () => {
  assert.equal(quoteEndOnLine(`a "bc" d`, 2), 5);
  assert.equal(quoteEndOnLine('x `y` z', 2), 4);
  assert.equal(quoteEndOnLine(`it's\nnot 'closed'`, 2), 2, 'the closing quote is on a later line');
  assert.equal(quoteEndOnLine(`"open`, 0), 0, 'never closed');
  assert.equal(quoteEndOnLine(`'a"b'`, 0), 4, 'only the same quote closes');
});

test('newlineBeforeWithin / newlineAfterWithin: the nearest line break inside the range, as an unbounded search filtered to it gives', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const text = randomText(seed);
    for (let pos = 0; pos <= text.length; pos++) {
      for (let bound = 0; bound <= text.length; bound += 2) {
        if (bound <= pos) {
          const nl = newlineBefore(text, pos);
          assert.equal(newlineBeforeWithin(text, pos, bound), nl >= bound ? nl : bound - 1, `before ${pos} from ${bound} in ${JSON.stringify(text)}`);
        } else {
          const nl = text.indexOf('\n', pos);
          assert.equal(newlineAfterWithin(text, pos, bound), nl >= 0 && nl < bound ? nl : -1, `after ${pos} until ${bound} in ${JSON.stringify(text)}`);
        }
      }
    }
  }
});
