/**
 * Fits a chat request into the model's window with exact Phi-4 token counts:
 *   system + context + history + question + reserved answer <= window.
 * The system prompt, the question and the answer reserve are never cut. Context is cut (lowest priority block first,
 * marked as cut) and history is trimmed oldest turn first; both are reported, never silent. When even the system prompt,
 * the question and the reserve do not fit, the plan says `overflow` and must not be sent.
 */
import type { ChatMessage } from '../backends/types';
import { renderPhi4Message } from '../prompt/phi4';
import { countTokens, countTokensByLines, truncateToTokens } from '../tokens';
import { renderBlock, renderUserMessage } from './prompt';
import type { ContextBlock, Turn } from './types';
import type { MeterView } from '../../shared/protocol';

export interface BudgetInput {
  window: number;
  /** Tokens reserved for the answer. */
  reserve: number;
  system: string;
  /** In priority order: the first block is kept longest. */
  blocks: readonly ContextBlock[];
  /** Earlier turns, oldest first. */
  history: readonly Turn[];
  question: string;
}

/** The plan carries the meter's numbers (window, system, context, history, question, reserve, dropped, cut, overflow). */
export interface BudgetPlan extends MeterView {
  /** What to send (empty when `overflow`). */
  messages: ChatMessage[];
  /** Exact tokens of `messages` rendered in Phi-4's chat format, including the open assistant turn. */
  promptTokens: number;
  /** The blocks as sent (some cut), for the log and the chips. */
  blocks: ContextBlock[];
}

/** `<|im_start|>assistant<|im_sep|>\n`: the open turn the model answers in. */
const ANSWER_OPENER_TOKENS = countTokens('<|im_start|>assistant<|im_sep|>\n');
/** A block cut to less than this is dropped instead: a few lines of a file help nobody. */
const MIN_BLOCK_TOKENS = 48;
/** Share of the free space history is guaranteed (when it needs it) before context takes the rest. */
const HISTORY_SHARE = 0.25;
const CUT_MARKER = '\n… (cut to fit the context window)';

// By lines: the meter plans on every pause in typing, and a message holding the active file changes by a line or two.
const messageTokens = (m: ChatMessage) => countTokensByLines(renderPhi4Message(m), true);

export function promptTokensOf(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + messageTokens(m), 0) + ANSWER_OPENER_TOKENS;
}

function turnTokens(t: Turn): number {
  return messageTokens({ role: 'user', content: t.user }) + messageTokens({ role: 'assistant', content: t.assistant });
}

/** Cut `block` so that its rendered form takes at most `budget` tokens; undefined when too little room is left. */
function cutBlock(block: ContextBlock, budget: number): ContextBlock | undefined {
  if (budget < MIN_BLOCK_TOKENS) return undefined;
  const overhead = countTokens(renderBlock({ ...block, text: '' })) + countTokens(CUT_MARKER) + 2;
  const keep = budget - overhead;
  if (keep <= 0) return undefined;
  const text = truncateToTokens(block.text, keep);
  const cut = { ...block, text: text + CUT_MARKER };
  return countTokensByLines(renderBlock(cut), true) <= budget ? cut : undefined;
}

/** Place blocks in priority order within `budget` tokens (counted as separate renders; the caller re-checks exactly). */
function placeBlocks(blocks: readonly ContextBlock[], budget: number): { kept: ContextBlock[]; removed: number } {
  const kept: ContextBlock[] = [];
  let left = budget;
  let removed = 0;
  for (const block of blocks) {
    const need = countTokensByLines(renderBlock(block), true) + 2; // + the blank line joining blocks
    if (need <= left) {
      kept.push(block);
      left -= need;
      continue;
    }
    const cut = cutBlock(block, left - 2);
    removed += need - (cut ? countTokensByLines(renderBlock(cut), true) + 2 : 0);
    if (cut) {
      kept.push(cut);
      left -= countTokensByLines(renderBlock(cut), true) + 2;
    }
  }
  return { kept, removed };
}

export function planChat(input: BudgetInput): BudgetPlan {
  const systemMsg: ChatMessage = { role: 'system', content: input.system };
  const system = messageTokens(systemMsg) + ANSWER_OPENER_TOKENS;
  const question = messageTokens({ role: 'user', content: input.question });
  const base = { window: input.window, system, question, reserve: input.reserve };
  const free = input.window - input.reserve - system - question;
  const allContext = input.blocks.reduce((n, b) => n + countTokensByLines(renderBlock(b), true) + 2, 0);
  if (free < 0) {
    return { ...base, messages: [], promptTokens: system + question, blocks: [], context: 0, history: 0, droppedTurns: input.history.length, truncatedContext: allContext, overflow: true };
  }

  const turnCosts = input.history.map(turnTokens);
  const allHistory = turnCosts.reduce((a, b) => a + b, 0);
  const historyGuarantee = Math.min(allHistory, Math.floor(free * HISTORY_SHARE));
  let { kept, removed } = placeBlocks(input.blocks, free - historyGuarantee);

  for (;;) {
    const userMsg: ChatMessage = { role: 'user', content: renderUserMessage(kept, input.question) };
    const userTokens = messageTokens(userMsg);
    // Newest turns first, stop at the first that does not fit: trimming is always oldest-first and contiguous.
    let historyLeft = input.window - input.reserve - system - userTokens;
    let firstKept = input.history.length;
    while (firstKept > 0 && turnCosts[firstKept - 1] <= historyLeft) {
      historyLeft -= turnCosts[firstKept - 1];
      firstKept--;
    }
    const turns = input.history.slice(firstKept);
    const messages: ChatMessage[] = [systemMsg];
    for (const t of turns) messages.push({ role: 'user', content: t.user }, { role: 'assistant', content: t.assistant });
    messages.push(userMsg);
    const promptTokens = promptTokensOf(messages);
    if (promptTokens + input.reserve <= input.window) {
      return {
        ...base,
        messages,
        promptTokens,
        blocks: kept,
        context: userTokens - question,
        history: promptTokens - system - userTokens,
        droppedTurns: firstKept,
        truncatedContext: removed,
        overflow: false,
      };
    }
    // Token counts of joined text can differ by a few from the sum of the parts: shrink the context a little and retry.
    if (kept.length === 0) {
      // Cannot happen (free >= 0 and no context); guard against an infinite loop anyway.
      return { ...base, messages: [], promptTokens, blocks: [], context: 0, history: 0, droppedTurns: input.history.length, truncatedContext: allContext, overflow: true };
    }
    const over = promptTokens + input.reserve - input.window;
    const contextNow = userTokens - question;
    ({ kept, removed } = placeBlocks(input.blocks, Math.max(0, contextNow - over - 8)));
  }
}
