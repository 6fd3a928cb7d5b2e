/**
 * A saved file's index entry parsed on this thread, re-parsing only around the change when the same file was the last
 * one parsed here: the tree of that last parse is kept (one file's tree and text), edited with the one contiguous change
 * between the two texts, and tree-sitter re-parses reusing every subtree outside it; the definitions and imports are
 * queried again only in the top-level statements the change or the re-parse touched, the others kept from the last
 * parse (moved by the change: see structureUpdate.ts). A file saved again and again by a tool (not open in the editor,
 * whose own tree serves instead: see WorkspaceIndex's openTree) then costs a re-parse and queries bounded by the
 * change, not by the file (the snippets and the used names are still made over the whole file). The entry is the same
 * as indexFileText's of the new text: the tree of a re-parse that recovered from a syntax error can differ from a whole
 * parse's, so such a tree is dropped and the text parsed from scratch.
 */
import type { LanguageName } from './languages';
import { parseParseable, unparseableReason, type Tree } from './parser';
import { parseable as rewrite, updateParseable, type Parseable } from './grammarQuirks';
import { findChange, editTree } from './documentCache';
import { indexParsedText, INDEX_TAG_DEPTH, type FileIndexOptions, type FileIndexResult, type IndexedTag, type RenderedBefore } from './fileIndexer';
import { extractImportsIn, extractTags, extractTagsIn, type Tag } from './structure';
import { changedStatements, combineStructure, rangesChars, MAX_DIRTY_SHARE, type TextEdit, type UpdatableStructure } from './structureUpdate';
import type { IndexRange } from './structure';
import { lineOf, newlinesBetween } from '../strings';

interface Parsed {
  path: string;
  language: LanguageName;
  text: string;
  parseable: Parseable;
  tree: Tree;
  /** What indexParsedText's extractStructure finds in it, with the imports' start offsets. */
  structure: UpdatableStructure;
  /** The entries made of structure.tags (up to the index's maxTags), by tag start offset. */
  rendered: Map<number, { tag: Tag; entry: IndexedTag }>;
}

/**
 * The last index's entries of the definitions kept from it (outside the statements queried again) whose lines the change
 * did not touch (a snippet is made of whole lines; a container's members lie on its lines): found by where they were
 * before the change, and the same definition there.
 */
function renderedBefore(last: Parsed, text: string, edit: TextEdit, dirty: readonly IndexRange[]): RenderedBefore {
  const delta = edit.newEnd - edit.oldEnd;
  // The texts agree before the edit: only the first line is counted from the top, the rest across the changed span.
  const firstLine = lineOf(text, edit.start);
  const lastLine = firstLine + newlinesBetween(text, edit.start, edit.newEnd);
  const lineDelta = lastLine - (firstLine + newlinesBetween(last.text, edit.start, edit.oldEnd));
  return (t) => {
    if (dirty.some((r) => t.startIndex < r.endIndex && r.startIndex < t.endIndex)) return undefined;
    const after = t.startLine > lastLine;
    if (!after && t.endLine >= firstLine) return undefined;
    const was = last.rendered.get(after ? t.startIndex - delta : t.startIndex);
    if (!was) return undefined;
    const o = was.tag;
    const shift = after ? lineDelta : 0;
    const same = o.name === t.name && o.kind === t.kind && o.signature === t.signature && o.endIndex - o.startIndex === t.endIndex - t.startIndex
      && o.startLine + shift === t.startLine && o.endLine + shift === t.endLine && o.nameLine + shift === t.nameLine;
    return same ? was.entry : undefined;
  };
}

/** The index's definitions (INDEX_TAG_DEPTH) and the imports of a whole tree. */
function wholeStructure(language: LanguageName, tree: Tree, text: string): UpdatableStructure {
  const { imports, starts } = extractImportsIn(language, tree);
  return { tags: extractTags(language, tree, text, { maxDepth: INDEX_TAG_DEPTH }), imports, importStarts: starts };
}

export class SavedParses {
  private last: Parsed | undefined;
  /** Re-parses from the kept tree, those whose definitions were queried in the changed statements only, and whole parses (for tests). */
  readonly counts = { reparsed: 0, merged: 0, whole: 0 };

  /** indexFileText(language, text, options), re-parsing from the kept tree when it is `path`'s. */
  async index(path: string, language: LanguageName, text: string, options: FileIndexOptions): Promise<FileIndexResult> {
    const t0 = performance.now();
    // Taken before any await: two updates at once must not both edit (or free) the one tree.
    const last = this.last;
    this.last = undefined;
    const reason = unparseableReason(text);
    if (reason) {
      last?.tree.delete();
      return { tags: [], imports: [], skipped: reason };
    }
    let parseable: Parseable | undefined;
    let tree: Tree | undefined;
    let structure: UpdatableStructure | undefined;
    let q0 = 0;
    let queryMs = 0;
    let before: RenderedBefore | undefined;
    if (last && last.path === path && last.language === language) {
      const edit = findChange(last.text, text);
      parseable = updateParseable(language, last.parseable, text, edit);
      editTree(last.tree, last.text, text, edit);
      tree = await parseParseable(language, parseable, { oldTree: last.tree, timeoutMs: options.parseTimeoutMs });
      if (tree?.rootNode.hasError) {
        tree.delete();
        tree = undefined;
      } else if (tree) {
        this.counts.reparsed++;
        q0 = performance.now();
        const dirty = changedStatements(last.tree, tree, edit);
        if (rangesChars(dirty) <= text.length * MAX_DIRTY_SHARE) {
          this.counts.merged++;
          const fresh = extractImportsIn(language, tree, dirty);
          structure = combineStructure(last.structure, edit, last.text, text, dirty, {
            tags: extractTagsIn(language, tree, text, dirty, { maxDepth: INDEX_TAG_DEPTH }),
            imports: fresh.imports,
            importStarts: fresh.starts,
          });
          if (last.structure.tags.length <= options.maxTags && structure.tags.length <= options.maxTags) before = renderedBefore(last, text, edit, dirty);
        }
        queryMs = performance.now() - q0;
      }
    }
    last?.tree.delete();
    if (!tree) {
      parseable = rewrite(language, text);
      tree = await parseParseable(language, parseable, { timeoutMs: options.parseTimeoutMs });
      this.counts.whole++;
    }
    const parseMs = performance.now() - t0 - queryMs;
    if (!tree) return { tags: [], imports: [], skipped: 'timeout', timing: { read: 0, parse: parseMs, query: 0, snippets: 0, uses: 0 } };
    q0 = performance.now();
    structure ??= wholeStructure(language, tree, text);
    queryMs += performance.now() - q0;
    const result = indexParsedText(language, text, tree, options, structure, before);
    result.timing!.parse = parseMs;
    result.timing!.query += queryMs;
    const rendered = new Map<number, { tag: Tag; entry: IndexedTag }>();
    structure.tags.slice(0, options.maxTags).forEach((tag, i) => rendered.set(tag.startIndex, { tag, entry: result.tags[i] }));
    this.keep({ path, language, text, parseable: parseable!, tree, structure, rendered });
    return result;
  }

  private keep(parsed: Parsed): void {
    // Another update that finished meanwhile kept its tree: the later one is kept.
    this.last?.tree.delete();
    this.last = parsed;
  }

  /** Frees the kept tree. */
  clear(): void {
    this.last?.tree.delete();
    this.last = undefined;
  }
}
