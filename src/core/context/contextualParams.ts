/**
 * Parameters of a function literal typed by where it is written rather than by a callee: returned from a function whose
 * return type is declared (`const error: () => ErrorMap = () => { ... return (issue) => { issue.| } }`), or assigned
 * to a variable whose type is (`const onEvent: Handler = (event) => {`). TypeScript types such a literal's unannotated
 * parameters from that type's call signature: a function type written there, a type alias of one, or an interface with
 * a call signature (`interface ErrorMap { (issue: RawIssue): string }`). Read from the text and the enclosing scopes'
 * signatures, without a parser.
 */
import type { CallbackParam } from './callbackParams';
import { openersAt } from './callSites';
import type { Tag } from './structure';
import { declaredTypeOf, functionTypeParameters, returnTypeOf, skipGroup, splitParams, type ParameterType } from './typeSignatures';
import type { TypeDef, TypeResolver } from './valueTypes';

/** Characters a function literal's head may span before its body's `{`. */
const MAX_HEAD = 300;
/** Blocks around the cursor looked at for the function literal's body (the innermost may be an `if`'s or a `case`'s). */
const MAX_BLOCKS = 6;
/** Definition kinds whose signature may declare a return type. */
const RETURNING = new Set(['function', 'method', 'variable', 'constant', 'property', 'field']);

/**
 * `return (a, b) => {`, `return function (a) {`, `return a => {` (group 1: `return`), or `name: Type = (a) => {` (group
 * 2: the name, group 3: the type); the parameter list in group 4 (or a single parameter in group 5).
 */
const HEAD = /(?:(?:^|[^\w$.])(return)|(?:^|[^\w$.])([A-Za-z_$][\w$]*)\s*:\s*([^=;{}]+?)\s*=)\s*(?:async\s+)?(?:(?:function\s*\*?\s*[\w$]*\s*)?\(([^()]*)\)\s*(?::[^=;{}()]*)?(?:=>)?|([A-Za-z_$][\w$]*)\s*=>)\s*$/;

/** The typed parameters of the function literal whose body the cursor is in, when its context types it. */
export function contextualParamsAt(text: string, cursor: number, scopes: readonly Tag[], resolver: TypeResolver): CallbackParam[] {
  let blocks = 0;
  for (const opener of openersAt(text, cursor)) {
    if (opener.char !== '{') continue;
    if (++blocks > MAX_BLOCKS) break;
    // A function's body follows its parameters (`)`) or an arrow (`=>`): other blocks are not read further.
    let j = opener.pos - 1;
    while (j >= 0 && /\s/.test(text[j])) j--;
    if (text[j] !== ')' && !(text[j] === '>' && text[j - 1] === '=')) continue;
    const m = HEAD.exec(text.slice(Math.max(0, opener.pos - MAX_HEAD), opener.pos));
    if (!m) continue;
    const params = m[5] !== undefined ? [{ name: m[5], optional: false, rest: false }] : splitParams(m[4] ?? '');
    const declared = m[1] ? returnedType(scopes) : m[3];
    if (declared === undefined) return [];
    const out: CallbackParam[] = [];
    for (const { params: signature, def } of callSignatures(declared, resolver)) {
      params.forEach((p, i) => {
        const type = signature[i]?.type;
        if (p.type !== undefined || type === undefined) return;
        const types = def === undefined ? resolver.typesOf(type, resolver.fromPath) : resolver.typesIn(type, def.file);
        if (types.length) out.push({ name: p.name, types, nesting: 0 });
      });
    }
    return out;
  }
  return [];
}

/** The declared return type of the innermost enclosing definition that declares one. */
function returnedType(scopes: readonly Tag[]): string | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i];
    if (!RETURNING.has(s.kind)) continue;
    const type = returnTypeOf(s.signature, s.name);
    if (type !== undefined) return type;
    // A variable annotated with a function type whose value is the function (`const f: () => T = () => {`).
    const declared = declaredTypeOf(s.signature, s.name);
    const arrow = declared === undefined ? undefined : /=>\s*([^]+)$/.exec(declared)?.[1];
    if (arrow !== undefined) return arrow.trim();
  }
  return undefined;
}

/**
 * The call signatures a declared type gives a function literal: a function type written out, or a type it names (in
 * the cursor's file's terms) that is an alias of a function type or an interface with a call signature, with that
 * type's definition (its parameter types resolve in its file).
 */
function callSignatures(declared: string, resolver: TypeResolver): { params: ParameterType[]; def?: TypeDef }[] {
  const direct = functionTypeParameters(declared);
  if (direct) return [{ params: direct }];
  const out: { params: ParameterType[]; def?: TypeDef }[] = [];
  for (const def of resolver.typesOf(declared, resolver.fromPath)) {
    const params = def.tag.kind === 'type' ? functionTypeParameters(def.tag.snippet.replace(/\s+/g, ' ')) : def.tag.kind === 'interface' ? callSignatureOf(def.tag.snippet) : undefined;
    if (params) out.push({ params, def });
  }
  return out;
}

/** The parameters of an interface's first call signature (`(issue: RawIssue<T>): string;`, `<A>(a: A): B`), read from its snippet. */
export function callSignatureOf(snippet: string): ParameterType[] | undefined {
  for (const line of snippet.split('\n').slice(1)) {
    const t = line.trim();
    let i = 0;
    if (t[0] === '<') i = skipGroup(t, 0);
    if (i < 0 || t[i] !== '(') continue;
    const end = skipGroup(t, i);
    if (end < 0 || !/^\s*:/.test(t.slice(end))) continue;
    return splitParams(t.slice(i + 1, end - 1));
  }
  return undefined;
}
