/**
 * Keys of an object literal passed to a call (`make({ name: "x", | })`, `new Client({`, `x.run({ retry: { | } })`): the
 * next line most likely sets another field of the parameter's declared type, which the file never names. The callee is
 * found in the index, the parameter's type read from its signature and resolved as the callee's file sees it; that
 * type's fields the literal does not set yet (inherited ones included) are what typedMembers.ts offers. A parameter
 * typed inline (`opts: { a: A; b?: B }`) is the callee's own definition to show.
 */
import { calleeAt, calleeDefinitions, openersAt, parameterTypeAt, type Callee, type ImportText } from './callSites';
import { declaredTypeOf } from './typeSignatures';
import type { TypeDef, TypeResolver } from './valueTypes';

/** Literals nested in literals followed outwards (`{ retry: { |`), and characters scanned for the keys already set. */
const MAX_NESTING = 3;
const KEY_SCAN = 4000;

/** The object literal argument the cursor is in: its type's definitions, the keys it sets, callees typing it inline. */
export interface LiteralArgument {
  types: TypeDef[];
  keys: Set<string>;
  inline: Callee[];
}

/** The literal argument at `cursor` in `text` (the lines around the cursor), or undefined when the cursor is in none. */
export function literalArgumentAt(text: string, cursor: number, resolver: TypeResolver, env: ReadonlyMap<string, TypeDef[]>, file: ImportText): LiteralArgument | undefined {
  const openers = openersAt(text, cursor);
  if (openers[0]?.char !== '{') return undefined;
  const keyPath: string[] = [];
  let k = 0;
  for (;;) {
    const before = text.slice(Math.max(0, openers[k].pos - 200), openers[k].pos);
    const key = /([A-Za-z_$][\w$]*)\??\s*:\s*$/.exec(before);
    if (/[(,]\s*$/.test(before) && openers[k + 1]?.char === '(') break;
    if (!key || openers[k + 1]?.char !== '{' || keyPath.length >= MAX_NESTING) return undefined;
    keyPath.unshift(key[1]);
    k++;
  }
  const call = openers[k + 1];
  const steps = calleeAt(text, call.pos);
  if (!steps) return undefined;
  const types: TypeDef[] = [];
  const inline: Callee[] = [];
  for (const callee of calleeDefinitions(steps, resolver, env, file)) {
    const type = parameterTypeAt(callee, call.commas);
    if (type === undefined) continue;
    if (type.startsWith('{')) {
      if (keyPath.length === 0) inline.push(callee);
      continue;
    }
    types.push(...fieldTypes(resolver.typesIn(type, callee.file), keyPath, resolver));
  }
  if (types.length === 0 && inline.length === 0) return undefined;
  return { types, keys: literalKeys(text, openers[0].pos), inline };
}

/** The types of the fields `path` names, one level after another (`retry` of Options, then `backoff` of its type). */
function fieldTypes(types: TypeDef[], path: readonly string[], resolver: TypeResolver): TypeDef[] {
  for (const key of path) {
    types = resolver.member(types, key).flatMap((m) => {
      const t = declaredTypeOf(m.tag.signature, m.tag.name);
      return t === undefined || t.startsWith('{') ? [] : resolver.typesIn(t, m.file);
    });
  }
  return types;
}

/** The keys the literal opening at `open` sets at its own level (`a: 1`, `b,` shorthand, `c() {` methods). */
export function literalKeys(text: string, open: number): Set<string> {
  const keys = new Set<string>();
  let depth = 0;
  let entryStart = true;
  const end = Math.min(text.length, open + KEY_SCAN);
  for (let i = open + 1; i < end && depth >= 0; i++) {
    const c = text[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) entryStart = true;
    else if (c === '"' || c === "'" || c === '`') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) break;
      i = close;
      entryStart = false;
    } else if (entryStart && /[A-Za-z_$]/.test(c)) {
      const m = /^(?:readonly\s+|async\s+|get\s+|set\s+)?([A-Za-z_$][\w$]*)\s*\??\s*(?=[:,}(\n]|$)/.exec(text.slice(i, i + 120));
      if (m) keys.add(m[1]);
      entryStart = false;
    } else if (!/\s/.test(c)) entryStart = false;
  }
  return keys;
}
