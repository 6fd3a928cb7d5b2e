/**
 * Go's reading of the signatures the index keeps (see typeSignatures.ts for TypeScript's): Go writes a type after the
 * name it types, without `:` (`Fset *token.FileSet`, `var x T`, `func (p *Pass) Reportf(pos token.Pos) (T, error)`), a
 * method is declared outside its type with a receiver (`func (v *Function) Name() string`) in any file of the type's
 * package, and a struct or interface embeds other types by naming them alone on a line (`*Base`, `io.Reader`), their
 * fields and methods promoted. Text in, type expressions out; which names are types is for the workspace index to say.
 */
import type { IndexedFile, IndexedTag, WorkspaceIndex } from './workspaceIndex';

const IDENT = /\w/;

/** Where `name` occurs in `s` as a whole word, first occurrence (-1 when absent). */
function wordAt(s: string, name: string): number {
  for (let i = s.indexOf(name); i >= 0; i = s.indexOf(name, i + 1)) {
    if ((i === 0 || !IDENT.test(s[i - 1])) && !IDENT.test(s[i + name.length] ?? '')) return i;
  }
  return -1;
}

/** Just past the bracket group opening at `open` (`(` or `[`), or -1 when it does not close. */
function skipGroup(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && --depth === 0) return i + 1;
  }
  return -1;
}

/** The parts of `s` split at commas outside brackets. */
function topLevelParts(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(s.slice(from).trim());
  return out.filter((p) => p.length > 0);
}

/** A type expression without its trailing comment or struct tag (`*T // doc`, ``T `json:"t"` ``). */
const cleanType = (s: string) => s.replace(/\s*(?:\/\/.*|\/\*.*|`.*)$/, '').trim();

/**
 * The first result type of function or method `name` (`func NewX(a int) *X` -> `*X`; `func (r *R) M() (T, error)` ->
 * `T`; a named result `(n int, err error)` -> `int`; an interface's `Pos() token.Pos` -> `token.Pos`). Undefined when
 * nothing follows the parameter list.
 */
export function goResultType(signature: string, name: string): string | undefined {
  const at = wordAt(signature, name);
  if (at < 0) return undefined;
  let i = at + name.length;
  if (signature[i] === '[') i = skipGroup(signature, i);
  while (signature[i] === ' ') i++;
  if (i < 0 || signature[i] !== '(') return undefined;
  const end = skipGroup(signature, i);
  if (end < 0) return undefined;
  let rest = signature.slice(end).replace(/\{[^{}]*$/, '').trim();
  if (rest.endsWith('{')) rest = rest.slice(0, -1).trim();
  if (!rest) return undefined;
  if (rest.startsWith('(')) {
    const close = skipGroup(rest, 0);
    const first = topLevelParts(rest.slice(1, close < 0 ? rest.length : close - 1))[0];
    if (!first) return undefined;
    // Named results: `n int` (the last word names the type; `a, b int` gives the same type to both).
    const named = /^[A-Za-z_]\w*\s+(\S.*)$/.exec(first);
    return cleanType(named && !/^(?:chan|func|map|struct|interface)\b/.test(first) ? named[1] : first);
  }
  return cleanType(rest) || undefined;
}

/**
 * The declared type of field, variable or constant `name`: `Fset *token.FileSet`, `Name, Doc string`, `x T = v`,
 * ``Files []*ast.File `json:"files"` ``. Undefined when the signature gives only a value (`x = NewX()`).
 */
export function goDeclaredType(signature: string, name: string): string | undefined {
  const at = wordAt(signature, name);
  if (at < 0) return undefined;
  let rest = signature.slice(at + name.length);
  // Other names of the same declaration (`Name, Doc string`).
  rest = rest.replace(/^(?:\s*,\s*[A-Za-z_]\w*)*/, '');
  if (!/^\s+\S/.test(rest)) return undefined;
  const text = cleanType(rest.replace(/\s=.*$/, ''));
  return text && !text.startsWith('=') ? text : undefined;
}

/** The receiver's type name of a method signature (`func (v *Function) Name()` -> Function; `func (s set[T]) ...` -> set). */
export function goReceiverType(signature: string): string | undefined {
  return /^func\s*\(\s*(?:[A-Za-z_]\w*\s+)?\*?\s*([A-Za-z_]\w*)/.exec(signature)?.[1];
}

/**
 * The types a struct or interface embeds: lines of its body holding only a (possibly pointer, possibly qualified) type
 * name, with an optional tag or comment. Given the definition's source text.
 */
export function goEmbedded(snippet: string): string[] {
  const open = snippet.indexOf('{');
  if (open < 0 || !/^\s*(?:type\s+)?\w+(?:\[[^\]]*\])?\s+(?:struct|interface)\s*\{/.test(snippet)) return [];
  const out: string[] = [];
  for (const line of snippet.slice(open + 1).split('\n')) {
    const m = /^\s*\*?((?:[A-Za-z_]\w*\.)?[A-Za-z_]\w*)(?:\[[^\]]*\])?\s*(?:`[^`]*`)?\s*(?:\/\/.*)?$/.exec(line);
    if (m && !/^(?:struct|interface|func)$/.test(m[1])) out.push(m[1].slice(m[1].lastIndexOf('.') + 1));
  }
  return [...new Set(out)];
}

/** Files by folder (a Go package is a folder), rebuilt when the index changes. */
const packages = new WeakMap<WorkspaceIndex, { revision: number; byDir: Map<string, string[]> }>();
/** Methods by receiver type name, per file (an IndexedFile is replaced, not changed, when its file is re-indexed). */
const receivers = new WeakMap<IndexedFile, Map<string, IndexedTag[]>>();

const dirOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/')));

function packageFiles(index: WorkspaceIndex, dir: string): string[] {
  let cached = packages.get(index);
  if (!cached || cached.revision !== index.revision) {
    const byDir = new Map<string, string[]>();
    for (const f of index.allFiles()) {
      if (f.language !== 'go') continue;
      const d = dirOf(f.path);
      const list = byDir.get(d);
      if (list) list.push(f.path);
      else byDir.set(d, [f.path]);
    }
    cached = { revision: index.revision, byDir };
    packages.set(index, cached);
  }
  return cached.byDir.get(dir) ?? [];
}

function methodsByReceiver(file: IndexedFile): Map<string, IndexedTag[]> {
  let out = receivers.get(file);
  if (!out) {
    out = new Map();
    for (const t of file.tags) {
      if (t.kind !== 'method') continue;
      const r = goReceiverType(t.signature);
      if (!r) continue;
      const list = out.get(r);
      if (list) list.push(t);
      else out.set(r, [t]);
    }
    receivers.set(file, out);
  }
  return out;
}

/** The methods declared with type `name` (of package folder `dir`) as their receiver, in every file of the package. */
export function goMethods(index: WorkspaceIndex, dir: string, name: string): { file: IndexedFile; tag: IndexedTag }[] {
  const out: { file: IndexedFile; tag: IndexedTag }[] = [];
  for (const p of packageFiles(index, dir)) {
    const file = index.file(p);
    for (const tag of (file && methodsByReceiver(file).get(name)) ?? []) out.push({ file: file!, tag });
  }
  return out;
}

export { dirOf as goPackageOf };

const GO_TEST_FILE = /_test\.go$/;
const PACKAGE_CLAUSE = /^package[ \t]+(\w+)/m;

/**
 * Whether the Go file at the cursor may name the unexported members declared in `declaredIn`: only within one package,
 * which is one folder, except that a folder's external tests (`package x_test`, in `_test.go` files) are a package of
 * their own, which sees only what the others export. (From the index's paths alone, a `_test.go` file beside them is
 * taken to be in the external test package too; an in-package test file there, `package x`, is the rarer case.)
 */
export function goSeesUnexported(cur: { relPath: string; text: string }, declaredIn: string): boolean {
  if (dirOf(declaredIn) !== dirOf(cur.relPath)) return false;
  const external = GO_TEST_FILE.test(cur.relPath) && /_test$/.test(PACKAGE_CLAUSE.exec(cur.text)?.[1] ?? '');
  return !external || GO_TEST_FILE.test(declaredIn);
}
