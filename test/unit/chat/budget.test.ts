import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planChat, promptTokensOf } from '../../../src/core/chat/budget';
import { CHAT_SYSTEM_PROMPT, renderUserMessage } from '../../../src/core/chat/prompt';
import type { ContextBlock, Turn } from '../../../src/core/chat/types';
import { countTokens } from '../../../src/core/tokens';

const WINDOW = 16384;
const RESERVE = 2048;

function code(lines: number, tag: string): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`function ${tag}_${i}(value: number): number { return value * ${i} + ${tag.length}; }`);
  return out.join('\n');
}

function turns(n: number, size: number): Turn[] {
  return Array.from({ length: n }, (_, i) => ({ user: `Question number ${i}: ${'why '.repeat(size)}`, assistant: `Answer number ${i}: ${'because '.repeat(size)}` }));
}

const fileBlock = (lines: number): ContextBlock => ({ id: 'f', kind: 'file', label: 'src/a.ts', path: 'src/a.ts', languageId: 'typescript', startLine: 0, text: code(lines, 'alpha') });

test('a small request is sent whole and the meter adds up to the prompt', () => {
  const plan = planChat({ window: WINDOW, reserve: RESERVE, system: CHAT_SYSTEM_PROMPT, blocks: [fileBlock(10)], history: turns(2, 5), question: 'What does alpha_3 return?' });
  assert.equal(plan.overflow, false);
  assert.equal(plan.droppedTurns, 0);
  assert.equal(plan.truncatedContext, 0);
  assert.equal(plan.messages.length, 1 + 4 + 1);
  assert.equal(plan.messages[0].content, CHAT_SYSTEM_PROMPT);
  assert.equal(plan.system + plan.context + plan.history + plan.question, plan.promptTokens);
  assert.equal(plan.promptTokens, promptTokensOf(plan.messages));
  assert.match(plan.messages.at(-1)!.content, /alpha_9[\s\S]*What does alpha_3 return\?$/);
});

test('history is trimmed oldest first and never past the window', () => {
  const history = turns(40, 400); // far more than fits
  const plan = planChat({ window: WINDOW, reserve: RESERVE, system: CHAT_SYSTEM_PROMPT, blocks: [], history, question: 'And now?' });
  assert.equal(plan.overflow, false);
  assert.ok(plan.droppedTurns > 0, 'some turns dropped');
  assert.ok(plan.promptTokens + RESERVE <= WINDOW, `${plan.promptTokens} + ${RESERVE} <= ${WINDOW}`);
  // The kept turns are exactly the newest ones, contiguous.
  const keptUsers = plan.messages.filter((m, i) => m.role === 'user' && i < plan.messages.length - 1).map((m) => m.content);
  assert.deepEqual(keptUsers, history.slice(plan.droppedTurns).map((t) => t.user));
  assert.equal(plan.messages[0].role, 'system');
  assert.equal(plan.messages.at(-1)!.content, 'And now?');
  // Nearly full: the next-oldest turn would not have fitted.
  const nextOldest = history[plan.droppedTurns - 1];
  const withIt = promptTokensOf([...plan.messages.slice(0, 1), { role: 'user', content: nextOldest.user }, { role: 'assistant', content: nextOldest.assistant }, ...plan.messages.slice(1)]);
  assert.ok(withIt + RESERVE > WINDOW);
});

test('a context block larger than the window is cut, marked, and the total still fits', () => {
  const plan = planChat({ window: WINDOW, reserve: RESERVE, system: CHAT_SYSTEM_PROMPT, blocks: [fileBlock(2000)], history: turns(3, 20), question: 'Summarise this file.' });
  assert.equal(plan.overflow, false);
  assert.ok(plan.truncatedContext > 0);
  assert.ok(plan.promptTokens + RESERVE <= WINDOW);
  assert.ok(plan.promptTokens + RESERVE > WINDOW - 200, `uses the window: ${plan.promptTokens}`);
  assert.match(plan.blocks[0].text, /cut to fit the context window/);
  assert.equal(plan.droppedTurns, 0, 'history keeps its guaranteed share');
  assert.match(plan.messages.at(-1)!.content, /Summarise this file\.$/);
});

test('lower-priority blocks are dropped before higher-priority ones', () => {
  const first: ContextBlock = { ...fileBlock(300), id: 'sel', kind: 'selection' };
  const second: ContextBlock = { ...fileBlock(1500), id: 'big', path: 'src/b.ts', label: 'src/b.ts' };
  const plan = planChat({ window: 8192, reserve: 1024, system: CHAT_SYSTEM_PROMPT, blocks: [first, second], history: [], question: 'q' });
  assert.equal(plan.blocks[0].text, first.text, 'first block whole');
  assert.ok(plan.blocks.length === 1 || plan.blocks[1].text.length < second.text.length);
  assert.ok(plan.promptTokens + 1024 <= 8192);
});

test('a question that cannot fit with the reserve is an overflow and nothing is sent', () => {
  const question = code(2000, 'q');
  const plan = planChat({ window: WINDOW, reserve: RESERVE, system: CHAT_SYSTEM_PROMPT, blocks: [fileBlock(5)], history: turns(2, 3), question });
  assert.equal(plan.overflow, true);
  assert.deepEqual(plan.messages, []);
  assert.ok(plan.question > WINDOW - RESERVE);
});

test('never exceeds the window across many random shapes', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  for (let i = 0; i < 40; i++) {
    const window = 2048 + rand(14336);
    const reserve = 256 + rand(1024);
    const blocks = Array.from({ length: rand(4) }, (_, j) => ({ ...fileBlock(rand(600)), id: `b${j}` }));
    const question = `question ${i}: ${'x '.repeat(rand(300))}`;
    const plan = planChat({ window, reserve, system: CHAT_SYSTEM_PROMPT, blocks, history: turns(rand(30), rand(200)), question });
    if (plan.overflow) continue;
    assert.equal(plan.promptTokens, promptTokensOf(plan.messages));
    assert.ok(plan.promptTokens + reserve <= window, `case ${i}: ${plan.promptTokens} + ${reserve} > ${window}`);
    assert.equal(plan.messages[0].content, CHAT_SYSTEM_PROMPT);
    assert.ok(plan.messages.at(-1)!.content.endsWith(question), 'the question is always sent whole');
  }
});

test('user message renders context before the question', () => {
  const text = renderUserMessage([fileBlock(2)], 'Why?');
  assert.ok(text.startsWith('File src/a.ts (lines 1-2):\n```typescript\n'));
  assert.ok(text.endsWith('\n\nQuestion:\nWhy?'));
  assert.ok(countTokens(text) > countTokens('Why?'));
});
