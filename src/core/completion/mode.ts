/**
 * Single- or multi-line? Multi-line for an empty block body or a new statement line, single-line mid-expression.
 * Text rules decide the clear cases; tree-sitter (when the grammar is loaded) decides blank lines and comments/strings.
 */
import { parseSync, isLoaded, type Node } from '../context/parser';
import type { CompletionMode } from './types';
import type { LocalTrees } from './localTrees';
import { newlineBefore } from '../strings';

const KEYWORD_BLOCK_LANGUAGES = new Set(['ruby', 'crystal', 'elixir']);
const COLON_BLOCK_LANGUAGES = new Set(['python', 'yaml', 'nim', 'coffeescript']);

/** Rest of the line that a completion may come before: nothing, or only closers and separators. */
export function isClosersOnly(lineSuffix: string): boolean {
  return /^[\s)\]}'"`;,]*$/.test(lineSuffix);
}

/** Mode from the cursor line alone. */
export function textMode(linePrefix: string, lineSuffix: string, languageId: string): CompletionMode {
  if (lineSuffix.trim()) return 'single-line';
  if (!linePrefix.trim()) return 'multi-line';
  const t = linePrefix.trimEnd();
  if (/[{[(]$|=>$|\b(?:then|do|begin)$/.test(t)) return 'multi-line';
  if (t.endsWith(':') && COLON_BLOCK_LANGUAGES.has(languageId)) return 'multi-line';
  // Ruby-like headers end without a bracket: `def total`, `class Cart < Base`.
  if (KEYWORD_BLOCK_LANGUAGES.has(languageId) && /^\s*(?:def|class|module)\s+\S/.test(t)) return 'multi-line';
  return 'single-line';
}

/** Nodes whose children are statements: a blank line inside one starts a new statement (multi-line). */
const STATEMENT_CONTAINERS = /^(?:program|module|source_file|translation_unit|compilation_unit|statement_block|block|compound_statement|class_body|declaration_list|field_declaration_list|enum_body|interface_body|suite|body_statement|do_block|switch_body|switch_case|switch_default|case_clause|match_block|namespace_body|function_body|method|class|if|while|for|begin|else|elsif|when)$/;
/** Nodes whose children are expressions: a blank line inside one takes one element (single-line). */
const EXPRESSION_CONTAINERS = /^(?:arguments|argument_list|array|list|tuple|dictionary|object|object_pattern|array_pattern|formal_parameters|parameters|parameter_list|type_arguments|type_parameters|parenthesized_expression|template_string|jsx_element|initializer_list|composite_literal|literal_value|field_initializer_list|hash|array_creation_expression|list_splat|array_initializer|element_value_array_initializer|enumerator_list|array_expression|tuple_expression|field_initializer_list|struct_expression)$/;

/** How much a multi-line completion covers: the rest of the block, or one statement inserted before others. */
export type CompletionScope = 'block' | 'statement';

function classify(node: Node | null, cursorRow: number, cursorColumn: number): { mode: CompletionMode; scope: CompletionScope } | undefined {
  for (let n = node; n; n = n.parent) {
    if (/comment|string|heredoc/.test(n.type) && n.type !== 'string_start') return { mode: 'single-line', scope: 'statement' };
    if (EXPRESSION_CONTAINERS.test(n.type)) return { mode: 'single-line', scope: 'statement' };
    if (STATEMENT_CONTAINERS.test(n.type)) {
      // Statements after the cursor, at its indentation or deeper: the user is inserting one between others.
      // (The column test matters where the tree's blocks end at their last statement, as in Python.)
      const after = n.namedChildren.filter((c) => c && !/comment/.test(c.type) && c.startPosition.row > cursorRow && c.startPosition.column >= cursorColumn);
      return { mode: 'multi-line', scope: after.length ? 'statement' : 'block' };
    }
  }
  return undefined;
}

/** Without a tree: one statement when code at the cursor's indentation follows; the rest of the block otherwise. */
function textScope(linePrefix: string, lineBelow: string): CompletionScope {
  if (linePrefix.trim() || !lineBelow.trim()) return 'block';
  const indentOf = (s: string) => /^[ \t]*/.exec(s)![0].replace(/\t/g, '    ').length;
  return indentOf(lineBelow) >= indentOf(linePrefix) && !/^\s*[)\]}]/.test(lineBelow) && !/^\s*end\b/.test(lineBelow) ? 'statement' : 'block';
}

/**
 * How the mode may be decided: with the grammar, re-parsing the last keystroke's tree (LocalTrees) or a tree just for
 * the call (undefined); or by the text rules alone (`TEXT_RULES`: where tree-sitter must not run, see cursorWindow.ts).
 */
export const TEXT_RULES = 'text-rules';
export type ModeSyntax = LocalTrees | typeof TEXT_RULES | undefined;

/**
 * Mode with syntax: `text` is the code around the cursor (e.g. the prompt window) and `offset` the cursor in it.
 * Falls back to the text rules when the language has no loaded grammar or the parse gives up.
 */
export function syntaxMode(languageId: string, text: string, offset: number, trees?: ModeSyntax): { mode: CompletionMode; scope: CompletionScope; bySyntax: boolean } {
  const lineStart = newlineBefore(text, offset) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const linePrefix = text.slice(lineStart, offset);
  const lineSuffix = text.slice(offset, lineEnd);
  const byText = textMode(linePrefix, lineSuffix, languageId);
  const below = text.slice(lineEnd + 1).split('\n').find((l) => l.trim()) ?? '';
  const fallback = { mode: byText, scope: textScope(linePrefix, below), bySyntax: false };
  // Only a blank line or the inside of a comment/string needs the tree; mid-line code is single-line anyway.
  if (byText === 'single-line' || trees === TEXT_RULES || !isLoaded(languageId)) return fallback;
  // With `trees`, the last keystroke's tree is re-parsed incrementally (and kept); without, a tree just for this call.
  const tree = trees ? trees.parse(languageId, text, 20) : parseSync(languageId, text, { timeoutMs: 20 });
  if (!tree) return fallback;
  try {
    const at = Math.max(0, linePrefix.trim() ? offset - 1 : offset);
    const cursorRow = text.slice(0, offset).split('\n').length - 1;
    const c = classify(tree.rootNode.descendantForIndex(at), cursorRow, linePrefix.length - linePrefix.trimStart().length);
    if (!c) return fallback;
    // A line ending in a block opener starts that block's (empty) body, whatever else the enclosing block holds.
    return { mode: c.mode, scope: linePrefix.trim() ? 'block' : c.scope, bySyntax: true };
  } finally {
    if (!trees) tree.delete();
  }
}
