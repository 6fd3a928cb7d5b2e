/**
 * The commit message prompt for Phi-4 (the repository's style, its recent subjects, the staged diff or its summary),
 * and the clean-up of the streamed answer before it goes into the Source Control input box. Pure.
 */
import type { ChatMessage } from '../backends/types';
import { countTokens } from '../tokens';
import { styleInstructions, type CommitStyle } from './commitStyle';

export const COMMIT_SYSTEM_PROMPT = [
  'You write git commit messages for staged changes.',
  'Reply with the commit message only: a subject line; then, if the change needs it, a blank line and a short body saying what changed and why.',
  'No code fences, no quotes, no preamble such as "Here is". Describe only what the diff shows; never invent issue numbers.',
].join('\n');

/** Tokens reserved for the message itself. */
export const COMMIT_ANSWER_TOKENS = 400;
/** The diff never takes more than this, even in a larger window: long prompts are slow on a local model. */
export const MAX_DIFF_TOKENS = 6_000;

export interface CommitPromptInput {
  style: CommitStyle;
  /** The staged diff or its summary (diffSummary.ts). */
  diff: string;
  branch?: string;
}

function header(input: Omit<CommitPromptInput, 'diff'>): string {
  const lines = ['Write the commit message for the staged changes below.', '', 'Style of this repository:', ...styleInstructions(input.style).map((l) => `- ${l}`)];
  if (input.style.examples.length) lines.push('', 'Its most recent subjects (newest first):', ...input.style.examples.map((s) => `- ${s}`));
  if (input.branch) lines.push('', `Branch: ${input.branch}`);
  return lines.join('\n');
}

/** Tokens the diff may use in a window of `window` tokens, after the system prompt, the style and the answer. */
export function diffBudget(window: number, input: Omit<CommitPromptInput, 'diff'>): number {
  const fixed = countTokens(COMMIT_SYSTEM_PROMPT) + countTokens(header(input)) + 40;
  return Math.max(0, Math.min(MAX_DIFF_TOKENS, window - COMMIT_ANSWER_TOKENS - fixed));
}

export function commitMessages(input: CommitPromptInput): ChatMessage[] {
  return [
    { role: 'system', content: COMMIT_SYSTEM_PROMPT },
    { role: 'user', content: `${header(input)}\n\nStaged changes:\n${input.diff}` },
  ];
}

const PREAMBLE_RE = /^(?:here(?:'s| is)\b[^\n]*|(?:suggested |proposed )?commit message\s*:?)\s*$/i;

/**
 * The model's answer as a commit message: code fences, a preamble line, quotes around the subject and a leading
 * "Subject:"/"Commit message:" label removed; trailing spaces and runs of blank lines collapsed; a blank line between
 * subject and body. Works on a partial (streaming) answer too: an unfinished first fence line is dropped.
 */
export function cleanCommitMessage(raw: string): string {
  let lines = raw.replace(/\r\n?/g, '\n').split('\n');
  const drop = (l: string) => l.trim() === '' || PREAMBLE_RE.test(l.trim()) || /^`{3,}\w*$/.test(l.trim());
  while (lines.length && drop(lines[0])) lines.shift();
  // A partial fence being typed ("`", "``") at the very start is not content yet.
  if (lines.length === 1 && /^`{1,2}$/.test(lines[0].trim())) return '';
  const fence = lines.findIndex((l) => /^`{3,}\s*$/.test(l.trim()));
  if (fence >= 0) lines = lines.slice(0, fence);
  if (lines.length === 0) return '';
  let subject = lines[0].trim().replace(/^(?:subject|commit message|commit)\s*:\s*/i, '');
  const quoted = /^(["'`])(.*)\1$/.exec(subject);
  if (quoted) subject = quoted[2];
  subject = subject.replace(/^\*\*(.*)\*\*$/, '$1');
  const body = lines
    .slice(1)
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .replace(/\n+$/, '');
  return body ? `${subject}\n\n${body}` : subject;
}

/**
 * What to show while the answer is still streaming: the cleaned message of the complete lines only. A line still being
 * written may turn out to be chatter ("Here is the commit message:") or a fence, so it is held back until its newline
 * arrives; the final answer is cleaned whole with `cleanCommitMessage`. Showing whole lines also means few writes to the
 * Source Control input box, whose value VS Code echoes back asynchronously after every write.
 */
export function streamingCommitMessage(raw: string): string {
  const end = raw.lastIndexOf('\n');
  return end < 0 ? '' : cleanCommitMessage(raw.slice(0, end + 1));
}
