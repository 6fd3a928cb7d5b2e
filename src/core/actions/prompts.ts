/**
 * Prompts for the actions that rewrite code (refactor, add docs, fix), packed into the model's window with exact
 * Phi-4 token counts: the target itself must fit whole; cross-file context (definitions the target uses) and the code
 * around the target fill what is left after the answer's reserve.
 */
import type { ChatMessage } from '../backends/types';
import type { DocumentSnapshot } from '../context/types';
import { renderPhi4 } from '../prompt/phi4';
import { withRules } from '../rules/render';
import { countTokens, truncateStartToTokens, truncateToTokens } from '../tokens';
import { escapeRegExp, lineOf, newlineBefore } from '../strings';
import { describeTarget, type ActionTarget } from './target';

/** 'edit': the inline edit (Ctrl+I), a free instruction that may change behaviour. */
export type RewriteAction = 'refactor' | 'addDocs' | 'fix' | 'edit';

export interface DiagnosticInfo {
  /** 0-based line in the document. */
  line: number;
  message: string;
  severity?: 'error' | 'warning' | 'info' | 'hint';
  source?: string;
  code?: string;
}

export interface RewritePromptInput {
  action: RewriteAction;
  doc: Pick<DocumentSnapshot, 'relPath' | 'languageId' | 'text'>;
  target: ActionTarget;
  /** Refactor: what to do ("simplify", "extract function", free text). */
  instruction?: string;
  /** Fix: the problems to fix. */
  diagnostics?: DiagnosticInfo[];
  /** Packed cross-file context from the context engine (rendered with path headers). */
  context?: { text: string; tokens: number };
  /** The model's window and the tokens kept free for the answer. */
  window: number;
  answerTokens: number;
  /** Project rules that apply to this file, already budgeted (appended to the system prompt). */
  rules?: string;
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  /** Exact tokens of the rendered Phi-4 prompt. */
  promptTokens: number;
  contextTokens: number;
  excerptTokens: number;
}

export class PromptTooLargeError extends Error {
  constructor(readonly needed: number, readonly available: number, message: string) {
    super(message);
    this.name = 'PromptTooLargeError';
  }
}

/** Tokens kept free on top of the answer reserve: the server's template may differ slightly from ours. */
export const SAFETY_TOKENS = 64;
/** Share of the room left after the fixed parts that cross-file context may take; the surrounding code gets the rest. */
export const CONTEXT_SHARE = 0.5;

const FENCE_TAGS: Record<string, string> = { typescriptreact: 'tsx', javascriptreact: 'jsx', csharp: 'csharp', 'c#': 'csharp', shellscript: 'bash' };

export function fenceTag(languageId: string): string {
  return FENCE_TAGS[languageId] ?? languageId;
}

const DOC_STYLE: Record<string, string> = {
  typescript: 'TSDoc/JSDoc block comments (/** ... */) with @param and @returns where useful',
  typescriptreact: 'TSDoc/JSDoc block comments (/** ... */) with @param and @returns where useful',
  javascript: 'JSDoc block comments (/** ... */) with @param {Type} and @returns',
  javascriptreact: 'JSDoc block comments (/** ... */) with @param {Type} and @returns',
  python: 'PEP 257 docstrings (Google style: Args:, Returns:, Raises:) as the first statement of each function and class',
  go: 'Go doc comments (// lines directly above, starting with the name)',
  rust: 'rustdoc comments (/// lines, with # Examples or # Errors sections only when useful)',
  java: 'Javadoc comments (/** ... */ with @param, @return, @throws)',
  csharp: 'XML documentation comments (/// <summary>, <param>, <returns>)',
  c: 'Doxygen comments (/** ... */ with @brief, @param, @return)',
  cpp: 'Doxygen comments (/** ... */ with @brief, @param, @return)',
  ruby: 'YARD comments (# lines with @param and @return)',
  php: 'PHPDoc comments (/** ... */ with @param and @return)',
};

const SYSTEM_BASE =
  'You are Phi Coder, an expert software engineer working inside the user\'s editor. ' +
  'You rewrite one piece of code at a time. Reply with the complete new version of that code in a single fenced code block ' +
  'and nothing else: no explanation before or after it. Keep the original indentation style. ' +
  'Do not change code you were not asked to change, and keep every name that other code uses unless told otherwise.';

function taskText(input: RewritePromptInput): string {
  const what = describeTarget(input.target);
  switch (input.action) {
    case 'refactor':
      return `Refactor ${what}: ${input.instruction?.trim() || 'simplify it'}. Keep its behaviour the same.`;
    case 'edit':
      return `Change ${what} as instructed: ${input.instruction?.trim() || 'improve it'}\nChange only what the instruction asks for.`;
    case 'addDocs':
      return (
        `Add documentation comments to ${what}, in ${DOC_STYLE[input.doc.languageId] ?? 'the conventional documentation style of the language'}. ` +
        'Document what it does, its parameters, what it returns and the errors it raises; replace outdated comments. Do not change any code.'
      );
    case 'fix': {
      const diags = (input.diagnostics ?? []).map(
        (d) => `- line ${d.line + 1}${d.severity ? ` (${d.severity})` : ''}: ${d.message}${d.source ? ` [${d.source}${d.code ? ` ${d.code}` : ''}]` : ''}`,
      );
      return diags.length
        ? `Fix these problems in ${what}:\n${diags.join('\n')}\nChange only what the fix needs.`
        : `Find and fix the bugs in ${what}. Change only what the fix needs.`;
    }
  }
}

export interface CallSite {
  /** 0-based line. */
  line: number;
  offset: number;
  text: string;
}

/**
 * Same-file calls of the target (`name(`) outside it: the cheap part of "its callers", so a refactor keeps them working.
 * At most `max`, each one trimmed line.
 */
export function callSites(text: string, target: ActionTarget, max = 5): CallSite[] {
  if (!target.name || target.kind === 'selection' || !/^[A-Za-z_$][\w$]*$/.test(target.name)) return [];
  const re = new RegExp(`(?<![\\w$])${escapeRegExp(target.name)}\\s*\\(`, 'g');
  const out: CallSite[] = [];
  for (const m of text.matchAll(re)) {
    const offset = m.index!;
    if (offset >= target.start && offset < target.end) continue;
    const lineStart = newlineBefore(text, offset) + 1;
    const lineEnd = text.indexOf('\n', offset);
    const line = text.slice(0, lineStart).split('\n').length - 1;
    if (out.some((c) => c.line === line)) continue;
    out.push({ line, offset, text: text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).trim().slice(0, 200) });
    if (out.length >= max) break;
  }
  return out;
}

function userMessage(input: RewritePromptInput, context: string, before: string, after: string): string {
  const { doc, target } = input;
  const tag = fenceTag(doc.languageId);
  const code = doc.text.slice(target.start, target.end);
  const parts: string[] = [];
  if (context.trim()) parts.push(`Definitions from the project that this code uses:\n${context.trim()}`);
  // Callers the surrounding-code excerpt does not already show.
  const shownFrom = target.start - before.length;
  const shownTo = target.end + after.length;
  const calls = callSites(doc.text, target).filter((c) => c.offset < shownFrom || c.offset >= shownTo);
  if (calls.length) parts.push(`Calls to \`${target.name}\` elsewhere in ${doc.relPath} (keep them working):\n` + calls.map((c) => `line ${c.line + 1}: ${c.text}`).join('\n'));
  if (before.trim() || after.trim()) {
    parts.push(
      `The surrounding code in ${doc.relPath} (the code to change is elided as "<<TARGET>>"):\n` +
        '```' + tag + '\n' + before + '<<TARGET>>' + after + '\n```',
    );
  }
  const lines = `lines ${lineOf(doc.text, target.start) + 1}-${lineOf(doc.text, target.end) + 1}`;
  parts.push(`The code to change (${doc.relPath}, ${lines}):\n` + '```' + tag + '\n' + code + '\n```');
  parts.push(taskText(input) + `\nReply with only the complete new code for ${lines} in one \`\`\`${tag} block.`);
  return parts.join('\n\n');
}

function render(system: string, user: string): { messages: ChatMessage[]; tokens: number } {
  const messages: ChatMessage[] = [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
  return { messages, tokens: countTokens(renderPhi4(messages)) };
}

/** Tokens the prompt may use: the window minus the answer reserve and a safety margin. */
export function promptBudget(window: number, answerTokens: number): number {
  return window - answerTokens - SAFETY_TOKENS;
}

/** Tokens of the prompt without cross-file context and surrounding code: what must fit whole. */
export function fixedPromptTokens(input: Omit<RewritePromptInput, 'context'>): number {
  return render(withRules(SYSTEM_BASE, input.rules), userMessage(input, '', '', '')).tokens;
}

/** How many tokens of cross-file context to ask the context engine for, given the target. */
export function contextBudgetFor(input: Omit<RewritePromptInput, 'context'>): number {
  const fixed = fixedPromptTokens(input);
  return Math.max(0, Math.floor((promptBudget(input.window, input.answerTokens) - fixed) * CONTEXT_SHARE));
}

/**
 * The chat messages for a rewrite action. Throws PromptTooLargeError when the target alone does not fit.
 * The result's promptTokens is the exact count of the rendered Phi-4 prompt and never exceeds promptBudget().
 */
export function buildRewritePrompt(input: RewritePromptInput): BuiltPrompt {
  const budget = promptBudget(input.window, input.answerTokens);
  const fixed = render(withRules(SYSTEM_BASE, input.rules), userMessage(input, '', '', '')).tokens;
  if (fixed > budget) {
    throw new PromptTooLargeError(
      fixed,
      budget,
      `The code to change is too large for the model's window (${fixed} tokens with the instructions; ${budget} fit beside a ${input.answerTokens}-token answer). Select a smaller part.`,
    );
  }
  let room = budget - fixed;
  let context = input.context?.text ?? '';
  if (context) {
    const share = Math.floor(room * CONTEXT_SHARE);
    if (countTokens(context) > share) context = truncateToTokens(context, share);
  }
  room -= context ? countTokens(context) + 12 : 0;
  // Code before the target matters more than code after it.
  const beforeText = input.doc.text.slice(0, input.target.start);
  const afterText = input.doc.text.slice(input.target.end);
  const beforeTokens = countTokens(beforeText);
  const afterTokens = countTokens(afterText);
  let excerptBudget = Math.max(0, room - 24);
  for (let attempt = 0; attempt < 4; attempt++) {
    // A third for the code after the target, the rest before it; either side's unused share goes to the other.
    const beforeBudget = Math.min(beforeTokens, excerptBudget - Math.min(afterTokens, Math.floor(excerptBudget / 3)));
    const afterBudget = Math.min(afterTokens, excerptBudget - beforeBudget);
    const before = truncateStartToTokens(beforeText, beforeBudget);
    const after = truncateToTokens(afterText, afterBudget);
    const built = render(withRules(SYSTEM_BASE, input.rules), userMessage(input, context, before, after));
    if (built.tokens <= budget) {
      return { messages: built.messages, promptTokens: built.tokens, contextTokens: context ? countTokens(context) : 0, excerptTokens: countTokens(before) + countTokens(after) };
    }
    excerptBudget = Math.max(0, excerptBudget - (built.tokens - budget) - 16);
    if (attempt === 2) context = '';
  }
  const bare = render(withRules(SYSTEM_BASE, input.rules), userMessage(input, '', '', ''));
  return { messages: bare.messages, promptTokens: bare.tokens, contextTokens: 0, excerptTokens: 0 };
}
