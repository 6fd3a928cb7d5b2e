/**
 * Members of the types the code around the cursor works with. The values near the cursor (`schema`, `result`,
 * `fiber`) and the chains of calls written there (`z.string().min(3)`, `Effect.succeed(1).pipe(`) are typed through
 * the declarations the index holds (valueTypes.ts); the next line very often uses a member of one of those types that
 * the visible text never names (`schema.safeParse(...)` after `const schema = z.string()`), so their members —
 * inherited ones included, nearest level first — are offered as one-line signatures, ranked by how often the file
 * itself uses `.member` and by how much their names share with the lines around the cursor.
 */
import { goSeesUnexported } from './goTypes';
import { goValueTypes } from './goValues';
import { languageForId } from './languages';
import type { Candidate } from './packing';
import { cursorSubwords } from './qualified';
import { callbackParamsAt } from './callbackParams';
import { contextualParamsAt } from './contextualParams';
import type { Callee } from './callSites';
import { literalArgumentAt } from './literalKeys';
import { castTypeAt, narrowedTypes, narrowingsAt } from './narrowing';
import { definitionCandidate, linesAround, type CursorInfo } from './retrieval';
import { subwordIdf, subwordRelevance } from './subwords';
import { readChain } from './chains';
import { typeParameterConstraints } from './typeParameters';
import { TypeResolver, type TypeDef, type TypeScope } from './valueTypes';
import type { IndexedFile, IndexedTag } from './workspaceIndex';
import { newlineBefore, quoteEndOnLine } from '../strings';
import { isWordPart, isWordStart } from './similarity';

/** The languages TypeScript's type rules apply to (JavaScript: for its JSDoc-free code they find nothing, harmlessly). */
const TS_FAMILY: ReadonlySet<string> = new Set(['typescript', 'tsx', 'javascript']);
/** Lines scanned for values and chains, above and below the cursor. */
const LINES_BEFORE = 60;
const LINES_AFTER = 15;
/** Types offered (most used first), members per type, candidates in all. */
const MAX_TYPES = 8;
const MAX_MEMBERS_PER_TYPE = 80;
const MAX_CANDIDATES = 200;
/** Score = use x LEVEL_DECAY^level x (FLOOR + GAIN x min(relevance, RELEVANCE_CAP)), as namespace members are scored. */
const FLOOR = 0.3;
const GAIN = 0.5;
const RELEVANCE_CAP = 6;
const LEVEL_DECAY = 0.85;
/** Members of a type in use whose own types are followed (the file's most used), and their weight against the type's. */
const FOLLOWED_MEMBERS = 4;
const FOLLOWED_WEIGHT = 0.6;
/** Member kinds whose use is a call (their return type is what the next step sees). */
const CALLED_KINDS = new Set(['method', 'function']);
/** Overloads of one member offered at full weight; each further one weighs this much of the one before. */
const FULL_OVERLOADS = 3;
const OVERLOAD_DECAY = 0.6;
/** Relevance added for the member the file uses most after a `.` (log-scaled by its uses). */
const OWN_USE_GAIN = 3;
/**
 * Relevance added for a field of the composite literal the cursor is in that the literal does not set yet (Go allows a
 * key once): as much as the member the file uses most.
 */
const UNSET_FIELD_GAIN = OWN_USE_GAIN;
/** Relevance added for the type of a parameter of the callback the cursor is in (its members are what the body uses). */
const PARAM_TYPE_GAIN = OWN_USE_GAIN;
/** Relevance added for a field of the union member a value at the cursor is narrowed to (its tag tested just above). */
const NARROWED_FIELD_GAIN = OWN_USE_GAIN;
/** The file's text scanned for its `.member` uses, before and after the cursor. */
const OWN_SCAN_BEFORE = 100_000;
const OWN_SCAN_AFTER = 30_000;
/** A declaration above the cursor counts as three uses of its value's type, at this many times its distance. */
const DECLARED_DISTANCE = 2;
/** The type of a parameter of the innermost callback around the cursor counts as three uses; outer ones, this much less each. */
const CALLBACK_NESTING_DECAY = 0.5;
/** Lines longer than this are not scanned for values and chains. */
const MAX_LINE_CHARS = 1000;

/** `const x = `, `let x: T = `, `x = `, `x := ` (the value's name, its annotation if any); the chain follows. */
const DECLARATION = /(?:^|[^\w$.])(?:(?:const|let|var)\s+(?:mut\s+)?)?([A-Za-z_$][\w$]*)\s*(?::\s*([^=;(){}]+?))?\s*:?=(?![=>])\s*(?:await\s+|yield\*?\s+)?/g;
/** `name: Type` (parameters, fields) and `): Type` (return types): used only when Type names a type the index knows. */
const ANNOTATION = /(?:(?:^|[^\w$.?])([A-Za-z_$][\w$]*)\??|\))\s*:\s*((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*)/g;

/** `T["key"]`, `ns.T<A>["key"]`, `value["key"]`: the indexed type or value (a qualified name, with type arguments or not). */
const INDEXED_ACCESS = /(?<![\w$.])([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:<[^<>;\n]*(?:<[^<>;\n]*>[^<>;\n]*)*>)?\[\s*["'`]/g;

/** How near line `d` (relative to the cursor's) is: lines above count most, as for qualifier uses. */
const nearness = (d: number) => (d <= 0 ? 1 / (1 + -d / 10) : 0.6 / (1 + d / 6));

/**
 * The types in use around the cursor, with a use weight in (0, 1]: the types of the local values (declared or
 * inferred), and the types every chain written there passes through.
 */
export function typesInUse(cur: CursorInfo, resolver: TypeResolver, literal?: LiteralAtCursor, known?: ReadonlyMap<string, TypeDef[]>): Map<TypeDef['tag'], { def: TypeDef; use: number }> {
  const around = linesAround(cur, LINES_BEFORE, LINES_AFTER);
  // A line of data (a 30,000-character string, a minified statement) holds no declarations worth its scan: emptied.
  const text = around.text.split('\n').map((l) => (l.length > MAX_LINE_CHARS ? '' : l)).join('\n');
  const firstLine = around.firstLine;
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (index: number) => {
    let lo = 0, hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return firstLine + lo;
  };
  // Values whose types are known from elsewhere (the editor's language server, definitionHints.ts) start the environment.
  const env = new Map<string, TypeDef[]>(known);
  const used = new Map<TypeDef['tag'], { def: TypeDef; use: number }>();
  const note = (defs: readonly TypeDef[], w: number) => {
    for (const def of defs) {
      const u = used.get(def.tag);
      if (u) u.use = Math.min(1, u.use + w / 3);
      else used.set(def.tag, { def, use: Math.min(1, w / 3) });
    }
  };
  // Go states types its own way (after the name, no `:`; several results): read apart (goValues.ts).
  const go = languageForId(cur.languageId) === 'go';
  // TypeScript's own type-level rules (indexed access types, contextually typed function literals) apply to its family only.
  const ts = TS_FAMILY.has(languageForId(cur.languageId) ?? '');
  if (go) {
    const cursor = lineStarts[cur.line - firstLine] ?? text.length;
    const goEnv = goValueTypes({
      text,
      cursor,
      resolver,
      from: cur.relPath,
      follow: (at, env) => resolver.follow(readChain(text, at).steps, env),
      declared: (at, defs) => {
        const d = lineOf(at) - cur.line;
        if (d <= 0) note(defs, 3 * nearness(d * DECLARED_DISTANCE));
      },
      literal: (defs, keys) => {
        if (literal) [literal.types, literal.keys] = [new Set(defs.map((d) => d.tag)), keys];
      },
    });
    for (const [k, v] of goEnv) env.set(k, v);
  }
  const cursorAt = cursorIn(cur, text, lineStarts[cur.line - firstLine]);
  // `<S extends Schema.Top>`: written here, S stands for its constraint (`schema: S` has Top's members).
  if (!go) resolver.useTypeParameters(typeParameterConstraints(text, cursorAt));
  // Declared values first (in text order: a later declaration of a name replaces the earlier).
  for (const m of go ? [] : text.matchAll(ANNOTATION)) {
    const defs = resolver.typesOf(m[2], cur.relPath);
    if (defs.length === 0) continue;
    // `): T` is a return type (of the function being written, often): its value is what the code builds.
    if (m[1] === undefined) note(defs, nearness(lineOf(m.index!) - cur.line));
    else env.set(m[1], defs);
  }
  for (const m of go ? [] : text.matchAll(DECLARATION)) {
    const annotated = m[2] !== undefined ? resolver.typesOf(m[2], cur.relPath) : [];
    // `const entry = lookup(key) as Handler<T>`: the type written, not what the call returns.
    const cast = annotated.length ? undefined : castTypeAt(text, m.index! + m[0].length);
    const castTo = cast === undefined ? [] : resolver.typesOf(cast, cur.relPath);
    const followed = annotated.length ? [annotated] : castTo.length ? [castTo] : resolver.follow(readChain(text, m.index! + m[0].length).steps, env);
    const reached = followed.length === 0 && known?.has(m[1]) ? [known.get(m[1])!] : followed;
    if (reached.length === 0) continue;
    env.set(m[1], reached[reached.length - 1]);
    // A value declared just above the cursor is what the next lines most likely use.
    const d = lineOf(m.index!) - cur.line;
    if (d <= 0) note(reached[reached.length - 1], 3 * nearness(d * DECLARED_DISTANCE));
  }
  // The unannotated parameters of the callbacks the cursor is in, typed from their callees' signatures.
  for (const p of go ? [] : callbackParamsAt(text, cursorAt, resolver, env, cur)) {
    if (p.name !== undefined) env.set(p.name, p.types);
    note(p.types, 3 * CALLBACK_NESTING_DECAY ** p.nesting);
    if (literal) for (const d of p.types) (literal.callbackTypes ??= new Set()).add(d.tag);
  }
  // The function literal the cursor is in, typed by where it is written (`return (issue) => {` from a function declaring
  // its return type, `const h: Handler = (e) => {`).
  for (const p of !ts ? [] : contextualParamsAt(text, cursorAt, cur.scopes, resolver)) {
    if (p.name !== undefined) env.set(p.name, p.types);
    note(p.types, 3);
    if (literal) for (const d of p.types) (literal.callbackTypes ??= new Set()).add(d.tag);
  }
  // `switch (ast._tag) { case "Union": |` / `if (ast._tag === "Union") { |`: the union's member with that tag, whose own
  // fields the block is there to use. Innermost first; a value narrowed once keeps its innermost narrowing.
  const narrowed = new Set<string>();
  for (const n of go ? [] : narrowingsAt(text, cursorAt)) {
    if (narrowed.has(n.value)) continue;
    const types = env.get(n.value) ?? resolver.follow([{ name: n.value, call: false }], env).at(-1) ?? [];
    const to = narrowedTypes(types, n.field, n.literals, resolver);
    if (to.length === 0) continue;
    narrowed.add(n.value);
    env.set(n.value, to);
    note(to, 3);
    if (literal) for (const d of to) (literal.narrowedTypes ??= new Set()).add(d.tag);
  }
  // Then every chain: its head a local value, or longer than one name, or a call.
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      i = quoteEndOnLine(text, i);
      continue;
    }
    // By character code (isWordStart: [A-Za-z_$], isWordPart: [\w$]), not a regular expression per character.
    if (!isWordStart(text.charCodeAt(i)) || (i > 0 && (isWordPart(text.charCodeAt(i - 1)) || text[i - 1] === '.'))) continue;
    const { steps, end } = readChain(text, i);
    const w = nearness(lineOf(i) - cur.line);
    if (steps.length > 1 || steps[0]?.call || env.has(steps[0]?.name)) {
      for (const types of resolver.follow(steps, env)) note(types, w);
    }
    i = Math.max(i, (steps[0]?.isNew ? i + 4 : i) + (steps[0]?.name.length ?? 1) - 1);
    void end;
  }
  // An indexed access (`S["Type"]`, `Schema.Struct["fields"]`, `options["headers"]`) names a member of the type indexed:
  // its siblings are what the next such access most likely names.
  for (const m of !ts ? [] : text.matchAll(INDEXED_ACCESS)) {
    const types = env.get(m[1]) ?? resolver.typesOf(m[1], cur.relPath);
    note(types.length ? types : (resolver.follow(readChain(text, m.index!).steps, env).at(-1) ?? []), nearness(lineOf(m.index!) - cur.line));
  }
  // An object literal passed to a call (`make({ a: 1, |`): the type of the parameter it fills.
  const arg = go || !literal ? undefined : literalArgumentAt(text, cursorAt, resolver, env, cur);
  if (arg && literal) {
    note(arg.types, 3);
    Object.assign(literal, { types: new Set(arg.types.map((d) => d.tag)), keys: arg.keys, inherited: true, inline: arg.inline });
  }
  return used;
}

/** Where the cursor is in `text` (the lines around it, its line starting at `lineStart`; a blanked long line: its end). */
function cursorIn(cur: CursorInfo, text: string, lineStart: number | undefined): number {
  if (lineStart === undefined) return text.length;
  const column = cur.offset - (newlineBefore(cur.text, cur.offset) + 1);
  const lineEnd = text.indexOf('\n', lineStart);
  return Math.min(lineStart + column, lineEnd < 0 ? text.length : lineEnd);
}

/**
 * The literal the cursor is in (a Go composite literal, an object literal passed to a call): its types, the keys it sets
 * already, whether inherited fields are keys too (not Go's embedded ones), and callees whose parameter is typed inline.
 */
interface LiteralAtCursor {
  types: Set<IndexedTag>;
  keys: Set<string>;
  inherited?: boolean;
  inline?: Callee[];
  /** The types of the parameters of the callbacks the cursor is in (typed from their callees' signatures). */
  callbackTypes?: Set<IndexedTag>;
  /** The union members the values at the cursor are narrowed to (narrowing.ts): their own fields are what the block uses. */
  narrowedTypes?: Set<IndexedTag>;
}

/** How often each name follows a `.` in the text around the cursor (the file's own member uses, any receiver). */
function ownMemberUses(cur: CursorInfo): Map<string, number> {
  const out = new Map<string, number>();
  const text = cur.text.slice(Math.max(0, cur.offset - OWN_SCAN_BEFORE), cur.offset + OWN_SCAN_AFTER);
  for (const m of text.matchAll(/[\w$)\]]\??\.([A-Za-z_$][\w$]*)/g)) out.set(m[1], (out.get(m[1]) ?? 0) + 1);
  return out;
}

/** Signatures of the members of the types in use around the cursor, best first. */
export function typedMemberCandidates(cur: CursorInfo, scope: TypeScope, known?: ReadonlyMap<string, TypeDef[]>): Candidate[] {
  const resolver = new TypeResolver(scope);
  const own = ownMemberUses(cur);
  const literal: LiteralAtCursor = { types: new Set(), keys: new Set() };
  const inUse = typesInUse(cur, resolver, literal, known);
  // One step further, where the file's habits lead: the types of the members it uses most on these values
  // (`.error` of a parse result, `._zod` of a schema), whose own members the next line may name (`.error.issues`).
  for (const { def, use } of [...inUse.values()].sort((a, b) => b.use - a.use).slice(0, MAX_TYPES)) {
    const used = resolver.hierarchy(def).flatMap(({ def: d }) => resolver.members(d)).filter((m) => (own.get(m.tag.name) ?? 0) > 0);
    const top = Math.log1p(Math.max(0, ...used.map((m) => own.get(m.tag.name)!)));
    used.sort((a, b) => own.get(b.tag.name)! - own.get(a.tag.name)!);
    for (const { file: at, tag: m } of used.slice(0, FOLLOWED_MEMBERS)) {
      const next = resolver.typeOfUse(at, m, CALLED_KINDS.has(m.kind));
      if (next === 'this') continue;
      const w = (use * FOLLOWED_WEIGHT * Math.log1p(own.get(m.name)!)) / top;
      for (const d of next) {
        const u = inUse.get(d.tag);
        if (u) u.use = Math.max(u.use, w);
        else inUse.set(d.tag, { def: d, use: w });
      }
    }
  }
  const types = [...inUse.values()].sort((a, b) => b.use - a.use).slice(0, MAX_TYPES);
  if (types.length === 0 && !literal.inline?.length) return [];
  const pool = new Map<IndexedTag, { file: IndexedFile; tag: IndexedTag; weight: number; via: string; head?: IndexedTag; unset?: boolean; param?: boolean; narrow?: boolean }>();
  const offer = (file: IndexedFile, tag: IndexedTag, weight: number, via: string, head?: IndexedTag, unset?: boolean, param?: boolean, narrow?: boolean) => {
    const had = pool.get(tag);
    if (!had || had.weight < weight) pool.set(tag, { file, tag, weight, via, head, unset, param, narrow });
  };
  for (const { def, use } of types) {
    for (const { def: level, level: depth } of resolver.hierarchy(def)) {
      const weight = use * LEVEL_DECAY ** depth;
      offer(level.file, level.tag, weight, def.tag.name, undefined, false, depth === 0 && literal.callbackTypes?.has(def.tag));
      // A member on its type's first line (`type R = { success: true; ... }`) is shown as that line.
      // Overloads (`pipe<A>(this: A): A`, `pipe<A, B>(...)`, ...) after the first few weigh less each: twenty of them
      // would spend the budget on one name.
      const overloads = new Map<string, number>();
      for (const { file, tag } of resolver.members(level).slice(0, MAX_MEMBERS_PER_TYPE)) {
        // Go: a lower-case member of another package's type cannot be named here.
        if (file.language === 'go' && !/^[A-Z]/.test(tag.name) && !goSeesUnexported(cur, file.path)) continue;
        const k = overloads.get(tag.name) ?? 0;
        overloads.set(tag.name, k + 1);
        const w = k < FULL_OVERLOADS ? weight : weight * OVERLOAD_DECAY ** (k - FULL_OVERLOADS + 1);
        // A field the literal at the cursor does not set yet: what its next key most likely is.
        const key = tag.kind === 'field' || (literal.inherited && tag.kind === 'method');
        const unset = (depth === 0 || literal.inherited === true) && literal.types.has(def.tag) && key && !literal.keys.has(tag.name);
        // A narrowed union member's own fields (not its base's, which every member shares).
        const narrow = depth === 0 && literal.narrowedTypes?.has(def.tag) === true;
        offer(file, tag, w, def.tag.name, file === level.file && tag.startLine === level.tag.startLine ? level.tag : undefined, unset, false, narrow);
      }
    }
  }
  const entries = [...pool.values()];
  const ownTop = Math.log1p(Math.max(0, ...entries.map((e) => own.get(e.tag.name) ?? 0)));
  const context = cursorSubwords(cur, new Set());
  const idf = subwordIdf(entries.map((e) => e.tag.name));
  const out: Candidate[] = [];
  for (const { file, tag, weight, via, head, unset, param, narrow } of entries) {
    const uses = own.get(tag.name) ?? 0;
    const gain = (unset ? UNSET_FIELD_GAIN : 0) + (param ? PARAM_TYPE_GAIN : 0) + (narrow ? NARROWED_FIELD_GAIN : 0);
    const relevance = subwordRelevance(tag.name, context, idf) + (ownTop > 0 ? (OWN_USE_GAIN * Math.log1p(uses)) / ownTop : 0) + gain;
    out.push({
      source: 'type',
      path: file.path,
      languageId: file.language,
      startLine: tag.startLine,
      endLine: tag.endLine,
      body: head ? head.signature : tag.snippet,
      brief: head ? head.signature : tag.signature,
      score: weight * (FLOOR + GAIN * Math.min(relevance, RELEVANCE_CAP)),
      reason: `${tag.kind} ${tag.name}: ${tag.name === via ? 'a type' : `a member of ${via}`} in use near the cursor${unset ? '; a field the literal at the cursor does not set yet' : ''}${param ? '; types a parameter of the callback at the cursor' : ''}${narrow ? '; a field of the union member the value at the cursor is narrowed to' : ''}${uses ? `; this file uses .${tag.name} ${uses} times` : ''}`,
    });
  }
  // A parameter typed inline (`make(opts: { a: A; b?: B })`): the callee's own definition lists the keys, so it is
  // shown whole (its one-line signature, which other sources offer, cuts them off), scored as the most relevant member.
  for (const { file, tag } of literal.inline ?? []) {
    const candidate = definitionCandidate(file, tag, 'type', FLOOR + GAIN * RELEVANCE_CAP, `${tag.kind} ${tag.name}: types the object literal at the cursor inline`);
    out.push({ ...candidate, brief: undefined });
  }
  return out.sort((a, b) => b.score - a.score).slice(0, MAX_CANDIDATES);
}
