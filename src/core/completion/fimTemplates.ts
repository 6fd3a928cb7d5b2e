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
  /** The control token that opens the prefix: one token in a vocabulary that has this family's FIM tokens. */
  marker: string;
}

const qwen: FimTemplate = {
  id: 'qwen2.5-coder',
  render: (p, s) => `<|fim_prefix|>${p}<|fim_suffix|>${s}<|fim_middle|>`,
  stop: ['<|endoftext|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>', '<|im_start|>', '<|im_end|>'],
  marker: '<|fim_prefix|>',
};

const deepseek: FimTemplate = {
  id: 'deepseek-coder',
  render: (p, s) => `<｜fim▁begin｜>${p}<｜fim▁hole｜>${s}<｜fim▁end｜>`,
  stop: ['<｜end▁of▁sentence｜>', '<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>', '<|EOT|>'],
  marker: '<｜fim▁begin｜>',
};

const codellama: FimTemplate = {
  id: 'codellama',
  // CodeLlama's infilling format puts a space after <PRE> and before <MID>, as in Meta's reference code.
  render: (p, s) => `<PRE> ${p} <SUF>${s} <MID>`,
  stop: ['<EOT>', '<PRE>', '<SUF>', '<MID>', '</s>'],
  marker: '<PRE>',
};

const starcoder2: FimTemplate = {
  id: 'starcoder2',
  render: (p, s) => `<fim_prefix>${p}<fim_suffix>${s}<fim_middle>`,
  stop: ['<|endoftext|>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<file_sep>'],
  marker: '<fim_prefix>',
};

const codestral: FimTemplate = {
  id: 'codestral',
  // Mistral's FIM order is suffix first: a prompt that keeps the (stable) suffix ahead of the growing prefix.
  // Mistral's tokenizer writes a space after [PREFIX] (its FIM encoding adds the SentencePiece word boundary).
  render: (p, s) => `[SUFFIX]${s}[PREFIX] ${p}`,
  stop: ['</s>', '[INST]', '[/INST]', '[SUFFIX]', '[PREFIX]', '[MIDDLE]'],
  marker: '[PREFIX]',
};

const codegemma: FimTemplate = {
  id: 'codegemma',
  render: (p, s) => `<|fim_prefix|>${p}<|fim_suffix|>${s}<|fim_middle|>`,
  stop: ['<|file_separator|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<end_of_turn>', '<eos>'],
  marker: '<|fim_prefix|>',
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

/**
 * Phi models (Phi-2, Phi-3, Phi-4 and their minis) were not trained to fill in the middle, though Phi-4's vocabulary
 * has `<|fim_prefix|>` and friends: never FIM for them. `text` is any name, family or chat template the server reports;
 * `<|im_sep|>` is Phi-4's own chat separator.
 */
export function isPhiModel(text: string): boolean {
  return /(?:^|[^a-z])phi[-_ ]?\d/i.test(text) || text.includes('<|im_sep|>');
}

/** The FIM template for a model, or undefined when the family is unknown or a Phi (callers then use the Phi-4 hole prompt). */
export function fimTemplateFor(info: Pick<ModelInfo, 'name' | 'family'>): FimTemplate | undefined {
  const key = `${info.name} ${info.family}`.toLowerCase();
  if (isPhiModel(key)) return undefined;
  for (const [re, t] of MATCHERS) if (re.test(key)) return t;
  return undefined;
}

/** Every control token any supported family uses, for the post-processor's tag stripping. */
export const ALL_FIM_TOKENS: readonly string[] = [...new Set(FIM_TEMPLATES.flatMap((t) => t.stop))];
