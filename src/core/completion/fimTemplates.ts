/**
 * Native fill-in-the-middle templates, per model family, for raw mode (OpenAI /v1/completions, llama.cpp /completion)
 * and for checking what the server does with Ollama `suffix` / llama.cpp `/infill` (there the server applies the template).
 * Token spellings come from each family's tokenizer_config / model card.
 */
import type { ModelInfo } from '../backends/types';

export interface FimTemplate {
  /** Stable id shown in logs and the status bar. */
  id: string;
  render(prefix: string, suffix: string): string;
  /** Stop sequences: the family's end and FIM control tokens, so none leak into the ghost text. */
  stop: string[];
}

const qwen: FimTemplate = {
  id: 'qwen2.5-coder',
  render: (p, s) => `<|fim_prefix|>${p}<|fim_suffix|>${s}<|fim_middle|>`,
  stop: ['<|endoftext|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>', '<|im_start|>', '<|im_end|>'],
};

const deepseek: FimTemplate = {
  id: 'deepseek-coder',
  render: (p, s) => `<｜fim▁begin｜>${p}<｜fim▁hole｜>${s}<｜fim▁end｜>`,
  stop: ['<｜end▁of▁sentence｜>', '<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>', '<|EOT|>'],
};

const codellama: FimTemplate = {
  id: 'codellama',
  // CodeLlama's infilling format puts a space after <PRE> and before <MID>, as in Meta's reference code.
  render: (p, s) => `<PRE> ${p} <SUF>${s} <MID>`,
  stop: ['<EOT>', '<PRE>', '<SUF>', '<MID>', '</s>'],
};

const starcoder2: FimTemplate = {
  id: 'starcoder2',
  render: (p, s) => `<fim_prefix>${p}<fim_suffix>${s}<fim_middle>`,
  stop: ['<|endoftext|>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<file_sep>'],
};

const codestral: FimTemplate = {
  id: 'codestral',
  // Mistral's FIM order is suffix first: a prompt that keeps the (stable) suffix ahead of the growing prefix.
  render: (p, s) => `[SUFFIX]${s}[PREFIX]${p}`,
  stop: ['</s>', '[INST]', '[/INST]', '[SUFFIX]', '[PREFIX]', '[MIDDLE]'],
};

const codegemma: FimTemplate = {
  id: 'codegemma',
  render: (p, s) => `<|fim_prefix|>${p}<|fim_suffix|>${s}<|fim_middle|>`,
  stop: ['<|file_separator|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<end_of_turn>', '<eos>'],
};

export const FIM_TEMPLATES: readonly FimTemplate[] = [qwen, deepseek, codellama, starcoder2, codestral, codegemma];

/** Patterns tried in order against "<model name> <family>" (lower-case). */
const MATCHERS: [RegExp, FimTemplate][] = [
  [/qwen/, qwen],
  [/deepseek/, deepseek],
  [/codellama|code-llama|code_llama/, codellama],
  [/starcoder/, starcoder2],
  [/codestral|mistral/, codestral],
  [/codegemma|gemma/, codegemma],
];

/** The FIM template for a model, or undefined when the family is unknown (callers then use the Phi-4 hole prompt). */
export function fimTemplateFor(info: Pick<ModelInfo, 'name' | 'family'>): FimTemplate | undefined {
  const key = `${info.name} ${info.family}`.toLowerCase();
  for (const [re, t] of MATCHERS) if (re.test(key)) return t;
  return undefined;
}

/** Every control token any supported family uses, for the post-processor's tag stripping. */
export const ALL_FIM_TOKENS: readonly string[] = [...new Set(FIM_TEMPLATES.flatMap((t) => t.stop))];
