/**
 * The oracle for languages without a language server here (Rust, Ruby, PHP, Java, C, C++, C#; and the fallback when
 * pyright or gopls cannot run): the ctags definition of a name defined once in the repository, kept only when the
 * name is not bound in an enclosing scope of the current file and is not one of the language's builtins.
 * "Bound" is read off the tree-sitter parse of the unmasked file: walking up from the identifier, a parameter, a type
 * parameter or a local binding (let/assignment/declarator pattern, loop variable, closure or block parameter) of
 * the same name in an enclosing node shadows any definition elsewhere.
 */
import type { Node } from 'web-tree-sitter';
import { parse, resolveLanguage } from '../../src/core/context/parser';
import type { LanguageName } from '../../src/core/context/languages';
import type { OracleQuery, PreciseOracle, RejectReason, Verdict } from './types';
import type { GoldDef } from '../contextOracle';
import * as path from 'path';
import { importedFrom, ownCrateNames, pathRootVerdict, rustImports, type CrateContext } from './rustImports';

const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

/**
 * Names the language provides everywhere (prelude, builtin types and functions). A method named like a prelude trait's
 * method (clone, next, fmt, …) is among them: without types, which impl a call reaches cannot be told.
 */
export const BUILTINS: Partial<Record<LanguageName, ReadonlySet<string>>> = {
  rust: words(`Option Some None Result Ok Err Vec String Box Rc Arc Cell RefCell HashMap HashSet BTreeMap BTreeSet VecDeque
    Self self str bool char i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64
    Clone Copy Debug Default Display Drop Eq PartialEq Ord PartialOrd Hash Hasher Iterator IntoIterator DoubleEndedIterator
    ExactSizeIterator Extend FromIterator From Into TryFrom TryInto AsRef AsMut ToOwned ToString Send Sync Sized Unpin
    Fn FnMut FnOnce Deref DerefMut Error Formatter Future
    clone clone_from next fmt eq ne cmp partial_cmp hash into from try_from try_into as_ref as_mut to_owned to_string
    drop default deref deref_mut into_iter extend from_iter iter iter_mut len is_empty unwrap expect map and_then
    ok_or ok_or_else unwrap_or unwrap_or_else unwrap_or_default push pop insert remove get get_mut contains poll
    load store swap fetch_add fetch_sub fetch_or fetch_and compare_exchange compare_exchange_weak
    println print eprintln eprint format write writeln vec panic assert assert_eq assert_ne debug_assert debug_assert_eq
    unreachable unimplemented todo matches cfg concat stringify include_str env`),
  ruby: words(`Object BasicObject Kernel Module Class Comparable Enumerable String Symbol Integer Float Numeric Array Hash Range
    Proc Struct Time IO File Dir Exception StandardError ArgumentError RuntimeError TypeError NameError NoMethodError
    KeyError IndexError StopIteration NotImplementedError
    puts print p pp require require_relative load raise fail attr_reader attr_writer attr_accessor include extend prepend
    private public protected module_function define_method instance_variable_get instance_variable_set send
    public_send respond_to? is_a? kind_of? nil? freeze dup to_s to_i to_a to_h to_sym inspect each map select reject
    lambda proc block_given? loop catch throw sleep format sprintf new initialize call
    length size count key key? keys values merge merge! update find detect first last join split include? empty? any?
    upcase downcase strip gsub sub match match? quote escape unescape delete fetch store push pop shift unshift read write
    close open name path to_str each_with_object inject reduce flatten compact uniq sort sort_by group_by min max sum
    start_with? end_with? encoding force_encoding bytesize slice replace clear dig
    warn method methods object_id instance_of? frozen? binding has_key? has_value? member? closed? eof? stat exist?
    lock unlock locked? synchronize`),
  php: words(`Exception Error TypeError ValueError RuntimeException InvalidArgumentException LogicException Throwable
    ArrayAccess Countable Traversable Iterator IteratorAggregate Stringable JsonSerializable Closure Generator stdClass
    array count strlen isset unset empty is_array is_string is_int is_null in_array array_map array_filter array_keys
    array_values array_merge implode explode sprintf printf str_replace substr strpos trim json_encode json_decode
    self parent static`),
  java: words(`Object String Integer Long Boolean Double Float Character Byte Short Math System Thread Runnable Exception
    RuntimeException Error Throwable IllegalArgumentException IllegalStateException NullPointerException Override
    Deprecated SuppressWarnings Iterable Comparable CharSequence StringBuilder Class Void Enum Record
    equals hashCode toString getClass`),
  csharp: words(`Object String Int32 Int64 Boolean Double Math Console Exception ArgumentException ArgumentNullException
    InvalidOperationException NotImplementedException IDisposable IEnumerable IEnumerator Task List Dictionary
    Equals GetHashCode ToString GetType nameof var dynamic`),
  c: words(`size_t ssize_t int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t uintptr_t intptr_t bool FILE NULL
    printf fprintf sprintf snprintf malloc calloc realloc free memcpy memmove memset memcmp strlen strcmp strncmp strcpy
    strncpy strchr strdup abort exit assert errno`),
  python: words(`print len range str int float bool list dict set tuple object type isinstance issubclass super getattr setattr
    hasattr delattr iter next enumerate zip map filter sorted reversed min max sum abs any all open repr hash id callable
    property staticmethod classmethod Exception ValueError TypeError KeyError IndexError AttributeError RuntimeError
    NotImplementedError StopIteration`),
  go: words(`error string int int8 int16 int32 int64 uint uint8 uint16 uint32 uint64 uintptr float32 float64 complex64 complex128
    byte rune bool any comparable len cap make new append copy delete panic recover print println close complex real imag
    min max clear`),
  typescript: words(`Array Object String Number Boolean Symbol Promise Map Set WeakMap WeakSet Error TypeError RangeError Date RegExp
    JSON Math Function Record Partial Readonly Pick Omit Exclude Extract ReturnType Parameters NonNullable Required
    Iterable Iterator AsyncIterable PromiseLike ArrayLike console globalThis parseInt parseFloat isNaN setTimeout
    clearTimeout`),
};
BUILTINS.cpp = new Set([...BUILTINS.c!, ...words('std string vector map unordered_map set unique_ptr shared_ptr make_unique make_shared move forward size_t nullptr_t cout cerr endl')]);
BUILTINS.tsx = BUILTINS.typescript;
BUILTINS.javascript = BUILTINS.typescript;

/** Node types whose subtree binds names for the enclosing scope (parameters and type parameters of any grammar). */
const PARAMETER_LIKE = /parameter/;
/** Declarations whose `pattern`/`left`/`name`/`declarator` child binds a local. */
const LOCAL_DECLARATION = /^(let_declaration|let_condition|local_variable_declaration|variable_declarator|variable_declaration|short_var_declaration|var_spec|const_spec|assignment|assignment_expression|lexical_declaration|for_expression|for_statement|for_in_statement|for_in_clause|enhanced_for_statement|foreach_statement|for|match_arm|if_let_expression|while_let_expression|closure_expression|lambda|lambda_expression|block|do_block|catch_clause|rescue|exception_variable|init_declarator|declaration|with_item|as_pattern)$/;
const BINDING_FIELDS = ['pattern', 'left', 'name', 'declarator', 'value_name', 'variable', 'parameters'];

function fieldOf(parent: Node, child: Node): string | null {
  for (let i = 0; i < parent.childCount; i++) if (parent.child(i)?.id === child.id) return parent.fieldNameForChild(i);
  return null;
}

/**
 * Why an occurrence `occ` of the name binds it in its scope, if it does: inside a parameter list (not in a type
 * annotation), a type-parameter list, or the binding part of a local declaration.
 */
function bindingKind(occ: Node): RejectReason | undefined {
  let child: Node = occ;
  for (let p = occ.parent, depth = 0; p && depth < 6; child = p, p = p.parent, depth++) {
    const field = fieldOf(p, child);
    // `x: Foo` names Foo as a type, `Some(x)` names Some as a constructor, `f(x)` names f as a callee: none binds.
    if (field === 'type' || field === 'function' || field === 'path' || field === 'value' || field === 'right' || field === 'body' || field === 'bound' || field === 'bounds' || field === 'default_type') return undefined;
    if (/type_parameter/.test(p.type)) return 'type-parameter';
    if (PARAMETER_LIKE.test(p.type)) return 'parameter';
    if (LOCAL_DECLARATION.test(p.type)) return field && BINDING_FIELDS.includes(field) ? 'local' : undefined;
  }
  return undefined;
}

const LITERAL = /string|comment|symbol|regex|heredoc|char_literal/;
const INTERPOLATION = /interpolation|template_substitution/;

const FUNCTION_LIKE = /function|method|closure|lambda|impl_item|trait_item|class|struct|interface|block|body|program|source_file|translation_unit|module/;

/**
 * Statements that import or re-export: a name in one (`import { x }`, `from m import (\n x,`, a Go import spec, a
 * Rust `use`, `export { x } from`) is an import, not a use, as the sampler's one-line filter already says for the
 * lines it recognises; this catches the others (continuation lines, re-exports).
 */
const IMPORT_STATEMENT = /^(import_statement|import_from_statement|future_import_statement|import_declaration|import_spec|import_equals_declaration|use_declaration|extern_crate_declaration|package_declaration|preproc_include|using_directive|namespace_use_declaration)$/;

/** A small cache of parsed files: the candidates of one file are not consecutive, and big files take long to parse. */
const trees = new Map<string, { text: string; tree: NonNullable<Awaited<ReturnType<typeof parse>>> }>();

async function treeFor(language: LanguageName, file: string, text: string) {
  const had = trees.get(file);
  if (had && had.text === text) {
    trees.delete(file);
    trees.set(file, had);
    return had.tree;
  }
  had?.tree.delete();
  trees.delete(file);
  const tree = await parse(language, text);
  if (!tree) return undefined;
  trees.set(file, { text, tree });
  if (trees.size > 8) {
    const [k, v] = trees.entries().next().value!;
    v.tree.delete();
    trees.delete(k);
  }
  return tree;
}

/** Frees the parse trees kept by treeFor(). */
export function releaseTrees(): void {
  for (const v of trees.values()) v.tree.delete();
  trees.clear();
}

async function nodeAt(language: LanguageName, file: string, text: string, line: number, column: number): Promise<Node | undefined> {
  const tree = await treeFor(language, file, text);
  // tree-sitter's columns count UTF-8 bytes.
  const byteColumn = Buffer.byteLength((text.split('\n', line + 1)[line] ?? '').slice(0, column), 'utf8');
  return tree?.rootNode.descendantForPosition({ row: line, column: byteColumn }) ?? undefined;
}

/** True when the identifier at (line, column) is part of an import or re-export statement. */
export async function inImportStatement(file: string, text: string, line: number, column: number): Promise<boolean> {
  const language = resolveLanguage(file);
  if (!language) return false;
  for (let n = (await nodeAt(language, file, text, line, column)) ?? null; n; n = n.parent) {
    if (IMPORT_STATEMENT.test(n.type)) return true;
    if (n.type === 'export_statement' && n.childForFieldName('source')) return true;
  }
  return false;
}

/** The reason `name` at (line, column) is bound in an enclosing scope of `text`, if it is. */
export async function boundInScope(language: LanguageName, file: string, text: string, line: number, column: number, name: string): Promise<RejectReason | undefined> {
  {
    const at = await nodeAt(language, file, text, line, column);
    if (!at) return undefined;
    // Text, not code: a word in a string, a comment, a symbol literal (`:name`), a regular expression, also one that
    // spans many lines (a heredoc, a template, a docstring); the code a string interpolates (`#{x}`, `${x}`) is code.
    for (let n: Node | null = at; n; n = n.parent) {
      if (INTERPOLATION.test(n.type)) break;
      if (LITERAL.test(n.type)) return 'literal';
    }
    // A key inside a Rust attribute's arguments (`feature` of `#[cfg(feature = "io-util")]`) names a setting, not an item.
    if (inAttribute(at, text, line) && /^\s*=(?!=)/.test(lineAfter(text, line, column + name.length))) return 'literal';
    // A member reached through a receiver (`recv.name`, `Mod::name`, `$obj->name`): no local binds it.
    if (/(\.|::|->)$/.test((text.split('\n', line + 1)[line] ?? '').slice(0, column))) return undefined;
    // The occurrence itself declares the name (a parameter, a local): a definition, not a use.
    const own = bindingKind(at);
    if (own) return own;
    for (let scope: Node | null = at.parent; scope; scope = scope.parent) {
      if (!FUNCTION_LIKE.test(scope.type)) continue;
      // Top-level definitions of the file are not locals; the sampler already drops names the file defines.
      if (!scope.parent) break;
      const why = findBinding(scope, name, at);
      if (why) return why;
    }
    for (let block = at.parent; block?.parent; block = block.parent) if (block.type === 'block' && declaresItem(block, name)) return 'local';
    return undefined;
  }
}

const lineAfter = (text: string, line: number, column: number) => (text.split('\n', line + 1)[line] ?? '').slice(column);

/** In a Rust attribute: parsed as one, or (inside a macro's tokens, which tree-sitter leaves unparsed) a `#[` line. */
function inAttribute(n: Node, text: string, line: number): boolean {
  for (let p: Node | null = n; p; p = p.parent) {
    if (p.type === 'attribute_item' || p.type === 'inner_attribute_item') return true;
    if (p.type === 'token_tree') return /^\s*#!?\[/.test(text.split('\n', line + 1)[line] ?? '');
  }
  return false;
}

/**
 * True when `block` (a function body or block expression) declares an item named `name` (Rust's `struct Guard` or
 * `fn helper` inside a function): visible in that block only, before and after its declaration.
 */
function declaresItem(block: Node, name: string): boolean {
  for (let i = 0; i < block.namedChildCount; i++) {
    const c = block.namedChild(i);
    if (c && /_item$/.test(c.type) && c.childForFieldName('name')?.text === name) return true;
  }
  return false;
}

function findBinding(scope: Node, name: string, use: Node): RejectReason | undefined {
  const stack: Node[] = [scope];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.id !== use.id && n.childCount === 0 && n.text === name) {
      const why = bindingKind(n);
      if (why) return why;
    }
    // Bindings after the use in the same scope (a later `let`) do not bind it; parameter lists are read whole.
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (!c) continue;
      const params = PARAMETER_LIKE.test(c.type);
      if (c.startIndex > use.endIndex && !params) continue;
      // A nested function, closure or block that does not hold the use binds nothing for it.
      if (!params && FUNCTION_LIKE.test(c.type) && !(c.startIndex <= use.startIndex && use.endIndex <= c.endIndex)) continue;
      stack.push(c);
    }
  }
  return undefined;
}

/** Kinds a segment of a `a::b` path cannot be: a path names modules, types and enum variants, not members. */
const NOT_A_PATH_SEGMENT = new Set(['field', 'member', 'method', 'function', 'variable', 'accessor', 'property', 'local']);

/** Kinds a name reached through a value (`x.name`) cannot be: the member of a value is a field or a method. */
const NOT_A_MEMBER = new Set(['module', 'namespace', 'package', 'macro', 'struct', 'enum', 'union', 'interface', 'trait', 'typedef', 'type', 'class']);

/**
 * What a path says about the name: rooted in the language's standard library (`std::`, `core::`, `alloc::`, or a name
 * the file imports from one: `Poll::Ready`) it is a builtin; rooted in a name the repository does not define (another
 * crate, a type imported from one) it is outside; followed by `::` it is a module or type, so a member of the same
 * name elsewhere is not its definition; after `Type::` (Rust: an upper-case segment) it is an associated item, not a
 * free function; after `.` it is a member, not a module or type. A bare Rust name the file imports from outside the
 * crate (`use std::net::SocketAddr`, or only glob imports from the standard library) is not the crate's.
 */
function pathVerdict(q: OracleQuery, goldKind: string, language: LanguageName | undefined, crate: CrateContext): RejectReason | undefined {
  const lineText = q.text.split('\n', q.line + 1)[q.line] ?? '';
  const before = lineText.slice(0, q.column);
  const after = lineText.slice(q.column + q.name.length);
  if (after.startsWith('::') && NOT_A_PATH_SEGMENT.has(goldKind)) return 'ambiguous';
  const rust = language === 'rust';
  // (Where `.` also qualifies packages or concatenates, as in Python, Go, Java or PHP, this cannot be said.)
  if ((rust || language === 'ruby') && /[^.]\.\s*$/.test(before) && NOT_A_MEMBER.has(goldKind)) return 'ambiguous';
  // Rust: `name:` declares or initialises a field (also inside a macro's tokens, which tree-sitter does not parse).
  if (rust && /^\s*:(?!:)/.test(after) && goldKind !== 'field') return 'ambiguous';
  const chain = /((?:[A-Za-z_$][A-Za-z0-9_]*)?(?:::[A-Za-z_][A-Za-z0-9_]*)*::)$/.exec(before)?.[1];
  if (!chain) {
    // A field, a macro (`name!`) or a member is not what a `use` brings in.
    if (!rust || /^\s*(?::(?!:)|!)/.test(after) || /\.\s*$/.test(before)) return undefined;
    return importedFrom(rustImports(q.text), q.name, crate);
  }
  const segments = chain.split('::').filter((s) => s.length > 0);
  if (rust && goldKind === 'function' && /^[A-Z]/.test(segments[segments.length - 1] ?? '')) return 'ambiguous';
  const root = segments[0];
  if (!root || root === 'crate' || root === 'self' || root === 'super' || root === 'Self' || root === '$crate') return undefined;
  if (rust) return pathRootVerdict(q.text, root, crate);
  if (root === 'std' || root === 'core' || root === 'alloc') return 'builtin';
  return q.definedInRepo && !q.definedInRepo(root) ? 'outside' : undefined;
}

/**
 * Ruby: which method `recv.name` calls is decided by the receiver's class at run time, which a name search cannot see
 * (`auth.username` reaching a `method_missing`, `template.result` on ERB, `request.finish` on a library's class all
 * match a repository method by name only). The match is kept only when the file says which class the receiver is:
 * a constant (`Utils.escape`, `Rack::Mime.mime_type`: that module's or class's method), `self`, or a local or instance
 * variable assigned `Const.new(...)` earlier in the same method — and then only when that class, looked up from the
 * modules and classes the assignment sits in (`Request` inside `module Digest` is `Digest::Request`), is the one the
 * gold method is defined in. Any other receiver (a parameter, a method's or a call's result) is a binding this
 * oracle cannot know.
 */
export function rubyReceiverVerdict(q: OracleQuery, gold: GoldDef): RejectReason | undefined {
  const lines = q.text.split('\n');
  const before = (lines[q.line] ?? '').slice(0, q.column);
  if (!/&?\.\s*$/.test(before) || /\.\.\s*$/.test(before)) return undefined;
  const call = /(^|[^\w@:$])(@{0,2}[A-Za-z_]\w*[?!]?|::[A-Z]\w*|[)\]}]|"|')((?:::[A-Z]\w*)*)\s*&?\.\s*$/.exec(before);
  if (!call) return 'ambiguous';
  const recv = call[2] + call[3];
  if (recv === 'self' || /^(?:::)?[A-Z]/.test(recv)) return undefined;
  if (!/^@{0,2}[a-z_]\w*$/.test(recv)) return 'ambiguous';
  // The enclosing method (the nearest `def` above, indented less than the use): its assignments before the use.
  const indent = (l: string) => /^\s*/.exec(l)![0].length;
  let from = q.line;
  while (from > 0 && !(/^\s*def\s/.test(lines[from]) && indent(lines[from]) < indent(lines[q.line]))) from--;
  const assignment = new RegExp(`(?:^|[^\\w@.])${recv}\\s*(?:\\|\\|)?=\\s*((?:::)?[A-Z]\\w*(?:::[A-Z]\\w*)*)\\.new\\b`);
  let written: string | undefined;
  let at = -1;
  for (let i = from; i < q.line; i++) {
    const m = assignment.exec(lines[i]);
    if (m) [written, at] = [m[1], i];
  }
  if (written === undefined) return 'ambiguous';
  const path = written.replace(/^::/, '').split('::');
  const nesting = written.startsWith('::') ? [] : rubyNesting(lines, at);
  const scope = gold.scopeName ?? '';
  for (let k = nesting.length; k >= 0; k--) if ([...nesting.slice(0, k), ...path].join('.') === scope) return undefined;
  return 'ambiguous';
}

/** The modules and classes enclosing line `line` (`module Rack` / `module Auth` / `class MD5 < Base` -> Rack, Auth, MD5), by indentation. */
function rubyNesting(lines: readonly string[], line: number): string[] {
  const stack: { indent: number; names: string[] }[] = [];
  for (let i = 0; i <= line; i++) {
    const l = lines[i];
    const end = /^(\s*)end\b/.exec(l);
    if (end) while (stack.length && stack[stack.length - 1].indent >= end[1].length) stack.pop();
    const open = /^(\s*)(?:module|class)\s+((?:::)?[A-Z]\w*(?:::[A-Z]\w*)*)/.exec(l);
    if (open && !/\bend\s*$/.test(l)) {
      while (stack.length && stack[stack.length - 1].indent >= open[1].length) stack.pop();
      stack.push({ indent: open[1].length, names: open[2].replace(/^::/, '').split('::') });
    }
  }
  return stack.flatMap((s) => s.names);
}

export class ScopeFilteredCtagsOracle implements PreciseOracle {
  readonly name = 'ctags+scope';

  /** `repo`: the repository's directory, where a Rust file's Cargo.toml files (its crate's own name) are read. */
  constructor(private readonly repo?: string) {}

  async resolve(q: OracleQuery): Promise<Verdict> {
    const language = resolveLanguage(q.file);
    if (language && BUILTINS[language]?.has(q.name)) return { reject: 'builtin' };
    const others = q.ctags.filter((d) => d.file !== q.file);
    if (q.ctags.length !== 1 || others.length !== 1) return { reject: q.ctags.length > 1 ? 'ambiguous' : 'same-file' };
    const own = language === 'rust' && this.repo ? ownCrateNames(this.repo, path.dirname(path.join(this.repo, q.file))) : new Set<string>();
    const byPath = pathVerdict(q, others[0].kind, language, { own, definedInRepo: q.definedInRepo });
    if (byPath) return { reject: byPath };
    if (language === 'ruby') {
      const byReceiver = rubyReceiverVerdict(q, others[0]);
      if (byReceiver) return { reject: byReceiver, detail: 'a member of a value whose class the file does not say' };
    }
    if (language) {
      const bound = await boundInScope(language, q.file, q.text, q.line, q.column, q.name);
      if (bound) return { reject: bound };
    }
    return { gold: others[0] };
  }

  close(): Promise<void> {
    releaseTrees();
    return Promise.resolve();
  }
}
