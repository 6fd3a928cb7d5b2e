/**
 * Rules as prompt text, in exact Phi-4 tokens:
 * - for chat, inline edit and actions, each rule under its source path, within a budget (the last rule that does not
 *   fit whole is cut at a line and marked, later ones are dropped: reported, never silent);
 * - for completions, a compact and STABLE form capped at COMPLETION_RULES_TOKENS, placed at the very start of the
 *   prompt, so it changes only when a rules file does and the server's KV cache keeps the prompt's prefix.
 */
import { countTokens, truncateToTokens } from '../tokens';
import type { RuleFile } from './rules';

/** Cap of the compact rules in a completion prompt. */
export const COMPLETION_RULES_TOKENS = 300;
/** Cap of the rules in chat, inline edit and action prompts (also at most a tenth of the window). */
export const PROMPT_RULES_TOKENS = 1500;

export interface RenderedRules {
  text: string;
  tokens: number;
  /** Each rule offered, with the tokens it took in the prompt and whether it was cut or left out. */
  sources: { path: string; folder: string; tokens: number; cut: boolean; dropped: boolean }[];
}

export const EMPTY_RULES: RenderedRules = { text: '', tokens: 0, sources: [] };

const CUT = '\n… (rules cut to fit the window)';

function label(r: RuleFile): string {
  return r.folder ? `${r.folder}/${r.path}` : r.path;
}

export const RULES_HEADER = "The project's rules (written by its developers; follow them for style and conventions):";

/** The system prompt with the project rules, when there are any. */
export function withRules(system: string, rules: string | undefined): string {
  return rules?.trim() ? `${system}\n\n${RULES_HEADER}\n${rules.trim()}` : system;
}

/** Budget for rules in a chat-style prompt of a model with `window` tokens. */
export function promptRulesBudget(window: number): number {
  return Math.min(PROMPT_RULES_TOKENS, Math.floor(window / 10));
}

/** Rules for a system prompt, within `budget` tokens. */
export function renderRules(rules: readonly RuleFile[], budget: number): RenderedRules {
  const parts: string[] = [];
  const sources: RenderedRules['sources'] = [];
  let used = 0;
  let full = false;
  for (const r of rules) {
    if (full) {
      sources.push({ path: r.path, folder: r.folder, tokens: 0, cut: false, dropped: true });
      continue;
    }
    const block = `From ${label(r)}:\n${r.body}`;
    const need = countTokens(block) + (parts.length ? 2 : 0);
    if (used + need <= budget) {
      parts.push(block);
      used += need;
      sources.push({ path: r.path, folder: r.folder, tokens: need, cut: false, dropped: false });
      continue;
    }
    full = true;
    const room = budget - used - countTokens(CUT) - 4;
    const kept = room > 24 ? cutAtLine(truncateToTokens(block, room)) : '';
    if (kept.includes('\n')) {
      parts.push(kept + CUT);
      const t = countTokens(kept + CUT) + (parts.length > 1 ? 2 : 0);
      used += t;
      sources.push({ path: r.path, folder: r.folder, tokens: t, cut: true, dropped: false });
    } else {
      sources.push({ path: r.path, folder: r.folder, tokens: 0, cut: false, dropped: true });
    }
  }
  const text = parts.join('\n\n');
  return { text, tokens: text ? countTokens(text) : 0, sources };
}

function cutAtLine(text: string): string {
  const at = text.lastIndexOf('\n');
  return at > 0 ? text.slice(0, at) : text;
}

/**
 * The compact form for completions: every rule's non-blank lines, headings unmarked, in rule order, cut at a line
 * to `cap` tokens. A pure function of the rules' text: the same rules give the same bytes on every keystroke.
 */
export function compactRules(rules: readonly RuleFile[], cap = COMPLETION_RULES_TOKENS): string {
  const lines: string[] = [];
  for (const r of rules) {
    for (const raw of r.body.split(/\r?\n/)) {
      const line = raw.replace(/^#{1,6}\s+/, '').replace(/\s+$/, '');
      if (line.trim() === '' || /^<!--.*-->$/.test(line.trim())) continue;
      lines.push(line);
    }
  }
  let text = lines.join('\n');
  if (countTokens(text) > cap) text = cutAtLine(truncateToTokens(text, cap));
  return text;
}

/** The compact rules as a leading comment block for a FIM prompt ("// Project rules:" then one comment per line). */
export function rulesAsComment(compact: string, lineComment: string): string {
  if (!compact.trim()) return '';
  return [`${lineComment} Project rules:`, ...compact.split('\n').map((l) => `${lineComment} ${l}`)].join('\n') + '\n';
}
