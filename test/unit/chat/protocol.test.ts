import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage, describeRejected, MAX_TEXT_LENGTH } from '../../../src/shared/protocol';

test('valid messages parse to fresh objects holding only known fields', () => {
  const raw = { type: 'send', text: 'hi', removedChips: ['c1'], extra: 'ignored', __proto__: { evil: 1 } };
  const m = parseWebviewMessage(raw);
  assert.deepEqual(m, { type: 'send', text: 'hi', removedChips: ['c1'] });
  assert.notEqual(m, raw);
  assert.deepEqual(parseWebviewMessage({ type: 'stop', requestId: 'r1' }), { type: 'stop', requestId: 'r1' });
  assert.deepEqual(parseWebviewMessage({ type: 'codeBlock', action: 'apply', code: 'x', language: 'ts' }), { type: 'codeBlock', action: 'apply', code: 'x', language: 'ts' });
  assert.deepEqual(parseWebviewMessage({ type: 'mentionQuery', queryId: 3, kind: 'file', query: 'src' }), { type: 'mentionQuery', queryId: 3, kind: 'file', query: 'src' });
  assert.deepEqual(parseWebviewMessage({ type: 'command', command: 'recheckBackend' }), { type: 'command', command: 'recheckBackend' });
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
});

test('unknown and malformed messages are rejected', () => {
  const bad: unknown[] = [
    null, undefined, 42, 'send', [], {},
    { type: 'eval', code: 'process.exit()' },
    { type: 'command', command: 'workbench.action.terminal.sendSequence' },
    { type: 'command', command: 'phiCoder.recheckBackend' },
    { type: 'send', text: 5, removedChips: [] },
    { type: 'send', text: 'x' },
    { type: 'send', text: 'x', removedChips: [1] },
    { type: 'send', text: 'x'.repeat(MAX_TEXT_LENGTH + 1), removedChips: [] },
    { type: 'stop', requestId: '' },
    { type: 'stop', requestId: 'x'.repeat(500) },
    { type: 'codeBlock', action: 'run', code: 'rm -rf /', language: 'sh' },
    { type: 'codeBlock', action: 'apply', code: 'x', language: 'x'.repeat(100) },
    { type: 'mentionQuery', queryId: 1.5, kind: 'file', query: '' },
    { type: 'mentionQuery', queryId: 1, kind: 'shell', query: '' },
    { type: 'openConversation', id: {} },
    { type: 'toString' },
    { type: '__proto__' },
  ];
  for (const raw of bad) assert.equal(parseWebviewMessage(raw), undefined, JSON.stringify(raw)?.slice(0, 80));
});

test('rejected messages are described briefly for the log', () => {
  assert.equal(describeRejected(null), 'non-object (null)');
  assert.equal(describeRejected({ type: 'eval', code: 'secret' }), 'type="eval" keys=[type,code]');
  assert.ok(!describeRejected({ type: 'x', code: 'secret-value' }).includes('secret-value'));
});
