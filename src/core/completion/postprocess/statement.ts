/**
 * A new line among other statements gets one statement: the first line, or, when that line opens a bracket or a
 * block, everything up to where it is closed (or, for indentation languages, up to the dedent).
 */
import { unclosedOpeners } from './brackets';
import { endsBlocksByDedent, indentWidth, leadingWhitespace } from './indent';
import { lineComment } from '../languageComments';

/** The line goes on: an operator, a comma, a dot, a backslash or a block opener at its end. */
const CONTINUES = /(?:[,({[=+\-*/%|&.\\:?]|=>|\b(?:and|or|not|in|then|do)\b)\s*$/;

/** `linePrefix`: the cursor line before the cursor (its indentation is the first line's, which the text lacks). */
export function firstStatement(text: string, languageId: string, tabSize: number, linePrefix = ''): string {
  const lines = text.split('\n');
  const lc = lineComment(languageId);
  const dedent = endsBlocksByDedent(languageId);
  let start = 0;
  while (start < lines.length - 1 && !lines[start].trim()) start++;
  const lead = start === 0 && !linePrefix.trim() ? linePrefix : '';
  const baseIndent = indentWidth(lead + leadingWhitespace(lines[start]), tabSize);
  for (let i = start; i < lines.length - 1; i++) {
    const acc = lines.slice(0, i + 1).join('\n');
    if (unclosedOpeners(acc, lc).length) continue;
    if (CONTINUES.test(lines[i].replace(new RegExp(`\\s*${escapeRe(lc)}.*$`), ''))) continue;
    const next = lines[i + 1];
    if (next.trim() && indentWidth(leadingWhitespace(next), tabSize) > baseIndent) continue;
    if (dedent && /^\s*(?:else|elif|except|finally)\b/.test(next)) continue;
    if (/^\s*(?:else\b|catch\b|finally\b|\.|\?|:)/.test(next) && !dedent) continue;
    return lines.slice(0, i + 1).join('\n');
  }
  return text;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const SEMICOLON_LANGUAGES = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'java', 'c', 'cpp', 'csharp', 'php', 'rust', 'kotlin', 'swift', 'scala', 'dart']);

/**
 * Is `text` (the completion so far, ending at a line end) already one whole statement, so that streaming can stop
 * before the next line arrives? Balanced brackets, nothing that continues the line, and in languages with `;` a
 * line that ends with `;` or `}`.
 */
export function endsStatement(text: string, languageId: string): boolean {
  const body = text.replace(/\s+$/, '');
  if (!body) return false;
  const lc = lineComment(languageId);
  if (unclosedOpeners(body, lc).length) return false;
  const last = body.split('\n').pop()!.replace(new RegExp(`\\s*${escapeRe(lc)}.*$`), '');
  if (CONTINUES.test(last)) return false;
  if (SEMICOLON_LANGUAGES.has(languageId)) return /[;}]$/.test(last);
  return !endsBlocksByDedent(languageId) || !/:$/.test(last);
}
