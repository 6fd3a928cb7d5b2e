/**
 * A saved file's index entry parsed on this thread, re-parsing only around the change when the same file was the last
 * one parsed here: the tree of that last parse is kept (one file's tree and text), edited with the one contiguous change
 * between the two texts, and tree-sitter re-parses reusing every subtree outside it. A file saved again and again by a
 * tool (not open in the editor, whose own tree serves instead: see WorkspaceIndex's openTree) then costs a re-parse
 * bounded by the change, not a parse of the whole file. The entry is the same as indexFileText's of the new text: the
 * tree of a re-parse that recovered from a syntax error can differ from a whole parse's, so such a tree is dropped and
 * the text parsed from scratch.
 */
import type { LanguageName } from './languages';
import { parseParseable, unparseableReason, type Tree } from './parser';
import { parseable as rewrite, updateParseable, type Parseable } from './grammarQuirks';
import { findChange, editTree } from './documentCache';
import { indexParsedText, type FileIndexOptions, type FileIndexResult } from './fileIndexer';

interface Parsed {
  path: string;
  language: LanguageName;
  text: string;
  parseable: Parseable;
  tree: Tree;
}

export class SavedParses {
  private last: Parsed | undefined;
  /** Re-parses from the kept tree, and whole parses (for tests and benchmarks). */
  readonly counts = { reparsed: 0, whole: 0 };

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
    if (last && last.path === path && last.language === language) {
      const edit = findChange(last.text, text);
      parseable = updateParseable(language, last.parseable, text, edit);
      editTree(last.tree, last.text, text, edit);
      tree = await parseParseable(language, parseable, { oldTree: last.tree, timeoutMs: options.parseTimeoutMs });
      if (tree?.rootNode.hasError) {
        tree.delete();
        tree = undefined;
      } else if (tree) this.counts.reparsed++;
    }
    last?.tree.delete();
    if (!tree) {
      parseable = rewrite(language, text);
      tree = await parseParseable(language, parseable, { timeoutMs: options.parseTimeoutMs });
      this.counts.whole++;
    }
    const parseMs = performance.now() - t0;
    if (!tree) return { tags: [], imports: [], skipped: 'timeout', timing: { read: 0, parse: parseMs, query: 0, snippets: 0, uses: 0 } };
    const result = indexParsedText(language, text, tree, options);
    result.timing!.parse = parseMs;
    this.keep({ path, language, text, parseable: parseable!, tree });
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
