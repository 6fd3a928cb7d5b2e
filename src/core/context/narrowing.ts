/**
 * What a type checker narrows a value to, read from the text around the cursor:
 *  - a discriminated union tested on its tag: inside `switch (ast._tag) { case "Union": |` or `if (ast._tag === "Union") {
 *    |`, `ast` is the union's member whose `_tag` is declared `"Union"` (`interface Union { readonly _tag: "Union"; types:
 *    ... }`), and the block goes on to use that member's own fields (`ast.types`), which no other member has;
 *  - a cast or a `satisfies` ending a declaration (`const entry = lookup(key) as Rpc.Handler<T>`): the value's type is
 *    the one written, whatever the call returns.
 * Both are what TypeScript's language service resolves there; no corpus, library or name is special.
 */
import { openersAt } from './callSites';
import { basesOf, declaredTypeOf } from './typeSignatures';
import { TYPE_KINDS, type TypeDef, type TypeResolver } from './valueTypes';
import type { IndexedTag } from './workspaceIndex';
import { escapeRegExp, quoteEndOnLine } from '../strings';

/** Characters before a `{` read for the `switch (...)` or `if (...)` that opens it. */
const HEAD_CHARS = 200;
/** Union aliases followed into (`type A = B | C` with `type B = D | E`), and union members visited. */
const MAX_ALIAS_DEPTH = 3;
const MAX_MEMBERS = 64;

/** A value narrowed by a test of one of its fields against a string literal. */
export interface Narrowing {
  value: string;
  field: string;
  /** The literals the field was tested against (a `case` group falling through: several). */
  literals: string[];
}

const NAME = '[A-Za-z_$][\\w$]*';
const STRING = `(["'\`])([^"'\`\\n]*)\\`;
/** `switch (v.f) ` just before a `{`. */
const SWITCH_HEAD = new RegExp(`\\bswitch\\s*\\(\\s*(${NAME})\\s*\\.\\s*(${NAME})\\s*\\)\\s*$`);
/** `if (v.f === "L") ` (or `==`, either side) just before a `{`. */
const IF_HEAD = new RegExp(`\\bif\\s*\\(\\s*(?:(${NAME})\\s*\\.\\s*(${NAME})\\s*===?\\s*${STRING}3|${STRING}5\\s*===?\\s*(${NAME})\\s*\\.\\s*(${NAME}))\\s*\\)\\s*$`);
const CASE_LABEL = new RegExp(`^case\\s+${STRING}1\\s*:`);

/**
 * The narrowings in force at `cursor` in `text`, innermost first: each `switch (v.f)` whose block the cursor is in,
 * with the `case "…":` labels of the group the cursor is under, and each `if (v.f === "…") {` block it is in.
 */
export function narrowingsAt(text: string, cursor: number): Narrowing[] {
  const out: Narrowing[] = [];
  const openers = openersAt(text, cursor);
  for (const [k, o] of openers.entries()) {
    if (o.char !== '{') continue;
    const head = text.slice(Math.max(0, o.pos - HEAD_CHARS), o.pos);
    const sw = SWITCH_HEAD.exec(head);
    if (sw) {
      // The labels at the top level of the switch's block, up to the cursor (or the block it is in: `case "A": {`).
      const literals = caseGroup(text, o.pos + 1, k > 0 ? openers[k - 1].pos : cursor);
      if (literals.length) out.push({ value: sw[1], field: sw[2], literals });
      continue;
    }
    const test = IF_HEAD.exec(head);
    if (test) out.push(test[1] !== undefined ? { value: test[1], field: test[2], literals: [test[4]] } : { value: test[7], field: test[8], literals: [test[6]] });
  }
  return out;
}

/**
 * The string literals of the `case` labels of the group that ends last before `end`, read at the top level of the block
 * text[from, end) (labels of nested blocks skipped); empty when that group is `default` or a label is no string.
 */
function caseGroup(text: string, from: number, end: number): string[] {
  let depth = 0;
  let group: string[] = [];
  let open = false; // whether the last top-level token seen was a label (a following label joins its group)
  for (let i = from; i < end; i++) {
    const c = text[i];
    if (c === '{' || c === '(' || c === '[') [depth, open] = [depth + 1, false];
    else if (c === '}' || c === ')' || c === ']') [depth, open] = [depth - 1, false];
    else if (c === '"' || c === "'" || c === '`') {
      i = quoteEndOnLine(text, i);
      if (depth === 0) open = false;
    } else if (depth === 0 && (c === 'c' || c === 'd') && !/[\w$]/.test(text[i - 1] ?? '')) {
      const rest = text.slice(i, i + 200);
      const label = CASE_LABEL.exec(rest);
      if (label) {
        group = open ? [...group, label[2]] : [label[2]];
        open = true;
        i += label[0].length - 1;
        continue;
      }
      if (/^default\s*:/.test(rest)) {
        group = [];
        open = false;
        i += 'default'.length;
        continue;
      }
      open = false;
    } else if (depth === 0 && !/\s/.test(c)) open = false;
  }
  return group;
}

/**
 * The members of the unions `types` (type aliases followed into, a few levels) whose field `field` is declared as one of
 * `literals` (`readonly _tag: "Union"`, or a base given it: `interface Union extends Keyword<"Union">`); empty when none
 * is, or when `types` are no unions of such members.
 */
export function narrowedTypes(types: readonly TypeDef[], field: string, literals: readonly string[], resolver: TypeResolver): TypeDef[] {
  const quoted = new RegExp(`(["'\`])(?:${literals.map(escapeRegExp).join('|')})\\1`);
  const out: TypeDef[] = [];
  const seen = new Set<IndexedTag>();
  let level: TypeDef[] = [...types];
  for (let depth = 0; depth <= MAX_ALIAS_DEPTH && level.length && seen.size < MAX_MEMBERS; depth++) {
    const next: TypeDef[] = [];
    for (const def of level) {
      if (seen.has(def.tag) || seen.size >= MAX_MEMBERS) continue;
      seen.add(def.tag);
      if (def.tag.kind !== 'type' || resolver.members(def).some((m) => m.tag.name === field)) {
        // A member: its field declared as the literal, or the literal given to a base (`extends Tagged("Union")`).
        const declared = fieldType(def, field, resolver);
        if ((declared !== undefined && quoted.test(declared)) || quoted.test(def.tag.signature)) out.push(def);
        continue;
      }
      // A union alias: its members are looked at next (as written in the alias's file). A long one whose members the
      // index's snippet elides: the types of its file that declare the literal.
      const head = def.tag.snippet.replace(/\s+/g, ' ');
      for (const name of basesOf(head, def.tag.name)) next.push(...resolver.typeDefs(name, def.file.path));
      if (head.includes(ELIDED)) next.push(...declaring(def, field, quoted));
    }
    level = next;
  }
  return out;
}

/** The elision mark of a snippet cut short (snippets.ts). */
const ELIDED = '…';

/** The types of `def`'s file (but `def`) that declare `field` as a literal `quoted` matches, or name it in their head. */
function declaring(def: TypeDef, field: string, quoted: RegExp): TypeDef[] {
  const out: TypeDef[] = [];
  const types = def.file.tags.filter((t) => t !== def.tag && TYPE_KINDS.has(t.kind));
  for (const t of def.file.tags) {
    if (t.name !== field || !quoted.test(t.signature)) continue;
    const owner = types.filter((o) => o.startLine <= t.startLine && o.endLine >= t.endLine).at(-1);
    if (owner) out.push({ file: def.file, tag: owner });
  }
  for (const t of types) if (quoted.test(t.signature)) out.push({ file: def.file, tag: t });
  return out;
}

/**
 * The declared type of `field` on `def` (its own, else its nearest base's; a type alias: its own only, its "bases" are
 * the union's members), or undefined when it has no such field.
 */
function fieldType(def: TypeDef, field: string, resolver: TypeResolver): string | undefined {
  const [member] = def.tag.kind === 'type' ? resolver.members(def).filter((m) => m.tag.name === field) : resolver.member([def], field);
  return member ? (declaredTypeOf(member.tag.signature, field) ?? '') : undefined;
}

/**
 * The type written by a cast or a `satisfies` that ends the statement beginning at `at` on its line (`lookup(k) as
 * Handler<T>`), or undefined. `as const` and casts inside the expression (`f(x as T)`) are none.
 */
export function castTypeAt(text: string, at: number): string | undefined {
  const eol = text.indexOf('\n', at);
  const line = text.slice(at, eol < 0 ? text.length : eol);
  const m = /^.*[\w$)\]}>"'`]\s+(?:as|satisfies)\s+([A-Za-z_$][^;]*?)\s*;?\s*$/.exec(line);
  if (!m || m[1] === 'const') return undefined;
  const type = m[1];
  // The captured text must be the type alone: brackets balanced (`f(x as T)` leaves a `)` unopened).
  let depth = 0;
  for (const c of type) {
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (depth < 0) return undefined;
  }
  return depth === 0 ? type : undefined;
}
