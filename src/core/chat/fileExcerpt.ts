/**
 * The part of the active file a chat question carries: the whole file up to MAX_FILE_CHARS, else the lines around the
 * cursor that fit. Computed from line lengths, so the editor can read just those lines (the chat's meter asks on every
 * pause in typing: reading and splitting a 30,000-line file's whole text there was a 50+ ms task on the host's thread).
 */

/** The active file is attached whole up to this size; larger files send the lines around the cursor. */
export const MAX_FILE_CHARS = 24_000;

/**
 * The lines [start, end) around `line` to attach, given the file's line count and each line's length without its line
 * break (`eolLength` characters between lines): growing one line up, then one down, until MAX_FILE_CHARS is reached.
 * The caller cuts the joined lines at MAX_FILE_CHARS (the first line may be longer than that alone).
 */
export function excerptLines(lineCount: number, lineLength: (i: number) => number, line: number, eolLength = 1): { start: number; end: number } {
  let start = Math.max(0, Math.min(line, lineCount - 1));
  let end = start + 1;
  let size = lineLength(start);
  while (size < MAX_FILE_CHARS && (start > 0 || end < lineCount)) {
    if (start > 0) size += lineLength(--start) + eolLength;
    if (end < lineCount && size < MAX_FILE_CHARS) size += lineLength(end++) + eolLength;
  }
  return { start, end };
}

/** The whole text when small, else the lines around the cursor that fit MAX_FILE_CHARS (from a text in hand). */
export function aroundCursor(text: string, line: number): { startLine: number; text: string } {
  if (text.length <= MAX_FILE_CHARS) return { startLine: 0, text };
  const lines = text.split('\n');
  const { start, end } = excerptLines(lines.length, (i) => lines[i].length, line);
  return { startLine: start, text: lines.slice(start, end).join('\n').slice(0, MAX_FILE_CHARS) };
}

/** A document read by lines (an editor's open document): each line without its break, and ranges of lines joined. */
export interface LineReader {
  lineCount: number;
  /** The document's line break. */
  eol: '\n' | '\r\n';
  /** The text's length, line breaks included. */
  length: number;
  /** Line i's length without its line break. */
  lineLength(i: number): number;
  /** Lines [start, end) joined with `eol` (no break after the last). */
  lines(start: number, end: number): string;
  /** The whole text. */
  whole(): string;
}

/**
 * aroundCursor(whole text, line), reading only the lines it attaches (the whole text only when it is that small).
 * Split at '\n', a CRLF document's lines keep their '\r': one character more each, as aroundCursor counts them.
 */
export function aroundCursorIn(doc: LineReader, line: number): { startLine: number; text: string } {
  if (doc.length <= MAX_FILE_CHARS) return { startLine: 0, text: doc.whole() };
  const cr = doc.eol === '\r\n' ? 1 : 0;
  const { start, end } = excerptLines(doc.lineCount, (i) => doc.lineLength(i) + (i < doc.lineCount - 1 ? cr : 0), line);
  const text = doc.lines(start, end) + (cr && end < doc.lineCount ? '\r' : '');
  return { startLine: start, text: text.slice(0, MAX_FILE_CHARS) };
}
