/**
 * What an action works on: the selection when there is one, else the innermost named function (or method) around the
 * cursor, else the innermost class-like declaration, found with tree-sitter. Ranges are UTF-16 offsets into the text.
 */
import type { Node, Tree } from '../context/parser';
import { LANGUAGES, languageForId, languageForPath, type LanguageName } from '../context/languages';

/**
 * VS Code language ids whose enclosing function/class can be found. The editor context menu is gated on these
 * (plus any selection): a context key tracking the cursor would lag behind a right-click, which moves the cursor and
 * opens the menu before the extension host hears of it.
 */
export function actionLanguageIds(): string[] {
  const ids = [...Object.keys(LANGUAGES), 'typescriptreact', 'javascriptreact'];
  return ids.filter((id) => languageForId(id) !== undefined && id !== 'tsx');
}

function resolveLanguage(id: string): LanguageName | undefined {
  return languageForId(id) ?? languageForPath(id);
}

/** 'file': the whole document (Write Tests with the cursor outside any declaration). */
export type TargetKind = 'selection' | 'function' | 'class' | 'file';

export interface ActionTarget {
  kind: TargetKind;
  /** Start offset; at the start of its line when only indentation precedes the code. */
  start: number;
  end: number;
  /** Function or class name when known. */
  name?: string;
  /** The tree-sitter node type the target came from (function/class targets). */
  nodeType?: string;
}

/** Function-like declarations, per language: the node types a "function" target may be. */
const FUNCTIONS: Record<LanguageName, readonly string[]> = {
  typescript: ['function_declaration', 'generator_function_declaration', 'method_definition', 'function_signature'],
  tsx: ['function_declaration', 'generator_function_declaration', 'method_definition'],
  javascript: ['function_declaration', 'generator_function_declaration', 'method_definition'],
  python: ['function_definition'],
  go: ['function_declaration', 'method_declaration'],
  rust: ['function_item'],
  java: ['method_declaration', 'constructor_declaration'],
  c: ['function_definition'],
  cpp: ['function_definition'],
  csharp: ['method_declaration', 'constructor_declaration', 'local_function_statement'],
  ruby: ['method', 'singleton_method'],
  php: ['function_definition', 'method_declaration'],
};

const CLASSES: Record<LanguageName, readonly string[]> = {
  typescript: ['class_declaration', 'abstract_class_declaration', 'interface_declaration', 'enum_declaration'],
  tsx: ['class_declaration', 'abstract_class_declaration', 'interface_declaration', 'enum_declaration'],
  javascript: ['class_declaration'],
  python: ['class_definition'],
  go: ['type_declaration'],
  rust: ['impl_item', 'struct_item', 'enum_item', 'trait_item', 'mod_item'],
  java: ['class_declaration', 'interface_declaration', 'enum_declaration', 'record_declaration'],
  c: ['struct_specifier'],
  cpp: ['class_specifier', 'struct_specifier', 'namespace_definition'],
  csharp: ['class_declaration', 'struct_declaration', 'interface_declaration', 'record_declaration', 'enum_declaration'],
  ruby: ['class', 'module'],
  php: ['class_declaration', 'interface_declaration', 'trait_declaration'],
};

/** JS/TS arrow functions and function expressions count as functions when bound to a name (const f = () => …, class fields). */
const NAMED_VALUE_FUNCTIONS = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);
const BINDINGS = new Set(['variable_declarator', 'public_field_definition', 'field_definition', 'pair', 'assignment_expression']);

/** Wrappers that belong to the declaration they wrap (export keyword, decorators, declaration statements). */
const WRAPPERS = new Set(['export_statement', 'decorated_definition', 'template_declaration']);
/** Declaration statements wrap a binding only when it is their single declarator. */
const SINGLE_WRAPPERS = new Set(['lexical_declaration', 'variable_declaration']);

/** How prompts refer to a target: "the selected code", "the whole file", "the function `add`". */
export function describeTarget(target: Pick<ActionTarget, 'kind' | 'name'>): string {
  if (target.kind === 'selection') return 'the selected code';
  if (target.kind === 'file') return 'the whole file';
  return `the ${target.kind}${target.name ? ` \`${target.name}\`` : ''}`;
}

/** Start of the line holding `offset` when only spaces/tabs precede it there; else `offset`. */
export function lineStartIfIndented(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  return i === 0 || text[i - 1] === '\n' ? i : offset;
}

/** The selection as a target: empty or whitespace-only selections give undefined. */
export function selectionTarget(text: string, selection: { start: number; end: number } | undefined): ActionTarget | undefined {
  if (!selection) return undefined;
  const start = Math.min(selection.start, selection.end);
  const end = Math.max(selection.start, selection.end);
  if (text.slice(start, end).trim() === '') return undefined;
  return { kind: 'selection', start: lineStartIfIndented(text, start), end };
}

function nameOf(node: Node): string | undefined {
  const n = node.childForFieldName('name') ?? node.childForFieldName('declarator');
  if (!n) return undefined;
  // C/C++ declarators nest: function_declarator -> identifier.
  const inner = n.childForFieldName('declarator');
  return (inner ?? n).text.slice(0, 80);
}

function withWrappers(node: Node): Node {
  let n = node;
  for (;;) {
    const p = n.parent;
    if (p && (WRAPPERS.has(p.type) || (SINGLE_WRAPPERS.has(p.type) && p.namedChildCount === 1))) n = p;
    else return n;
  }
}

/**
 * The innermost named function around `offset`, else the innermost class-like declaration.
 * `languageId` is a VS Code language id (or our language name); unknown languages give undefined. With
 * `leadingComments`, the comments directly above the declaration are part of it (Add Docs replaces them).
 */
export function enclosingTarget(
  tree: Tree,
  languageId: string,
  text: string,
  offset: number,
  opts: { leadingComments?: boolean } = {},
): ActionTarget | undefined {
  const toTarget = (node: Node, kind: TargetKind) => targetOf(node, kind, text, opts.leadingComments ?? false);
  const lang = resolveLanguage(languageId);
  if (!lang) return undefined;
  const functions = new Set(FUNCTIONS[lang]);
  const classes = new Set(CLASSES[lang]);
  // On the boundary (cursor just after `}`), look at the character before too.
  let node: Node | null = tree.rootNode.descendantForIndex(Math.min(offset, Math.max(0, text.length - 1)));
  if (node && node.type === tree.rootNode.type && offset > 0) node = tree.rootNode.descendantForIndex(offset - 1);
  let klass: Node | undefined;
  for (let n = node; n; n = n.parent) {
    if (functions.has(n.type)) return toTarget(n, 'function');
    if (NAMED_VALUE_FUNCTIONS.has(n.type) && n.parent && BINDINGS.has(n.parent.type)) {
      const binding = n.parent;
      const t = toTarget(binding, 'function');
      t.name = binding.childForFieldName('name')?.text ?? binding.childForFieldName('key')?.text ?? binding.childForFieldName('left')?.text;
      return t;
    }
    if (!klass && classes.has(n.type)) klass = n;
  }
  return klass ? toTarget(klass, 'class') : undefined;
}

const COMMENTS = new Set(['comment', 'line_comment', 'block_comment']);

/** The first of the comments directly above `node` (no blank line between), or `node` itself. */
function withLeadingComments(node: Node): Node {
  let first = node;
  for (let prev = node.previousNamedSibling; prev && COMMENTS.has(prev.type); prev = prev.previousNamedSibling) {
    if (prev.endPosition.row < first.startPosition.row - 1) break;
    first = prev;
  }
  return first;
}

function targetOf(node: Node, kind: TargetKind, text: string, leadingComments: boolean): ActionTarget {
  const outer = withWrappers(node);
  const first = leadingComments ? withLeadingComments(outer) : outer;
  return { kind, start: lineStartIfIndented(text, first.startIndex), end: outer.endIndex, name: nameOf(node), nodeType: node.type };
}

/** Number of ERROR and MISSING nodes in a tree (0 for a clean parse); only those overlapping `within` when given. */
export function countSyntaxErrors(tree: Tree, within?: { start: number; end: number }): number {
  if (!tree.rootNode.hasError) return 0;
  let count = 0;
  const cursor = tree.walk();
  let done = false;
  while (!done) {
    const n = cursor.currentNode;
    const overlaps = !within || (n.startIndex <= within.end && n.endIndex >= within.start);
    if ((n.isError || n.isMissing) && overlaps) count++;
    if (n.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        done = true;
        break;
      }
    }
  }
  cursor.delete();
  return count;
}
