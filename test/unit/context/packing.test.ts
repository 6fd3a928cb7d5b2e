import { test } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import assert from 'node:assert/strict';
import { pack, packRedacted, SOURCE_ORDER, type Candidate } from '../../../src/core/context/packing';
import { redactPacked } from '../../../src/core/trust/secrets';
import { countTokens } from '../../../src/core/tokens';
import type { ContextSource } from '../../../src/core/context/types';
import { rng } from '../../../bench/rng';


const WORDS = ['const', 'value', '=', 'compute(', ')', '{', '}', 'return', 'x', '+', '1;', '\n', '  ', 'héllo', '日本', '🙂', '<|im_end|>', 'fn', '::', '"str"'];
const SOURCES: ContextSource[] = ['import', 'definition', 'type', 'similar', 'recent-edit', 'scope', 'skeleton'];

function randomCandidate(r: () => number, i: number): Candidate {
  const n = 1 + Math.floor(r() * 120);
  let body = '';
  for (let k = 0; k < n; k++) body += WORDS[Math.floor(r() * WORDS.length)] + (r() < 0.3 ? ' ' : '');
  const startLine = Math.floor(r() * 200);
  return {
    source: SOURCES[Math.floor(r() * SOURCES.length)],
    path: `src/f${Math.floor(r() * 6)}.${r() < 0.5 ? 'ts' : 'py'}`,
    startLine,
    endLine: startLine + Math.floor(r() * 10),
    body,
    brief: r() < 0.5 ? body.split('\n')[0].slice(0, 40) : undefined,
    score: r() * 10,
    reason: `r${i}`,
  };
}

test('redacting inline secrets after packing never takes the text over the budget (a marker can cost more tokens than the secret)', () => {
  // `password: "abcd"` is redacted to `password: "[REDACTED]"`: 3 tokens more per line.
  const cands: Candidate[] = Array.from({ length: 30 }, (_, i) => ({
    source: 'definition' as const,
    path: `test/f${i % 5}.ts`,
    startLine: i * 10,
    endLine: i * 10 + 2,
    body: `const login${i} = { user: "u${i}", password: "abcd" };\nexpect(login${i}).toBeDefined();\n`,
    score: 30 - i,
    reason: `r${i}`,
  }));
  let overBefore = 0;
  for (let budget = 0; budget <= 600; budget++) {
    if (redactPacked(pack(cands, budget), countTokens).tokens > budget) overBefore++;
    const res = packRedacted(cands, budget);
    assert.ok(res.tokens <= budget, `${res.tokens} > ${budget}`);
    assert.equal(res.tokens, countTokens(res.text));
    assert.ok(!res.text.includes('"abcd"'), 'the secret is redacted');
    if (budget >= 100) assert.ok(res.items.length > 0, `budget ${budget}: something still fits`);
  }
  assert.ok(overBefore > 100, `packing then redacting ran over the budget ${overBefore} times`);
});

test('property: the packed text never exceeds the budget, over random snippet sets and budgets', () => {
  const r = rng(42);
  for (let round = 0; round < 300; round++) {
    const cands = Array.from({ length: Math.floor(r() * 40) }, (_, i) => randomCandidate(r, i));
    const budget = Math.floor(r() * 600);
    const res = pack(cands, budget);
    assert.ok(res.tokens <= budget, `round ${round}: ${res.tokens} > ${budget}`);
    assert.equal(res.tokens, countTokens(res.text), 'reported tokens are the exact count of the text');
    assert.equal(res.items.map((i) => i.text).join(''), res.text, 'items concatenate to the text');
    const ranks = res.items.map((i) => SOURCE_ORDER.indexOf(i.source));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), 'stable sources first, volatile last');
  }
});

test('best candidates win; a zero budget packs nothing; briefs are upgraded when room remains', () => {
  const mk = (score: number, body: string, brief?: string): Candidate => ({ source: 'definition', path: `a${score}.ts`, startLine: 0, endLine: 0, body, brief, score, reason: 'x' });
  const strong = mk(9, 'function strong(a: number): number {\n  return a * 2;\n}', 'function strong(a: number): number');
  const weak = mk(1, 'function weak() {\n  return 0;\n}', 'function weak()');
  assert.equal(pack([strong, weak], 0).items.length, 0);
  const roomy = pack([strong, weak], 1000);
  assert.equal(roomy.items.length, 2);
  assert.ok(roomy.items.every((i) => i.text.includes('return')), 'full bodies when the budget allows');
  const tight = pack([strong, weak], countTokens('// a9.ts\nfunction strong(a: number): number\n') + 2);
  assert.equal(tight.items.length, 1);
  assert.match(tight.items[0].text, /strong/);
  assert.match(tight.items[0].reason, /signature only/);
});

test('duplicates and snippets already shown are dropped; one header per file and source', () => {
  const c = (startLine: number, body: string, score: number): Candidate => ({ source: 'definition', path: 'src/m.ts', startLine, endLine: startLine + 2, body, score, reason: 'x' });
  const res = pack([c(0, 'class A {\n  m() {}\n}', 5), c(0, 'class A {\n  m() {}\n}', 4), c(1, 'm() {}', 3), c(10, 'function g() {}', 2)], 1000);
  assert.equal(res.items.length, 2);
  assert.equal(res.text.match(/\/\/ src\/m\.ts/g)?.length, 1);
});

test('the reported count is exact on real code: parts add up (snippets of this repository, indented, with blank lines)', () => {
  const dir = path.join(__dirname, '..', '..', '..', 'src', 'core', 'context');
  const lines = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'));
  const r = rng(7);
  for (let round = 0; round < 200; round++) {
    const cands: Candidate[] = Array.from({ length: 1 + Math.floor(r() * 30) }, (_, i) => {
      const at = Math.floor(r() * lines.length);
      const body = (r() < 0.3 ? '\n\n' : '') + lines.slice(at, at + 1 + Math.floor(r() * 25)).join('\n') + (r() < 0.3 ? '\n\n\n' : '');
      return { source: SOURCES[i % SOURCES.length], path: `src/f${i % 5}.ts`, startLine: at, endLine: at + 30, body, brief: r() < 0.5 ? lines[at] : undefined, score: r(), reason: 'real' };
    });
    const res = pack(cands, 200 + Math.floor(r() * 3000));
    assert.equal(res.tokens, countTokens(res.text), `round ${round}`);
    assert.equal(res.items.reduce((n, i) => n + i.tokens, 0), res.tokens, 'items add up to the total');
  }
});

test('a member packed on its own is dropped once its class is upgraded to the full body (no text shown twice)', () => {
  const cls = 'class Account {\n  deposit(n: number): void {\n    this.balance += n;\n  }\n}';
  const container: Candidate = { source: 'definition', path: 'src/a.ts', startLine: 0, endLine: 4, body: cls, brief: 'class Account', score: 5, reason: 'class' };
  const member: Candidate = { source: 'definition', path: 'src/a.ts', startLine: 1, endLine: 3, body: '  deposit(n: number): void {\n    this.balance += n;\n  }', brief: '  deposit(n: number): void', score: 4, reason: 'member' };
  const res = pack([container, member], 1000);
  assert.equal(res.items.length, 1, res.text);
  assert.equal(res.text.split('deposit(').length - 1, 1, 'the method appears once');
  assert.equal(res.tokens, countTokens(res.text));
});
