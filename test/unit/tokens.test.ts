import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { countTokens, countTokensByLines, minTokens, truncateToTokens, truncateStartToTokens, tokenize } from '../../src/core/tokens';
import { rng } from '../../bench/rng';

test('counts cl100k tokens exactly for known strings', () => {
  // Reference counts from tiktoken cl100k_base.
  assert.equal(countTokens('hello world'), 2);
  assert.equal(countTokens(''), 0);
  assert.equal(countTokens('function add(a, b) { return a + b; }'), 13);
});

test('Phi-4 chat specials count as one token each', () => {
  const s = '<|im_start|>user<|im_sep|>\nhello world<|im_end|>\n';
  assert.equal(countTokens(s), 3 + countTokens('user') + countTokens('\nhello world') + countTokens('\n'));
});

test('cached and uncached counts agree on long text', () => {
  const long = 'const x = 1;\n'.repeat(200);
  assert.equal(countTokens(long), countTokens(long));
  assert.equal(countTokens(long), tokenize(long).length);
});

test('truncation keeps within the budget from either end', () => {
  const text = 'alpha beta gamma delta epsilon zeta eta theta';
  const head = truncateToTokens(text, 3);
  const tail = truncateStartToTokens(text, 3);
  assert.ok(countTokens(head) <= 3 && text.startsWith(head) && head.length > 0);
  assert.ok(countTokens(tail) <= 3 && text.endsWith(tail) && tail.length > 0);
  assert.equal(truncateToTokens(text, 1000), text);
});

test('truncation of text with fewer characters than the budget but more tokens (non-ASCII) still cuts it', () => {
  const text = 'ᚠᚢᚦᚨᚱ ꙮꙮꙮꙮ'; // 10 characters, 27 tokens (three bytes each, one token per byte)
  assert.ok(countTokens(text) > text.length);
  for (const max of [text.length, text.length + 2]) {
    assert.ok(countTokens(truncateToTokens(text, max)) <= max);
    assert.ok(countTokens(truncateStartToTokens(text, max)) <= max);
  }
  // Short ASCII text is returned whole without counting.
  assert.equal(truncateStartToTokens('  return a', 10), '  return a');
});

test('minTokens is a lower bound of the exact count on real code, prose and specials, and not a trivial one', () => {
  const dir = path.join(__dirname, '..', '..', 'src', 'core', 'context');
  const texts = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split(/\n(?=\S)/));
  texts.push("it's the user's", 'naïve café 日本語テキスト', 'snake_case_name camelCaseName', '<|im_start|>user<|im_sep|>hi<|im_end|>', '', '   \n\n');
  let bound = 0, exact = 0;
  for (const t of texts) {
    assert.ok(minTokens(t) <= countTokens(t), JSON.stringify(t.slice(0, 80)));
    bound += minTokens(t);
    exact += countTokens(t);
  }
  assert.ok(bound > exact * 0.3, `the bound is useful on code (${bound} of ${exact})`);
});

test('countTokensByLines equals countTokens on source in 10 languages with blank, space-only and CRLF lines, tabs, odd spaces and specials spliced in', () => {
  const dirs = [path.join(__dirname, '..', 'fixtures', 'context', 'lang'), path.join(__dirname, '..', '..', 'src', 'core', 'completion')];
  const files = dirs.flatMap((d) => fs.readdirSync(d).filter((f) => /\.\w+$/.test(f)).map((f) => fs.readFileSync(path.join(d, f), 'utf8')));
  assert.ok(files.length >= 10);
  const random = rng(5);
  const splices = ['', '\n', '   ', '\t', '  \n', '\n\n', '\r\n', ' \r\n  ', '\u00a0', '\u2003x', '<|im_end|>', '\n<|im_start|>user<|im_sep|>\n', '{\n', ' }', '  // note\n', '\u3000'];
  let texts = 0;
  for (const file of files) {
    for (let variant = 0; variant < 12; variant++) {
      // A window of the file with random splices at line starts and ends (where the pre-tokenizer's whitespace rules act).
      const lines = file.split('\n');
      const start = Math.floor(random() * lines.length);
      const out: string[] = [];
      for (const line of lines.slice(start, start + 60)) {
        const r = random();
        const pick = splices[Math.floor(random() * splices.length)];
        out.push(r < 0.2 ? pick + line : r < 0.4 ? line + pick : r < 0.45 ? pick : line);
      }
      const text = out.join(variant % 3 === 0 ? '\r\n' : '\n');
      assert.equal(countTokensByLines(text), countTokens(text), JSON.stringify(text.slice(0, 200)));
      texts++;
    }
  }
  assert.ok(texts >= 120);
});
