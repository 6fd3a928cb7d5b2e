/**
 * Terminal output as a prompt can use it: escape sequences (colours, cursor moves, shell-integration marks) removed,
 * carriage-return overwrites (progress bars) resolved, only a bounded tail kept while a command runs, and the tail cut
 * to a token budget on line boundaries. Pure.
 */
import { countTokens } from '../tokens';

/** CSI (colours, cursor), OSC (titles, links, shell integration; BEL or ST terminated), DCS/APC/PM/SOS strings, 2-char ESC sequences. */
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][\s\S]*?(?:\x07|\x1b\\|$)|\x1b[PX^_][\s\S]*?(?:\x1b\\|$)|\x1b[@-Z\\-_]|\x1b[ -/][@-~]|\x9b[0-?]*[ -/]*[@-~]/g;

/** Plain text of raw terminal output. */
export function cleanTerminalOutput(raw: string): string {
  const text = raw.replace(ESCAPES, '').replace(/\r\n/g, '\n');
  return text
    .split('\n')
    .map((line) => {
      // "50%\r100%" shows 100%: what follows the last carriage return overwrites the start of the line.
      let out = '';
      for (const part of line.split('\r')) out = part + out.slice(part.length);
      // Backspaces erase the character before them.
      while (/[^\x08]\x08/.test(out)) out = out.replace(/[^\x08]\x08/g, '');
      return out.replace(/[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/g, '').replace(/\s+$/, '');
    })
    .join('\n');
}

/** Keeps the last `maxChars` characters of a stream appended in chunks (a running command's output). */
export class OutputTail {
  private chunks: string[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly maxChars = 64 * 1024) {}

  append(chunk: string): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0].length >= this.maxChars && this.chunks.length > 1) {
      const first = this.chunks.shift()!;
      this.size -= first.length;
      this.dropped += first.length;
    }
  }

  /** The kept text (at most `maxChars`), and whether anything earlier was dropped. */
  text(): { text: string; truncated: boolean } {
    const all = this.chunks.join('');
    const cut = all.length > this.maxChars ? all.length - this.maxChars : 0;
    return { text: all.slice(cut), truncated: this.dropped + cut > 0 };
  }
}

/** The last lines of `text` that fit `maxTokens`, with a first line saying how many were left out. */
export function tailWithinTokens(text: string, maxTokens: number): { text: string; omittedLines: number } {
  const lines = text.replace(/\n+$/, '').split('\n');
  // Collapse runs of blank lines: they cost tokens and say nothing.
  const compact = lines.filter((l, i) => l.trim() !== '' || (i > 0 && lines[i - 1].trim() !== ''));
  const kept: string[] = [];
  let tokens = 0;
  for (let i = compact.length - 1; i >= 0; i--) {
    const line = compact[i].length > 2000 ? `${compact[i].slice(0, 2000)}…` : compact[i];
    const cost = countTokens(line) + 1;
    if (tokens + cost > maxTokens - 12) break;
    tokens += cost;
    kept.unshift(line);
  }
  const omitted = compact.length - kept.length;
  return { text: (omitted > 0 ? [`[… ${omitted} earlier lines not shown]`, ...kept] : kept).join('\n'), omittedLines: omitted };
}
