/**
 * Compact renderings of code for prompts: a definition as its signature plus a short body (containers list their
 * members' signatures instead), file path headers as comments in the file's language, and line windows.
 */
import { commentPrefix, languageForPath } from './languages';
import { CALLABLE_KINDS, CONTAINER_KINDS, type Tag } from './structure';

/** Definitions up to this many lines are shown whole. */
export const SHORT_DEFINITION_LINES = 10;
/** Longer callables show this many lines of body. */
export const BODY_PREVIEW_LINES = 6;
export const MAX_SNIPPET_CHARS = 1200;
const MAX_MEMBERS = 24;

/** Remove the common leading whitespace of non-blank lines. */
export function dedent(lines: string[]): string[] {
  let common = Infinity;
  for (const l of lines) {
    if (!l.trim()) continue;
    const n = l.length - l.trimStart().length;
    if (n < common) common = n;
  }
  if (!Number.isFinite(common) || common === 0) return lines;
  return lines.map((l) => l.slice(Math.min(common, l.length - l.trimStart().length)));
}

function isClosing(line: string): boolean {
  return /^\s*(?:[})\]];?|end|\};|};)\s*$/.test(line);
}

/**
 * A definition as prompt text: whole when short; otherwise its head, then either member signatures (containers)
 * or the first lines of its body (callables), an elision marker and the closing line. Starts at `tag.startLine`.
 */
export function renderDefinition(tag: Tag, lines: readonly string[], members: readonly Tag[] = [], comment = '//'): string {
  const end = Math.min(tag.endLine, lines.length - 1);
  const span = end - tag.startLine + 1;
  let out: string[];
  if (span <= SHORT_DEFINITION_LINES) {
    out = lines.slice(tag.startLine, end + 1);
  } else {
    const indent = (lines[tag.startLine].match(/^\s*/)?.[0] ?? '') + '    ';
    const headEnd = Math.max(tag.nameLine, bodyStartLine(tag, lines));
    out = lines.slice(tag.startLine, Math.min(headEnd, end) + 1);
    if (CONTAINER_KINDS.has(tag.kind) && members.length > 0) {
      for (const m of members.slice(0, MAX_MEMBERS)) out.push(indent + m.signature + (m.bodyIndex !== undefined ? ' …' : ''));
      if (members.length > MAX_MEMBERS) out.push(`${indent}${comment} … ${members.length - MAX_MEMBERS} more members`);
    } else if (CALLABLE_KINDS.has(tag.kind) || !CONTAINER_KINDS.has(tag.kind)) {
      const from = Math.min(headEnd, end) + 1;
      out.push(...lines.slice(from, Math.min(from + BODY_PREVIEW_LINES, end)));
      out.push(`${indent}${comment} …`);
    } else {
      out.push(`${indent}${comment} …`);
    }
    if (isClosing(lines[end])) out.push(lines[end]);
  }
  let text = dedent(out).join('\n');
  if (text.length > MAX_SNIPPET_CHARS) text = text.slice(0, MAX_SNIPPET_CHARS) + `\n${comment} …`;
  return text;
}

/** The line where the body starts, estimated from the signature's length (tags carry no line of the body). */
function bodyStartLine(tag: Tag, lines: readonly string[]): number {
  // The head ends on the first line whose running text covers the signature's non-space characters.
  const want = tag.signature.replace(/\s+/g, '').length;
  let seen = 0;
  for (let i = tag.startLine; i <= tag.endLine && i < lines.length; i++) {
    seen += lines[i].replace(/\s+/g, '').length;
    if (seen >= want) return i;
  }
  return tag.startLine;
}

/** Direct members of a container: tags inside it that are not inside another member. `tags` in document order. */
export function directMembers(container: Tag, tags: readonly Tag[]): Tag[] {
  const out: Tag[] = [];
  let lastEnd = -1;
  for (const t of tags) {
    if (t === container || t.startIndex < container.startIndex || t.endIndex > container.endIndex) continue;
    if (t.startIndex === container.startIndex && t.endIndex === container.endIndex) continue;
    if (t.startIndex < lastEnd) continue;
    out.push(t);
    lastEnd = t.endIndex;
  }
  return out;
}

/** The comment line that names a snippet's file in the prompt, in that file's language. */
export function pathHeader(relPath: string, languageId?: string): string {
  const lang = languageId ?? languageForPath(relPath) ?? relPath;
  const c = commentPrefix(lang);
  return `${c} ${relPath}`;
}

/** A snippet with its path header, as it appears in the prompt (ends with a newline). */
export function renderWithHeader(relPath: string, body: string, languageId?: string): string {
  return `${pathHeader(relPath, languageId)}\n${body.replace(/\n+$/, '')}\n`;
}
