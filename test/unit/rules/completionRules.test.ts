import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPrompt } from '../../../src/core/completion/buildPrompt';
import { fileWindow, DEFAULT_WINDOW_BUDGET } from '../../../src/core/completion/promptWindow';
import { parseRuleFile } from '../../../src/core/rules/rules';

const text = 'export function add(a: number, b: number): number {\n  return \n}\n';
const window = fileWindow(text, text.indexOf('return ') + 7, DEFAULT_WINDOW_BUDGET);
const common = { relPath: 'src/add.ts', languageId: 'typescript', window, context: '// from b.ts\nexport const B = 1;', mode: 'single-line' as const };
const RULES = 'Name booleans as questions.\nPrefer early returns.';

test('Phi-4 hole prompt: the rules open the system message, before the context and the file', () => {
  const p = buildPrompt({ ...common, model: { name: 'phi4', family: 'phi3', fim: false }, backendKind: 'llamacpp', rules: RULES });
  assert.equal(p.kind, 'raw');
  const prompt = p.kind === 'raw' ? p.prompt : '';
  const at = prompt.indexOf('Project rules:\nName booleans as questions.\nPrefer early returns.');
  assert.ok(at > 0 && at < prompt.indexOf('<|im_end|>'), 'inside the system message');
  assert.ok(at < prompt.indexOf('export const B') && at < prompt.indexOf('File src/add.ts'));
  // Stable: another keystroke on the line changes only the tail, so the prompt up to the file is the same.
  const w2 = fileWindow(text.replace('return ', 'return a'), text.indexOf('return ') + 8, DEFAULT_WINDOW_BUDGET);
  const p2 = buildPrompt({ ...common, window: w2, model: { name: 'phi4', family: 'phi3', fim: false }, backendKind: 'llamacpp', rules: RULES });
  const head = prompt.slice(0, prompt.indexOf('File src/add.ts'));
  assert.ok(p2.kind === 'raw' && p2.prompt.startsWith(head));
  const none = buildPrompt({ ...common, model: { name: 'phi4', family: 'phi3', fim: false }, backendKind: 'llamacpp' });
  assert.ok(none.kind === 'raw' && !none.prompt.includes('Project rules'));
});

test('FIM: the rules are a leading comment in the language, then the context, then the file', () => {
  const p = buildPrompt({ ...common, model: { name: 'qwen2.5-coder:1.5b', family: 'qwen2', fim: true }, backendKind: 'ollama', rules: RULES });
  assert.equal(p.kind, 'infill');
  assert.ok(p.kind === 'infill' && p.prefix.startsWith('// Project rules:\n// Name booleans as questions.\n// Prefer early returns.\n// from b.ts'), p.kind === 'infill' ? p.prefix : '');
  const py = buildPrompt({ ...common, languageId: 'python', model: { name: 'qwen2.5-coder:1.5b', family: 'qwen2', fim: true }, backendKind: 'openai', rules: RULES });
  assert.ok(py.kind === 'raw' && py.prompt.startsWith('<|fim_prefix|># Project rules:\n# Name booleans'));
});

test('HTML comments in a rules file are notes, not rules (the starter file has no effect until written)', () => {
  assert.equal(parseRuleFile('.phicoder/rules/project.md', '---\napplyTo: "**"\n---\n<!--\nWrite rules here.\n-->\n').body, '');
  assert.equal(parseRuleFile('AGENTS.md', '<!-- note -->\nUse tabs.').body, 'Use tabs.');
});

test('llama.cpp /infill: the rules are the first input_extra chunk (before the context), the prefix stays the file', () => {
  const p = buildPrompt({ ...common, model: { name: 'qwen2.5-coder:1.5b', family: 'qwen2', fim: true }, backendKind: 'llamacpp', contextWindow: 16384, rules: RULES });
  assert.equal(p.kind, 'infill');
  if (p.kind !== 'infill') return;
  assert.deepEqual(p.extra?.map((e) => e.filename), ['project-rules', 'context']);
  assert.equal(p.extra?.[0]?.text, '// Project rules:\n// Name booleans as questions.\n// Prefer early returns.\n');
  assert.ok(p.prefix.startsWith('// Path: src/add.ts'));
});
