// The helpers for untrusted text (issue 14, findings 1 and 15).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inertText, isValidModelId, markdownCode } from '../../../src/core/untrusted';

const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;

test('inertText: one line, no link VS Code would render, control and bidi characters gone', () => {
  const t = inertText('a\n[go](command:x)\u202e evil \u0007 [b] (https://e.x) [c]\t(file:///etc/passwd)');
  assert.doesNotMatch(t, LINK);
  assert.doesNotMatch(t, /[\n\u202e\u0007\t]/);
  assert.match(t, /\[go\] \(command:x\)/);
  assert.equal(inertText('x'.repeat(1000)).length, 300);
});

test('isValidModelId: the names servers use pass; markup, spaces, paths out do not', () => {
  assert.ok(['phi4', 'phi4:latest', 'qwen2.5-coder:1.5b', 'hf.co/bartowski/Phi-4-GGUF:Q4_K_M', 'meta-llama/Llama-3-8B-Instruct', 'phi-4-Q4_K_M.gguf'].every(isValidModelId));
  assert.ok(!['[x](command:y)', 'a b', '', '../../etc', 'x`y', 'a\nb', '$(zap)', 'x'.repeat(201)].some(isValidModelId));
});

test('markdownCode: a fence longer than any backtick run inside', () => {
  assert.equal(markdownCode('plain'), '`plain`');
  assert.equal(markdownCode('a`b'), '``a`b``');
  assert.equal(markdownCode('`'), '`` ` ``');
});
