/**
 * The types of Go values near the cursor, read the way Go states them: a parameter, receiver or `var` names its type
 * after the name (`func (p *Pass) run(f *ast.File, a, b int)`, `var x T`); a short declaration or assignment takes the
 * first result of what it calls (`l := ev.Label(0)`, `obj, err := pkg.Load()`), the type it builds (`c := &Config{…}`)
 * or the type it asserts (`t, ok := x.(*types.Named)`); `for k, v := range xs` takes the element type of `xs` (its
 * declared `[]*T` / `map[K]V` reads as `T` / `V`, so a value and a single range variable get the element's type); in
 * a type switch (`switch n := n.(type)`) the value has the type of the `case` the cursor is under. Inside a composite
 * literal (`&packages.Config{ Mode: …,` or an element of `[]pkg.Module{{`) the next line most likely sets a field of
 * the literal's type.
 */
import type { TypeDef, TypeResolver } from './valueTypes';

/** `name Type` after `(`, `,` or `var` (parameters, receivers, results, variables); names may come in a list (`a, b T`). */
const TYPED = /(?:[(,]|\bvar\b)\s*((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*)\s+(?:\.\.\.)?((?:\[\d*\]|\*|map\[[^\]\n]*\]|chan\s+)*(?:[A-Za-z_]\w*\.)?[A-Za-z_]\w*)/g;
/** `a, b := `, `x = `, `var x = ` (not `==`, `:= range` handled apart). */
const ASSIGN = /(?:^|[^\w.\]])((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*)\s*:?=(?!=)\s*/g;
/** `switch v := x.(type) {` */
const TYPE_SWITCH = /\bswitch\s+([A-Za-z_]\w*)\s*:=\s*[^\n{]*\.\(type\)\s*\{/g;
const KEYWORDS = new Set(['var', 'const', 'if', 'for', 'switch', 'return', 'case', 'range', 'func', 'go', 'defer', 'else', 'type']);

/** Characters scanned back from the cursor for the composite literal it is in. */
const LITERAL_SCAN = 4000;

/**
 * The type of the composite literal the cursor is in (`T`, `pkg.T`, `*T`), or undefined. gofmt writes a literal's
 * brace right after its type (`Config{`), a block's after a space (`if x {`), so only the former counts; an element
 * written without its type (`[]T{{`, `map[K]T{"k": {`) has the element type of the literal around it.
 */
export function goLiteralType(text: string, cursor: number): string | undefined {
  return goLiteralAt(text, cursor)?.type;
}

/**
 * The keys a keyed literal already sets (`Dir: tmp,` above or below the cursor, at the literal's own level): Go allows
 * each field once, so the next line sets another.
 */
export function goLiteralKeys(text: string, open: number): Set<string> {
  const keys = new Set<string>();
  let depth = 0;
  let lineStart = true;
  for (let i = open + 1; i < text.length && depth >= 0; i++) {
    const c = text[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (c === '\n') lineStart = true;
    else if (depth === 0 && (lineStart || text[i - 1] === ',' || text[i - 1] === ' ') && /[A-Za-z_]/.test(c) && !/\w/.test(text[i - 1] ?? '')) {
      const m = /^([A-Za-z_]\w*)\s*:(?!=)/.exec(text.slice(i, i + 80));
      if (m) keys.add(m[1]);
      lineStart = false;
    } else if (!/\s/.test(c)) lineStart = false;
  }
  return keys;
}

/** goLiteralType, with where the literal's brace is. */
function goLiteralAt(text: string, cursor: number): { type: string; open: number } | undefined {
  let depth = 0;
  let elements = 0;
  let inner = -1;
  const stop = Math.max(0, cursor - LITERAL_SCAN);
  for (let i = cursor - 1; i >= stop; i--) {
    const c = text[i];
    if (c === '}') depth++;
    else if (c === '{' && depth > 0) depth--;
    else if (c === '{') {
      const before = text.slice(Math.max(0, i - 120), i);
      const typed = /(?:^|[^\w.])((?:\[\d*\]|\*|map\[[^\]\n]*\])*(?:[A-Za-z_]\w*\.)?[A-Za-z_]\w*)$/.exec(before);
      if (typed && !KEYWORDS.has(typed[1]) && !/^(?:struct|interface)$/.test(typed[1])) {
        // `[]T{` or `map[K]T{` holds elements of T: the cursor is in one only when an inner brace was skipped.
        const collection = /^(?:\[\d*\]|map\[)/.test(typed[1]);
        if (collection !== elements > 0) return undefined;
        return { type: typed[1], open: elements > 0 ? inner : i };
      }
      // An untyped element (`{{`, `, {`, `: {`): look for the literal around it.
      if (elements > 0 || !/[{,:]\s*$/.test(before)) return undefined;
      elements++;
      inner = i;
    }
  }
  return undefined;
}

export interface GoScan {
  /** The text scanned (lines around the cursor) and the cursor's offset in it. */
  text: string;
  cursor: number;
  resolver: TypeResolver;
  /** The file being edited (type names written there resolve from it). */
  from: string;
  /** The types reached after each step of the chain starting at `at` in `text` (see TypeResolver.follow). */
  follow: (at: number, env: ReadonlyMap<string, TypeDef[]>) => TypeDef[][];
  /** Called for a value declared at `at` with types `defs`. */
  declared: (at: number, defs: TypeDef[]) => void;
  /** Called when the cursor is inside a composite literal of types `defs` whose keys `keys` are set already. */
  literal?: (defs: TypeDef[], keys: Set<string>) => void;
}

/** The types of the Go values declared in `scan.text`, by name (a later declaration replaces an earlier one). */
export function goValueTypes(scan: GoScan): Map<string, TypeDef[]> {
  const { text, resolver, from } = scan;
  const env = new Map<string, TypeDef[]>();
  const events: { at: number; names: string[]; defs: () => TypeDef[]; pick: 'first' | 'last' | 'all' }[] = [];
  for (const m of text.matchAll(TYPED)) {
    if (KEYWORDS.has(m[2]) || m[1].split(',').some((n) => KEYWORDS.has(n.trim()))) continue;
    events.push({ at: m.index!, names: m[1].split(',').map((n) => n.trim()), defs: () => resolver.typesOf(m[2], from), pick: 'all' });
  }
  for (const m of text.matchAll(ASSIGN)) {
    const names = m[1].split(',').map((n) => n.trim());
    if (names.some((n) => KEYWORDS.has(n))) continue;
    let at = m.index! + m[0].length;
    const range = /^range\s+/.exec(text.slice(at, at + 6 + 40));
    if (range) at += range[0].length;
    while (text[at] === '&' || text[at] === '*') at++;
    const end = at;
    events.push({
      at: m.index!,
      names,
      // `for k, v := range m`: v; `for x := range xs`: x (a key or an index: typed as the elements, see above).
      pick: range ? 'last' : 'first',
      defs: () => {
        const asserted = /^[\w.]*\.\(\s*\*?((?:[A-Za-z_]\w*\.)?[A-Za-z_]\w*)\s*\)/.exec(text.slice(end, end + 200));
        if (asserted) return resolver.typesOf(asserted[1], from);
        const reached = scan.follow(end, env);
        return reached.length ? reached[reached.length - 1] : [];
      },
    });
  }
  for (const m of text.matchAll(TYPE_SWITCH)) {
    const body = m.index! + m[0].length;
    if (body > scan.cursor) continue;
    // The clause the cursor is in: the last `case` between the switch and the cursor.
    const cases = [...text.slice(body, scan.cursor).matchAll(/\bcase\s+([^:\n]+):/g)];
    const last = cases[cases.length - 1];
    if (!last) continue;
    const types = last[1].split(',').map((t) => t.trim().replace(/^\*/, ''));
    events.push({ at: body + last.index!, names: [m[1]], defs: () => types.flatMap((t) => resolver.typesOf(t, from)), pick: 'all' });
  }
  const literal = goLiteralAt(text, scan.cursor);
  if (literal) {
    const defs = resolver.typesOf(literal.type, from);
    if (defs.length) scan.literal?.(defs, goLiteralKeys(text, literal.open));
    events.push({ at: scan.cursor, names: ['_'], defs: () => defs, pick: 'all' });
  }
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    const defs = e.defs();
    if (defs.length === 0) continue;
    const targets = e.pick === 'all' ? e.names : [e.pick === 'first' ? e.names[0] : e.names[e.names.length - 1]];
    for (const n of targets) if (n !== '_') env.set(n, defs);
    scan.declared(e.at, defs);
  }
  return env;
}
