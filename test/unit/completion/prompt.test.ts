import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPrompt, promptStyleFor } from '../../../src/core/completion/buildPrompt';
import { fileWindow, ALIGN_LINES, windowPrefixSuffix } from '../../../src/core/completion/promptWindow';
import { HOLE, EDITED_LINE_MARKER, PHI4_HOLE_SYSTEM } from '../../../src/core/completion/phi4HolePrompt';
import { fimTemplateFor, isPhiModel } from '../../../src/core/completion/fimTemplates';
import { renderPhi4 } from '../../../src/core/prompt/phi4';
import { countTokens } from '../../../src/core/tokens';

const PHI4 = { name: 'phi4', family: 'phi3', fim: false };
const QWEN = { name: 'qwen2.5-coder:1.5b', family: 'qwen2', fim: true };

function fileOf(lines: number): string {
  return Array.from({ length: lines }, (_, i) => `  const v${i} = compute(${i}, "value number ${i}");`).join('\n');
}

function phi4Prompt(text: string, offset: number, context = '') {
  const window = fileWindow(text, offset);
  return buildPrompt({ relPath: 'src/a.ts', languageId: 'typescript', window, context, mode: 'single-line', model: PHI4, backendKind: 'llamacpp' });
}

test("Phi-4 hole prompt follows Phi-4's chat template exactly and ends with the open assistant turn", () => {
  const text = 'function add(a, b) {\n  return a█\n}\n';
  const offset = text.indexOf('█');
  const p = phi4Prompt(text.replace('█', ''), offset);
  assert.equal(p.kind, 'raw');
  if (p.kind !== 'raw') return;
  // The Ollama phi4 template, rendered: system, user, then the assistant header with its newline.
  const m = /^<\|im_start\|>system<\|im_sep\|>\n([\s\S]*)<\|im_end\|>\n<\|im_start\|>user<\|im_sep\|>\n([\s\S]*)<\|im_end\|>\n<\|im_start\|>assistant<\|im_sep\|>\n$/.exec(p.prompt);
  assert.ok(m, 'matches the template');
  assert.equal(m![1], PHI4_HOLE_SYSTEM);
  assert.equal(p.prompt, renderPhi4([{ role: 'system', content: m![1] }, { role: 'user', content: m![2] }]));
  // The hole is marked at the cursor, in the edited line, which comes last.
  assert.ok(m![2].endsWith(`  return a${HOLE}`), m![2]);
  assert.ok(m![2].includes(`function add(a, b) {\n${EDITED_LINE_MARKER}\n}`));
  assert.deepEqual(p.stop, ['<|im_start|>', '<|im_end|>', '<|im_sep|>', '<|endoftext|>']);
  assert.equal(p.promptTokens, countTokens(p.prompt));
  assert.equal(p.template, 'phi4-hole');
});

test('packed context comes before the file (stable first)', () => {
  const p = phi4Prompt('let x = 1;\nlet y = ', 19, '// Path: lib/util.ts\nexport function util() {}\n');
  assert.equal(p.kind, 'raw');
  if (p.kind !== 'raw') return;
  const ctx = p.prompt.indexOf('export function util');
  const file = p.prompt.indexOf('File src/a.ts');
  assert.ok(ctx > 0 && file > ctx);
});

test('consecutive keystrokes on one line share everything but the edited line (KV-cache friendly)', () => {
  const base = fileOf(400);
  const lines = base.split('\n');
  lines[300] = '  const total = ';
  const text = lines.join('\n');
  const at = text.indexOf('  const total = ') + '  const total = '.length;
  const typed = 'items.reduce';
  const prompts: string[] = [];
  for (let i = 0; i <= typed.length; i++) {
    const t = text.slice(0, at) + typed.slice(0, i) + text.slice(at);
    const p = phi4Prompt(t, at + i);
    assert.equal(p.kind, 'raw');
    if (p.kind === 'raw') prompts.push(p.prompt);
  }
  for (let i = 1; i < prompts.length; i++) {
    let lcp = 0;
    while (prompts[i][lcp] === prompts[i - 1][lcp]) lcp++;
    const shared = countTokens(prompts[i].slice(0, lcp)) / countTokens(prompts[i]);
    assert.ok(shared > 0.97, `keystroke ${i}: only ${(shared * 100).toFixed(1)}% of the prompt is shared`);
  }
});

test('the window start moves in aligned steps when the user adds lines, not every line', () => {
  const text = fileOf(600);
  const starts = new Set<number>();
  for (let line = 300; line < 340; line++) {
    const offset = text.split('\n').slice(0, line).join('\n').length + 1;
    const w = fileWindow(text, offset);
    assert.equal(w.cursorLine, line);
    assert.equal(w.firstLine % ALIGN_LINES, 0);
    starts.add(w.firstLine);
  }
  assert.ok(starts.size <= 4, `window start changed ${starts.size} times over 40 lines`);
});

test('the window respects its token budget and keeps the text around the cursor', () => {
  const text = fileOf(2000);
  const offset = Math.floor(text.length / 2);
  const w = fileWindow(text, offset, { aboveTokens: 500, belowTokens: 200, linePrefixTokens: 100, lineSuffixTokens: 50 });
  assert.ok(countTokens(w.above) <= 500);
  assert.ok(countTokens(w.below) <= 200);
  const { prefix, suffix } = windowPrefixSuffix(w);
  assert.ok(text.slice(0, offset).endsWith(prefix));
  assert.ok(text.slice(offset).startsWith(suffix));
});

test('a minified line is truncated around the cursor', () => {
  const line = 'var a=1;'.repeat(5000);
  const w = fileWindow(line, 20000);
  assert.ok(countTokens(w.linePrefix) <= 384 && line.slice(0, 20000).endsWith(w.linePrefix));
  assert.ok(countTokens(w.lineSuffix) <= 96 && line.slice(20000).startsWith(w.lineSuffix));
});

test('FIM models get native infill on Ollama/llama.cpp and their explicit template on OpenAI-compatible servers', () => {
  const text = 'def f(x):\n    return x\n';
  const window = fileWindow(text, text.indexOf('x\n'));
  const infill = buildPrompt({ relPath: 'a.py', languageId: 'python', window, context: '', mode: 'single-line', model: QWEN, backendKind: 'ollama' });
  assert.equal(infill.kind, 'infill');
  if (infill.kind === 'infill') {
    assert.equal(infill.prefix, '# Path: a.py\ndef f(x):\n    return ');
    assert.equal(infill.suffix, 'x\n');
    assert.ok(infill.stop.includes('<|endoftext|>') && infill.stop.includes('<|file_sep|>'));
  }
  const raw = buildPrompt({ relPath: 'a.py', languageId: 'python', window, context: '', mode: 'single-line', model: QWEN, backendKind: 'openai' });
  assert.equal(raw.kind, 'raw');
  if (raw.kind === 'raw') assert.equal(raw.prompt, '<|fim_prefix|># Path: a.py\ndef f(x):\n    return <|fim_suffix|>x\n<|fim_middle|>');
  assert.equal(promptStyleFor(QWEN), 'fim:qwen2.5-coder');
  assert.equal(promptStyleFor(PHI4), 'phi4-hole');
  // A FIM-capable model of an unknown family falls back to the hole prompt rather than guessing tokens.
  assert.equal(promptStyleFor({ name: 'mystery', family: 'unknown', fim: true }), 'phi4-hole');
});

test('per-family FIM templates render their documented token layout', () => {
  const cases: [string, string, string][] = [
    ['qwen2.5-coder:7b', 'qwen2', '<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>'],
    ['deepseek-coder:6.7b', 'llama', '<｜fim▁begin｜>P<｜fim▁hole｜>S<｜fim▁end｜>'],
    ['codellama:7b-code', 'llama', '<PRE> P <SUF>S <MID>'],
    ['starcoder2:3b', 'starcoder2', '<fim_prefix>P<fim_suffix>S<fim_middle>'],
    ['codestral:22b', 'llama', '[SUFFIX]S[PREFIX] P'],
    ['codegemma:2b', 'gemma', '<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>'],
  ];
  for (const [name, family, expected] of cases) {
    const t = fimTemplateFor({ name, family });
    assert.ok(t, name);
    assert.equal(t!.render('P', 'S'), expected, name);
    assert.ok(t!.stop.length > 0);
  }
  assert.equal(fimTemplateFor({ name: 'phi4', family: 'phi3' }), undefined);
  // Phi-4's vocabulary has <|fim_prefix|> (Qwen's spelling) but it was not trained for FIM: no name or template of a Phi gets one.
  for (const name of ['phi-4-Q4_K_M.gguf', 'Phi-3.5-mini-instruct', 'microsoft/phi-4', 'phi4-mini:latest qwen2']) assert.equal(fimTemplateFor({ name, family: '' }), undefined, name);
  assert.ok(isPhiModel('<|im_start|>user<|im_sep|>'));
  assert.ok(!isPhiModel('dolphin-mistral'));
  assert.equal(fimTemplateFor({ name: 'dolphin-codestral', family: '' })?.id, 'codestral');
});

test('the cheap prompt token count equals counting the whole prompt', () => {
  const text = fileOf(300);
  for (const at of [50, 4000, 9000, text.length - 3]) {
    const p = phi4Prompt(text, at);
    if (p.kind === 'raw') assert.equal(p.promptTokens, countTokens(p.prompt), `offset ${at}`);
  }
});

test('window edges: first line, last line, empty file', () => {
  const w0 = fileWindow('', 0);
  assert.deepEqual([w0.above, w0.linePrefix, w0.lineSuffix, w0.below, w0.cursorLine, w0.atStart, w0.atEnd], ['', '', '', '', 0, true, true]);
  const w1 = fileWindow('a\nb\nc', 3);
  assert.deepEqual([w1.above, w1.linePrefix, w1.lineSuffix, w1.below, w1.cursorLine], ['a', 'b', '', 'c', 1]);
  const w2 = fileWindow('a\n\nc\n', 2);
  assert.deepEqual([w2.above, w2.linePrefix, w2.below, w2.cursorLine, w2.lastLine], ['a', '', 'c\n', 1, 3]);
});
