/**
 * Chooses the prompt style for the completion model and renders it:
 * - FIM-capable model of a known family: native fill-in-the-middle. On Ollama (`suffix`) and llama.cpp (`/infill`)
 *   the server applies the template (kind 'infill'); on OpenAI-compatible servers we render the family template and
 *   send it raw through /v1/completions (kind 'raw').
 * - Anything else (Phi-4 and other chat-only models): the Phi-4 hole-filling chat prompt, sent raw.
 */
import type { BackendKind, ModelInfo } from '../backends/types';
import { countTokens } from '../tokens';
import { fimTemplateFor } from './fimTemplates';
import { lineComment } from './languageComments';
import { renderPhi4HolePrompt, PHI4_HOLE_STOP } from './phi4HolePrompt';
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
}

/** Name of the prompt style a model gets, for the status bar and logs ("phi4-hole" or a FIM template id). */
export function promptStyleFor(model: Pick<ModelInfo, 'name' | 'family' | 'fim'>): string {
  const fim = model.fim ? fimTemplateFor(model) : undefined;
  return fim ? `fim:${fim.id}` : 'phi4-hole';
}

export function buildPrompt(req: PromptRequest): BuiltPrompt {
  const fim = req.model.fim ? fimTemplateFor(req.model) : undefined;
  if (!fim) {
    const prompt = renderPhi4HolePrompt(req);
    return { kind: 'raw', prompt, stop: [...PHI4_HOLE_STOP], promptTokens: countTokens(prompt), template: 'phi4-hole' };
  }
  const { prefix: filePrefix, suffix } = windowPrefixSuffix(req.window);
  const c = lineComment(req.languageId);
  // Cross-file context first (stable), then the current file's path and its prefix.
  const prefix = (req.context.trim() ? req.context.trimEnd() + '\n\n' : '') + `${c} Path: ${req.relPath}\n` + filePrefix;
  if (req.backendKind === 'openai') {
    const prompt = fim.render(prefix, suffix);
    return { kind: 'raw', prompt, stop: fim.stop, promptTokens: countTokens(prompt), template: `fim:${fim.id}` };
  }
  return { kind: 'infill', prefix, suffix, stop: fim.stop, promptTokens: countTokens(prefix) + countTokens(suffix) + 3, template: `fim:${fim.id}` };
}
