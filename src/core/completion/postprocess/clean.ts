/**
 * Text-level cleanup of raw model output before any code-aware rule: end tags, wrapper tags, markdown fences and
 * chat preambles/epilogues that chat models (Phi-4 among them) wrap around code.
 */
import { ALL_FIM_TOKENS } from '../fimTemplates';
import { PHI4_STOP } from '../../prompt/phi4';

/** Tags after which nothing belongs to the answer. */
const END_TAGS: readonly string[] = [...new Set([...PHI4_STOP, ...ALL_FIM_TOKENS, '<|end|>', '<|user|>', '<|assistant|>', '<|system|>', '</s>', '<EOT>'])];

/** Wrapper tags (either case, opening or closing) that models put around the code. */
const WRAPPER_RE = /<\/?(?:COMPLETION|HOLE|FILL|FILL_HERE|CODE|ANSWER|MIDDLE|INSERT|EDITED_LINE|CURSOR|SUFFIX|PREFIX)>/gi;

const FENCE_RE = /^[ \t]*(`{3,}|~{3,})[\w+#.-]*[ \t]*$/;

/** A line that is prose about the code rather than code. */
const PREAMBLE_RE =
  /^\s*(?:sure\b|certainly\b|of course\b|okay\b|ok[,.!]|here(?:'s| is| are)\b|the (?:completed?|missing|following|code|rest)\b|to (?:complete|fill)\b|you can\b|this (?:completes|fills|code)\b|i (?:would|will|'ll)\b|completion:|answer:|output:)[^\n]*[:.!]?\s*$/i;
const EPILOGUE_RE = /^\s*(?:this (?:code|completes|will|function|line|fills)|explanation:|note:|the (?:above|code above)|in this (?:code|completion)|i (?:added|completed|filled))\b/i;

/** A sentence rather than code: a preamble phrase, or capitalised words ending in punctuation. */
export function isProseLine(line: string): boolean {
  const t = line.trim();
  return PREAMBLE_RE.test(t) || /^[A-Z][a-z']*(?: [\w'`,()/-]+){2,}[:.!]$/.test(t);
}

export function cutAtEndTag(text: string): string {
  let end = text.length;
  for (const tag of END_TAGS) {
    const i = text.indexOf(tag);
    if (i >= 0 && i < end) end = i;
  }
  return text.slice(0, end);
}

export function stripWrapperTags(text: string): string {
  return text.replace(WRAPPER_RE, '');
}

/**
 * If the answer contains a fenced block, keep the first block's content (dropping prose around it);
 * a lone closing fence at the end (model forgot the opening one) is cut off with what follows.
 */
export function unfence(text: string): string {
  const lines = text.split('\n');
  const open = lines.findIndex((l) => FENCE_RE.test(l));
  if (open < 0) return text;
  const before = lines.slice(0, open);
  const proseBefore = before.every((l) => !l.trim() || isProseLine(l));
  if (open === 0 || proseBefore) {
    const rest = lines.slice(open + 1);
    const close = rest.findIndex((l) => FENCE_RE.test(l));
    return (close < 0 ? rest : rest.slice(0, close)).join('\n');
  }
  // Code first, then a fence: the fence closes an unopened block (or starts prose); keep the code before it.
  return before.join('\n');
}

/** Drop leading chat preamble lines ("Sure! Here is the code:") and trailing explanations. */
export function stripProse(text: string): string {
  const lines = text.split('\n');
  while (lines.length > 1 && PREAMBLE_RE.test(lines[0]) && /[:.!]\s*$/.test(lines[0].trim())) {
    lines.shift();
    while (lines.length > 1 && !lines[0].trim()) lines.shift();
  }
  if (lines.length === 1 && PREAMBLE_RE.test(lines[0]) && /:\s*$/.test(lines[0])) return '';
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i - 1].trim() && EPILOGUE_RE.test(lines[i])) return lines.slice(0, i - 1).join('\n');
  }
  return lines.join('\n');
}

/** All text-level cleanup, in order. */
export function cleanModelText(raw: string): string {
  let t = raw.replace(/\r\n/g, '\n');
  t = cutAtEndTag(t);
  t = stripWrapperTags(t);
  t = unfence(t);
  t = stripProse(t);
  return t;
}
