/**
 * Baselines for the context-recall benchmark, computed by the same harness on the same samples and budget:
 *  - jaccard: Copilot-style neighbouring-file windows (60 lines, identifier-set Jaccard against the 60 lines before the
 *    cursor) over the files of the same folder and the imported files; best window per file, best files first.
 *  - imports: Continue-style import definitions only: definitions of the names the current file imports, found in
 *    the files its imports resolve to (or, unresolved, a unique definition in the index), in import order.
 */
import type { Candidate } from '../src/core/context/packing';
import { pack, type PackResult } from '../src/core/context/packing';
import type { DocumentStructure } from '../src/core/context/documentCache';
import { identifierSet, jaccardIds, wordIds, type WindowCache } from '../src/core/context/similarity';
import type { WorkspaceIndex } from '../src/core/context/workspaceIndex';

export function jaccardBaseline(
  relPath: string,
  text: string,
  offset: number,
  neighbours: readonly string[],
  readText: (p: string) => string | undefined,
  windows: WindowCache,
  budget: number,
): PackResult {
  const before = text.slice(0, offset).split('\n').slice(-60).join('\n');
  const query = wordIds(identifierSet(before));
  const cands: Candidate[] = [];
  for (const p of neighbours) {
    if (p === relPath) continue;
    const t = readText(p);
    if (t === undefined) continue;
    const { slice, windows: ws } = windows.get(p, t, 60, 10);
    let best: { s: number; w: (typeof ws)[number] } | undefined;
    for (const w of ws) {
      const s = jaccardIds(query, w.words);
      if (!best || s > best.s) best = { s, w };
    }
    if (!best || best.s <= 0) continue;
    cands.push({
      source: 'similar', path: p, startLine: best.w.startLine, endLine: best.w.endLine - 1,
      body: slice(best.w.startLine, best.w.endLine), score: best.s, reason: 'jaccard',
    });
  }
  return pack(cands, budget, { maxMisses: 1000 });
}

export function importsBaseline(
  relPath: string,
  imports: DocumentStructure['imports'],
  importedFiles: ReadonlyMap<string, number>,
  index: WorkspaceIndex,
  budget: number,
): PackResult {
  const cands: Candidate[] = [];
  let order = 0;
  for (const imp of imports) {
    for (const name of imp.names) {
      const refs = index.lookup(name).filter((r) => r.file.path !== relPath);
      const resolved = refs.filter((r) => importedFiles.has(r.file.path));
      const chosen = resolved.length ? resolved : refs.length === 1 ? refs : [];
      for (const r of chosen.slice(0, 2)) {
        cands.push({
          source: 'import', path: r.file.path, startLine: r.tag.startLine, endLine: r.tag.endLine,
          body: r.tag.snippet, score: 1_000_000 - order++, reason: `imported ${name}`,
        });
      }
    }
  }
  return pack(cands, budget, { maxMisses: 1000 });
}
