/**
 * Is a proposal safe to offer? It must contain code, and the document with the proposal applied must parse with
 * tree-sitter at least as cleanly as the document did before (a Fix may start from broken code; nothing may add errors).
 */
import { parse, resolveLanguage } from '../context/parser';
import { looksLikeProse } from './extract';
import { countSyntaxErrors } from './target';

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
  const [before, after] = await Promise.all([parse(languageId, textBefore, { timeoutMs: 1000 }), parse(languageId, textAfter, { timeoutMs: 1000 })]);
  try {
    if (!before || !after) return { syntaxChecked: false };
    const errorsBefore = countSyntaxErrors(before);
    const errorsAfter = countSyntaxErrors(after);
    const regionBefore = countSyntaxErrors(before, range);
    const regionAfter = countSyntaxErrors(after, { start: range.start, end: range.start + replacement.length });
    if (errorsAfter > errorsBefore || regionAfter > regionBefore) {
      const where = firstErrorLine(after);
      return {
        problem: `it does not parse as ${languageId} (${errorsAfter} syntax error${errorsAfter === 1 ? '' : 's'}${where !== undefined ? `, first on line ${where + 1}` : ''}; the document had ${errorsBefore})`,
        syntaxChecked: true,
        errorsBefore,
        errorsAfter,
      };
    }
    return { syntaxChecked: true, errorsBefore, errorsAfter };
  } finally {
    before?.delete();
    after?.delete();
  }
}

function firstErrorLine(tree: NonNullable<Awaited<ReturnType<typeof parse>>>): number | undefined {
  const stack = [tree.rootNode];
  while (stack.length) {
    const n = stack.shift()!;
    if (n.isError || n.isMissing) return n.startPosition.row;
    if (n.hasError) stack.unshift(...n.children.filter((c): c is NonNullable<typeof c> => !!c));
  }
  return undefined;
}
