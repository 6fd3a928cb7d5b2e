import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRewritePrompt, contextBudgetFor, promptBudget, PromptTooLargeError, type RewritePromptInput } from '../../../src/core/actions/prompts';
import { buildTestPrompt, chooseTestMode } from '../../../src/core/actions/testPrompt';
import { renderPhi4 } from '../../../src/core/prompt/phi4';
import { countTokens } from '../../../src/core/tokens';
import type { TestPlan } from '../../../src/core/actions/testFiles';

const FN = 'export function add(a: number, b: number): number {\n  return a + b;\n}';
function docWith(linesBefore: number, linesAfter: number) {
  const before = Array.from({ length: linesBefore }, (_, i) => `export const before${i} = compute(${i}, 'padding text to use tokens');\n`).join('');
  const after = Array.from({ length: linesAfter }, (_, i) => `export const after${i} = compute(${i}, 'more padding text here');\n`).join('');
  const text = before + FN + '\n' + after;
  return { text, target: { kind: 'function' as const, start: before.length, end: before.length + FN.length, name: 'add' } };
}

function input(over: Partial<RewritePromptInput> = {}): RewritePromptInput {
  const { text, target } = docWith(20, 10);
  return { action: 'refactor', doc: { relPath: 'src/math.ts', languageId: 'typescript', text }, target, instruction: 'simplify', window: 16384, answerTokens: 2048, ...over };
}

test('a small file goes in whole; the count is the exact Phi-4 rendering and Phi-4 chat format is used', () => {
  const p = buildRewritePrompt(input());
  assert.equal(p.promptTokens, countTokens(renderPhi4(p.messages)));
  assert.equal(p.messages[0]!.role, 'system');
  const user = p.messages[1]!.content;
  assert.ok(user.includes('export const before0'), 'code before the target');
  assert.ok(user.includes('export const after9'), 'code after the target');
  assert.ok(user.includes('```typescript\n' + FN + '\n```'), 'the target, fenced');
  assert.ok(user.includes('Refactor the function `add`: simplify.'));
  assert.ok(user.includes('lines 21-23'));
});

test('a huge file is cut to the budget, keeping the code nearest the target', () => {
  const { text, target } = docWith(3000, 3000);
  const p = buildRewritePrompt(input({ doc: { relPath: 'src/math.ts', languageId: 'typescript', text }, target }));
  assert.ok(p.promptTokens <= promptBudget(16384, 2048), `${p.promptTokens} within budget`);
  assert.ok(p.promptTokens > promptBudget(16384, 2048) - 400, 'the window is used, not wasted');
  const user = p.messages[1]!.content;
  assert.ok(user.includes('before2999'), 'nearest line before kept');
  assert.ok(!user.includes('before0 '), 'farthest line before dropped');
  assert.ok(user.includes('after0 '), 'nearest line after kept');
  assert.ok(p.excerptTokens > 0);
});

test('a smaller window and a bigger answer reserve shrink the prompt accordingly', () => {
  const { text, target } = docWith(3000, 0);
  for (const [window, answer] of [[4096, 1024], [8192, 4096], [16384, 8192]] as const) {
    const p = buildRewritePrompt(input({ doc: { relPath: 'a.ts', languageId: 'typescript', text }, target, window, answerTokens: answer }));
    assert.ok(p.promptTokens <= promptBudget(window, answer), `${window}/${answer}: ${p.promptTokens}`);
  }
});

test('cross-file context is included and capped at its share', () => {
  const context = { text: '// src/compute.ts\nexport function compute(n: number, s: string): string { return s.repeat(n); }\n'.repeat(2000), tokens: 0 };
  const p = buildRewritePrompt(input({ context }));
  assert.ok(p.contextTokens > 0);
  assert.ok(p.contextTokens <= (promptBudget(16384, 2048) * 0.5));
  assert.ok(p.promptTokens <= promptBudget(16384, 2048));
  assert.ok(p.messages[1]!.content.startsWith('Definitions from the project'));
  const ask = contextBudgetFor(input());
  assert.ok(ask > 1000 && ask < promptBudget(16384, 2048) / 2);
});

test('a target bigger than the window is refused with a clear message', () => {
  const big = 'function big() {\n' + '  doSomething(1, 2, 3, "a string that costs tokens");\n'.repeat(2500) + '}';
  assert.throws(
    () => buildRewritePrompt(input({ doc: { relPath: 'big.ts', languageId: 'typescript', text: big }, target: { kind: 'function', start: 0, end: big.length } })),
    (e: unknown) => e instanceof PromptTooLargeError && /too large/.test(e.message) && e.needed > e.available,
  );
});

test('fix carries each diagnostic message and 1-based line; add docs names the doc style', () => {
  const fix = buildRewritePrompt(input({ action: 'fix', diagnostics: [{ line: 21, message: "Type 'string' is not assignable to type 'number'.", severity: 'error', source: 'ts', code: '2322' }] }));
  assert.ok(fix.messages[1]!.content.includes("- line 22 (error): Type 'string' is not assignable to type 'number'. [ts 2322]"));
  const docs = buildRewritePrompt(input({ action: 'addDocs', doc: { relPath: 'a.py', languageId: 'python', text: 'def f():\n    pass\n' }, target: { kind: 'function', start: 0, end: 17, name: 'f' } }));
  assert.ok(docs.messages[1]!.content.includes('PEP 257 docstrings'));
});

const plan: TestPlan = { framework: 'vitest', testPath: '/w/src/math.test.ts', sameFile: false, importHint: "import the code under test from './math'" };

test('write tests: new file, rewrite of a small file, append to a big one', () => {
  const base = { plan, sourceRelPath: 'src/math.ts', testRelPath: 'src/math.test.ts', languageId: 'typescript', sourceText: FN, target: { kind: 'function' as const, start: 0, end: FN.length, name: 'add' }, window: 16384, answerTokens: 2048 };
  const fresh = buildTestPrompt(base);
  assert.equal(fresh.mode, 'new-file');
  assert.ok(fresh.messages[1]!.content.includes('Use vitest; import the code under test from'));
  const small = "import { it } from 'vitest';\nit('works', () => {});\n";
  const rewrite = buildTestPrompt({ ...base, existing: small });
  assert.equal(rewrite.mode, 'rewrite-file');
  assert.ok(rewrite.messages[1]!.content.includes(small));
  const huge = small + "it('x', () => { expect(add(1, 2)).toBe(3); });\n".repeat(400);
  const append = buildTestPrompt({ ...base, existing: huge });
  assert.equal(append.mode, 'append');
  assert.ok(append.excerptTokens <= 1500);
  assert.ok(append.promptTokens <= promptBudget(16384, 2048));
  assert.equal(chooseTestMode({ existing: 'fn x() {}', answerTokens: 2048, plan: { ...plan, sameFile: true } }), 'append');
});

test('same-file callers outside the excerpt are listed; ones the excerpt shows are not repeated', async () => {
  const { callSites } = await import('../../../src/core/actions/prompts');
  const { text, target } = docWith(3000, 3000);
  const far = text.replace('export const before0 = compute(0,', 'export const before0 = add(1, 2) + compute(0,');
  const shift = far.length - text.length;
  const t = { ...target, start: target.start + shift, end: target.end + shift };
  const sites = callSites(far, t);
  assert.deepEqual(sites.map((s) => s.line), [0]);
  const p = buildRewritePrompt(input({ doc: { relPath: 'src/math.ts', languageId: 'typescript', text: far }, target: t }));
  assert.ok(p.messages[1]!.content.includes('Calls to `add` elsewhere in src/math.ts (keep them working):\nline 1: export const before0 = add(1, 2)'));
  assert.ok(p.promptTokens <= promptBudget(16384, 2048));
  // A small file shows the caller in the surrounding code already.
  const small = FN + '\nconsole.log(add(1, 2));\n';
  const q = buildRewritePrompt(input({ doc: { relPath: 'a.ts', languageId: 'typescript', text: small }, target: { kind: 'function', start: 0, end: FN.length, name: 'add' } }));
  assert.ok(!q.messages[1]!.content.includes('Calls to `add`'));
  assert.deepEqual(callSites('foo(); addx(); x.add (3)', { kind: 'function', start: 100, end: 100, name: 'add' }).map((s) => s.text), ['foo(); addx(); x.add (3)']);
  assert.deepEqual(callSites('add()', { kind: 'selection', start: 0, end: 0 }), []);
});

test('the surrounding-code share unused on one side goes to the other (target at the end of a big file)', () => {
  const { text, target } = docWith(3000, 0);
  const p = buildRewritePrompt(input({ doc: { relPath: 'a.ts', languageId: 'typescript', text }, target }));
  assert.ok(p.promptTokens > promptBudget(16384, 2048) - 200, `${p.promptTokens} uses the budget`);
  assert.ok(p.promptTokens <= promptBudget(16384, 2048));
});

test('targets are described by kind: selection, whole file (tests for a module), named function', async () => {
  const { describeTarget } = await import('../../../src/core/actions/target');
  assert.equal(describeTarget({ kind: 'selection' }), 'the selected code');
  assert.equal(describeTarget({ kind: 'file' }), 'the whole file');
  assert.equal(describeTarget({ kind: 'class', name: 'Cart' }), 'the class `Cart`');
  const file = FN + '\n';
  const p = buildTestPrompt({ plan, sourceRelPath: 'src/math.ts', testRelPath: 'src/math.test.ts', languageId: 'typescript', sourceText: file, target: { kind: 'file', start: 0, end: file.length }, window: 16384, answerTokens: 2048 });
  assert.ok(p.messages[1]!.content.includes('Write the complete test file src/math.test.ts for the whole file from src/math.ts.'));
});
