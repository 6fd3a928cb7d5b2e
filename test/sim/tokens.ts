/**
 * TEST DOUBLE support: Phi-4 token ids for the LLM-server simulator.
 * Ordinary text goes through the project's cl100k tokenizer (src/core/tokens.ts); Phi-4's chat and FIM specials
 * are one token each with Phi-4's ids, so prompt_eval_count / tokens_evaluated equal countTokens() exactly.
 */
import { decode } from 'gpt-tokenizer/encoding/cl100k_base';
import { tokenize } from '../../src/core/tokens';

const SPECIAL_IDS: Record<string, number> = {
  '<|endoftext|>': 100257,
  '<|fim_prefix|>': 100258,
  '<|fim_middle|>': 100259,
  '<|fim_suffix|>': 100260,
  '<|im_start|>': 100264,
  '<|im_end|>': 100265,
  '<|im_sep|>': 100266,
};
const SPECIAL_RE = /<\|(?:im_start|im_end|im_sep|endoftext|fim_prefix|fim_middle|fim_suffix)\|>/g;

/** Token ids of a prompt as Phi-4 would see it (specials as single ids). */
export function simTokenize(text: string): number[] {
  const out: number[] = [];
  let last = 0;
  for (const m of text.matchAll(SPECIAL_RE)) {
    if (m.index! > last) out.push(...tokenize(text.slice(last, m.index)));
    out.push(SPECIAL_IDS[m[0]]);
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push(...tokenize(text.slice(last)));
  return out;
}

/**
 * Split generated text into the pieces a server would stream: one token each, except that tokens
 * which end inside a multi-byte character are held back until the character is complete (as servers do).
 * A piece is released only when it is exactly the next part of `text`, so the pieces always join to `text`.
 */
export function tokenPieces(text: string): string[] {
  const pieces: string[] = [];
  let pending: number[] = [];
  let emitted = 0;
  for (const id of simTokenize(text)) {
    pending.push(id);
    const special = Object.entries(SPECIAL_IDS).find(([, v]) => v === id);
    const piece = special ? special[0] : decode(pending);
    if (piece === '' || !text.startsWith(piece, emitted)) continue;
    pieces.push(piece);
    emitted += piece.length;
    pending = [];
  }
  if (emitted < text.length) pieces.push(text.slice(emitted));
  return pieces;
}

/** Length of the longest common prefix of two token arrays. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
