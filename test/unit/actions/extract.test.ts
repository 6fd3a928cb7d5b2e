import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractCode, fencedBlocks, cutAtSpecialToken, reindent } from '../../../src/core/actions/extract';

const ORIGINAL = '  total(): number {\n    let s = 0;\n    for (const x of this.items) s += x;\n    return s;\n  }';
const REWRITE = '  total(): number {\n    return this.items.reduce((s, x) => s + x, 0);\n  }';

test('a fenced answer with a preamble and trailing chatter gives just the code', () => {
  const raw =
    "Here's the simplified version of `total`:\n\n```typescript\ntotal(): number {\n  return this.items.reduce((s, x) => s + x, 0);\n}\n```\n\n" +
    'This version uses `reduce` to sum the items, which is more concise.<|im_end|>';
  assert.equal(extractCode(raw, { original: ORIGINAL }), REWRITE);
});

test('an answer that kept the original indentation is not indented twice', () => {
  const raw = '```ts\n' + REWRITE + '\n```';
  assert.equal(extractCode(raw, { original: ORIGINAL }), REWRITE);
});

test('no fence: preamble lines and a trailing explanation paragraph are dropped', () => {
  const raw = 'Sure! Here is the refactored code:\ntotal(): number {\n  return this.items.reduce((s, x) => s + x, 0);\n}\n\nThe changes replace the loop with reduce.';
  assert.equal(extractCode(raw, { original: ORIGINAL }), REWRITE);
});

test('text after <|im_end|> / <|endoftext|> is ignored, including a second block', () => {
  const raw = '```python\ndef f():\n    return 2\n```<|im_end|><|im_start|>user<|im_sep|>\n```python\nprint("junk")\n```';
  assert.equal(extractCode(raw, { original: 'def f():\n    return 1' }), 'def f():\n    return 2');
  assert.equal(cutAtSpecialToken('abc<|endoftext|>def'), 'abc');
});

test('several blocks: the longest closed one wins over a usage example', () => {
  const raw =
    'Updated function:\n```go\nfunc Sum(xs []int) int {\n\ttotal := 0\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total\n}\n```\nUsage:\n```go\nSum([]int{1, 2})\n```\n';
  assert.equal(extractCode(raw, { original: 'func Sum(xs []int) int {\n\treturn 0\n}' }), 'func Sum(xs []int) int {\n\ttotal := 0\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total\n}');
});

test('a truncated answer (unclosed fence) gives what arrived; streaming partial fences show nothing yet', () => {
  const raw = '```js\nfunction f() {\n  return 1;\n';
  assert.equal(extractCode(raw, { original: 'function f() {}' }), 'function f() {\n  return 1;');
  assert.equal(extractCode('Here is the code:\n``', { original: 'x', partial: true }), '');
  assert.equal(extractCode('Sure', { original: 'x', partial: true }), '');
  assert.equal(extractCode('```ts\nconst a', { original: 'x', partial: true }), 'const a');
});

test('python method re-indented to the class level; trailing newline matched', () => {
  const original = '    def area(self):\n        return 3.14 * self.r ** 2\n';
  const raw = '```python\ndef area(self) -> float:\n    """Area of the circle."""\n    return math.pi * self.r ** 2\n```';
  assert.equal(
    extractCode(raw, { original }),
    '    def area(self) -> float:\n        """Area of the circle."""\n        return math.pi * self.r ** 2\n',
  );
});

test('tilde fences, CRLF answers and four-backtick fences around inner fences', () => {
  assert.equal(extractCode('~~~rust\r\nfn a() {}\r\n~~~', { original: 'fn a() { }' }), 'fn a() {}');
  const doc = '````markdown\n/**\n * Example:\n * ```ts\n * f()\n * ```\n */\nfunction f() {}\n````';
  assert.equal(extractCode(doc, { original: 'function f() {}' }), '/**\n * Example:\n * ```ts\n * f()\n * ```\n */\nfunction f() {}');
});

test('fencedBlocks reports open and closed blocks with their language', () => {
  const blocks = fencedBlocks('a\n```ts\nx\n```\n```py\ny');
  assert.deepEqual(blocks, [
    { lang: 'ts', code: 'x', closed: true },
    { lang: 'py', code: 'y', closed: false },
  ]);
});

test('reindent: mid-line selections keep the model indentation minus the first line', () => {
  assert.equal(reindent('  a +\n      b', 'x +\n      y', true), 'a +\n      b');
  assert.equal(reindent('if x:\n    y()', '\tif a:\n\t\tb()'), '\tif x:\n\t    y()');
});

test('an empty or whitespace answer extracts to the empty string', () => {
  assert.equal(extractCode('', { original: 'x' }), '');
  assert.equal(extractCode('```\n\n```', { original: 'x' }), '');
});

test('unfenced python keeps its comments after blank lines; a markdown explanation heading ends the code', () => {
  const original = 'def mean(xs):\n    return sum(xs) / len(xs)';
  const raw = 'def mean(xs):\n    if not xs:\n        return 0.0\n\n    # plain average\n    return sum(xs) / len(xs)\n\n### Explanation\nThe function now handles empty lists.';
  assert.equal(extractCode(raw, { original }), 'def mean(xs):\n    if not xs:\n        return 0.0\n\n    # plain average\n    return sum(xs) / len(xs)');
});

test('Phi-4 style answer: fenced code then "**Explanation:**" and a numbered list', () => {
  const raw = '```java\npublic int size() {\n    return items.size();\n}\n```\n\n**Explanation:**\n1. **Delegation**: uses the list size.';
  assert.equal(extractCode(raw, { original: '    public int size() {\n        return count;\n    }' }), '    public int size() {\n        return items.size();\n    }');
});
