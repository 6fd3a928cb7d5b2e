/**
 * Parsed structure of the documents being edited, re-parsed incrementally: the previous tree is edited with the
 * change (found by comparing the old and new text) and handed to the parser, so a keystroke re-parses little.
 */
import type { Tree } from 'web-tree-sitter';
import { parse, resolveLanguage, unparseableReason, type FallbackReason } from './parser';
import type { LanguageName } from './languages';
import { extractImports, extractTags, type FileStructure } from './structure';
import { updateTags, type TextEdit } from './structureUpdate';

export interface DocumentStructure extends FileStructure {
  language?: LanguageName;
  /** Set when the document was not parsed: the line-window fallback applies. */
  fallback?: FallbackReason;
  parseMs: number;
}

interface Entry {
  version: number;
  text: string;
  tree?: Tree;
  structure: DocumentStructure;
}

function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/** Edit `tree` in place so that it matches `next` (one contiguous change between `prev` and `next`); the change. */
export function applyTextChange(tree: Tree, prev: string, next: string): TextEdit {
  let start = 0;
  const max = Math.min(prev.length, next.length);
  while (start < max && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
  let oldEnd = prev.length;
  let newEnd = next.length;
  while (oldEnd > start && newEnd > start && prev.charCodeAt(oldEnd - 1) === next.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  tree.edit({
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: pointAt(prev, start),
    oldEndPosition: pointAt(prev, oldEnd),
    newEndPosition: pointAt(next, newEnd),
  });
  return { start, oldEnd, newEnd };
}

export class DocumentCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limit = 8,
    private readonly parseTimeoutMs = 200,
  ) {}

  private queue: Promise<unknown> = Promise.resolve();

  /** Structure of `text` (version `version`) of the document at `path`. Calls are serialised (trees are edited in place). */
  get(path: string, languageId: string, version: number, text: string): Promise<DocumentStructure> {
    const run = this.queue.then(() => this.compute(path, languageId, version, text));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async compute(path: string, languageId: string, version: number, text: string): Promise<DocumentStructure> {
    const old = this.entries.get(path);
    if (old && old.version === version && old.text.length === text.length && old.text === text) {
      this.touch(path, old);
      return old.structure;
    }
    const language = resolveLanguage(languageId) ?? resolveLanguage(path);
    const t0 = performance.now();
    let tree: Tree | undefined;
    let fallback: FallbackReason | undefined;
    // The previous version's tree and definitions are reused when they are of the same language.
    const previous = old?.tree && old.structure.language === language ? { ...old, tree: old.tree } : undefined;
    let edit: TextEdit | undefined;
    if (!language) fallback = 'no-grammar';
    else if ((fallback = unparseableReason(text)) === undefined) {
      if (previous) edit = applyTextChange(previous.tree, previous.text, text);
      tree = await parse(language, text, { oldTree: previous?.tree, timeoutMs: this.parseTimeoutMs });
      if (!tree) fallback = 'timeout';
    }
    const parseMs = performance.now() - t0;
    let structure: DocumentStructure;
    if (tree && language) {
      const tags = previous && edit
        ? updateTags(language, previous.tree, tree, previous.structure.tags, edit, previous.text, text)
        : extractTags(language, tree, text);
      structure = { tags, imports: extractImports(language, tree, text), language, parseMs };
    } else structure = { tags: [], imports: [], language, fallback, parseMs };
    old?.tree?.delete();
    const entry: Entry = { version, text, tree, structure };
    this.touch(path, entry);
    return structure;
  }

  private touch(path: string, entry: Entry): void {
    this.entries.delete(path);
    this.entries.set(path, entry);
    while (this.entries.size > this.limit) {
      const [k, e] = this.entries.entries().next().value as [string, Entry];
      e.tree?.delete();
      this.entries.delete(k);
    }
  }

  forget(path: string): void {
    this.entries.get(path)?.tree?.delete();
    this.entries.delete(path);
  }

  dispose(): void {
    for (const e of this.entries.values()) e.tree?.delete();
    this.entries.clear();
  }
}
