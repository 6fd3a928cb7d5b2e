/**
 * The inline edit's conversation: the first round is the rewrite prompt with the user's instruction; each Refine adds
 * the model's previous answer and the new instruction, so the model revises its own proposal. The whole conversation
 * is budgeted exactly: the earlier answers take their room from the cross-file context and surrounding code first, and
 * the oldest rounds are dropped (never the latest answer) when even that is not enough.
 */
import type { ChatMessage } from '../backends/types';
import { buildRewritePrompt, fenceTag, promptBudget, PromptTooLargeError, type BuiltPrompt, type RewritePromptInput } from '../actions/prompts';
import { renderPhi4 } from '../prompt/phi4';
import { countTokens } from '../tokens';

export interface EditRound {
  instruction: string;
  /** The model's raw answer in that round. */
  answer: string;
}

export interface EditConversationInput extends Omit<RewritePromptInput, 'action' | 'instruction'> {
  /** Earlier rounds, oldest first (empty for the first request). */
  rounds: readonly EditRound[];
  /** The instruction of this round. */
  instruction: string;
}

export function refineMessage(instruction: string, languageId: string): string {
  const tag = fenceTag(languageId);
  return `Revise your last version of the code: ${instruction.trim()}\nKeep the rest of your changes unless this asks otherwise. Reply with only the complete revised code in one \`\`\`${tag} block.`;
}

/** After the first prompt: each earlier answer, then the instruction that followed it (the last one is this round's). */
function followUps(rounds: readonly EditRound[], instruction: string, languageId: string): ChatMessage[] {
  const out: ChatMessage[] = [];
  rounds.forEach((r, i) => {
    out.push({ role: 'assistant', content: r.answer });
    out.push({ role: 'user', content: refineMessage(rounds[i + 1]?.instruction ?? instruction, languageId) });
  });
  return out;
}

/** The conversation with `extra` after the first prompt; undefined when it cannot fit the window. */
function attempt(input: EditConversationInput, extra: ChatMessage[]): BuiltPrompt | undefined {
  try {
    return attemptOrThrow(input, extra);
  } catch (err) {
    if (err instanceof PromptTooLargeError) return undefined;
    throw err;
  }
}

function attemptOrThrow(input: EditConversationInput, extra: ChatMessage[]): BuiltPrompt {
  const extraTokens = countTokens(renderPhi4(extra).replace(/<\|im_start\|>assistant<\|im_sep\|>\n$/, ''));
  const first = buildRewritePrompt({ ...input, action: 'edit', instruction: input.rounds[0]!.instruction, answerTokens: input.answerTokens + extraTokens + 8 });
  const messages = [...first.messages, ...extra];
  return { messages, promptTokens: countTokens(renderPhi4(messages)), contextTokens: first.contextTokens, excerptTokens: first.excerptTokens };
}

export function buildEditPrompt(input: EditConversationInput): BuiltPrompt {
  if (input.rounds.length === 0) return buildRewritePrompt({ ...input, action: 'edit' });
  const budget = promptBudget(input.window, input.answerTokens);
  const whole = attempt(input, followUps(input.rounds, input.instruction, input.doc.languageId));
  if (whole && whole.promptTokens <= budget) return whole;
  // Too long: keep the first instruction, the latest answer (it carries every earlier revision) and this instruction.
  const last = input.rounds[input.rounds.length - 1]!;
  const short = attempt(input, [
    { role: 'assistant', content: last.answer },
    { role: 'user', content: refineMessage(input.instruction, input.doc.languageId) },
  ]);
  if (short && short.promptTokens <= budget) return short;
  const needed = short?.promptTokens ?? budget + 1;
  throw new PromptTooLargeError(needed, budget, `The conversation no longer fits the model's window (${budget} tokens fit beside the answer). Reject this edit and start a new one with a shorter selection.`);
}
