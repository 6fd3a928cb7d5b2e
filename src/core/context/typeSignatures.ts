/**
 * Reading types out of definition signatures (the whitespace-collapsed heads the index keeps), without a type checker:
 * the declared return type of a function or method (`function string(params?: P): ZodString` -> `ZodString`), the
 * annotation of a variable or field (`globalConfig: $ZodConfig = ...` -> `$ZodConfig`), the bases of a class or
 * interface (`interface A<T> extends B<T>, C` -> B, C) and the right side of a type alias (`type R = S | E` -> S, E).
 * Text in, names out: which of the names are types is for the caller (the workspace index) to say.
 */

const IDENT_START = /[A-Za-z_$]/;
const IDENT = /[\w$]/;

/** The index just past the bracket group that opens at `open` (`(`, `<`, `[` or `{`), or -1 when it never closes. */
export function skipGroup(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && s[i - 1] !== '=')) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

const skipSpace = (s: string, i: number) => {
  while (i < s.length && s[i] === ' ') i++;
  return i;
};

/** Where `name` occurs in `signature` as a whole word, first occurrence (-1 when absent). */
function wordAt(signature: string, name: string): number {
  for (let i = signature.indexOf(name); i >= 0; i = signature.indexOf(name, i + 1)) {
    if ((i === 0 || !IDENT.test(signature[i - 1])) && !IDENT.test(signature[i + name.length] ?? '')) return i;
  }
  return -1;
}

/** The text from `from` to the first `stop` character at bracket depth 0 (or the end), trimmed. */
function untilTopLevel(s: string, from: number, stop: (c: string, i: number) => boolean): string {
  let depth = 0;
  let i = from;
  for (; i < s.length; i++) {
    const c = s[i];
    if (depth === 0 && stop(c, i)) break;
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if ((c === ')' || c === ']' || c === '}' || (c === '>' && s[i - 1] !== '=')) && depth > 0) depth--;
  }
  return s.slice(from, i).trim();
}

/**
 * The declared return type of callable `name` in `signature`: after its (optional) type parameters and its parameter
 * list, the text following `:`. Also the arrow function or function type a variable holds (`const f = (x): T => ...`,
 * `const f: (x: X) => T = ...`). Undefined when none is written.
 */
export function returnTypeOf(signature: string, name: string): string | undefined {
  const at = wordAt(signature, name);
  if (at < 0) return undefined;
  let i = skipSpace(signature, at + name.length);
  if (signature[i] === '?') i = skipSpace(signature, i + 1);
  if (signature[i] === '<') i = skipSpace(signature, skipGroup(signature, i));
  if (signature[i] === ':' || signature[i] === '=') {
    // A variable: its annotation is a function type, or its value an arrow function.
    const annotated = signature[i] === ':';
    i = skipSpace(signature, i + 1);
    if (!annotated && signature.startsWith('async', i)) i = skipSpace(signature, i + 5);
    if (signature[i] === '<') i = skipSpace(signature, skipGroup(signature, i));
    if (signature[i] !== '(') return undefined;
    const end = skipGroup(signature, i);
    if (end < 0) return undefined;
    const j = skipSpace(signature, end);
    if (annotated) return signature.startsWith('=>', j) ? nonEmpty(untilTopLevel(signature, j + 2, (c) => c === '=' || c === ';')) : undefined;
    return signature[j] === ':' ? nonEmpty(untilTopLevel(signature, j + 1, (c, k) => c === ';' || c === '{' || (c === '=' && signature[k + 1] === '>'))) : undefined;
  }
  if (signature[i] !== '(') return undefined;
  const end = skipGroup(signature, i);
  if (end < 0) return undefined;
  const j = skipSpace(signature, end);
  return signature[j] === ':' ? nonEmpty(untilTopLevel(signature, j + 1, (c) => c === ';' || c === '{')) : undefined;
}

/** One parameter of a callable: its name (undefined when destructured), its declared type, optional or rest. */
export interface ParameterType {
  name?: string;
  type?: string;
  optional: boolean;
  rest: boolean;
}

/** One type parameter: `T`, `T extends C`, `T = D`, `const T extends C = D`. */
export interface TypeParameter {
  name: string;
  constraint?: string;
  default?: string;
}

/**
 * The type parameter and parameter lists (their text inside the brackets) of callable `name` in `signature`, read where
 * returnTypeOf reads them: `f<T>(a)`, `const f = <T>(a) =>`, `const f: <T>(a) => R = ...`, `m?(a)`; a parameter list
 * the signature cuts off, as far as it goes.
 */
function callableParts(signature: string, name: string): { typeParams?: string; params: string } | undefined {
  const at = wordAt(signature, name);
  if (at < 0) return undefined;
  let i = skipSpace(signature, at + name.length);
  if (signature[i] === '?') i = skipSpace(signature, i + 1);
  let typeParams: string | undefined;
  const readTypeParams = () => {
    if (signature[i] !== '<') return true;
    const end = skipGroup(signature, i);
    if (end < 0) return false;
    typeParams = signature.slice(i + 1, end - 1);
    i = skipSpace(signature, end);
    return true;
  };
  if (!readTypeParams()) return undefined;
  if (signature[i] === ':' || signature[i] === '=') {
    if (typeParams !== undefined) return undefined;
    const annotated = signature[i] === ':';
    i = skipSpace(signature, i + 1);
    if (!annotated && signature.startsWith('async', i)) i = skipSpace(signature, i + 5);
    if (!readTypeParams()) return undefined;
  }
  if (signature[i] !== '(') return undefined;
  // A list the text cuts off (a one-line head of `make = (options: {`) is read as far as it goes.
  const end = skipGroup(signature, i);
  return { typeParams, params: signature.slice(i + 1, end < 0 ? signature.length : end - 1) };
}

/** `s` split at its top-level commas, each part trimmed, empty parts dropped. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  for (let start = 0; ; ) {
    const comma = nextTopLevelComma(s, start);
    const part = s.slice(start, comma < 0 ? s.length : comma).trim();
    if (part) out.push(part);
    if (comma < 0) return out;
    start = comma + 1;
  }
}

/** The index of the first comma at bracket depth 0 at or after `from`, or -1. */
function nextTopLevelComma(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if ((c === ')' || c === ']' || c === '}' || (c === '>' && s[i - 1] !== '=')) && depth > 0) depth--;
    else if (c === ',' && depth === 0) return i;
    else if (c === '"' || c === "'" || c === '`') {
      const close = s.indexOf(c, i + 1);
      if (close < 0) return -1;
      i = close;
    }
  }
  return -1;
}

/**
 * The parameters of callable `name` in `signature`, in order (a `this` parameter left out: no argument fills it):
 * `make(options: Options, cb?: (o: O) => void, ...rest: R[])` gives `options: Options`, `cb: (o: O) => void` (optional),
 * `rest: R[]` (rest). Undefined when no parameter list is written.
 */
export function parameterTypesOf(signature: string, name: string): ParameterType[] | undefined {
  const parts = callableParts(signature, name);
  if (!parts) return undefined;
  return splitParams(parts.params);
}

/** A parameter list's text (inside its parentheses) read into parameters. */
export function splitParams(params: string): ParameterType[] {
  const out: ParameterType[] = [];
  for (const raw of splitTopLevel(params)) {
    let p = raw.replace(/^(?:(?:public|private|protected|readonly|override)\s+)+/, '');
    const rest = p.startsWith('...');
    if (rest) p = p.slice(3).trimStart();
    // The parameter's name (or destructuring pattern), then `?`, then `: Type`, then `= default`.
    let nameEnd: number;
    let paramName: string | undefined;
    if (p[0] === '{' || p[0] === '[') nameEnd = skipGroup(p, 0);
    else {
      const m = /^[A-Za-z_$][\w$]*/.exec(p);
      if (!m) continue;
      paramName = m[0];
      nameEnd = m[0].length;
    }
    if (nameEnd < 0) continue;
    if (paramName === 'this') continue;
    let i = skipSpace(p, nameEnd);
    const optional = p[i] === '?';
    if (optional) i = skipSpace(p, i + 1);
    const isDefault = (c: string, k: number) => c === '=' && p[k + 1] !== '>';
    const type = p[i] === ':' ? nonEmpty(untilTopLevel(p, i + 1, isDefault)) : undefined;
    const hasDefault = untilTopLevel(p, i, isDefault).length < p.slice(i).trim().length;
    out.push({ name: paramName, type, optional: optional || hasDefault, rest });
  }
  return out;
}

/**
 * The parameters of a function type (`(event: E, index: number) => void`, `<X>(x: X) => R`, `((e: E) => void) |
 * undefined`), or of the function type a type alias stands for (`type Handler<E> = (e: E) => void`). Undefined when
 * `type` is no function type.
 */
export function functionTypeParameters(type: string): ParameterType[] | undefined {
  let t = type.trim();
  const alias = /^(?:export\s+)?(?:declare\s+)?type\s+[A-Za-z_$][\w$]*\s*/.exec(t);
  if (alias) {
    let i = alias[0].length;
    if (t[i] === '<') i = skipGroup(t, i);
    if (i < 0 || t[skipSpace(t, i)] !== '=') return undefined;
    t = t.slice(skipSpace(t, i) + 1).trim();
  }
  for (let wraps = 0; wraps < 3; wraps++) {
    let i = 0;
    if (t.startsWith('new ')) i = skipSpace(t, 4);
    if (t[i] === '<') i = skipSpace(t, skipGroup(t, i));
    if (i < 0 || t[i] !== '(') return undefined;
    const end = skipGroup(t, i);
    if (end < 0) return undefined;
    if (t.startsWith('=>', skipSpace(t, end))) return splitParams(t.slice(i + 1, end - 1));
    // Parentheses around a function type (`((e: E) => void) | undefined`).
    if (i !== 0) return undefined;
    t = t.slice(1, end - 1).trim();
  }
  return undefined;
}

/** The type parameters of callable or type `name` in `signature` (`<A extends B = C, D>`), in order. */
export function typeParametersOf(signature: string, name: string): TypeParameter[] {
  let text = callableParts(signature, name)?.typeParams;
  if (text === undefined) {
    const at = wordAt(signature, name);
    const i = at < 0 ? -1 : skipSpace(signature, at + name.length);
    if (i < 0 || signature[i] !== '<') return [];
    const end = skipGroup(signature, i);
    if (end < 0) return [];
    text = signature.slice(i + 1, end - 1);
  }
  return parseTypeParameters(text);
}

/** A type parameter list's text (inside its angle brackets) read into type parameters; parts that are none are skipped. */
export function parseTypeParameters(text: string): TypeParameter[] {
  const out: TypeParameter[] = [];
  for (const raw of splitTopLevel(text)) {
    const m = /^(?:(?:in|out|const)\s+)*([A-Za-z_$][\w$]*)\s*/.exec(raw);
    if (!m) continue;
    let i = m[0].length;
    let constraint: string | undefined;
    if (raw.startsWith('extends', i) && !IDENT.test(raw[i + 7] ?? '')) {
      constraint = nonEmpty(untilTopLevel(raw, i + 7, (c, k) => c === '=' && raw[k + 1] !== '>'));
      i = raw.indexOf('=', i + 7 + (constraint?.length ?? 0));
    } else i = raw[i] === '=' ? i : -1;
    const dflt = i >= 0 && raw[i] === '=' ? nonEmpty(raw.slice(i + 1).trim()) : undefined;
    out.push({ name: m[1], constraint, default: dflt });
  }
  return out;
}

/** The annotation of variable, field or property `name` (`name: T`, `name?: T`, `readonly name: T = ...`). */
export function declaredTypeOf(signature: string, name: string): string | undefined {
  const at = wordAt(signature, name);
  if (at < 0) return undefined;
  let i = skipSpace(signature, at + name.length);
  // A member named by a string (`readonly "Type": T`): past its closing quote.
  if ((signature[i] === '"' || signature[i] === "'") && signature[at - 1] === signature[i]) i = skipSpace(signature, i + 1);
  if (signature[i] === '?' || signature[i] === '!') i = skipSpace(signature, i + 1);
  if (signature[i] !== ':') return undefined;
  return nonEmpty(untilTopLevel(signature, i + 1, (c, k) => c === ';' || c === ',' || (c === '=' && signature[k + 1] !== '>')));
}

/**
 * What a type definition builds on: the bases after `extends` / `implements` of a class or interface (or `:` of a
 * C#/Kotlin-style head), or the right side of a type alias (`type R<T> = S<T> | E<T>`). Names at bracket depth 0 only
 * (`B<C>` gives B, not C), qualifiers dropped, the definition's own type parameters left out.
 */
export function basesOf(signature: string, name: string): string[] {
  const at = wordAt(signature, name);
  if (at < 0) return [];
  let i = skipSpace(signature, at + name.length);
  const params = new Set<string>();
  let typeParams: TypeParameter[] = [];
  if (signature[i] === '<') {
    const end = skipGroup(signature, i);
    if (end < 0) return [];
    for (const m of signature.slice(i + 1, end - 1).matchAll(/(?:^|,)\s*(?:(?:in|out|const)\s+)*([A-Za-z_$][\w$]*)/g)) params.add(m[1]);
    typeParams = parseTypeParameters(signature.slice(i + 1, end - 1));
    i = end;
  }
  const rest = signature.slice(i);
  const alias = /^\s*=/.exec(rest);
  if (alias) {
    // A type alias's own parameter, written at its top level (`type Raw<T extends Base = Issue> = T extends any ? R<T> :
    // never`), stands for its default where it has one (what the alias means when used without arguments), else for
    // its constraint (whose members every argument has).
    const out: string[] = [];
    for (const n of typeNames(rest.slice(alias[0].length), true)) {
      if (!params.has(n)) out.push(n);
      else {
        const p = typeParams.find((t) => t.name === n);
        const stands = p?.default ?? p?.constraint;
        if (stands !== undefined) out.push(...typeNames(stands, true).filter((x) => !params.has(x)));
      }
    }
    return [...new Set(out)];
  }
  const m = /\b(?:extends|implements)\b/.exec(rest);
  if (!m) return [];
  return typeNames(rest.slice(m.index), true).filter((n) => !params.has(n));
}

const TYPE_WORDS = new Set([
  'extends', 'implements', 'keyof', 'typeof', 'readonly', 'infer', 'is', 'asserts', 'unique', 'new', 'this', 'in', 'out', 'const',
]);

/**
 * The type names a type expression mentions: identifiers, the last part of a qualified name (`core.output` -> output),
 * not property keys of object types (`{ a: T }` gives T) nor type-level keywords. `topLevel`: only names at bracket
 * depth 0 (`Promise<R>` gives Promise).
 */
export function typeNames(expr: string, topLevel = false): string[] {
  const out: string[] = [];
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if ((c === ')' || c === ']' || c === '}' || (c === '>' && expr[i - 1] !== '=')) && depth > 0) depth--;
    else if (c === '"' || c === "'" || c === '`') {
      const close = expr.indexOf(c, i + 1);
      i = close < 0 ? expr.length : close;
    } else if (IDENT_START.test(c) && (i === 0 || !IDENT.test(expr[i - 1]))) {
      let j = i + 1;
      while (j < expr.length && IDENT.test(expr[j])) j++;
      const word = expr.slice(i, j);
      const next = expr[skipSpace(expr, j)];
      const qualifier = next === '.' && IDENT_START.test(expr[skipSpace(expr, j) + 1] ?? '');
      const key = next === ':' || (next === '?' && expr[skipSpace(expr, skipSpace(expr, j) + 1)] === ':');
      if ((!topLevel || depth === 0) && !qualifier && !key && !TYPE_WORDS.has(word) && !/^\d/.test(word)) out.push(word);
      i = j - 1;
    }
  }
  return [...new Set(out)];
}

const nonEmpty = (s: string) => (s.length > 0 ? s : undefined);
