import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countTokens, truncateToTokens, truncateStartToTokens, tokenize } from '../../src/core/tokens';

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
