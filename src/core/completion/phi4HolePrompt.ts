/**
 * Phi-4 has no fill-in-the-middle training, so a completion is a chat turn asking it to fill a hole, rendered in its
 * chat format and sent raw. Layout, most stable first so consecutive keystrokes share the longest prompt prefix:
 *   system instruction (constant) -> packed cross-file context (changes rarely) -> the file window with the edited
 *   line replaced by a marker (changes when the cursor changes line) -> the instruction for this mode -> the edited
 *   line with <HOLE> at the cursor (changes every keystroke) -> the open assistant turn.
 */
import { renderPhi4, PHI4_STOP } from '../prompt/phi4';
import type { CompletionMode } from './types';
import type { FileWindow } from './promptWindow';

export const HOLE = '<HOLE>';
export const EDITED_LINE_MARKER = '<EDITED_LINE>';

export const PHI4_HOLE_SYSTEM = [
  'You are a code completion engine inside an editor. The user shows a source file in which one line is being edited',
  `and marks the cursor in that line with ${HOLE}. Reply with only the code that belongs at ${HOLE}:`,
  'no explanations, no markdown fences, and do not repeat code that is already before or after the hole.',
  'If nothing sensible belongs there, reply with nothing.',
].join(' ');

export const MODE_INSTRUCTION: Record<CompletionMode, string> = {
  'single-line': `Complete the edited line: reply with the rest of this line only (one line, no newline).`,
  'multi-line': `Write the code for ${HOLE}; it may span several lines and must end where the current block ends.`,
};

export interface HolePromptInput {
  relPath: string;
  languageId: string;
  /** Packed cross-file context, already rendered with path headers ('' when none). */
  context: string;
  window: FileWindow;
  mode: CompletionMode;
  /** Compact project rules ('' when none): part of the system message, the most stable part of the prompt. */
  rules?: string;
}

/** Stop sequences: Phi-4's chat specials, so the answer ends at its turn end and no tag leaks. */
export const PHI4_HOLE_STOP: readonly string[] = [...PHI4_STOP];

export function renderPhi4HolePrompt(input: HolePromptInput): string {
  const { window: w } = input;
  const parts: string[] = [];
  if (input.context.trim()) parts.push(`Code from other files of the project:\n${input.context.trimEnd()}\n`);
  const fileHead = `File ${input.relPath} (${input.languageId})${w.atStart ? '' : `, from line ${w.firstLine + 1}`}; the edited line is shown as ${EDITED_LINE_MARKER}:`;
  const body = [w.above, EDITED_LINE_MARKER, w.below].filter((s, i) => i === 1 || s.length > 0 || (i === 0 ? w.cursorLine > w.firstLine : w.lastLine > w.cursorLine));
  parts.push(`${fileHead}\n${body.join('\n')}${w.atEnd ? '' : '\n…'}\n`);
  parts.push(`${MODE_INSTRUCTION[input.mode]}\nThe edited line:\n${w.linePrefix}${HOLE}${w.lineSuffix}`);
  return renderPhi4([
    { role: 'system', content: input.rules?.trim() ? `${PHI4_HOLE_SYSTEM}\n\nProject rules:\n${input.rules.trim()}` : PHI4_HOLE_SYSTEM },
    { role: 'user', content: parts.join('\n') },
  ]);
}
