import assert from 'node:assert/strict';
import * as path from 'path';
import type { DocumentCache, DocumentStructure } from '../../../src/core/context/documentCache';
import { parse } from '../../../src/core/context/parser';
import { extractImports, extractTags, type ImportRef, type Tag } from '../../../src/core/context/structure';

/** A random edit of a text for the incremental-parse tests: an insertion from `inserts`, a deletion, or a replacement. */
export function randomEdit(text: string, r: () => number, inserts: readonly string[]): string {
  const at = Math.floor(r() * (text.length + 1));
  const kind = r();
  if (kind < 0.5) return text.slice(0, at) + inserts[Math.floor(r() * inserts.length)] + text.slice(at);
  const len = Math.floor(r() * 40);
  if (kind < 0.8) return text.slice(0, at) + text.slice(at + len);
  return text.slice(0, at) + inserts[Math.floor(r() * inserts.length)] + text.slice(at + len);
}

/** One sample file per grammar (test/fixtures/context/lang), with its language. */
export const LANG_DIR = path.join(__dirname, '..', '..', 'fixtures', 'context', 'lang');
export const LANG_FIXTURES: [string, string][] = [
  ['sample.ts', 'typescript'], ['sample.tsx', 'tsx'], ['sample.js', 'javascript'], ['sample.py', 'python'], ['sample.go', 'go'],
  ['sample.rs', 'rust'], ['Sample.java', 'java'], ['sample.c', 'c'], ['sample.cpp', 'cpp'], ['Sample.cs', 'csharp'],
  ['sample.rb', 'ruby'], ['sample.php', 'php'],
];
/** What edits insert: code, brackets and quotes that restructure what follows, newlines, non-ASCII text. */
export const STRUCTURE_INSERTS = ['\n', '}', '{', '(', ')', '/*', '*/', '"', "'", 'x', ' value', 'é', '😀 ', '\n\n', 'def g(a):\n    return a\n', 'function q(a) { return a; }\n', 'class K {}\n', 'fn h() {}\n', 'const zz = 1;\n'];

/** The tags and imports of `text` extracted from a tree parsed from scratch (what an incremental update must equal). */
export async function fullStructure(language: string, text: string): Promise<{ tags: Tag[]; imports: ImportRef[] }> {
  const tree = await parse(language, text, { timeoutMs: 5000 });
  if (!tree) return { tags: [], imports: [] };
  try {
    const name = language as Parameters<typeof extractTags>[0];
    return { tags: extractTags(name, tree, text), imports: extractImports(name, tree, text) };
  } finally {
    tree.delete();
  }
}

/**
 * Version `v` (`text`) of `file` from `cache`, its tags and imports checked equal to a from-scratch extraction;
 * undefined when the cache fell back (no parse to compare).
 */
export async function checkedStructure(cache: DocumentCache, file: string, language: string, v: number, text: string): Promise<DocumentStructure | undefined> {
  const updated = await cache.get(file, language, v, text);
  if (updated.fallback) return undefined;
  const full = await fullStructure(language, text);
  assert.deepEqual(updated.tags, full.tags, `${file}, edit ${v}`);
  assert.deepEqual(updated.imports, full.imports, `${file}, imports after edit ${v}`);
  return updated;
}
