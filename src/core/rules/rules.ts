/**
 * Project rules: the instructions developers write for coding assistants, read from the files other tools already use
 * (AGENTS.md, .github/copilot-instructions.md, .github/instructions/*.instructions.md) and Phi Coder's own
 * .phicoder/rules/*.md, plus one user-level file. A rule may be limited to some files (`applyTo` globs) and some
 * features (`features`: chat, edit, actions, completions). Rules only ever become prompt text: nothing in them decides
 * where a prompt goes or what is read.
 */
import picomatch from 'picomatch';
import { escapeRegExp } from '../strings';

export type RuleFeature = 'chat' | 'edit' | 'actions' | 'completions';
export const RULE_FEATURES: readonly RuleFeature[] = ['chat', 'edit', 'actions', 'completions'];

/** Bytes of one rules file that are read; the rest is ignored (and said so). */
export const MAX_RULE_FILE_BYTES = 64 * 1024;

export interface RuleFile {
  /** Folder-relative path with forward slashes ("AGENTS.md", ".phicoder/rules/style.md"), or "user rules". */
  path: string;
  /** Workspace folder name ('' for the user-level file or a single-folder workspace). */
  folder: string;
  /** Globs (folder-relative) of the files it applies to; undefined = every file. */
  applyTo?: string[];
  features: RuleFeature[];
  description?: string;
  /** The instructions, front matter removed. */
  body: string;
  /** Sort key: where the kind of file comes in the prompt (lower first). */
  rank: number;
}

/**
 * Where rules files live, in prompt order (the index is the rank): one file at a fixed path, or the files with a suffix in
 * one folder. `nested`: the same name in any subfolder also counts, and speaks for that subfolder (AGENTS.md).
 * The path test, the file-search glob and the fixed places to stat are all derived from this one table.
 */
const RULE_LOCATIONS: readonly ({ file: string; nested?: boolean } | { folder: string; suffix: string })[] = [
  { file: 'AGENTS.md', nested: true },
  { file: '.github/copilot-instructions.md' },
  { folder: '.github/instructions', suffix: '.instructions.md' },
  { folder: '.phicoder/rules', suffix: '.md' },
];

const KINDS: { test: RegExp; rank: number }[] = RULE_LOCATIONS.map((loc, rank) => ({
  rank,
  test:
    'file' in loc
      ? new RegExp(`^${loc.nested ? '(?:.*/)?' : ''}${escapeRegExp(loc.file)}$`, loc.nested ? 'i' : '')
      : new RegExp(`^${escapeRegExp(loc.folder)}/[^/]+${escapeRegExp(loc.suffix)}$`),
}));

/** Glob (for file search) of every rules file in a folder. */
export const RULE_FILE_GLOB = `{${RULE_LOCATIONS.map((loc) =>
  'file' in loc ? `${loc.nested ? '**/' : ''}${loc.file}` : `${loc.folder}/*${loc.suffix}`,
).join(',')}}`;

/**
 * The fixed places of RULE_FILE_GLOB (nested AGENTS.md files aside), as files and folders of rules files: cheap to
 * stat before a prompt, for the rules a file watcher did not report.
 */
export const RULE_PLACES: { files: readonly string[]; folders: readonly { path: string; suffix: string }[] } = {
  files: RULE_LOCATIONS.flatMap((loc) => ('file' in loc ? [loc.file] : [])),
  folders: RULE_LOCATIONS.flatMap((loc) => ('folder' in loc ? [{ path: loc.folder, suffix: loc.suffix }] : [])),
};

/** Is this folder-relative path a rules file? */
export function isRulePath(relPath: string): boolean {
  return KINDS.some((k) => k.test.test(relPath));
}

/** Front matter: "key: value" lines between --- fences; values may be quoted, comma-separated, [a, b] or "- a" lists. */
export function parseFrontMatter(text: string): { data: Record<string, string[]>; body: string } {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return { data: {}, body: text };
  const data: Record<string, string[]> = {};
  let key: string | undefined;
  for (const line of m[1]!.split(/\r?\n/)) {
    const item = /^\s+-\s*(.*)$/.exec(line) ?? /^-\s*(.*)$/.exec(line);
    if (item && key) {
      data[key]!.push(...splitValue(item[1]!));
      continue;
    }
    const kv = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!kv) continue;
    key = kv[1]!;
    data[key] = splitValue(kv[2]!);
  }
  return { data, body: text.slice(m[0].length) };
}

function unquote(s: string): string {
  const t = s.trim();
  return /^(["']).*\1$/.test(t) ? t.slice(1, -1) : t;
}

function splitValue(raw: string): string[] {
  let v = raw.trim();
  if (v === '') return [];
  if (v.startsWith('[') && v.endsWith(']')) v = v.slice(1, -1);
  else if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
  // Globs may hold commas inside braces ("**/*.{ts,tsx}"): split only at top-level commas.
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of v) {
    if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map(unquote).filter((x) => x.length > 0);
}

/** Parse one rules file. `path` is folder-relative; `folder` the workspace folder's name. */
export function parseRuleFile(path: string, text: string, folder = ''): RuleFile {
  const { data, body } = parseFrontMatter(text);
  const kind = KINDS.find((k) => k.test.test(path));
  let applyTo: string[] | undefined = data.applyTo ?? data.applyto ?? data.globs;
  if (applyTo && applyTo.some((g) => g === '*' || g === '**' || g === '**/*')) applyTo = undefined;
  // A nested AGENTS.md speaks for its own directory.
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  if (kind?.rank === 0 && dir) applyTo = (applyTo ?? ['**']).map((g) => `${dir}/${g}`);
  const features = (data.features ?? []).map((f) => f.toLowerCase()).filter((f): f is RuleFeature => (RULE_FEATURES as string[]).includes(f));
  return {
    path,
    folder,
    applyTo: applyTo?.length ? applyTo : undefined,
    features: features.length ? features : [...RULE_FEATURES],
    description: data.description?.join(', '),
    // HTML comments are notes to the reader (the starter file's guidance), not rules.
    body: body.replace(/<!--[\s\S]*?-->/g, '').trim(),
    rank: kind?.rank ?? 4,
  };
}

const matchers = new Map<string, picomatch.Matcher>();

function globMatcher(globs: readonly string[]): picomatch.Matcher {
  const key = globs.join('\0');
  let m = matchers.get(key);
  if (!m) {
    // A bare pattern ("*.py") matches at any depth, as VS Code's and Copilot's globs do.
    const expanded = globs.flatMap((g) => {
      const p = g.replace(/^\.?\//, '');
      return p.includes('/') ? [p] : [p, `**/${p}`];
    });
    m = picomatch(expanded, { dot: true });
    if (matchers.size > 500) matchers.clear();
    matchers.set(key, m);
  }
  return m;
}

/** The file a rule is asked about: its workspace folder name and its path inside that folder. */
export interface RuleTarget {
  folder: string;
  path: string;
}

export function ruleApplies(rule: RuleFile, target: RuleTarget | undefined, feature: RuleFeature): boolean {
  if (!rule.features.includes(feature) || rule.body === '') return false;
  if (rule.folder && target && rule.folder !== target.folder) return false;
  if (!rule.applyTo) return true;
  return !!target && globMatcher(rule.applyTo)(target.path.replace(/\\/g, '/'));
}

/** The rules for `target` and `feature`, in prompt order: by kind, then path; user rules last. */
export function rulesFor(rules: readonly RuleFile[], target: RuleTarget | undefined, feature: RuleFeature): RuleFile[] {
  return rules.filter((r) => ruleApplies(r, target, feature)).sort((a, b) => a.rank - b.rank || a.folder.localeCompare(b.folder) || a.path.localeCompare(b.path));
}
