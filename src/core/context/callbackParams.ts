/**
 * Parameters of the callbacks the cursor is in (`subscribe(topic, (event) => { event.| })`, `run(function ({ a, b }) {`),
 * typed from the callee's signature where the callback is written without annotations: the callee's parameter is a
 * function type (`onEvent: (event: E) => void`, a type parameter standing for its constraint), whose parameter types
 * resolve as the callee's file sees them. Bounded: the brackets within a fixed number of characters before the cursor.
 */
import { calleeAt, calleeDefinitions, calleeHead, openersAt, parameterTypeAt, type Callee, type ImportText } from './callSites';
import { functionTypeParameters, splitParams, typeParametersOf, type ParameterType } from './typeSignatures';
import type { TypeDef, TypeResolver } from './valueTypes';

/** Characters a callback's head (`async ({ a, b }: X): Promise<Y> =>`) may span. */
const MAX_HEAD = 300;
/** Callbacks typed, innermost first (each costs a callee lookup). */
const MAX_CALLBACKS = 3;

/** A parameter of a callback around the cursor: its name (undefined when destructured) and its types; innermost first. */
export interface CallbackParam {
  name?: string;
  types: TypeDef[];
  /** 0 for the innermost callback around the cursor, 1 for the one around it, ... */
  nesting: number;
}

/** The typed parameters of the callbacks around `cursor` in `text` (the lines around the cursor). */
export function callbackParamsAt(text: string, cursor: number, resolver: TypeResolver, env: ReadonlyMap<string, TypeDef[]>, file: ImportText): CallbackParam[] {
  const out: CallbackParam[] = [];
  let nesting = 0;
  for (const opener of openersAt(text, cursor)) {
    if (opener.char !== '(' || nesting >= MAX_CALLBACKS) continue;
    const fn = functionLiteralAt(text, opener.argStart, cursor);
    if (!fn || fn.params.every((p) => p.type !== undefined)) continue;
    const steps = calleeAt(text, opener.pos);
    if (!steps) continue;
    for (const callee of calleeDefinitions(steps, resolver, env, file)) {
      const declared = functionParameters(callee, opener.commas, resolver);
      fn.params.forEach((p, i) => {
        const type = declared?.[i]?.type;
        if (p.type !== undefined || type === undefined) return;
        const types = resolver.typesIn(typeArgument(callee, type), callee.file);
        if (types.length) out.push({ name: p.name, types, nesting });
      });
    }
    nesting++;
  }
  return out;
}

/** The parameters of the function type the callee's parameter `index` declares (directly or through a type alias). */
function functionParameters(callee: Callee, index: number, resolver: TypeResolver): ParameterType[] | undefined {
  const type = parameterTypeAt(callee, index);
  if (type === undefined) return undefined;
  const direct = functionTypeParameters(type);
  if (direct) return direct;
  for (const def of resolver.typesIn(type, callee.file)) {
    if (def.tag.kind !== 'type') continue;
    const viaAlias = functionTypeParameters(def.tag.signature);
    if (viaAlias) return viaAlias;
  }
  return undefined;
}

/** A type parameter of the callee (`E` of `<E extends Event>`) stands for its constraint (or default). */
function typeArgument(callee: Callee, type: string): string {
  const p = typeParametersOf(calleeHead(callee), callee.name).find((t) => t.name === type);
  return p ? (p.constraint ?? p.default ?? type) : type;
}

const IDENT = /[\w$]/;

/** The function literal starting at `from` (after whitespace) whose body the cursor is in: its parameters. */
function functionLiteralAt(text: string, from: number, cursor: number): { params: ParameterType[] } | undefined {
  const ws = (i: number) => {
    while (i < cursor && /\s/.test(text[i])) i++;
    return i;
  };
  const word = (i: number, w: string) => text.startsWith(w, i) && !IDENT.test(text[i + w.length] ?? '');
  let i = ws(from);
  if (word(i, 'async')) i = ws(i + 5);
  const isFunction = word(i, 'function');
  if (isFunction) {
    i = ws(i + 8);
    if (text[i] === '*') i = ws(i + 1);
    while (i < cursor && IDENT.test(text[i])) i++;
    i = ws(i);
  }
  if (text[i] !== '(') {
    const single = /^([A-Za-z_$][\w$]*)\s*=>/.exec(text.slice(i, Math.min(cursor, i + MAX_HEAD)));
    return !isFunction && single ? { params: [{ name: single[1], optional: false, rest: false }] } : undefined;
  }
  const end = closeAt(text, i, Math.min(cursor, i + MAX_HEAD));
  if (end < 0) return undefined;
  const params = splitParams(text.slice(i + 1, end - 1));
  if (isFunction) return { params };
  // An arrow function: `=>` after the parameters (and a return type, if written).
  const head = text.slice(end, Math.min(cursor, i + MAX_HEAD));
  return /^\s*(?::[^;{}]*?)?=>/.test(head) ? { params } : undefined;
}

/** Just past the `)` closing the `(` at `open`, before `limit`; -1 when it does not close there. */
function closeAt(text: string, open: number, limit: number): number {
  let depth = 0;
  for (let i = open; i < limit; i++) {
    const c = text[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if ((c === ')' || c === '}' || c === ']') && --depth === 0) return i + 1;
  }
  return -1;
}
