import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEditPrompt, refineMessage } from '../../../src/core/edit/editPrompt';
import { promptBudget, PromptTooLargeError } from '../../../src/core/actions/prompts';
import { renderPhi4 } from '../../../src/core/prompt/phi4';
import { countTokens } from '../../../src/core/tokens';

const text = 'export function total(xs: number[]): number {\n  let s = 0;\n  for (const x of xs) s += x;\n  return s;\n}\n';
const base = {
  doc: { relPath: 'src/total.ts', languageId: 'typescript', text },
  target: { kind: 'function' as const, start: 0, end: text.length - 1, name: 'total' },
  window: 16384,
  answerTokens: 2048,
};

test('first round: the instruction, the code, rules in the system prompt; exact token count', () => {
  const p = buildEditPrompt({ ...base, rounds: [], instruction: 'use reduce', rules: 'From AGENTS.md:\nPrefer reduce.' });
  assert.equal(p.messages.length, 2);
  assert.match(p.messages[0]!.content, /The project's rules[\s\S]*Prefer reduce\./);
  assert.match(p.messages[1]!.content, /Change the function `total` as instructed: use reduce/);
  assert.equal(p.promptTokens, countTokens(renderPhi4(p.messages)));
});

test('refine: the earlier answers and instructions follow the first prompt, in order', () => {
  const rounds = [
    { instruction: 'use reduce', answer: '```ts\nA\n```' },
    { instruction: 'add a type', answer: '```ts\nB\n```' },
  ];
  const p = buildEditPrompt({ ...base, rounds, instruction: 'rename s' });
  assert.deepEqual(p.messages.map((m) => m.role), ['system', 'user', 'assistant', 'user', 'assistant', 'user']);
  assert.match(p.messages[1]!.content, /as instructed: use reduce/);
  assert.equal(p.messages[2]!.content, rounds[0]!.answer);
  assert.equal(p.messages[3]!.content, refineMessage('add a type', 'typescript'));
  assert.equal(p.messages[4]!.content, rounds[1]!.answer);
  assert.equal(p.messages[5]!.content, refineMessage('rename s', 'typescript'));
  assert.equal(p.promptTokens, countTokens(renderPhi4(p.messages)));
  assert.ok(p.promptTokens <= promptBudget(base.window, base.answerTokens));
});

test('refine in a small window: only the latest answer is kept, and the budget holds; a hopeless one is refused', () => {
  const long = '```ts\n' + 'const x = 1;\n'.repeat(300) + '```';
  const rounds = [{ instruction: 'a', answer: long }, { instruction: 'b', answer: '```ts\nlatest\n```' }];
  const window = 2048 + 64 + 700;
  const p = buildEditPrompt({ ...base, window, rounds, instruction: 'c' });
  assert.ok(p.promptTokens <= promptBudget(window, base.answerTokens), `${p.promptTokens}`);
  assert.deepEqual(p.messages.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
  assert.equal(p.messages[2]!.content, '```ts\nlatest\n```');
  assert.throws(() => buildEditPrompt({ ...base, window, rounds: [{ instruction: 'a', answer: long }], instruction: 'c' }), PromptTooLargeError);
});
