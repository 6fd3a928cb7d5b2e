/**
 * The syntax tree of the lines around the cursor, for the completion mode, kept between keystrokes: the next text is
 * compared with the last one and the tree is edited and re-parsed incrementally (tree-sitter reuses what the edit did
 * not touch), instead of parsing ~100 lines on the extension host's thread at every keystroke that needs the tree.
 */
import { applyTextChange } from '../context/documentCache';
import { parseableText } from '../context/grammarQuirks';
import { isLoaded, parseParseableSync, resolveLanguage, unparseableReason, type Tree } from '../context/parser';

export class LocalTrees {
  private last: { languageId: string; parseable: string; tree: Tree } | undefined;

  /** The tree of `text` (owned by this object: valid until the next call, never to be deleted by the caller). */
  parse(languageId: string, text: string, timeoutMs: number): Tree | undefined {
    const name = resolveLanguage(languageId);
    if (!name || !isLoaded(languageId) || unparseableReason(text)) return undefined;
    const parseable = parseableText(name, text);
    const last = this.last;
    if (last?.languageId === languageId && last.parseable === parseable) return last.tree;
    let tree: Tree | undefined;
    if (last?.languageId === languageId) {
      applyTextChange(last.tree, last.parseable, parseable);
      tree = parseParseableSync(name, parseable, { oldTree: last.tree, timeoutMs });
    } else tree = parseParseableSync(name, parseable, { timeoutMs });
    this.clear();
    if (tree) this.last = { languageId, parseable, tree };
    return tree;
  }

  clear(): void {
    this.last?.tree.delete();
    this.last = undefined;
  }
}
