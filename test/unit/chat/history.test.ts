import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHistory, serializeHistory, summarize, MAX_CONVERSATIONS } from '../../../src/core/chat/history';
import { turnsFromMessages, titleFromQuestion } from '../../../src/core/chat/prompt';
import type { Conversation } from '../../../src/core/chat/types';

const conv = (id: string, updatedAt: number, n = 2): Conversation => ({
  id,
  title: `t${id}`,
  createdAt: 0,
  updatedAt,
  messages: Array.from({ length: n }, (_, i) => ({ id: `${id}-${i}`, role: i % 2 ? 'assistant' : 'user', content: `m${i}`, createdAt: i })),
});

test('round-trips through JSON and keeps the current conversation', () => {
  const state = { version: 1, conversations: [conv('a', 1), conv('b', 2)], currentId: 'a' };
  const back = parseHistory(JSON.parse(JSON.stringify(serializeHistory(state))));
  assert.deepEqual(back.conversations.map((c) => c.id), ['b', 'a']);
  assert.equal(back.currentId, 'a');
  assert.deepEqual(back.conversations[1].messages, state.conversations[0].messages);
});

test('corrupt values lose only what is broken', () => {
  assert.deepEqual(parseHistory(undefined).conversations, []);
  assert.deepEqual(parseHistory('garbage').conversations, []);
  const raw = { conversations: [conv('ok', 1), { id: 5 }, { id: 'x', messages: [{ id: 'm', role: 'system', content: 'no' }, { id: 'n', role: 'user', content: 'yes' }] }], currentId: 'missing' };
  const back = parseHistory(raw);
  assert.deepEqual(back.conversations.map((c) => c.id), ['ok', 'x']);
  assert.deepEqual(back.conversations[1].messages.map((m) => m.content), ['yes']);
  assert.equal(back.currentId, undefined);
});

test('storage is bounded and skips empty conversations', () => {
  const many = Array.from({ length: MAX_CONVERSATIONS + 10 }, (_, i) => conv(`c${i}`, i));
  many.push(conv('empty', 1000, 0));
  const out = serializeHistory({ version: 1, conversations: many });
  assert.equal(out.conversations.length, MAX_CONVERSATIONS);
  assert.equal(out.conversations[0].id, `c${MAX_CONVERSATIONS + 9}`);
  assert.ok(!out.conversations.some((c) => c.id === 'empty'));
  assert.equal(summarize(many)[0].id, `c${MAX_CONVERSATIONS + 9}`);
});

test('turns skip failed answers and name past context instead of repeating it', () => {
  const turns = turnsFromMessages([
    { id: '1', role: 'user', content: 'q1', attachments: ['src/a.ts:1-5'], createdAt: 0 },
    { id: '2', role: 'assistant', content: 'a1', createdAt: 0 },
    { id: '3', role: 'user', content: 'q2', createdAt: 0 },
    { id: '4', role: 'assistant', content: '', error: 'offline', createdAt: 0 },
    { id: '5', role: 'user', content: 'q3', createdAt: 0 },
  ]);
  assert.deepEqual(turns, [{ user: 'q1\n\n(Context attached then: src/a.ts:1-5)', assistant: 'a1' }]);
  assert.equal(titleFromQuestion('  Explain\nthis'), 'Explain');
  assert.equal(titleFromQuestion('x'.repeat(100)).length, 58);
});
