/**
 * The one-off syntax questions that commands ask, each answered from one tree-sitter parse: a file's definitions (the
 * chat's Apply, the commit summary), the function or class around a cursor (actions), a text's syntax errors (whether
 * a proposal may be applied). Everything asked and answered is plain data, so a task runs wherever `runSyntaxTask`
 * does: in the context engine's process (the extension sends it there: syntaxRunner.ts), which keeps grammars and
 * their compiled code out of the extension host's process, or in this process.
 */
import { parse, resolveLanguage, type Tree } from '../context/parser';
import { extractTags, type Tag } from '../context/structure';
import { countSyntaxErrors, enclosingTarget, type ActionTarget } from '../actions/target';

/** How long one task's parse may take (the engine answers completions in the same thread). */
const PARSE_TIMEOUT_MS = 1000;

export type SyntaxTask =
  /** `language`: a language id or a file path (its extension chooses the grammar). */
  | { op: 'tags'; language: string; text: string }
  | { op: 'target'; languageId: string; text: string; offset: number; leadingComments?: boolean }
  /** Errors in the whole text and in `range` (offsets into `text`). */
  | { op: 'errors'; languageId: string; text: string; range: { start: number; end: number } };

export interface SyntaxErrors {
  total: number;
  inRange: number;
  /** 0-based line of the first error, when there is one. */
  firstLine?: number;
}

export interface SyntaxResults {
  /** undefined: no grammar, or the text could not be parsed (too big, minified, binary, timed out). */
  tags: Tag[] | undefined;
  /** `parsed` false: no grammar or no tree, as for tags. */
  target: { parsed: boolean; target?: ActionTarget };
  errors: SyntaxErrors | undefined;
}

export type SyntaxOp = SyntaxTask['op'];
export type SyntaxResult<T extends SyntaxTask> = SyntaxResults[T['op']];

async function withTree<R>(language: string, text: string, use: (tree: Tree) => R): Promise<R | undefined> {
  if (!resolveLanguage(language)) return undefined;
  const tree = await parse(language, text, { timeoutMs: PARSE_TIMEOUT_MS });
  if (!tree) return undefined;
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}

function firstErrorLine(tree: Tree): number | undefined {
  const stack = [tree.rootNode];
  while (stack.length) {
    const n = stack.shift()!;
    if (n.isError || n.isMissing) return n.startPosition.row;
    if (n.hasError) stack.unshift(...n.children.filter((c): c is NonNullable<typeof c> => !!c));
  }
  return undefined;
}

/** Answer a task in this process (loading its grammar here if needed). */
export async function runSyntaxTask<T extends SyntaxTask>(task: T): Promise<SyntaxResult<T>> {
  return (await answer(task)) as SyntaxResult<T>;
}

async function answer(task: SyntaxTask): Promise<SyntaxResults[SyntaxOp]> {
  switch (task.op) {
    case 'tags': {
      const lang = resolveLanguage(task.language);
      return lang ? withTree(task.language, task.text, (tree) => extractTags(lang, tree, task.text)) : undefined;
    }
    case 'target': {
      const found = await withTree(task.languageId, task.text, (tree) => enclosingTarget(tree, task.languageId, task.text, task.offset, { leadingComments: task.leadingComments }) ?? null);
      return found === undefined ? { parsed: false } : { parsed: true, target: found ?? undefined };
    }
    case 'errors':
      return withTree(task.languageId, task.text, (tree) => {
        const total = countSyntaxErrors(tree);
        return { total, inRange: total ? countSyntaxErrors(tree, task.range) : 0, firstLine: total ? firstErrorLine(tree) : undefined };
      });
  }
}
