/**
 * Local structure of one parsed file, from the per-language queries: definition tags (name, kind, signature, range),
 * imports, the chain of enclosing scopes at an offset, and a skeleton (signatures without bodies).
 */
import type { Node, QueryMatch, Tree } from 'web-tree-sitter';
import type { LanguageName } from './languages';
import { getQuery } from './queries';
import { detach } from '../strings';

export interface Tag {
  name: string;
  /** function, method, class, interface, type, enum, enumerator, field, variable, constant, module, struct, macro, impl */
  kind: string;
  /** 0-based lines: the whole definition, and the line holding its name (what ctags reports). */
  startLine: number;
  endLine: number;
  nameLine: number;
  /** UTF-16 offsets of the whole definition. */
  startIndex: number;
  endIndex: number;
  /** The definition's head: everything before its body (parameters, return type, base classes), whitespace-collapsed. */
  signature: string;
  /** Start offset of the body, when the definition has one. */
  bodyIndex?: number;
}

export interface ImportRef {
  /** The module / path / namespace as written, without quotes. */
  source: string;
  /** Words of the import statement that may name imported symbols. */
  names: string[];
  line: number;
}

export interface FileStructure {
  tags: Tag[];
  imports: ImportRef[];
}

/** Kinds that open a scope whose members are listed in skeletons rather than shown in full. */
export const CONTAINER_KINDS = new Set(['class', 'interface', 'struct', 'enum', 'module', 'impl', 'type']);
/** Kinds whose bodies are code (never listed member by member). */
export const CALLABLE_KINDS = new Set(['function', 'method']);

const MAX_SIGNATURE_CHARS = 240;
/** Parents that belong to a definition's head (`export function f`, `declare const x`). */
const WRAPPERS = new Set(['export_statement', 'ambient_declaration']);
const IMPORT_NOISE = new Set([
  'import', 'from', 'as', 'export', 'type', 'typeof', 'require', 'use', 'using', 'static', 'include', 'self', 'super', 'crate',
  'require_once', 'include_once', 'require_relative', 'load', 'default', 'global', 'namespace', 'function', 'const', 'extern', 'pub', 'mod',
]);

/** Signature of a definition node: its text up to the body, whitespace-collapsed and capped. */
/** Go's specs, whose declaration keyword belongs to the enclosing declaration node. */
const GO_SPECS = new Set(['type_spec', 'const_spec', 'var_spec']);

export function signatureOf(node: Node, text: string): { signature: string; bodyIndex?: number } {
  const inner = WRAPPERS.has(node.type) ? (node.childForFieldName('declaration') ?? node.namedChildren[0] ?? node) : node;
  const body = inner.childForFieldName('body');
  let head: string;
  let bodyIndex: number | undefined;
  if (body && body.startIndex > node.startIndex) {
    head = text.slice(node.startIndex, body.startIndex);
    bodyIndex = body.startIndex;
  } else {
    const nl = text.indexOf('\n', node.startIndex);
    head = text.slice(node.startIndex, nl < 0 || nl > node.endIndex ? node.endIndex : nl);
  }
  // Go: a spec on its declaration's line (`type Pass struct {`, `const Enabled = true`) is shown with its keyword, as
  // written: `Pass struct {` alone is no Go a reader (or a model) recognises.
  if (GO_SPECS.has(node.type)) {
    const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
    const keyword = /^\s*((?:type|const|var)\s+)$/.exec(text.slice(lineStart, node.startIndex));
    if (keyword) head = keyword[1] + head;
  }
  let signature = head.replace(/\s+/g, ' ').trim();
  if (signature.length > MAX_SIGNATURE_CHARS) signature = signature.slice(0, MAX_SIGNATURE_CHARS - 1) + '…';
  return { signature: detach(signature), bodyIndex };
}

/** Imports sit near the root (a `require` inside a declaration is ~4 deep); deeper nodes are not searched. */
const IMPORT_DEPTH = 5;

export interface ExtractOptions {
  /**
   * Do not look for definitions deeper than this in the tree (the index uses it: anything deeper is a local, and not
   * descending into function bodies halves the query time). Unlimited by default.
   */
  maxDepth?: number;
}

/** Definitions and imports of a parsed file, in document order. */
export function extractStructure(name: LanguageName, tree: Tree, text: string, options: ExtractOptions = {}): FileStructure {
  return { tags: extractTags(name, tree, text, options), imports: extractImports(name, tree, text) };
}

export function extractTags(name: LanguageName, tree: Tree, text: string, options: ExtractOptions = {}): Tag[] {
  const query = getQuery(name, tree.language, 'tags');
  if (!query) return [];
  const tags: Tag[] = [];
  const seen = new Set<string>();
  collectTags(query.matches(tree.rootNode, options.maxDepth !== undefined ? { maxStartDepth: options.maxDepth } : undefined), text, seen, tags);
  return sortTags(tags);
}

/** A range of a document in string indices (UTF-16 code units, as Node.startIndex). */
export interface IndexRange {
  startIndex: number;
  endIndex: number;
}

/**
 * web-tree-sitter's query ranges are in bytes of the UTF-16 text it parses, while its node indices are in code units.
 * (Checked by the incremental-structure test: with a wrong factor, definitions after non-ASCII text go missing.)
 */
const QUERY_BYTES_PER_INDEX = 2;

/** The definitions lying wholly inside `ranges` (what a full extractTags with the same options finds there), in document order. */
export function extractTagsIn(name: LanguageName, tree: Tree, text: string, ranges: readonly IndexRange[], options: ExtractOptions = {}): Tag[] {
  const query = getQuery(name, tree.language, 'tags');
  if (!query) return [];
  const tags: Tag[] = [];
  const seen = new Set<string>();
  for (const r of ranges) {
    // A pattern rooted at the root node (`(program (lexical_declaration ...))`) matches across the whole file whatever
    // the range: the range filter keeps what lies inside.
    // maxDepth counts from the root node, as in extractTags.
    const depth = options.maxDepth !== undefined ? { maxStartDepth: options.maxDepth } : {};
    const matches = query.matches(tree.rootNode, { ...depth, startIndex: r.startIndex * QUERY_BYTES_PER_INDEX, endIndex: r.endIndex * QUERY_BYTES_PER_INDEX });
    collectTags(matches, text, seen, tags, r);
  }
  return sortTags(tags);
}

/**
 * The definitions holding `range` (their node starts at or before it and ends at or after it): a query over its first
 * character, which visits only the nodes there (a match's captures may lie outside that range: a namespace's name).
 */
export function extractTagsHolding(name: LanguageName, tree: Tree, text: string, range: IndexRange): Tag[] {
  const query = getQuery(name, tree.language, 'tags');
  if (!query) return [];
  const tags: Tag[] = [];
  const at = range.startIndex * QUERY_BYTES_PER_INDEX;
  collectTags(query.matches(tree.rootNode, { startIndex: at, endIndex: at + QUERY_BYTES_PER_INDEX }), text, new Set(), tags);
  return sortTags(tags.filter((t) => t.startIndex <= range.startIndex && t.endIndex >= range.endIndex));
}

/** Whether an import statement holds `range` (see extractTagsHolding). */
export function importHolds(name: LanguageName, tree: Tree, range: IndexRange): boolean {
  const query = getQuery(name, tree.language, 'imports');
  if (!query) return false;
  const at = range.startIndex * QUERY_BYTES_PER_INDEX;
  for (const match of query.matches(tree.rootNode, { maxStartDepth: IMPORT_DEPTH, startIndex: at, endIndex: at + QUERY_BYTES_PER_INDEX })) {
    const imp = match.captures.find((c) => c.name === 'import')?.node;
    if (imp && imp.startIndex <= range.startIndex && imp.endIndex >= range.endIndex) return true;
  }
  return false;
}

/** Document order; a definition before the ones it contains. */
function sortTags(tags: Tag[]): Tag[] {
  return tags.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
}

function collectTags(matches: QueryMatch[], text: string, seen: Set<string>, tags: Tag[], within?: IndexRange): void {
  for (const match of matches) {
    let def: Node | undefined;
    let kind = '';
    let nameNode: Node | undefined;
    for (const c of match.captures) {
      if (c.name === 'name') nameNode = c.node;
      else if (c.name.startsWith('definition.')) {
        def = c.node;
        kind = c.name.slice('definition.'.length);
      }
    }
    if (!def || !nameNode) continue;
    if (def.parent && WRAPPERS.has(def.parent.type)) def = def.parent;
    if (within && (def.startIndex < within.startIndex || def.endIndex > within.endIndex)) continue;
    const key = `${def.startIndex}:${nameNode.startIndex}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { signature, bodyIndex } = signatureOf(def, text);
    tags.push({
      name: detach(nameNode.text),
      kind,
      startLine: def.startPosition.row,
      endLine: def.endPosition.row,
      nameLine: nameNode.startPosition.row,
      startIndex: def.startIndex,
      endIndex: def.endIndex,
      signature,
      bodyIndex,
    });
  }
}

export function extractImports(name: LanguageName, tree: Tree, _text: string): ImportRef[] {
  return extractImportsIn(name, tree).imports;
}

/**
 * The imports of a parsed file with their start offsets (parallel arrays), in document order; with `ranges`, only
 * those starting inside them (what a full extraction finds there).
 */
export function extractImportsIn(name: LanguageName, tree: Tree, ranges?: readonly IndexRange[]): { imports: ImportRef[]; starts: number[] } {
  const query = getQuery(name, tree.language, 'imports');
  if (!query) return { imports: [], starts: [] };
  const found: { ref: ImportRef; start: number }[] = [];
  const seen = new Set<number>();
  for (const r of ranges ?? [undefined]) {
    const options = r ? { maxStartDepth: IMPORT_DEPTH, startIndex: r.startIndex * QUERY_BYTES_PER_INDEX, endIndex: r.endIndex * QUERY_BYTES_PER_INDEX } : { maxStartDepth: IMPORT_DEPTH };
    for (const match of query.matches(tree.rootNode, options)) {
      const imp = match.captures.find((c) => c.name === 'import')?.node;
      if (!imp || seen.has(imp.startIndex) || (r && (imp.startIndex < r.startIndex || imp.startIndex >= r.endIndex))) continue;
      seen.add(imp.startIndex);
      const src = match.captures.find((c) => c.name === 'source')?.node;
      const source = src ? detach(src.text.replace(/^["'`<]|["'`>]$/g, '').trim()) : '';
      const names = new Set<string>();
      for (const w of imp.text.match(/[A-Za-z_$][\w$]*/g) ?? []) if (!IMPORT_NOISE.has(w)) names.add(detach(w));
      found.push({ ref: { source, names: [...names], line: imp.startPosition.row }, start: imp.startIndex });
    }
  }
  found.sort((a, b) => a.start - b.start);
  return { imports: found.map((f) => f.ref), starts: found.map((f) => f.start) };
}

/** Definitions that contain `offset`, outermost first. `tags` must be in document order (extractTags' order). */
export function enclosingScopes(tags: readonly Tag[], offset: number): Tag[] {
  return tags.filter((t) => t.startIndex <= offset && offset < t.endIndex && t.endLine > t.startLine);
}

/**
 * The file's outline: every definition's signature at its nesting depth, bodies elided. Definitions inside function
 * bodies (locals) are left out. Each line starts with the definition's 1-based line number when `numbered`. With
 * `around` (an offset) and `maxLines`, a longer outline keeps the `maxLines` lines centred on that offset instead of
 * the file's first ones.
 */
export function skeleton(tags: readonly Tag[], options: { numbered?: boolean; maxLines?: number; around?: number } = {}): string {
  const lines: string[] = [];
  const starts: number[] = [];
  const stack: Tag[] = [];
  const collectAll = options.around !== undefined;
  for (const t of tags) {
    while (stack.length && stack[stack.length - 1].endIndex <= t.startIndex) stack.pop();
    if (stack.some((s) => CALLABLE_KINDS.has(s.kind))) continue;
    const indent = '  '.repeat(stack.length);
    const elided = t.bodyIndex !== undefined ? ' …' : '';
    lines.push(`${options.numbered ? `${t.nameLine + 1}: ` : ''}${indent}${t.signature}${elided}`);
    starts.push(t.startIndex);
    stack.push(t);
    if (!collectAll && options.maxLines && lines.length >= options.maxLines) break;
  }
  if (collectAll && options.maxLines && lines.length > options.maxLines) {
    // The window of outline lines centred on the first definition at or after the cursor.
    let at = starts.findIndex((s) => s >= options.around!);
    if (at < 0) at = lines.length;
    const from = Math.max(0, Math.min(at - Math.floor(options.maxLines / 2), lines.length - options.maxLines));
    return lines.slice(from, from + options.maxLines).join('\n');
  }
  return lines.join('\n');
}
