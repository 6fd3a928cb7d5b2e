/**
 * The types of values, inferred from what tree-sitter indexed: in `const schema = z.string()` then `schema.safeParse(x)`,
 * `schema.` names a member of whatever `z.string()` returns, and `string`'s declared return type (`): ZodString`) says
 * which. A chain of member accesses and calls (`a.b(c).d`) is followed member by member through declared types:
 * annotations (`x: T`), constructions (`new T(`), the declared return types of the functions and methods called (a
 * method returning `this` keeps the receiver's type), the annotations of properties and variables, and a type's bases
 * (`interface ZodString extends _ZodString<...>`, type alias unions) when the member is inherited. No type checker:
 * generics are not instantiated, overloads are not chosen between; what cannot be read is left unknown.
 */
import { MEMBER_KINDS, enclosingDefinition, isTopLevelDefinition } from './fileSurface';
import { goDeclaredType, goEmbedded, goMethods, goPackageOf, goResultType } from './goTypes';
import { basesOf, declaredTypeOf, returnTypeOf, typeNames } from './typeSignatures';
import type { IndexedFile, IndexedTag, WorkspaceIndex } from './workspaceIndex';

/** A type definition in the index. */
export interface TypeDef {
  file: IndexedFile;
  tag: IndexedTag;
}

/** Kinds of definition that are types with members. */
export const TYPE_KINDS: ReadonlySet<string> = new Set(['class', 'interface', 'type', 'struct', 'trait', 'enum']);
/** Kinds whose value is called (their declared return type is the call's type). */
const CALLABLE_KINDS = new Set(['function', 'method', 'variable', 'field', 'property', 'constant']);
/** A type name with more definitions than this (outside the referring file) is too ambiguous to follow. */
const MAX_TYPE_DEFS = 3;
/** Levels of bases followed, and types visited per hierarchy. */
const MAX_BASE_DEPTH = 4;
const MAX_HIERARCHY = 16;
/** Definitions of one value name considered. */
const MAX_VALUE_DEFS = 4;

export interface TypeScope {
  index: WorkspaceIndex;
  /** The file being edited. */
  fromPath: string;
  /** Files its imports reach (their definitions win over same-named ones elsewhere). */
  reachable: ReadonlySet<string>;
  /** Files a namespace qualifier (`z` of `import * as z`) stands for; undefined when the name is no namespace. */
  namespaceFiles: (q: string) => readonly string[] | undefined;
  /** The files another file's imports reach (barrels followed); its type names resolve there, not from the cursor's file. */
  importsOf?: (path: string) => readonly string[];
}

/** A member of a type: the tag and the file it is declared in (a Go method may be in another file of the package). */
export interface MemberRef {
  file: IndexedFile;
  tag: IndexedTag;
}

/** One step of a chain: a name, whether it is called (`f(...)`), whether constructed (`new C(...)`). */
export interface ChainStep {
  name: string;
  call: boolean;
  isNew?: boolean;
}

/** Resolves names to definitions and types, caching for the life of one request. */
export class TypeResolver {
  private readonly typeCache = new Map<string, TypeDef[]>();
  private readonly memberCache = new Map<IndexedTag, MemberRef[]>();
  private readonly hierarchyCache = new Map<IndexedTag, { def: TypeDef; level: number }[]>();
  private readonly qualifiedCache = new Map<string, TypeDef[]>();

  /** The constraints of the type parameters in scope at the cursor (typeParameters.ts), by name; see useTypeParameters. */
  private typeParameters = new Map<string, string>();

  constructor(private readonly scope: TypeScope) {}

  /**
   * The type parameters in scope at the cursor and their constraints (`S` -> `Schema.Top`): written in the cursor's file,
   * such a name stands for its constraint's types. Set before the walk starts (the caches keep what was resolved).
   */
  useTypeParameters(constraints: ReadonlyMap<string, string>): void {
    this.typeParameters = new Map(constraints);
    this.typeCache.clear();
  }

  /** The file being edited. */
  get fromPath(): string {
    return this.scope.fromPath;
  }

  /** The files namespace qualifier `q` stands for in the file being edited (undefined when it is no namespace). */
  namespaceFiles(q: string): readonly string[] | undefined {
    return this.scope.namespaceFiles(q);
  }

  /** The type definitions `name` refers to when written in file `from`: that file's own first, then the reachable ones. */
  typeDefs(name: string, from: string): TypeDef[] {
    const key = `${from}\u0000${name}`;
    let out = this.typeCache.get(key);
    if (out) return out;
    const constraint = from === this.scope.fromPath ? this.typeParameters.get(name) : undefined;
    if (constraint !== undefined) {
      // Resolved with the parameter out of scope: `T extends Box<T>` names the type Box, not itself.
      this.typeParameters.delete(name);
      out = this.typesOf(constraint, from);
      this.typeParameters.set(name, constraint);
      this.typeCache.set(key, out);
      return out;
    }
    const all = this.scope.index.lookup(name).filter((r) => TYPE_KINDS.has(r.tag.kind));
    const same = all.filter((r) => r.file.path === from);
    const near = same.length ? same : all.filter((r) => this.scope.reachable.has(r.file.path) || r.file.path === this.scope.fromPath);
    // Elsewhere, only a few top-level definitions: a type declared inside a function is local to it.
    const top = near.length ? [] : all.filter((r) => isTopLevelDefinition(r.file, r.tag));
    out = near.length ? near : top.length <= MAX_TYPE_DEFS ? top : [];
    this.typeCache.set(key, out);
    return out;
  }

  /**
   * The tags inside a type's definition (its members, nested ones included), in file order; for a Go type, then the
   * methods whose receiver it is, from every file of its package.
   */
  members(def: TypeDef): MemberRef[] {
    let out = this.memberCache.get(def.tag);
    if (!out) {
      out = def.file.tags.filter((t) => t !== def.tag && t.startLine >= def.tag.startLine && t.endLine <= def.tag.endLine).map((tag) => ({ file: def.file, tag }));
      if (def.file.language === 'go' && def.tag.kind === 'type') out.push(...goMethods(this.scope.index, goPackageOf(def.file.path), def.tag.name));
      this.memberCache.set(def.tag, out);
    }
    return out;
  }

  /** A type and its bases, breadth first, with their distance from it (0 for the type itself). */
  hierarchy(def: TypeDef): { def: TypeDef; level: number }[] {
    let out = this.hierarchyCache.get(def.tag);
    if (out) return out;
    out = [{ def, level: 0 }];
    const seen = new Set<IndexedTag>([def.tag]);
    for (let i = 0; i < out.length && out.length < MAX_HIERARCHY; i++) {
      const { def: d, level } = out[i];
      if (level >= MAX_BASE_DEPTH) continue;
      const head = d.tag.kind === 'type' ? d.tag.snippet.replace(/\s+/g, ' ') : d.tag.signature;
      // Go: embedded types (their fields and methods are promoted), or the aliased type (`type A = B`).
      const bases = d.file.language === 'go' ? [...goEmbedded(d.tag.snippet), ...(/^\s*(?:type\s+)?\w+\s*=/.test(d.tag.snippet) ? basesOf(head, d.tag.name) : [])] : basesOf(head, d.tag.name);
      for (const base of bases) {
        for (const b of this.qualifiedTypeDefs(base, qualifiersOf(head, base), d.file.path) ?? this.typeDefs(base, d.file.path)) {
          if (seen.has(b.tag) || out.length >= MAX_HIERARCHY) continue;
          seen.add(b.tag);
          out.push({ def: b, level: level + 1 });
        }
      }
    }
    this.hierarchyCache.set(def.tag, out);
    return out;
  }

  /** The definitions of member `name` on values of `types`, from the nearest level of their hierarchies that has one. */
  member(types: readonly TypeDef[], name: string): MemberRef[] {
    const out: MemberRef[] = [];
    for (const t of types) {
      for (const { def } of this.hierarchy(t)) {
        const found = this.members(def).filter((m) => m.tag.name === name);
        if (found.length) {
          out.push(...found);
          break;
        }
      }
    }
    return out;
  }

  /** The types a type expression written in file `from` names (top-level names first; nested ones when none is a type). */
  typesOf(expr: string, from: string): TypeDef[] {
    const resolve = (names: string[]) => names.flatMap((n) => this.qualifiedTypeDefs(n, qualifiersOf(expr, n), from) ?? this.typeDefs(n, from));
    const top = resolve(typeNames(expr, true));
    return top.length ? top : resolve(typeNames(expr));
  }

  /**
   * The types a type expression written in `file` names at its top level, resolved as that file sees them: its own
   * definitions, else those of the files its imports reach (a qualified name, `Schema.Options`, from the module its
   * qualifier names when one is so named). A name none of them defines is a built-in or a package's (`Uint8Array`):
   * none, not a same-named type elsewhere in the workspace. In the cursor's own file, typesOf's rules (and its
   * namespace imports).
   */
  typesIn(expr: string, file: IndexedFile): TypeDef[] {
    const resolve = (names: string[]) => {
      const out: TypeDef[] = [];
      for (const name of names) {
        const chain = qualifiersOf(expr, name);
        out.push(...(this.qualifiedTypeDefs(name, chain, file.path) ?? this.typeIn(name, chain.at(-1), file)));
      }
      return dedupe(out);
    };
    const top = resolve(typeNames(expr, true));
    return top.length ? top : resolve(typeNames(expr));
  }

  /**
   * A type named through namespaces (`Schema.Annotations.Filter`, `Api.Options` in a file declaring `namespace Api`):
   * the definitions of `name` nested in namespaces (or classes) so named, innermost last. The first qualifier may be a
   * module instead (a namespace import, or an imported file of that name), whose top-level namespaces the rest name.
   * Undefined when `qualifiers` is empty or names no nesting that holds `name` (the caller's other rules apply).
   */
  qualifiedTypeDefs(name: string, qualifiers: readonly string[], from: string): TypeDef[] | undefined {
    if (qualifiers.length === 0) return undefined;
    const key = `${from}\u0000${qualifiers.join('.')}.${name}`;
    const cached = this.qualifiedCache.get(key);
    if (cached) return cached.length ? cached : undefined;
    // `Ns.Type` with Ns a namespace import of the cursor's file: the module's top-level type, for the caller's rules.
    if (qualifiers.length === 1 && from === this.scope.fromPath && this.scope.namespaceFiles(qualifiers[0])?.length) return undefined;
    // Most names are defined at the top level only: then nothing is nested, and nothing more is looked up.
    const nested = this.scope.index.lookup(name).filter((r) => TYPE_KINDS.has(r.tag.kind) && enclosingDefinition(r.file, r.tag) !== undefined);
    let out: TypeDef[] = [];
    if (nested.length > 0) {
      const fromCursor = from === this.scope.fromPath;
      const moduleFiles = fromCursor ? this.scope.namespaceFiles(qualifiers[0]) : (this.scope.importsOf?.(from) ?? []).filter((p) => baseName(p) === qualifiers[0].toLowerCase());
      const anchored = moduleFiles !== undefined && moduleFiles.length > 0;
      const rest = anchored ? qualifiers.slice(1) : qualifiers;
      const inScope = (path: string) => (anchored ? moduleFiles.includes(path) : path === from || (fromCursor ? this.scope.reachable.has(path) : (this.scope.importsOf?.(from) ?? []).includes(path)));
      if (rest.length > 0) out = nested.filter((r) => nestedIn(r.file, r.tag, rest, anchored) && inScope(r.file.path));
    }
    this.qualifiedCache.set(key, out);
    return out.length ? out : undefined;
  }

  private typeIn(name: string, qualifier: string | undefined, file: IndexedFile): TypeDef[] {
    const types = (paths: readonly string[]) => {
      const set = new Set(paths);
      return this.scope.index.lookup(name).filter((r) => TYPE_KINDS.has(r.tag.kind) && set.has(r.file.path) && isTopLevelDefinition(r.file, r.tag));
    };
    if (file.path === this.scope.fromPath) {
      const ns = qualifier === undefined ? undefined : this.scope.namespaceFiles(qualifier);
      return ns ? types(ns) : this.typeDefs(name, file.path);
    }
    if (qualifier === undefined) {
      const own = this.scope.index.lookup(name).filter((r) => r.file === file && TYPE_KINDS.has(r.tag.kind));
      if (own.length) return own;
    }
    const reached = this.scope.importsOf?.(file.path) ?? [];
    const named = qualifier === undefined ? [] : reached.filter((p) => baseName(p) === qualifier.toLowerCase());
    const found = named.length ? types(named) : [];
    return found.length ? found : types(reached).slice(0, MAX_TYPE_DEFS);
  }

  /**
   * The type of using definition `tag` (in `file`): called, its declared return type; otherwise its annotation; a type
   * itself (`Foo.bar`, `new Foo`) stands for its own members. 'this' when a method returns its receiver.
   */
  typeOfUse(file: IndexedFile, tag: IndexedTag, called: boolean): TypeDef[] | 'this' {
    if (TYPE_KINDS.has(tag.kind)) return [{ file, tag }];
    if (!CALLABLE_KINDS.has(tag.kind)) return [];
    const go = file.language === 'go';
    const text = called ? (go ? goResultType : returnTypeOf)(tag.signature, tag.name) : (go ? goDeclaredType : declaredTypeOf)(tag.signature, tag.name);
    if (text === undefined) return [];
    if (text === 'this') return 'this';
    return this.typesOf(text, file.path);
  }

  /**
   * Definitions of a value name used in the current file: its own, then the reachable files', then any when few (not
   * members of something: a chain's head is a free name). `within`: the top-level definitions of those files only.
   */
  valueDefs(name: string, within?: readonly string[]): { file: IndexedFile; tag: IndexedTag }[] {
    if (within) {
      const set = withinSets.get(within) ?? withinSets.set(within, new Set(within)).get(within)!;
      return this.scope.index.lookup(name).filter((r) => set.has(r.file.path) && isTopLevelDefinition(r.file, r.tag)).slice(0, MAX_VALUE_DEFS);
    }
    const refs = this.scope.index.lookup(name).filter((r) => !MEMBER_KINDS.has(r.tag.kind));
    const own = refs.filter((r) => r.file.path === this.scope.fromPath);
    if (own.length) return own.slice(0, MAX_VALUE_DEFS);
    const near = refs.filter((r) => this.scope.reachable.has(r.file.path));
    if (near.length) return near.slice(0, MAX_VALUE_DEFS);
    return refs.length <= MAX_TYPE_DEFS ? [...refs] : [];
  }

  /**
   * Follows a chain (`z.string().min(3)`, `new Foo().bar`, `schema.safeParse(x).error`) from its head, `env` giving the
   * types of the local values. Returns the types reached after each step (empty when the chain's head is unknown);
   * the walk stops at the first step it cannot type.
   */
  follow(steps: readonly ChainStep[], env: ReadonlyMap<string, TypeDef[]>): TypeDef[][] {
    const reached: TypeDef[][] = [];
    if (steps.length === 0) return reached;
    const head = steps[0];
    let types: TypeDef[] = [];
    let i = 1;
    if (head.isNew) types = this.typeDefs(head.name, this.scope.fromPath);
    else if (env.has(head.name)) types = env.get(head.name)!;
    else {
      // `ns.f(...)`: a member of the module a namespace import names; else the head is a value (or a type) itself.
      const ns = steps.length > 1 ? this.scope.namespaceFiles(head.name) : undefined;
      let defs = ns ? this.valueDefs(steps[1].name, ns) : [];
      let step = steps[1];
      if (defs.length) i = 2;
      else {
        defs = this.valueDefs(head.name);
        step = head;
      }
      types = dedupe(defs.flatMap((d) => asList(this.typeOfUse(d.file, d.tag, step.call), [])));
    }
    if (types.length === 0) return reached;
    reached.push(types);
    for (; i < steps.length; i++) {
      const found = this.member(types, steps[i].name);
      if (found.length === 0) break;
      const next = dedupe(found.flatMap((m) => asList(this.typeOfUse(m.file, m.tag, steps[i].call), types)));
      if (next.length === 0) break;
      types = next;
      reached.push(types);
    }
    return reached;
  }
}

/**
 * The paths of a namespace's files as a set, per list: a request follows dozens of `ns.f(...)` chains through the same
 * namespace, whose file list (typeScope's namespaceFiles, kept per request) was made into a new set for each. The
 * lists are never changed once made.
 */
const withinSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function asList(t: TypeDef[] | 'this', receiver: TypeDef[]): TypeDef[] {
  return t === 'this' ? receiver : t;
}

function dedupe(defs: TypeDef[]): TypeDef[] {
  const seen = new Set<IndexedTag>();
  return defs.filter((d) => (seen.has(d.tag) ? false : (seen.add(d.tag), true)));
}

/** A path's file name without its extensions, lower-cased (`src/Schema.ts` -> `schema`). */
function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\..*$/, '').toLowerCase();
}

/** The qualifiers written before `name` in a type expression (`Schema.Annotations.Filter` -> Schema, Annotations). */
export function qualifiersOf(expr: string, name: string): string[] {
  if (!expr.includes('.')) return [];
  for (let at = expr.indexOf(name); at >= 0; at = expr.indexOf(name, at + 1)) {
    if (isIdentChar(expr.charCodeAt(at + name.length)) || (at > 0 && isIdentChar(expr.charCodeAt(at - 1)))) continue;
    // Back over `ident .` pairs (spaces allowed around the dot).
    const out: string[] = [];
    let i = at;
    for (;;) {
      let j = i - 1;
      while (j >= 0 && expr[j] === ' ') j--;
      if (expr[j] !== '.') break;
      j--;
      while (j >= 0 && expr[j] === ' ') j--;
      const end = j + 1;
      while (j >= 0 && isIdentChar(expr.charCodeAt(j))) j--;
      if (end === j + 1 || /\d/.test(expr[j + 1])) break;
      out.unshift(expr.slice(j + 1, end));
      i = j + 1;
    }
    // A qualified name (`a.b.C`), not a member access ending a longer expression (`x().C`, `x[0].C`).
    if (out.length > 0 && (i === 0 || !/[.)\]]/.test(expr[i - 1]))) return out;
  }
  return [];
}

/** [A-Za-z0-9_$] by character code. */
function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/**
 * True when `tag` is nested in definitions named `path` (outermost first, the last one directly around it); `anchored`:
 * the outermost of them is at the top level of its file.
 */
function nestedIn(file: IndexedFile, tag: IndexedTag, path: readonly string[], anchored: boolean): boolean {
  let p = enclosingDefinition(file, tag);
  for (let k = path.length - 1; k >= 0; k--) {
    if (!p || p.name !== path[k]) return false;
    p = enclosingDefinition(file, p);
  }
  return !anchored || p === undefined;
}
