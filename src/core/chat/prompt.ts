/**
 * How a chat question is written for Phi-4: the system prompt, context blocks rendered as fenced code with a header,
 * and the conversion from stored messages to question/answer turns.
 */
import type { ContextBlock, StoredMessage, Turn } from './types';

export const CHAT_SYSTEM_PROMPT = [
  'You are Phi Coder, a coding assistant running locally inside VS Code.',
  'Answer the question directly and accurately; be concise. Use Markdown.',
  'Put code in fenced code blocks with a language tag.',
  "When you change the user's code, show the complete changed function, class or block so it can be applied as is.",
  'The context below the question header comes from the user\'s workspace; if it does not contain what you need, say so instead of guessing.',
].join('\n');

/** Longest run of backticks in `text`, so a fence around it can be longer. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`{3,}/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function lineRange(block: ContextBlock): string {
  if (block.startLine === undefined) return '';
  const lines = block.text.split('\n').length;
  return ` (lines ${block.startLine + 1}-${block.startLine + lines})`;
}

/** The header line of a block in the prompt. */
export function blockHeader(block: ContextBlock): string {
  switch (block.kind) {
    case 'selection':
      return `Selected code from ${block.path ?? 'the editor'}${lineRange(block)}:`;
    case 'file':
      return `File ${block.path ?? block.label}${lineRange(block)}:`;
    case 'symbol':
      return `Definition of ${block.label.replace(/^@symbol:/, '')} in ${block.path ?? 'the workspace'}${lineRange(block)}:`;
    case 'problems':
      return 'Problems (diagnostics) reported in the workspace:';
    case 'workspace':
      return 'Code retrieved from the workspace for this question:';
    case 'definitions':
      return 'Definitions used by the selected code:';
    case 'terminal':
      return 'A command run in the terminal, its exit code and the last lines of its output (secrets redacted):';
  }
}

export function renderBlock(block: ContextBlock): string {
  if (block.kind === 'problems' || block.kind === 'workspace' || block.kind === 'definitions' || block.kind === 'terminal') {
    // Already formatted text (diagnostic list, or the context engine's rendered snippets with their own headers).
    return `${blockHeader(block)}\n${block.text}`;
  }
  const fence = fenceFor(block.text);
  return `${blockHeader(block)}\n${fence}${block.languageId ?? ''}\n${block.text}\n${fence}`;
}

/** The user message: context blocks first, then the question. */
export function renderUserMessage(blocks: readonly ContextBlock[], question: string): string {
  if (blocks.length === 0) return question;
  return `${blocks.map(renderBlock).join('\n\n')}\n\nQuestion:\n${question}`;
}

/**
 * Stored messages -> turns for the history. Past questions are sent without their context text (only a note naming
 * it): the answer already used it, and the current question carries fresh context. Failed or empty answers are skipped.
 */
export function turnsFromMessages(messages: readonly StoredMessage[]): Turn[] {
  const turns: Turn[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role !== 'user') continue;
    const answer = messages[i + 1];
    if (!answer || answer.role !== 'assistant' || answer.error || answer.content.trim() === '') continue;
    const note = m.attachments?.length ? `\n\n(Context attached then: ${m.attachments.join(', ')})` : '';
    turns.push({ user: m.content + note, assistant: answer.content });
  }
  return turns;
}

/** A conversation title from its first question: first line, at most 60 characters. */
export function titleFromQuestion(question: string): string {
  const line = question.trim().split('\n')[0].replace(/\s+/g, ' ');
  if (line.length === 0) return 'New conversation';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}
