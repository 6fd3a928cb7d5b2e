/**
 * Post-processing pipeline: raw model output -> ghost text. Pure and synchronous; also used on partial output
 * while streaming to decide that the completion is already complete (see `isComplete`).
 */
import type { CompletionMode, IndentStyle } from '../types';
import type { CompletionScope } from '../mode';
import { lineComment } from '../languageComments';
import { cleanModelText } from './clean';
import { stripEchoedLinePrefix, stripEchoedLinesAbove, cutAtSuffixEcho, cutRepetition, limitBlankLines } from './echo';
import { cutAtEnclosingBlockEnd, stripDuplicateClosers, dropDanglingBlock } from './brackets';
import { convertIndentation, fitToCursorIndent, cutAtDedent } from './indent';
import { firstStatement, endsStatement } from './statement';

export interface PostprocessInput {
  raw: string;
  /** Cursor line text before / after the cursor. */
  linePrefix: string;
  lineSuffix: string;
  /** Lines above the cursor line (nearest last; a few are enough). */
  linesAbove: string[];
  /** Lines below the cursor line (nearest first). */
  linesBelow: string[];
  languageId: string;
  mode: CompletionMode;
  /** Multi-line only: 'statement' keeps just the first statement (a new line among others), 'block' (default) runs to the block end. */
  scope?: CompletionScope;
  indent: IndentStyle;
  /** Most lines a multi-line completion may have. */
  maxLines: number;
  /** The model stopped at the token limit (the last line may be cut). */
  truncated: boolean;
}

export interface PostprocessResult {
  text: string;
  /** Why the output was rejected, when text is ''. */
  rejected?: string;
}

export function postprocess(input: PostprocessInput): PostprocessResult {
  const lc = lineComment(input.languageId);
  const blankLine = !input.linePrefix.trim();
  let t = cleanModelText(input.raw);
  if (!t.trim()) return { text: '', rejected: 'empty after removing tags, fences and prose' };

  if (blankLine) t = stripEchoedLinesAbove(t, input.linesAbove);
  t = stripEchoedLinePrefix(t, input.linePrefix);
  if (blankLine) t = fitToCursorIndent(t, input.linePrefix, input.indent.tabSize);
  else if (/\s$/.test(input.linePrefix)) t = t.replace(/^[ \t]+/, '');

  if (input.mode === 'single-line') {
    const first = t.split('\n')[0];
    if (!first.trim()) return { text: '', rejected: 'single-line completion starts with a newline' };
    t = cutRepetition(first);
    if (!t.trim()) return { text: '', rejected: 'a word repeated in a loop' };
  } else {
    t = cutRepetition(limitBlankLines(t, blankLine));
    if (!t.trim()) return { text: '', rejected: 'a word repeated in a loop' };
    t = cutAtDedent(t, input.linePrefix, input.linesBelow, input.languageId, input.indent.tabSize);
    t = cutAtEnclosingBlockEnd(t, input.lineSuffix + '\n' + input.linesBelow.join('\n'), lc);
    if (input.scope === 'statement') t = firstStatement(t, input.languageId, input.indent.tabSize, input.linePrefix);
    const lines = t.split('\n');
    if (lines.length > input.maxLines) t = lines.slice(0, input.maxLines).join('\n');
    if (input.truncated || lines.length > input.maxLines) t = dropDanglingBlock(t, lc);
  }
  t = cutAtSuffixEcho(t, input.lineSuffix, input.linesBelow);
  if (!t.trim()) return { text: '', rejected: 'repeats the code after the cursor' };
  if (input.mode === 'single-line' || !t.includes('\n')) t = stripDuplicateClosers(t, input.linePrefix, input.lineSuffix, lc);
  t = convertIndentation(t, input.indent).replace(/\s+$/, '');
  if (!t.trim()) return { text: '', rejected: 'only whitespace' };
  if (input.lineSuffix.trim() && t.includes('\n')) return { text: '', rejected: 'multi-line text before code on the same line' };
  return { text: t };
}

/**
 * While streaming: is the output already complete, so the stream can be closed early? Single-line: once a line of
 * code is finished. Multi-line: once post-processing cut something off the end (block end, suffix echo, dedent).
 * The answer can only become complete when a line ends or an end tag closes (`>`): see `mayCompleteWith`.
 */
export function isComplete(input: PostprocessInput): boolean {
  const cleaned = cleanModelText(input.raw);
  if (input.raw.length !== cleaned.length && cutsAtEnd(input.raw)) return true;
  if (input.mode === 'single-line') {
    const r = postprocess(input);
    if (!r.text) return false;
    // A newline after visible code: the line is finished.
    const afterEcho = stripEchoedLinePrefix(cleaned, input.linePrefix).replace(/^[ \t]+/, '');
    // (Linear: /\S[^\n]*\n/ would rescan a newline-free answer from every position.)
    const lastNewline = afterEcho.lastIndexOf('\n');
    return lastNewline > 0 && /\S/.test(afterEcho.slice(0, lastNewline)) && !/^\s*(`{3}|~{3})/.test(afterEcho);
  }
  const lines = input.raw.split('\n');
  if (lines.length < 2) return false;
  // Process the finished lines only; if the result is shorter than they are, post-processing cut the rest off.
  const whole = { ...input, raw: lines.slice(0, -1).join('\n') + '\n', truncated: false };
  const full = postprocess(whole).text;
  if (!full) return false;
  const finishedLines = cleanModelText(whole.raw).replace(/\s+$/, '').split('\n').length;
  if (input.scope === 'statement') {
    if (lines.length === 2 && endsStatement(full, input.languageId)) return true;
    const last = lines[lines.length - 1];
    if (/\S/.test(last) && firstStatement(full + '\n' + last, input.languageId, input.indent.tabSize, input.linePrefix) === full) return true;
  }
  return full.split('\n').length < finishedLines;
}

function cutsAtEnd(raw: string): boolean {
  // An end tag arrived (the server did not stop on it): nothing after it matters.
  return /<\|(?:im_end|endoftext|im_start|end)\|>|<\/s>|<EOT>|<\/COMPLETION>/i.test(raw);
}

/** Can appending `piece` make an incomplete answer complete? Only a line end or the end of a tag can. */
export function mayCompleteWith(piece: string): boolean {
  return piece.includes('\n') || piece.includes('>');
}
