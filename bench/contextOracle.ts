/**
 * Ground truth for the context-recall benchmark from an independent oracle, Universal Ctags: definitions by name, and
 * sampled cursor positions (start of a line that uses an identifier X defined exactly once, in another file).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { rng } from './rng';
import { detach } from '../src/core/strings';
import { languageForPath } from '../src/core/context/languages';

export interface GoldDef {
  name: string;
  file: string;
  /** 0-based */
  line: number;
  kind: string;
  /** Kind of the enclosing scope ctags reports (class, struct, …), if any. */
  scopeKind?: string;
  /** Its name, as ctags writes it (`Rack.Auth.Basic.Request`), if any. */
  scopeName?: string;
}

export interface Sample {
  file: string;
  /** 0-based line whose text is hidden; the cursor sits after its indentation. */
  line: number;
  /** 0-based column of the identifier's first use on the line. */
  column: number;
  name: string;
  gold: GoldDef;
}

/** Kinds that are not definitions a model needs (imports, namespaces, parameters, locals, packages). */
const NOT_DEFINITIONS = new Set([
  'unknown', 'namespace', 'packageName', 'package', 'parameter', 'local', 'import', 'using', 'header', 'macroparam',
  'label', 'anonMember', 'alias', 'externvar', 'prototype', 'implementation',
]);

/** Scopes whose definitions are locals, invisible from other files. */
const LOCAL_SCOPES = new Set(['function', 'method', 'func', 'procedure', 'subroutine', 'getter', 'setter', 'constructor', 'arrowFunction']);

/** Keywords and pseudo-identifiers of the 12 languages: ctags sometimes tags them on parse errors; they are no symbols. */
export const RESERVED = new Set(
  ('abstract as async await break case catch class const continue debugger default delete do else enum export extends false ' +
    'finally for from function get if implements import in instanceof interface let new null of package private protected ' +
    'public return set static super switch this throw true try type typeof undefined var void while with yield ' +
    'infer keyof readonly unique asserts satisfies declare never unknown any symbol bigint accessor override ' +
    'and assert def del elif except global is lambda nonlocal not or pass raise None True False self cls ' +
    'chan defer fallthrough func go goto map range select struct var nil iota ' +
    'crate dyn fn impl loop match mod move mut pub ref Self trait unsafe use where ' +
    'boolean byte char double final float int long native short synchronized throws transient volatile ' +
    'auto extern register signed sizeof typedef union unsigned inline namespace template typename virtual ' +
    'base bool decimal event explicit fixed foreach internal lock object operator out override params readonly sealed string uint ulong ushort using ' +
    'begin elsif end ensure module next redo rescue retry then unless until alias defined ' +
    'array callable clone declare echo empty endif endforeach endwhile eval include isset list print require require_once trait unset').split(' '),
);

export function checkCtags(): string {
  const out = execFileSync('ctags', ['--version'], { encoding: 'utf8' });
  if (!/Universal Ctags/.test(out)) throw new Error('ctags is not Universal Ctags: apt-get install -y universal-ctags');
  return out.split('\n')[0];
}

/** Run ctags over `files` (repo-relative) and return the definitions, keyed by name. */
export function ctagsDefinitions(repo: string, files: readonly string[]): Map<string, GoldDef[]> {
  const list = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ctags-')), 'files.txt');
  fs.writeFileSync(list, files.join('\n') + '\n');
  const out = execFileSync('ctags', ['--excmd=number', '--fields=+nKZ', '--extras=-F', '-f', '-', '-L', list], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  fs.rmSync(path.dirname(list), { recursive: true, force: true });
  const byName = new Map<string, GoldDef[]>();
  for (const row of out.split('\n')) {
    if (!row || row.startsWith('!_')) continue;
    const cols = row.split('\t');
    if (cols.length < 4) continue;
    const [name, file, , kind] = cols;
    const lineField = cols.find((c) => c.startsWith('line:'));
    if (!lineField || NOT_DEFINITIONS.has(kind) || RESERVED.has(name)) continue;
    const scope = cols.find((c) => c.startsWith('scope:'));
    if (scope && LOCAL_SCOPES.has(scope.split(':')[1])) continue;
    if (kind === 'module' && file.endsWith('.py')) continue; // Python "module" tags are imports
    // Detached: a substring of ctags' output would keep all of it (megabytes) alive for as long as a sample holds it.
    const def: GoldDef = { name: detach(name), file: detach(file.replace(/^\.\//, '')), line: Number(lineField.slice(5)) - 1, kind: detach(kind), scopeKind: scope?.split(':')[1], scopeName: scope ? detach(scope.split(':').slice(2).join(':')) : undefined };
    const list2 = byName.get(name);
    if (list2) list2.push(def);
    else byName.set(name, [def]);
  }
  return byName;
}

/**
 * Definitions other files can use: members of a type or module (ctags gives their scope), or unscoped definitions at
 * column 0. An unscoped but indented definition is a local ctags could not place (e.g. a const inside a test callback).
 */
export function visibleDefinitions(defs: Map<string, GoldDef[]>, readText: (file: string) => string | undefined): Map<string, GoldDef[]> {
  const lines = new Map<string, string[]>();
  const lineOf = (d: GoldDef) => {
    let l = lines.get(d.file);
    if (!l) lines.set(d.file, (l = (readText(d.file) ?? '').split('\n')));
    return l[d.line] ?? '';
  };
  const out = new Map<string, GoldDef[]>();
  for (const [name, list] of defs) {
    // Uniqueness is judged over all definitions; visibility decides whether the unique one is a fair target.
    if (list.length === 1 && !list[0].scopeKind && /^\s/.test(lineOf(list[0]))) continue;
    out.set(name, list);
  }
  return out;
}


export const IDENT = /[A-Za-z_$][A-Za-z0-9_$]*/g;
/**
 * Ruby method names may end in `?` or `!` (`empty?`, `merge!`), and ctags tags them whole, so the sampler keeps the
 * suffix. It is not a suffix when it starts an operator (`a!= b`, `a!~ b`) or a ternary written without spaces
 * (`a?b:c`): then an identifier character, `=`, `~` or `:` follows it.
 */
const RUBY_IDENT = /[A-Za-z_][A-Za-z0-9_]*(?:[?!](?![=~:A-Za-z0-9_]))?/g;

export const SKIP_LINE = /^\s*(?:import\b|from\s+\S+\s+import\b|#\s*include\b|use\s|using\s|package\s|require(?:_relative)?\b|extern\s+crate\b|\/\/|\/\*|\*|#(?!\[))/;

const isRuby = (file: string) => languageForPath(file) === 'ruby';

/** The identifiers of a line of `file`, as its language spells them. */
export function identifiers(file: string, lineText: string): IterableIterator<RegExpExecArray> {
  return lineText.matchAll(isRuby(file) ? RUBY_IDENT : IDENT);
}

/**
 * `name` as a whole word of a line of `file`: escaped, not inside a longer identifier. In Ruby `empty` is not a whole
 * word of `def empty?` (another method); elsewhere a `?` or `!` after a name is punctuation (`name?: string`, `x!.y`).
 */
export function wholeWord(name: string, file: string): RegExp {
  const after = isRuby(file) ? '[^A-Za-z0-9_?!]' : '[^A-Za-z0-9_$]';
  return new RegExp(`(^|[^A-Za-z0-9_$])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|${after})`);
}

/**
 * Sample `count` cursor lines: the line uses X (an identifier outside comments/imports), ctags defines X exactly once,
 * in another file, and nothing named X is defined in the current file. Deterministic for a seed.
 */
export function sampleCursors(
  readText: (file: string) => string | undefined,
  files: readonly string[],
  allDefs: Map<string, GoldDef[]>,
  count: number,
  seed: number,
): Sample[] {
  const defs = visibleDefinitions(allDefs, readText);
  const definedIn = new Map<string, Set<string>>();
  for (const [name, list] of defs) for (const d of list) {
    let s = definedIn.get(d.file);
    if (!s) definedIn.set(d.file, (s = new Set()));
    s.add(name);
  }
  const candidates: Sample[] = [];
  for (const file of files) {
    const text = readText(file);
    if (!text || text.length > 1_000_000) continue;
    const local = definedIn.get(file) ?? new Set<string>();
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.length > 400 || SKIP_LINE.test(l)) continue;
      const seen = new Set<string>();
      for (const m of identifiers(file, l)) {
        const name = m[0];
        if (seen.has(name) || local.has(name)) continue;
        seen.add(name);
        const d = defs.get(name);
        if (!d || d.length !== 1 || d[0].file === file) continue;
        candidates.push({ file, line: i, column: m.index, name, gold: d[0] });
      }
    }
  }
  const random = rng(seed);
  // Fisher-Yates, then one sample per line.
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  const out: Sample[] = [];
  const usedLines = new Set<string>();
  for (const c of candidates) {
    const key = `${c.file}:${c.line}`;
    if (usedLines.has(key)) continue;
    usedLines.add(key);
    out.push(c);
    if (out.length >= count) break;
  }
  return out;
}
