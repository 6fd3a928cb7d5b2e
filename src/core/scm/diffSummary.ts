/**
 * The staged diff as the commit message prompt sees it: whole when it fits the token budget; otherwise a per-file
 * summary made with tree-sitter (which functions, classes and methods were added, changed or removed, from the new and
 * old file texts) followed by as many whole hunks as fit, smallest first. Nothing is cut mid-hunk. Pure apart from
 * parsing (web-tree-sitter): the caller supplies file texts.
 */
import { countTokens } from '../tokens';
import type { Tag } from '../context/structure';
import { syntaxTask } from '../syntax/runner';
import type { FileDiff, Hunk } from './diff';

/** The texts of one file on both sides of the staged change (absent when added, deleted, binary or unreadable). */
export interface FileSides {
  newText?: string;
  oldText?: string;
}

export interface DiffForPrompt {
  text: string;
  tokens: number;
  /** True when the diff did not fit and was summarised. */
  summarised: boolean;
  /** Hunks shown whole out of all hunks. */
  hunksShown: number;
  hunksTotal: number;
}

/** Kinds worth naming in a summary (not every variable or field). */
const NAMED_KINDS = new Set(['function', 'method', 'class', 'interface', 'type', 'enum', 'struct', 'module', 'impl', 'trait', 'macro']);

/** Definitions named per file before "and N more". */
const MAX_NAMED_PER_FILE = 12;

function fileDiffText(f: FileDiff, hunks: readonly Hunk[] = f.hunks): string {
  return [f.header, ...hunks.map((h) => h.text)].join('\n');
}

/** The innermost named definition containing each 1-based line. */
function innermostFor(tags: readonly Tag[], lines: readonly number[]): Map<Tag, number[]> {
  const out = new Map<Tag, number[]>();
  for (const line of lines) {
    const zero = line - 1;
    let best: Tag | undefined;
    for (const t of tags) {
      if (t.startLine <= zero && zero <= t.endLine && (!best || t.endLine - t.startLine <= best.endLine - best.startLine)) best = t;
    }
    if (best) out.set(best, [...(out.get(best) ?? []), line]);
  }
  return out;
}

/** Every line of the definition is in `lines` (1-based): it was added or removed whole. */
function covers(tag: Tag, lines: ReadonlySet<number>): boolean {
  for (let l = tag.startLine + 1; l <= tag.endLine + 1; l++) if (!lines.has(l)) return false;
  return true;
}

async function namedTags(path: string, text: string | undefined): Promise<Tag[] | undefined> {
  if (text === undefined) return undefined;
  return (await syntaxTask({ op: 'tags', language: path, text }))?.filter((t) => NAMED_KINDS.has(t.kind));
}

/** A tag's name qualified by the named definitions around it (`Class.method`). */
function qualified(tag: Tag, tags: readonly Tag[]): string {
  const outer = tags.filter((t) => t !== tag && t.startIndex <= tag.startIndex && tag.endIndex <= t.endIndex && t.kind !== 'function' && t.kind !== 'method');
  return [...outer.map((t) => t.name), tag.name].join('.');
}

/** "changed function foo, added class Bar" for one file, from tree-sitter; undefined without a grammar or texts. */
export async function changedDefinitions(f: FileDiff, sides: FileSides): Promise<string | undefined> {
  const added = f.hunks.flatMap((h) => h.addedLines);
  const removed = f.hunks.flatMap((h) => h.removedLines);
  const [newTags, oldTags] = await Promise.all([namedTags(f.path, sides.newText), namedTags(f.oldPath || f.path, sides.oldText)]);
  if (!newTags && !oldTags) return undefined;
  const parts = new Map<string, string>();
  const addedSet = new Set(added);
  const removedSet = new Set(removed);
  const wholeAdded: Tag[] = [];
  for (const [tag, lines] of innermostFor(newTags ?? [], added)) {
    const whole = lines.length > 0 && covers(tag, addedSet);
    if (whole) wholeAdded.push(tag);
    parts.set(`${tag.kind} ${qualified(tag, newTags!)}`, whole ? 'added' : 'changed');
  }
  // Members of a definition added whole are not listed again ("added class A", not also "added method A.run").
  for (const tag of newTags ?? []) {
    if (wholeAdded.some((outer) => outer !== tag && outer.startIndex <= tag.startIndex && tag.endIndex <= outer.endIndex)) parts.delete(`${tag.kind} ${qualified(tag, newTags!)}`);
  }
  for (const [tag, lines] of innermostFor(oldTags ?? [], removed)) {
    const key = `${tag.kind} ${qualified(tag, oldTags!)}`;
    if (parts.has(key)) continue;
    const whole = lines.length > 0 && covers(tag, removedSet);
    const stillThere = (newTags ?? []).some((t) => `${t.kind} ${qualified(t, newTags!)}` === key);
    parts.set(key, whole && !stillThere ? 'removed' : 'changed');
  }
  if (parts.size === 0) return 'changes outside any function or class (imports, top-level code, comments)';
  const order = ['added', 'changed', 'removed'];
  const named = [...parts.entries()].sort((a, b) => order.indexOf(a[1]) - order.indexOf(b[1])).map(([what, how]) => `${how} ${what}`);
  const more = named.length - MAX_NAMED_PER_FILE;
  return more > 0 ? `${named.slice(0, MAX_NAMED_PER_FILE).join(', ')} and ${more} more definitions` : named.join(', ');
}

/** git's own hunk context (`@@ … @@ function foo(`), for files without a grammar. */
function hunkContexts(f: FileDiff): string | undefined {
  const contexts = [...new Set(f.hunks.map((h) => /^@@[^@]*@@ ?(.*)$/.exec(h.text.split('\n')[0])?.[1]?.trim()).filter((c): c is string => !!c))];
  return contexts.length ? `near: ${contexts.slice(0, 6).map((c) => (c.length > 80 ? `${c.slice(0, 77)}…` : c)).join(' | ')}` : undefined;
}

function fileLine(f: FileDiff, what: string | undefined): string {
  const renamed = f.kind === 'renamed' ? ` (renamed from ${f.oldPath})` : '';
  return `- ${f.path}${renamed}: ${f.kind}, +${f.added} -${f.removed}${what ? `; ${what}` : ''}`;
}

/**
 * The diff for the prompt within `budgetTokens`. `sides(file)` gives the texts tree-sitter parses for the summary;
 * it is only called when the diff does not fit.
 */
export async function diffForPrompt(files: readonly FileDiff[], budgetTokens: number, sides: (f: FileDiff) => Promise<FileSides>): Promise<DiffForPrompt> {
  const hunksTotal = files.reduce((n, f) => n + f.hunks.length, 0);
  const whole = files.map((f) => fileDiffText(f)).join('\n');
  const wholeTokens = countTokens(whole);
  if (wholeTokens <= budgetTokens) return { text: whole, tokens: wholeTokens, summarised: false, hunksShown: hunksTotal, hunksTotal };

  const summaryLines: string[] = [];
  for (const f of files) {
    let what: string | undefined;
    // A file without hunks (kept out of prompts, or only renamed) is never read for its definitions.
    if (f.kind !== 'binary' && f.hunks.length > 0) {
      try {
        what = (await changedDefinitions(f, await sides(f))) ?? hunkContexts(f);
      } catch {
        what = hunkContexts(f);
      }
    }
    summaryLines.push(fileLine(f, what));
  }
  const intro = `The staged diff is too large to show whole (${wholeTokens} tokens, ${files.length} files). Per file, what changed (from the parsed code):`;
  let summary = [intro, ...summaryLines].join('\n');
  // A summary that alone overflows keeps its first files and says how many more there are.
  if (countTokens(summary) > budgetTokens) {
    const kept: string[] = [intro];
    for (let i = 0; i < summaryLines.length; i++) {
      const note = `- … and ${summaryLines.length - i} more files`;
      if (countTokens([...kept, summaryLines[i], note].join('\n')) > budgetTokens) {
        kept.push(note);
        break;
      }
      kept.push(summaryLines[i]);
    }
    summary = kept.join('\n');
  }
  // Whole hunks, smallest first, while they fit; shown per file in diff order.
  let left = budgetTokens - countTokens(summary) - 30;
  const candidates = files.flatMap((f) => f.hunks.map((h) => ({ f, h, tokens: countTokens(h.text) + 4 })));
  candidates.sort((a, b) => a.tokens - b.tokens);
  const chosen = new Set<Hunk>();
  const headerCost = new Map<FileDiff, number>();
  for (const c of candidates) {
    const header = headerCost.has(c.f) ? 0 : countTokens(c.f.header) + 2;
    if (c.tokens + header > left) continue;
    left -= c.tokens + header;
    headerCost.set(c.f, header);
    chosen.add(c.h);
  }
  const shown = files
    .map((f) => ({ f, hunks: f.hunks.filter((h) => chosen.has(h)) }))
    .filter((x) => x.hunks.length)
    .map((x) => fileDiffText(x.f, x.hunks));
  const text = shown.length ? `${summary}\n\nSome of the hunks (${chosen.size} of ${hunksTotal}, whole):\n${shown.join('\n')}` : summary;
  return { text, tokens: countTokens(text), summarised: true, hunksShown: chosen.size, hunksTotal };
}
