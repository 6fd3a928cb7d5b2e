/**
 * What Phi Coder asks about a failed terminal command: the context block for the chat ("Explain", `@terminal`), and
 * the one-shot prompt for "Fix", whose answer is reduced to a single safe command line that is typed into the terminal
 * but never run. The command line and its output are workspace content: secrets are redacted before either is used. Pure.
 */
import type { ChatMessage } from '../backends/types';
import type { ContextBlock } from '../chat/types';
import { fenceFor } from '../chat/prompt';
import { redactSecretsCounted } from '../trust/secrets';
import { cleanTerminalOutput, tailWithinTokens } from './output';

/**
 * Said when no output reached the extension: VS Code passes on only what a command prints after the extension starts
 * reading (at the start event), so a quick command on a loaded machine can print before that; it may have printed.
 */
const NO_OUTPUT = '(no output was captured)';

export interface TerminalRun {
  commandLine: string;
  /** undefined when the shell did not report one. */
  exitCode: number | undefined;
  /** Working directory as the shell reported it (may be absent). */
  cwd?: string;
  /** Raw output (escape sequences and all), the kept tail. */
  output: string;
  /** Output before the kept tail was dropped. */
  truncated: boolean;
  /** The terminal's shell, e.g. "bash", "zsh", "pwsh" (for Fix). */
  shell?: string;
}

/** Tokens of output a prompt carries by default. */
export const OUTPUT_TOKENS = 1_500;
/** Longest command line typed into a terminal. */
export const MAX_COMMAND_CHARS = 2_000;

/** The command line and output tail, redacted and budgeted, as they go into a prompt. */
export function describeRun(run: TerminalRun, outputTokens = OUTPUT_TOKENS): { command: string; output: string; redacted: number } {
  const command = redactSecretsCounted(run.commandLine.trim());
  const tail = tailWithinTokens(cleanTerminalOutput(run.output), outputTokens);
  const output = redactSecretsCounted(run.truncated && tail.omittedLines === 0 ? `[… earlier output not kept]\n${tail.text}` : tail.text);
  const count = (f: Record<string, number>) => Object.values(f).reduce((a, b) => a + b, 0);
  return { command: command.text, output: output.text, redacted: count(command.found) + count(output.found) };
}

function exitText(run: TerminalRun): string {
  return run.exitCode === undefined ? 'an unknown exit code' : `exit code ${run.exitCode}`;
}

/** The chat's context block for a terminal run (label "@terminal: <command>"). */
export function terminalBlock(run: TerminalRun, id = 'terminal', outputTokens = OUTPUT_TOKENS): ContextBlock {
  const d = describeRun(run, outputTokens);
  const short = d.command.length > 60 ? `${d.command.slice(0, 57)}…` : d.command;
  const fence = fenceFor(d.output);
  const text = [`$ ${d.command}`, `(${exitText(run)}${run.cwd ? `, in ${run.cwd}` : ''})`, 'Output (last lines):', `${fence}text`, d.output || NO_OUTPUT, fence].join('\n');
  return { id, kind: 'terminal', label: `@terminal: ${short}`, text };
}

/** The chat question "Explain" asks. */
export function explainQuestion(run: TerminalRun): string {
  return run.exitCode !== undefined && run.exitCode !== 0
    ? 'Why did this terminal command fail, and how do I fix it?'
    : 'Explain what this terminal command did and what its output means.';
}

export const FIX_SYSTEM_PROMPT = [
  'You fix failed shell commands.',
  'Reply with exactly one corrected command line in a ```sh fenced block, then at most one sentence saying what you changed.',
  'Only a command for the same goal; never add commands that delete data, change permissions or download and run code unless the original did.',
  'If no command can fix it (a code bug, a missing service), reply NO_FIX and one sentence why.',
].join('\n');

export function fixMessages(run: TerminalRun, platform: string, outputTokens = OUTPUT_TOKENS): ChatMessage[] {
  const d = describeRun(run, outputTokens);
  const user = [
    `Shell: ${run.shell || 'unknown'} on ${platform}${run.cwd ? `, working directory ${run.cwd}` : ''}.`,
    `This command failed with ${exitText(run)}:`,
    '```sh',
    d.command,
    '```',
    'Its output (last lines):',
    `${fenceFor(d.output)}text`,
    d.output || NO_OUTPUT,
    fenceFor(d.output),
    'Give the corrected command.',
  ].join('\n');
  return [
    { role: 'system', content: FIX_SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

export type FixAnswer = { command: string; note: string } | { command: undefined; note: string };

/**
 * The corrected command in the model's answer: the first command line of the first fenced block (or the first
 * line, without a `$ ` prompt), cleaned by sanitizeCommandLine. NO_FIX or nothing usable gives `command: undefined`.
 */
export function parseFixAnswer(answer: string): FixAnswer {
  const trimmed = answer.trim();
  if (/^NO_FIX\b/.test(trimmed)) return { command: undefined, note: trimmed.replace(/^NO_FIX\b[:.\s-]*/, '').split('\n')[0] || 'The model found no command that fixes this.' };
  const fence = /```[\w-]*\n([\s\S]*?)(?:```|$)/.exec(trimmed);
  const body = fence ? fence[1] : trimmed;
  const note = fence ? trimmed.slice(fence.index + fence[0].length).trim().split('\n')[0] ?? '' : '';
  const line = body
    .split('\n')
    .map((l) => l.trim().replace(/^[$>]\s+/, ''))
    .find((l) => l !== '' && !l.startsWith('#'));
  const command = line === undefined ? undefined : sanitizeCommandLine(line);
  return command ? { command, note } : { command: undefined, note: 'The model did not give a command.' };
}

/**
 * A command line that is safe to type into a terminal without running it: one line, no control characters (a newline
 * or carriage return would run it; escape sequences could drive the terminal), at most MAX_COMMAND_CHARS.
 */
export function sanitizeCommandLine(line: string): string | undefined {
  const firstLine = line.split(/[\r\n\u2028\u2029]/)[0];
  const clean = firstLine.replace(/[\x00-\x1f\x7f-\x9f]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!clean || clean.length > MAX_COMMAND_CHARS) return undefined;
  return clean;
}
