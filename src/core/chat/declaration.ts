/**
 * Finds, with tree-sitter, the declaration in a file that a code block from an answer redefines, so "Apply" replaces
 * only that declaration. Works for every language with a grammar and tags query, with no language server.
 */
import { syntaxTask } from '../syntax/runner';
import { declaredName } from './codeTarget';

export interface LineSpan {
  /** 0-based, inclusive. */
  startLine: number;
  endLine: number;
  name: string;
}

/** Whole-line span of the first (outermost) declaration named like the code block's first declaration. */
export async function declarationSpanFor(languageId: string, fileText: string, code: string): Promise<LineSpan | undefined> {
  const name = declaredName(code);
  if (!name) return undefined;
  const tag = (await syntaxTask({ op: 'tags', language: languageId, text: fileText }))?.find((t) => t.name === name);
  return tag ? { startLine: tag.startLine, endLine: tag.endLine, name } : undefined;
}
