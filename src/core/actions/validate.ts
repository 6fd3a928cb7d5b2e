/**
 * Is a proposal safe to offer? It must contain code, and the document with the proposal applied must parse with
 * tree-sitter at least as cleanly as the document did before (a Fix may start from broken code; nothing may add errors).
 */
import { resolveLanguage } from '../context/parser';
import { syntaxTask } from '../syntax/runner';
import { looksLikeProse } from './extract';

export interface ValidationResult {
  /** Why the proposal must not be applied; undefined when it may. */
  problem?: string;
  /** False when there is no grammar (or the file is too big to parse): the proposal was not syntax-checked. */
  syntaxChecked: boolean;
  errorsBefore?: number;
  errorsAfter?: number;
}

/**
 * `range` is where the replacement goes in `textBefore`: errors are compared both over the whole document and over
 * that range (tree-sitter merges neighbouring errors, so a whole-document count alone can miss a new one).
 */
export async function validateProposal(
  languageId: string,
  replacement: string,
  textBefore: string,
  textAfter: string,
  range: { start: number; end: number } = { start: 0, end: textBefore.length },
): Promise<ValidationResult> {
  if (replacement.trim() === '') return { problem: 'the model returned no code', syntaxChecked: false };
  if (looksLikeProse(replacement)) return { problem: 'the answer is prose, not code', syntaxChecked: false };
  if (!resolveLanguage(languageId)) return { syntaxChecked: false };
  const [before, after] = await Promise.all([
    syntaxTask({ op: 'errors', languageId, text: textBefore, range }),
    syntaxTask({ op: 'errors', languageId, text: textAfter, range: { start: range.start, end: range.start + replacement.length } }),
  ]);
  if (!before || !after) return { syntaxChecked: false };
  const errorsBefore = before.total;
  const errorsAfter = after.total;
  if (errorsAfter > errorsBefore || after.inRange > before.inRange) {
    const where = after.firstLine;
    return {
      problem: `it does not parse as ${languageId} (${errorsAfter} syntax error${errorsAfter === 1 ? '' : 's'}${where !== undefined ? `, first on line ${where + 1}` : ''}; the document had ${errorsBefore})`,
      syntaxChecked: true,
      errorsBefore,
      errorsAfter,
    };
  }
  return { syntaxChecked: true, errorsBefore, errorsAfter };
}
