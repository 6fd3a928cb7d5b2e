/**
 * One file's index entry from its text: parse, extract the definition tags (with compact snippets) and the import
 * sources. Pure and self-contained, so it runs the same in the extension host and in an index worker (indexWorker.ts).
 */
import type { LanguageName } from './languages';
import { commentPrefix } from './languages';
import { loadLanguage, MAX_PARSE_CHARS, parse, unparseableReason, type Tree } from './parser';
import { getQuery } from './queries';
import { readLocalSource, type FileStat } from './workspaceFs';
import { extractStructure, CONTAINER_KINDS, type FileStructure, type Tag } from './structure';
import { detach, newlineBefore } from '../strings';
import { forEachWord } from './similarity';
import { isKeyword } from './keywords';
import { directMembers, renderDefinition } from './snippets';
import { hasInlineSecret, redactSecrets } from '../trust/secrets';

export interface IndexedTag {
  name: string;
  kind: string;
  /** 0-based line of the name (what ctags reports), and the snippet's first line. */
  line: number;
  startLine: number;
  endLine: number;
  signature: string;
  /** Compact rendering: signature plus a short body, or member signatures. */
  snippet: string;
}

/** What indexing one file's text yields (plain data: it crosses the worker boundary by structured clone). */
export interface FileIndexResult {
  tags: IndexedTag[];
  /** Import sources as written. */
  imports: string[];
  /**
   * The distinct identifiers the file's code names (definitions, uses, imports; not its comments or strings as far as
   * the scan can tell), at most MAX_USES_PER_FILE, one per line (read them with usedNames): the workspace index counts
   * in how many files each name is used. One string, not an array: ~200 names a file cross the worker boundary as one
   * string instead of 200, and the index holds one string per file (sympy: 1,473 strings, 2.4 MB, instead of 308,000).
   */
  uses?: string;
  /** Why the file has no tags, when it has none for a reason (minified, timeout). */
  skipped?: string;
  /** Where the time went (ms of the indexing thread); taken off before the entry is stored (see WorkspaceIndex). */
  timing?: IndexTiming;
}

/** Time spent indexing, by step (ms, summed over files and threads). */
export interface IndexTiming {
  read: number;
  parse: number;
  /** The tags and imports queries. */
  query: number;
  /** Snippets and signatures of the definitions (with secret redaction). */
  snippets: number;
  /** The identifiers the file uses. */
  uses: number;
}

export function timingTotal(t: IndexTiming): number {
  return t.read + t.parse + t.query + t.snippets + t.uses;
}

export function addTiming(into: IndexTiming, t: Partial<IndexTiming> | undefined): void {
  if (!t) return;
  for (const k of Object.keys(into) as (keyof IndexTiming)[]) into[k] += t[k] ?? 0;
}

/** Most distinct identifiers recorded per file (a generated file can name tens of thousands). */
export const MAX_USES_PER_FILE = 4000;

export interface FileIndexOptions {
  maxTags: number;
  /** Parse budget in CPU ms. */
  parseTimeoutMs: number;
}

/** Files bigger than this are not read for the index (UTF-8 bytes: a file of MAX_PARSE_CHARS characters may take 2 per character). */
export const MAX_INDEX_FILE_BYTES = MAX_PARSE_CHARS * 2;

/** A local file indexed by the thread that read it (see indexLocalFile). */
export type LocalFileIndex = { kind: 'gone' } | { kind: 'indexed'; stat: FileStat; result: FileIndexResult };

/** Definitions deeper than this are locals (deepest legitimate: namespace > class > inner class > method, ~7). */
export const INDEX_TAG_DEPTH = 8;

export async function indexFileText(language: LanguageName, text: string, options: FileIndexOptions): Promise<FileIndexResult> {
  const t0 = performance.now();
  const reason = unparseableReason(text);
  if (reason) return { tags: [], imports: [], skipped: reason };
  const tree = await parse(language, text, { timeoutMs: options.parseTimeoutMs });
  const parseMs = performance.now() - t0;
  if (!tree) return { tags: [], imports: [], skipped: 'timeout', timing: { read: 0, parse: parseMs, query: 0, snippets: 0, uses: 0 } };
  try {
    const result = indexParsedText(language, text, tree, options);
    result.timing!.parse = parseMs;
    return result;
  } finally {
    tree.delete();
  }
}

/**
 * indexFileText of a text already parsed: `tree` is a parse of parseableText(language, text) (as parse() makes it, or an
 * open document's tree, see WorkspaceIndex's `openTree`). Synchronous, so a tree borrowed from elsewhere cannot change
 * or be freed meanwhile; the caller keeps it. `structure`: its definitions and imports, when the caller has them (what
 * extractStructure with maxDepth INDEX_TAG_DEPTH finds: see SavedParses); `before`: the entries of definitions whose
 * rendering cannot have changed since an earlier index of the file (see RenderedBefore).
 */
export function indexParsedText(language: LanguageName, text: string, tree: Tree, options: Pick<FileIndexOptions, 'maxTags'>, structure?: FileStructure, before?: RenderedBefore): FileIndexResult {
  const t1 = performance.now();
  const { tags, imports } = structure ?? extractStructure(language, tree, text, { maxDepth: INDEX_TAG_DEPTH });
  const t2 = performance.now();
  const indexed = toIndexed(tags.slice(0, options.maxTags), text, commentPrefix(language), before);
  const t3 = performance.now();
  const uses = withoutSecrets(identifiersUsed(language, text)).join('\n');
  const t4 = performance.now();
  return {
    tags: indexed,
    imports: imports.map((i) => i.source).filter(Boolean),
    uses,
    timing: { read: 0, parse: 0, query: t2 - t1, snippets: t3 - t2, uses: t4 - t3 },
  };
}

/** Load `language`'s grammar and compile the queries indexing uses (otherwise done by the first file's indexing). */
export async function prepareIndexing(language: LanguageName): Promise<void> {
  const grammar = await loadLanguage(language);
  if (!grammar) return;
  getQuery(language, grammar, 'tags');
  getQuery(language, grammar, 'imports');
}

/**
 * Read a local file and index it: what an index worker does with a file it is sent by path. With `deferOver`, a file
 * bigger than that (but not too big to index) is neither read nor indexed: 'deferred' (another worker will take it).
 */
export async function indexLocalFile(language: LanguageName, absPath: string, options: FileIndexOptions): Promise<LocalFileIndex>;
export async function indexLocalFile(language: LanguageName, absPath: string, options: FileIndexOptions, deferOver: number | undefined): Promise<LocalFileIndex | 'deferred'>;
export async function indexLocalFile(language: LanguageName, absPath: string, options: FileIndexOptions, deferOver?: number): Promise<LocalFileIndex | 'deferred'> {
  const t0 = performance.now();
  const source = readLocalSource(absPath, Math.min(MAX_INDEX_FILE_BYTES, deferOver ?? Infinity));
  const read = performance.now() - t0;
  if (source.kind === 'gone') return source;
  if (source.kind === 'too-big' && source.stat.size <= MAX_INDEX_FILE_BYTES) return 'deferred';
  if (source.kind === 'too-big') return { kind: 'indexed', stat: source.stat, result: { tags: [], imports: [], skipped: 'too-big' } };
  const result = await indexFileText(language, source.text, options);
  if (result.timing) result.timing.read = read;
  return { kind: 'indexed', stat: source.stat, result };
}

/** The names of FileIndexResult.uses (or IndexedFile.uses). */
export function usedNames(uses: string | undefined): string[] {
  return uses ? uses.split('\n') : [];
}

/**
 * `items` without those holding an inline secret (redactSecrets would change them). Checked on all of them joined by
 * newlines first, which is exact: every secret rule is a regular expression without lookaround or multi-line anchors,
 * so a match inside one item is a match in the joined text (a newline is a non-word separator for `\b` and `\s`); only
 * when the joined text holds one is each item checked. Nearly always one check per file instead of one per item.
 */
export function withoutSecrets(items: string[]): string[] {
  return hasInlineSecret(items.join('\n')) ? items.filter((item) => redactSecrets(item) === item) : items;
}

/** The distinct identifiers of `text` outside line comments (detached copies: they outlive the text). */
export function identifiersUsed(language: LanguageName, text: string): string[] {
  const seen = new Set<string>();
  const comment = commentPrefix(language);
  let lineSeen = -1;
  let commentAt = -1;
  forEachWord(text, 0, (word, line, index) => {
    if (seen.size >= MAX_USES_PER_FILE || word.length < 2 || seen.has(word)) return;
    if (line !== lineSeen) {
      // A word after a line comment marker on its line is prose (the scan does not follow block comments or strings).
      lineSeen = line;
      const start = newlineBefore(text, index) + 1;
      let end = text.indexOf('\n', index);
      if (end < 0) end = text.length;
      const at = text.slice(start, end).indexOf(comment);
      commentAt = at < 0 ? -1 : start + at;
    }
    if ((commentAt >= 0 && index > commentAt) || isKeyword(language, word)) return;
    seen.add(detach(word));
  });
  return [...seen];
}

/**
 * The entry an earlier index of the file made for `tag`, when its rendering cannot have changed (the same definition,
 * on lines the change did not touch, its members too): kept, moved to the tag's lines. Undefined: render it.
 */
export type RenderedBefore = (tag: Tag) => IndexedTag | undefined;

function toIndexed(tags: Tag[], text: string, comment: string, before?: RenderedBefore): IndexedTag[] {
  const kept = tags.map((t) => before?.(t));
  const fresh = tags.filter((_, i) => !kept[i]);
  const lines = fresh.length > 0 ? text.split('\n') : [];
  const snippets = fresh.map((t) => renderDefinition(t, lines, CONTAINER_KINDS.has(t.kind) ? directMembers(t, tags) : [], comment));
  // Inline keys are redacted before anything is kept (and persisted with the index): each signature and snippet is
  // checked only when all of them together hold one (see withoutSecrets). A kept entry was redacted when it was made
  // (an item without a key is its own redaction, so checking the new ones alone is exact).
  const check = hasInlineSecret([...fresh.map((t) => t.signature), ...snippets].join('\n'));
  let next = 0;
  return tags.map((t, i) => {
    const old = kept[i];
    if (old) return { ...old, line: t.nameLine, startLine: t.startLine, endLine: t.endLine };
    const snippet = snippets[next++];
    return {
      name: t.name,
      kind: t.kind,
      line: t.nameLine,
      startLine: t.startLine,
      endLine: t.endLine,
      signature: check ? redactSecrets(t.signature) : t.signature,
      // detach: a one-line snippet is a substring of the file (see detach).
      snippet: detach(check ? redactSecrets(snippet) : snippet),
    };
  });
}
