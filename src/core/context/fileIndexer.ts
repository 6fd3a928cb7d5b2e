/**
 * One file's index entry from its text: parse, extract the definition tags (with compact snippets) and the import
 * sources. Pure and self-contained, so it runs the same in the extension host and in an index worker (indexWorker.ts).
 */
import type { LanguageName } from './languages';
import { commentPrefix } from './languages';
import { parse, unparseableReason } from './parser';
import { extractStructure, detach, CONTAINER_KINDS, type Tag } from './structure';
import { directMembers, renderDefinition } from './snippets';

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
  /** Why the file has no tags, when it has none for a reason (minified, timeout). */
  skipped?: string;
}

export interface FileIndexOptions {
  maxTags: number;
  /** Parse budget in CPU ms. */
  parseTimeoutMs: number;
}

/** Definitions deeper than this are locals (deepest legitimate: namespace > class > inner class > method, ~7). */
export const INDEX_TAG_DEPTH = 8;

export async function indexFileText(language: LanguageName, text: string, options: FileIndexOptions): Promise<FileIndexResult> {
  const reason = unparseableReason(text);
  if (reason) return { tags: [], imports: [], skipped: reason };
  const tree = await parse(language, text, { timeoutMs: options.parseTimeoutMs });
  if (!tree) return { tags: [], imports: [], skipped: 'timeout' };
  try {
    const { tags, imports } = extractStructure(language, tree, text, { maxDepth: INDEX_TAG_DEPTH });
    return {
      tags: toIndexed(tags.slice(0, options.maxTags), text, commentPrefix(language)),
      imports: imports.map((i) => i.source).filter(Boolean),
    };
  } finally {
    tree.delete();
  }
}

function toIndexed(tags: Tag[], text: string, comment: string): IndexedTag[] {
  const lines = text.split('\n');
  return tags.map((t) => ({
    name: t.name,
    kind: t.kind,
    line: t.nameLine,
    startLine: t.startLine,
    endLine: t.endLine,
    signature: t.signature,
    // detach: a one-line snippet is a substring of the file (see detach).
    snippet: detach(renderDefinition(t, lines, CONTAINER_KINDS.has(t.kind) ? directMembers(t, tags) : [], comment)),
  }));
}
