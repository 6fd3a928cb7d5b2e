import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationToMarkdown, exportFileName } from '../../../src/core/chat/exportMarkdown';
import type { Conversation } from '../../../src/core/chat/types';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const conv: Conversation = {
  id: 'c1',
  title: '# Why does add return b + a?\nsecond line',
  createdAt: T0,
  updatedAt: T0 + 5000,
  messages: [
    { id: 'u1', role: 'user', content: 'Why does add return b + a?', attachments: ['src/math.ts:1-3', '@symbol:`weird`name'], createdAt: T0 },
    { id: 'a1', role: 'assistant', content: 'Because of this:\n\n```ts\nreturn b + a;\n```', stopReason: 'stop', createdAt: T0 + 1000 },
    { id: 'u2', role: 'user', content: 'And @problems?', createdAt: T0 + 2000 },
    { id: 'a2', role: 'assistant', content: 'Partial', stopReason: 'abort', createdAt: T0 + 3000 },
    { id: 'u3', role: 'user', content: 'Again', attachments: ['@workspace (3 snippets)'], createdAt: T0 + 4000 },
    { id: 'a3', role: 'assistant', content: '', error: 'Model phi4 is not installed.\nRun ollama pull phi4', createdAt: T0 + 5000 },
  ],
};

test('every turn: the question, the context it was sent with, then the answer, in order', () => {
  const md = conversationToMarkdown(conv, { exportedAt: new Date(T0 + 60_000) });
  const lines = md.split('\n');
  assert.equal(lines[0], '# Why does add return b + a? second line', 'one-line title without a second heading marker');
  assert.match(md, /3 questions · started 2026-11-30 12:00:00 UTC · exported 2026-11-30 12:01:00 UTC/);
  const order = ['## 1. You', 'Why does add return b + a?', '**Context sent with this question:**', '- `src/math.ts:1-3`', '- ``@symbol:`weird`name``', '### Phi Coder', '```ts', '## 2. You', '**Context sent with this question:** none', 'Partial', '*(stopped before the answer was complete)*', '## 3. You', '- `@workspace (3 snippets)`', '> **Error:** Model phi4 is not installed. Run ollama pull phi4'];
  let at = -1;
  for (const needle of order) {
    const next = md.indexOf(needle, at + 1);
    assert.ok(next > at, `"${needle}" comes after what precedes it`);
    at = next;
  }
  assert.equal(md.match(/^### Phi Coder$/gm)?.length, 3);
});

test('an empty conversation says so; file names are safe', () => {
  const empty: Conversation = { id: 'e', title: 'New conversation', createdAt: 0, updatedAt: 0, messages: [] };
  assert.match(conversationToMarkdown(empty), /\*\(no messages yet\)\*/);
  assert.equal(exportFileName(conv), 'why-does-add-return-b-a-second-line.md');
  assert.equal(exportFileName({ ...empty, title: '../../etc/passwd' }), 'etc-passwd.md');
  assert.equal(exportFileName({ ...empty, title: '???' }), 'conversation.md');
  assert.ok(exportFileName({ ...empty, title: 'x'.repeat(200) }).length <= 63);
});
