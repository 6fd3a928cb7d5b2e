/**
 * Turning a model's raw answer into replacement code: cut at chat special tokens, take the code out of its fence,
 * drop prose before and after it, and re-indent it to the target's indentation. Works on partial answers too
 * (while streaming), so the diff preview can show the code as it arrives.
 */

const SPECIAL = /<\|(?:im_end|im_start|im_sep|endoftext|end|user|assistant|system)\|>/;
const FENCE_OPEN = /^[ \t]*(```+|~~~+)[ \t]*([\w#+.-]*)[^\n]*$/;

export interface ExtractOptions {
  /** The code being replaced: its indentation and trailing newline are matched. */
  original: string;
  /** The target starts in the middle of a line (a partial-line selection). */
  midLine?: boolean;
  /** The answer may be incomplete (streaming): an unclosed fence is taken as it is, prose filters are gentler. */
  partial?: boolean;
}

export interface FencedBlock {
  lang: string;
  code: string;
  closed: boolean;
}

/** Everything before the first chat special token. */
export function cutAtSpecialToken(raw: string): string {
  const m = SPECIAL.exec(raw);
  return m ? raw.slice(0, m.index) : raw;
}

/** Fenced code blocks in order; the last may be unclosed. */
export function fencedBlocks(text: string): FencedBlock[] {
  const lines = text.split('\n');
  const blocks: FencedBlock[] = [];
  let open: { fence: string; lang: string; lines: string[] } | undefined;
  for (const line of lines) {
    if (!open) {
      const m = FENCE_OPEN.exec(line);
      if (m) open = { fence: m[1]!, lang: m[2]!.toLowerCase(), lines: [] };
      continue;
    }
    const trimmed = line.trim();
    if (trimmed.startsWith(open.fence[0]!.repeat(3)) && trimmed.replace(/[`~]/g, '') === '' && trimmed.length >= open.fence.length) {
      blocks.push({ lang: open.lang, code: open.lines.join('\n'), closed: true });
      open = undefined;
      continue;
    }
    open.lines.push(line);
  }
  if (open) blocks.push({ lang: open.lang, code: open.lines.join('\n'), closed: false });
  return blocks;
}

/** Lines that are prose around code, e.g. "Here is the refactored function:" or "This version uses ...". */
const PREAMBLE = /^(here(?:'s| is| are)|sure|certainly|below|the (?:following|refactored|updated|fixed|corrected|documented)|i(?:'ve| have)|okay|ok[,.]|this (?:is|version|code))\b/i;
const CHATTER = /^(this (?:version|code|change|refactor|implementation|function)|the (?:changes|main|refactored|updated|code|function)|i(?:'ve| have| made| changed)|note|explanation|changes(?: made)?:|key changes|in this|these changes|with these|by |let me know|summary|\*\*[A-Z]|#{2,6} |\d+\.\s+\*\*|- \*\*)/i;

function stripProse(text: string, partial: boolean): string {
  const lines = text.split('\n');
  // Leading prose: lines ending with ':' or matching PREAMBLE, up to the first line that looks like code.
  while (lines.length && (lines[0]!.trim() === '' || PREAMBLE.test(lines[0]!.trim()) || /^[A-Z][^;{}()=]*:\s*$/.test(lines[0]!.trim()))) lines.shift();
  if (!partial) {
    // Trailing prose: a paragraph after a blank line that reads like a sentence about the code.
    for (let i = 1; i < lines.length; i++) {
      if (lines[i - 1]!.trim() === '' && CHATTER.test(lines[i]!.trim())) {
        lines.length = i;
        break;
      }
    }
  }
  return lines.join('\n');
}

function pickBlock(blocks: FencedBlock[]): FencedBlock | undefined {
  if (blocks.length <= 1) return blocks[0];
  // The longest closed block is the answer; short ones are usage examples or shell commands.
  const closed = blocks.filter((b) => b.closed);
  const pool = closed.length ? closed : blocks;
  return pool.reduce((best, b) => (b.code.length > best.code.length ? b : best));
}

function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/** The smallest indentation of the non-blank lines. */
function commonIndent(lines: string[]): string {
  let common: string | undefined;
  for (const l of lines) {
    if (l.trim() === '') continue;
    const ws = leadingWhitespace(l);
    if (common === undefined || ws.length < common.length) common = ws;
  }
  return common ?? '';
}

/**
 * Re-indent `code` so its least-indented lines sit at the original's indentation (the first line's). A target that
 * starts mid-line (a partial-line selection) keeps the model's indentation, minus any on the first line.
 */
export function reindent(code: string, original: string, midLine = false): string {
  const lines = code.split('\n');
  if (midLine) return [lines[0]!.trimStart(), ...lines.slice(1)].join('\n');
  const firstOriginal = original.split('\n').find((l) => l.trim() !== '') ?? '';
  const base = leadingWhitespace(firstOriginal);
  const current = commonIndent(lines);
  return lines
    .map((l) => (l.trim() === '' ? '' : base + (l.startsWith(current) ? l.slice(current.length) : l.trimStart())))
    .join('\n');
}

/** Match the original's trailing newline: none if it had none, one if it had one. */
function matchTrailingNewline(code: string, original: string): string {
  const body = code.replace(/\s+$/, '');
  return original.endsWith('\n') ? body + '\n' : body;
}

/**
 * The replacement code in a raw answer. Prefers a fenced block; without one, the answer minus prose.
 * Returns '' when nothing usable has arrived yet.
 */
export function extractCode(raw: string, opts: ExtractOptions): string {
  const partial = opts.partial ?? false;
  const text = cutAtSpecialToken(raw).replace(/\r\n/g, '\n');
  const block = pickBlock(fencedBlocks(text));
  let code: string;
  if (block) code = block.code;
  // While streaming, a fence still being typed ("`", "``", "```ty") is not code yet.
  else code = stripProse(partial ? text.replace(/(^|\n)[ \t]*[`~]{1,3}[\w-]*$/, '$1') : text, partial);
  if (code.trim() === '') return '';
  return matchTrailingNewline(reindent(code.replace(/^\n+/, ''), opts.original, opts.midLine), opts.original);
}

/** Code fences in `code` left unbalanced (a truncated answer) or prose that survived: signs an extraction went wrong. */
export function looksLikeProse(code: string): boolean {
  const first = code.trim().split('\n')[0] ?? '';
  return PREAMBLE.test(first) || /^```/.test(first);
}
