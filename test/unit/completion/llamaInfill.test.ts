// llama.cpp /infill: cross-file context as input_extra, a prefix the server keeps whole, and the prompt counted as the
// server counts it (checked against the simulator's rendition of format_prompt_infill; test/real checks the real server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPrompt } from '../../../src/core/completion/buildPrompt';
import { fileWindow, DEFAULT_WINDOW_BUDGET } from '../../../src/core/completion/promptWindow';
import { fitInfillWindow, infillPromptTokens, INFILL_PREFIX_KEEP, INFILL_SUFFIX_KEEP } from '../../../src/core/completion/llamaInfill';
import { LlamaCppBackend } from '../../../src/core/backends/llamacpp';
import { countTokens } from '../../../src/core/tokens';
import { startSimulator } from '../../sim/index';
import { QWEN_CODER_MODEL } from '../../sim/types';
import { collect } from '../backends/helpers';

const QWEN = { name: 'qwen2.5-coder:1.5b', family: 'qwen2.5-coder', fim: true };

function bigFile(lines: number): { text: string; offset: number } {
  const text = Array.from({ length: lines }, (_, i) => `export const value${i} = compute(${i}, 'the value number ${i}');`).join('\n');
  return { text, offset: text.indexOf('\n', Math.floor(text.length / 2)) };
}

const CONTEXT = '// Path: src/util.ts\nexport function compute(n: number, label: string): string {\n  return label + n;\n}\n';

test('the infill window fits what /infill keeps: the server cuts nothing from the prefix or the suffix', () => {
  const w = fitInfillWindow(DEFAULT_WINDOW_BUDGET);
  const { text, offset } = bigFile(2000);
  const p = buildPrompt({ relPath: 'src/a.ts', languageId: 'typescript', window: fileWindow(text, offset, w), context: CONTEXT, mode: 'single-line', model: QWEN, backendKind: 'llamacpp', contextWindow: 16384 });
  assert.equal(p.kind, 'infill');
  if (p.kind !== 'infill') return;
  assert.ok(countTokens(p.prefix) <= INFILL_PREFIX_KEEP, `prefix ${countTokens(p.prefix)}`);
  assert.ok(countTokens(p.suffix) <= INFILL_SUFFIX_KEEP, `suffix ${countTokens(p.suffix)}`);
  // Context travels as input_extra, not at the front of the prefix (where the server would cut it first).
  assert.deepEqual(p.extra, [{ filename: 'context', text: CONTEXT }]);
  assert.ok(p.prefix.startsWith('// Path: src/a.ts\n'));
  assert.ok(!p.prefix.includes('compute(n: number'));
});

test('the counted prompt equals what the server evaluates, with and without room for input_extra', async () => {
  const { text, offset } = bigFile(400);
  for (const [contextWindow, window] of [[16384, fitInfillWindow(DEFAULT_WINDOW_BUDGET)], [2048, DEFAULT_WINDOW_BUDGET]] as const) {
    const s = await startSimulator({ kind: 'llamacpp', models: [QWEN_CODER_MODEL], nCtx: contextWindow, timing: { timeScale: 0 } });
    try {
      const p = buildPrompt({ relPath: 'src/a.ts', languageId: 'typescript', window: fileWindow(text, offset, window), context: CONTEXT, mode: 'single-line', model: QWEN, backendKind: 'llamacpp', contextWindow });
      assert.equal(p.kind, 'infill');
      if (p.kind !== 'infill') continue;
      s.setReply('x');
      await collect(new LlamaCppBackend({ endpoint: s.url, idleTimeoutMs: 2000 }).infill({ model: 'q', prefix: p.prefix, suffix: p.suffix, extra: p.extra, sampling: { maxTokens: 64, temperature: 0 } }));
      assert.equal(p.promptTokens, s.requests.at(-1)!.promptTokens, `window ${contextWindow}`);
    } finally {
      await s.close();
    }
  }
  // On a 2,048-token window the server keeps two tokens of input_extra (n_ctx − n_batch − 2·(−1)).
  assert.equal(infillPromptTokens({ prefix: 'a', suffix: 'b', extra: [{ text: CONTEXT }], contextWindow: 2048 }), infillPromptTokens({ prefix: 'a', suffix: 'b', extra: [], contextWindow: 2048 }) + 2);
});
