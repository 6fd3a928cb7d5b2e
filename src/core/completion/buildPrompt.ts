/**
 * Chooses the prompt style for the completion model and renders it:
 * - FIM-capable model of a known family: native fill-in-the-middle. On Ollama (`suffix`) and llama.cpp (`/infill`,
 *   cross-file context as `input_extra`) the server applies the template (kind 'infill'); on OpenAI-compatible
 *   servers we render the family template and send it raw through /v1/completions (kind 'raw').
 * - Anything else (Phi-4 and other chat-only models): the Phi-4 hole-filling chat prompt, sent raw.
 */
import type { BackendKind, ModelInfo } from '../backends/types';
import { countTokens, countTokensByLines } from '../tokens';
import { fimTemplateFor } from './fimTemplates';
import { lineComment } from './languageComments';
import { infillPromptTokens } from './llamaInfill';
import { rulesAsComment } from '../rules/render';
import { renderPhi4HolePrompt, PHI4_HOLE_STOP, MODE_INSTRUCTION } from './phi4HolePrompt';
import { windowPrefixSuffix, type FileWindow } from './promptWindow';
import type { BuiltPrompt, CompletionMode } from './types';

export interface PromptRequest {
  relPath: string;
  languageId: string;
  window: FileWindow;
  /** Packed cross-file context text ('' when none). */
  context: string;
  mode: CompletionMode;
  model: Pick<ModelInfo, 'name' | 'family' | 'fim'>;
  backendKind: BackendKind;
  /** llama.cpp /infill: the slot's window decides how much of `input_extra` the server keeps. */
  contextWindow?: number;
  /** Compact project rules ('' when none), placed at the very start of the prompt (stable across keystrokes). */
  rules?: string;
}

/** Name of the prompt style a model gets, for the status bar and logs ("phi4-hole" or a FIM template id). */
export function promptStyleFor(model: Pick<ModelInfo, 'name' | 'family' | 'fim'>): string {
  const fim = model.fim ? fimTemplateFor(model) : undefined;
  return fim ? `fim:${fim.id}` : 'phi4-hole';
}

/**
 * Exact token count of a hole prompt, cheaply: the part before the mode instruction is the same for every keystroke
 * on a line (its count is cached whole), and when it changes (a new line, another place) only its new lines are
 * tokenized; the short tail is tokenized each time. The split follows "\n\n", a boundary of cl100k's pre-tokenizer,
 * so the sum equals the count of the whole.
 */
function countHolePrompt(prompt: string, mode: CompletionMode): number {
  const at = prompt.lastIndexOf('\n\n' + MODE_INSTRUCTION[mode]);
  if (at < 0) return countTokensByLines(prompt);
  return countTokensByLines(prompt.slice(0, at + 2), true) + countTokens(prompt.slice(at + 2));
}

export function buildPrompt(req: PromptRequest): BuiltPrompt {
  const fim = req.model.fim ? fimTemplateFor(req.model) : undefined;
  if (!fim) {
    const prompt = renderPhi4HolePrompt(req);
    return { kind: 'raw', prompt, stop: [...PHI4_HOLE_STOP], promptTokens: countHolePrompt(prompt, req.mode), template: 'phi4-hole' };
  }
  const { prefix: filePrefix, suffix } = windowPrefixSuffix(req.window);
  const c = lineComment(req.languageId);
  const rules = rulesAsComment(req.rules ?? '', c);
  if (req.backendKind === 'llamacpp') {
    // The server budgets input_extra apart from the prefix, which it cuts from the front: the rules and the context go
    // there, rules first (the server puts the chunks before the prefix, in order: the most stable part leads).
    const prefix = `${c} Path: ${req.relPath}\n` + filePrefix;
    const extra = [
      ...(rules ? [{ filename: 'project-rules', text: rules }] : []),
      ...(req.context.trim() ? [{ filename: 'context', text: req.context.trimEnd() + '\n' }] : []),
    ];
    const promptTokens = infillPromptTokens({ prefix, suffix, extra, contextWindow: req.contextWindow ?? 0 });
    return { kind: 'infill', prefix, suffix, extra, stop: fim.stop, promptTokens, template: `fim:${fim.id}` };
  }
  // Rules first, then cross-file context (both stable), then the current file's path and its prefix.
  const prefix = rules + (req.context.trim() ? req.context.trimEnd() + '\n\n' : '') + `${c} Path: ${req.relPath}\n` + filePrefix;
  // Counted line by line (exact): the window's lines were counted by the worker that built it, or at an earlier keystroke.
  if (req.backendKind === 'openai') {
    const prompt = fim.render(prefix, suffix);
    return { kind: 'raw', prompt, stop: fim.stop, promptTokens: countTokensByLines(prompt), template: `fim:${fim.id}` };
  }
  return { kind: 'infill', prefix, suffix, stop: fim.stop, promptTokens: countTokensByLines(prefix) + countTokensByLines(suffix, true) + 3, template: `fim:${fim.id}` };
}
