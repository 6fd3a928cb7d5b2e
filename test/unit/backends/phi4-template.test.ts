// src/core/prompt/phi4.ts must render exactly what Ollama's phi4 template renders. The template text below is the
// one `ollama show --modelfile phi4` prints (the test simulator serves the same text from /api/show); it is
// evaluated with a small Go text/template evaluator, so a change in either the template or renderPhi4 fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPhi4, PHI4_STOP } from '../../../src/core/prompt/phi4';
import { countTokens } from '../../../src/core/tokens';
import type { ChatMessage } from '../../../src/core/backends/types';
import { PHI4_OLLAMA_TEMPLATE } from '../../sim/index';
import { renderGoTemplate } from './goTemplate';

const ollama = (messages: ChatMessage[]) => renderGoTemplate(PHI4_OLLAMA_TEMPLATE, { Messages: messages.map((m) => ({ Role: m.role, Content: m.content })) });

test('the documented rendering (backends.md) for system + user', () => {
  const msgs: ChatMessage[] = [{ role: 'system', content: 'S' }, { role: 'user', content: 'U' }];
  const expected = '<|im_start|>system<|im_sep|>\nS<|im_end|>\n<|im_start|>user<|im_sep|>\nU<|im_end|>\n<|im_start|>assistant<|im_sep|>\n';
  assert.equal(ollama(msgs), expected, 'the evaluator renders the real template as documented');
  assert.equal(renderPhi4(msgs), expected);
});

const CASES: [string, ChatMessage[]][] = [
  ['one user message', [{ role: 'user', content: 'Write a function.' }]],
  ['multi-turn', [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c\n\nwith blank lines\n' }]],
  ['code with template-looking text', [{ role: 'user', content: 'Explain `{{ .Role }}` and <|im_end|> in:\n```go\nfmt.Println("hi")\n```' }]],
  ['ends with an assistant message (answer prefill stays open)', [{ role: 'user', content: 'complete' }, { role: 'assistant', content: 'function f(' }]],
  ['empty content', [{ role: 'user', content: '' }]],
];

for (const [name, msgs] of CASES) {
  test(`renderPhi4 equals Ollama's phi4 template: ${name}`, () => {
    assert.equal(renderPhi4(msgs), ollama(msgs));
  });
}

test('assistantPrefix equals a trailing assistant message in Ollama', () => {
  const msgs: ChatMessage[] = [{ role: 'user', content: 'fill the hole' }];
  assert.equal(renderPhi4(msgs, '  return '), ollama([...msgs, { role: 'assistant', content: '  return ' }]));
});

test('stop tokens and specials count as single tokens', () => {
  assert.deepEqual(PHI4_STOP.slice(0, 3), ['<|im_start|>', '<|im_end|>', '<|im_sep|>']);
  assert.equal(countTokens(renderPhi4([{ role: 'user', content: '' }])), countTokens('user') + countTokens('\n') + countTokens('assistant') + countTokens('\n') + 5 + countTokens('\n'));
});
