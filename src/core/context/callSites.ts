/**
 * The calls the cursor is inside of, read backwards from it (`make({ a: 1, |`, `run(x, (opts) => { opts.| })`): the
 * brackets it is in, innermost first, each with the argument the cursor is in, and for a call the callee's chain and
 * its definitions in the index, with the declared type of that argument's parameter (read from the callee's signature,
 * a type parameter standing for its constraint). Bounded: a fixed number of characters before the cursor.
 */
import { readChain } from './chains';
import { parameterTypesOf, typeParametersOf, type ParameterType } from './typeSignatures';
import type { ChainStep, TypeDef, TypeResolver } from './valueTypes';
import type { IndexedFile, IndexedTag } from './workspaceIndex';
import { escapeRegExp } from '../strings';

/** Characters scanned back from the cursor for the brackets it is in, and brackets followed outwards. */
const SCAN_BACK = 4000;
const MAX_OPENERS = 12;
/** Characters scanned back from a `(` for its callee, and forward for an alias in an import statement. */
const CALLEE_CHARS = 200;
const IMPORT_CHARS = 2000;
/** Kinds of definition a call can name. */
const CALLABLE = new Set(['function', 'method', 'variable', 'constant', 'field', 'property']);

/** A bracket the cursor is inside of, and where the argument (element) the cursor is in starts: just after it or a comma. */
export interface Opener {
  pos: number;
  char: '(' | '{' | '[';
  /** Top-level commas between the bracket and the cursor (or the next inner bracket): the argument's index. */
  commas: number;
  argStart: number;
}

/** The unclosed brackets before `cursor` in `text`, innermost first (strings on one line skipped). */
export function openersAt(text: string, cursor: number): Opener[] {
  const out: Opener[] = [];
  let depth = 0;
  let commas = 0;
  let nearestComma = -1;
  const stop = Math.max(0, cursor - SCAN_BACK);
  for (let i = cursor - 1; i >= stop && out.length < MAX_OPENERS; i--) {
    const c = text[i];
    if (c === ')' || c === '}' || c === ']') depth++;
    else if (c === '(' || c === '{' || c === '[') {
      if (depth > 0) depth--;
      else {
        out.push({ pos: i, char: c, commas, argStart: nearestComma >= 0 ? nearestComma + 1 : i + 1 });
        commas = 0;
        nearestComma = -1;
      }
    } else if (c === ',' && depth === 0) {
      commas++;
      if (nearestComma < 0) nearestComma = i;
    } else if (c === '"' || c === "'" || c === '`') {
      const open = text.lastIndexOf(c, i - 1);
      const nl = text.lastIndexOf('\n', i - 1);
      if (open >= 0 && open > nl) i = open;
    } else if (c === '\n' && commentStart(text, i) >= 0) i = commentStart(text, i);
  }
  return out;
}

/** Where a `//` comment on the line ending at `eol` starts (-1 when none, or when `//` is within a string). */
function commentStart(text: string, eol: number): number {
  const from = text.lastIndexOf('\n', eol - 1) + 1;
  const line = text.slice(from, eol);
  const at = line.indexOf('//');
  return at >= 0 && !/["'`]/.test(line.slice(0, at)) ? from + at : -1;
}

/** The chain naming the function a `(` at `open` calls (`make`, `x.y.make`, `new Foo`), or undefined (`if (`). */
export function calleeAt(text: string, open: number): ChainStep[] | undefined {
  let i = open;
  // Type arguments (`make<A>(`).
  if (text[i - 1] === '>') {
    const lt = text.lastIndexOf('<', i - 1);
    if (lt < 0 || i - lt > CALLEE_CHARS || /[;\n(){}]/.test(text.slice(lt, i))) return undefined;
    i = lt;
  }
  const limit = Math.max(0, open - CALLEE_CHARS);
  let start = i;
  for (let j = i - 1; j >= limit; j--) {
    const c = text[j];
    if (/[\w$.?!]/.test(c)) start = j;
    else if (c === ')' && text[j + 1] === '.') {
      // A call inside the chain (`a.b(x).c(`): skip its arguments.
      let depth = 0;
      for (; j >= limit; j--) {
        if (text[j] === ')') depth++;
        else if (text[j] === '(' && --depth === 0) break;
      }
      start = j;
    } else break;
  }
  while (start < i && !/[A-Za-z_$]/.test(text[start])) start++;
  if (start >= i) return undefined;
  const before = text.slice(Math.max(0, start - 4), start);
  const at = before === 'new ' ? start - 4 : start;
  const { steps } = readChain(text.slice(0, i), at);
  if (steps.length === 0 || KEYWORDS.has(steps[0].name)) return undefined;
  return steps;
}

const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'typeof', 'await', 'yield', 'with', 'super']);

/** A definition a call names, and the name its signature declares it under (`constructor` for `new Foo(`). */
export interface Callee {
  file: IndexedFile;
  tag: IndexedTag;
  name: string;
}

/** What `name` stands for in the file being written when an import renames it (`import { make as mk }`: mk -> make). */
function importedName(text: string, imports: readonly { names: string[]; line: number }[], name: string): string {
  for (const imp of imports) {
    if (!imp.names.includes(name)) continue;
    let from = 0;
    for (let l = 0, nl = 0; l < imp.line && (nl = text.indexOf('\n', from)) >= 0; l++) from = nl + 1;
    const m = new RegExp(`([A-Za-z_$][\\w$]*)\\s+as\\s+${escapeRegExp(name)}(?![\\w$])`).exec(text.slice(from, from + IMPORT_CHARS));
    if (m && m[1] !== '*') return m[1];
  }
  return name;
}

/** Where in the file being written the import statements are: its text and their lines (aliases are read there). */
export interface ImportText {
  text: string;
  imports: readonly { names: string[]; line: number }[];
}

/** The definitions a callee chain names: functions, methods, callable variables; a class's constructor for `new`. */
export function calleeDefinitions(steps: readonly ChainStep[], resolver: TypeResolver, env: ReadonlyMap<string, TypeDef[]>, file: ImportText): Callee[] {
  const callable = (refs: readonly { file: IndexedFile; tag: IndexedTag }[]) => refs.filter((r) => CALLABLE.has(r.tag.kind)).map((r) => ({ ...r, name: r.tag.name }));
  const last = steps[steps.length - 1];
  if (steps.length === 1 && last.isNew) {
    const name = importedName(file.text, file.imports, last.name);
    return resolver.typesOf(name, resolver.fromPath).flatMap((def) => constructorOf(def, resolver));
  }
  if (steps.length === 1) {
    if (env.has(last.name)) return [];
    // A name an import binds: defined in the module that import names (under its own name when renamed).
    const original = importedName(file.text, file.imports, last.name);
    const bound = resolver.namespaceFiles(last.name);
    const imported = bound ? callable(resolver.valueDefs(original, bound)) : [];
    return imported.length ? imported : callable(resolver.valueDefs(original));
  }
  const ns = steps.length === 2 && !env.has(steps[0].name) ? resolver.namespaceFiles(steps[0].name) : undefined;
  if (ns) {
    const defs = resolver.valueDefs(last.name, ns);
    // `new ns.Client(`: readChain marks the chain's first step as constructed.
    if (!steps[0].isNew) return callable(defs);
    return defs.filter((d) => d.tag.kind === 'class').flatMap((def) => constructorOf(def, resolver));
  }
  const reached = resolver.follow(steps.slice(0, -1), env);
  if (reached.length !== steps.length - 1) return [];
  return callable(resolver.member(reached[reached.length - 1], last.name));
}

/** A class's constructor (its own, else the nearest base's). */
function constructorOf(def: TypeDef, resolver: TypeResolver): Callee[] {
  for (const { def: level } of resolver.hierarchy(def)) {
    const found = resolver.members(level).filter((m) => m.tag.kind === 'method' && m.tag.name === 'constructor');
    if (found.length) return found.map((m) => ({ ...m, name: 'constructor' }));
  }
  return [];
}

/**
 * The declared type of the parameter argument `index` fills in `callee`'s signature (a rest parameter takes the rest),
 * a type parameter replaced by its constraint (or default). Undefined when not written.
 */
export function parameterTypeAt(callee: Callee, index: number): string | undefined {
  const head = calleeHead(callee);
  const params = parameterTypesOf(head, callee.name);
  if (!params?.length) return undefined;
  const p: ParameterType | undefined = params[index] ?? (params[params.length - 1].rest ? params[params.length - 1] : undefined);
  const type = p?.type;
  if (type === undefined) return undefined;
  const typeParam = typeParametersOf(head, callee.name).find((t) => t.name === type);
  return typeParam ? (typeParam.constraint ?? typeParam.default) : type;
}

/**
 * The callee's head as one line: its signature, or when the signature cuts its brackets off (the index keeps a
 * definition's first line: `export const make = <`, `(options: {`), its snippet (the head's further lines).
 */
export function calleeHead(callee: Callee): string {
  const sig = callee.tag.signature;
  let depth = 0;
  for (let i = 0; i < sig.length; i++) {
    const c = sig[i];
    if (c === '(' || c === '{' || c === '[' || c === '<') depth++;
    else if (c === ')' || c === '}' || c === ']' || (c === '>' && sig[i - 1] !== '=')) depth--;
  }
  return depth > 0 ? callee.tag.snippet.replace(/\s+/g, ' ') : sig;
}
