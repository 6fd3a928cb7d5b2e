/**
 * Type parameters in scope around the cursor, and what a value or type of theirs has: in `function encode<S extends
 * Schema.Top>(schema: S)` or `interface Param<S extends Constraint> extends Base<S["ast"]>`, `schema.` and `S["...` name
 * members of the constraint (TypeScript checks a type parameter's uses against its constraint). The type walk of
 * valueTypes.ts resolves a type parameter written in the cursor's file to its constraint's types instead of to a
 * same-named type elsewhere, which it would otherwise look up (or find none). Read from the text around the cursor,
 * without a parser: every `<...>` group that reads as a type parameter list.
 */
import { parseTypeParameters, skipGroup } from './typeSignatures';

/** Characters a type parameter list may span (bounds the scan of a `<` that is a comparison). */
const MAX_LIST_CHARS = 600;

/**
 * The constraints of the type parameters declared in `text` (`<A, B extends C = D>`: B -> `C`), by name. Those declared
 * before `cursor` win, the nearest one last; a name declared only after it is taken from its first declaration there.
 * A parameter without a constraint, or whose constraint is a conditional type, is left out.
 */
export function typeParameterConstraints(text: string, cursor: number): Map<string, string> {
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  for (let i = text.indexOf('<'); i >= 0; i = text.indexOf('<', i + 1)) {
    // Only a list with a constraint counts: none without an `extends` soon after (most `<` are type arguments).
    const ext = text.indexOf('extends', i);
    if (ext < 0) break;
    if (ext > i + MAX_LIST_CHARS) continue;
    // A list follows a name (`f<`, `Param<`) or opens an arrow function's (`= <A>(`, `(<A>(`); `<=` and `<<` are operators.
    const prev = text[previousNonSpace(text, i)] ?? '';
    if (!/[\w$=(,:]/.test(prev) || text[i + 1] === '=' || text[i + 1] === '<') continue;
    const end = skipGroupWithin(text, i);
    if (end < 0) continue;
    if (ext >= end) continue;
    const inner = text.slice(i + 1, end - 1);
    const params = parseTypeParameters(inner);
    const into = i < cursor ? before : after;
    for (const p of params) {
      if (p.constraint === undefined || /[?]/.test(p.constraint.replace(/\?\s*:/g, '').replace(/\?\./g, ''))) continue;
      if (into === after && (before.has(p.name) || after.has(p.name))) continue;
      into.set(p.name, p.constraint);
    }
  }
  for (const [k, v] of after) if (!before.has(k)) before.set(k, v);
  return before;
}

function previousNonSpace(text: string, i: number): number {
  let j = i - 1;
  while (j >= 0 && /\s/.test(text[j])) j--;
  return j;
}

/** skipGroup bounded to MAX_LIST_CHARS (a comparison's `<` never closes, or closes far away). */
function skipGroupWithin(text: string, open: number): number {
  const end = skipGroup(text.slice(open, open + MAX_LIST_CHARS), 0);
  return end < 0 ? -1 : open + end;
}
