/**
 * What the editor's language server says about the names around the cursor, used as context (issue 12, item 3). The
 * host asks VS Code's definition and type-definition providers for the identifiers near the cursor, off the keystroke
 * path, and sends the locations here (engineProtocol's `hints` notice) when they change. A hint only points: the
 * definition it names is taken from the index (by file and line), so a location in a file the index does not hold
 * (node_modules, lib.d.ts, an excluded or secret-looking file) is never context, and a file re-indexed since the hint
 * was read (its mtime or size changed) has its hints dropped: their lines may no longer be what they named.
 *
 * How they rank reuses what the tree-sitter sources do with the same knowledge: the type of a value used near the
 * cursor seeds typedMembers' values (its members are offered as a declared value's would be), and the definition of a
 * name is scored as an imported name's definition (retrieval.ts: the name's weight near the cursor with the import
 * bonus, at the affinity of a file the imports reach).
 */
import type { Candidate } from './packing';
import { IMPORT_AFFINITY, definitionCandidate, importBonus, type CursorInfo } from './retrieval';
import { TYPE_KINDS, type TypeDef } from './valueTypes';
import type { IndexedFile, IndexedTag, WorkspaceIndex } from './workspaceIndex';

/** One location a provider gave for an identifier of the document. */
export interface DefinitionHint {
  /** The identifier as written near the cursor (a value's name, or a member's after a `.`). */
  name: string;
  /** `type`: where the type of the value `name` stands for is declared; `definition`: where `name` itself is. */
  kind: 'type' | 'definition';
  /** The target's path in the index's path space (workspace-relative). */
  relPath: string;
  /** The 0-based line of the target's name. */
  line: number;
}

/** Hints kept per document (the host sends a bounded set; a larger list is cut, not trusted). */
export const MAX_HINTS_PER_DOCUMENT = 256;
/** Documents whose hints are kept (the most recently hinted). */
const MAX_DOCUMENTS = 32;

interface Stamp {
  mtimeMs: number;
  size: number;
}

interface Held {
  hint: DefinitionHint;
  /** The target file as the index held it when the hint arrived. */
  stamp: Stamp;
}

/** What the hints of one document give a request. */
export interface HintedContext {
  /** The types of the values named near the cursor, by the value's name (typedMembers' values). */
  valueTypes: Map<string, TypeDef[]>;
  /** The definitions of names used near the cursor, as candidates. */
  definitions: Candidate[];
}

/** The hints of the open documents, by the document's workspace-relative path. */
export class DefinitionHints {
  private readonly docs = new Map<string, Held[]>();

  /** Replaces the hints of `docRelPath`; those whose target the index does not hold are dropped now. */
  set(docRelPath: string, hints: readonly DefinitionHint[], index: WorkspaceIndex): void {
    this.docs.delete(docRelPath);
    const held: Held[] = [];
    for (const hint of hints.slice(0, MAX_HINTS_PER_DOCUMENT)) {
      const file = index.file(hint.relPath);
      if (!file || hint.relPath === docRelPath) continue;
      held.push({ hint, stamp: { mtimeMs: file.mtimeMs, size: file.size } });
    }
    if (held.length === 0) return;
    this.docs.set(docRelPath, held);
    for (const k of this.docs.keys()) {
      if (this.docs.size <= MAX_DOCUMENTS) break;
      this.docs.delete(k);
    }
  }

  forget(docRelPath: string): void {
    this.docs.delete(docRelPath);
  }

  /** The hints of `docRelPath` still valid against the index (those `wanted` keeps; all by default: tests, reports). */
  held(docRelPath: string, index: WorkspaceIndex, wanted: (hint: DefinitionHint) => boolean = () => true): { hint: DefinitionHint; file: IndexedFile; tag: IndexedTag }[] {
    const out: { hint: DefinitionHint; file: IndexedFile; tag: IndexedTag }[] = [];
    for (const { hint, stamp } of this.docs.get(docRelPath) ?? []) {
      if (!wanted(hint)) continue;
      const file = index.file(hint.relPath);
      if (!file || file.mtimeMs !== stamp.mtimeMs || file.size !== stamp.size) continue;
      const tag = tagAt(file, hint.line, hint.kind);
      if (tag) out.push({ hint, file, tag });
    }
    return out;
  }

  /**
   * The hinted types and definitions for a request at `cur` (`weights`: identifierWeights' weights; a name not used
   * in the scanned text has none and is skipped).
   */
  context(cur: CursorInfo, index: WorkspaceIndex, ids: { weights: ReadonlyMap<string, number>; imported: ReadonlySet<string> }): HintedContext {
    const valueTypes = new Map<string, TypeDef[]>();
    const definitions: Candidate[] = [];
    const local = new Set(cur.tags.map((t) => t.name));
    // Names not used in the scanned text are skipped before their definitions are looked for (a scan of the target's tags).
    for (const { hint, file, tag } of this.held(cur.relPath, index, (h) => ids.weights.has(h.name))) {
      const w = ids.weights.get(hint.name)!;
      if (hint.kind === 'type') {
        if (!TYPE_KINDS.has(tag.kind)) continue;
        const defs = valueTypes.get(hint.name) ?? [];
        if (!defs.some((d) => d.tag === tag)) defs.push({ file, tag });
        valueTypes.set(hint.name, defs);
      } else if (!local.has(hint.name)) {
        // As an imported name's definition (definitionCandidates): its weight with the bonus of an import naming it
        // (counted once when no import does), at the affinity of a file the imports reach; one definition, not a pool.
        const bonus = ids.imported.has(hint.name) ? 0 : importBonus(1, cur.imports.length);
        definitions.push(definitionCandidate(file, tag, 'import', (w + bonus) * IMPORT_AFFINITY, `${tag.kind} ${tag.name}: the editor's language server resolves ${hint.name} near the cursor to it`, 'multi-line'));
      }
    }
    return { valueTypes, definitions };
  }
}

/**
 * The definition a hint at `line` of `file` names: the innermost tag spanning the line (a type hint: the innermost
 * type), the one starting on the line first.
 */
export function tagAt(file: IndexedFile, line: number, kind: DefinitionHint['kind']): IndexedTag | undefined {
  let best: IndexedTag | undefined;
  const rank = (t: IndexedTag) => [kind === 'type' && !TYPE_KINDS.has(t.kind) ? 1 : 0, t.startLine === line ? 0 : 1, t.endLine - t.startLine];
  for (const t of file.tags) {
    if (t.startLine > line || t.endLine < line) continue;
    if (!best || less(rank(t), rank(best))) best = t;
  }
  return best;
}

function less(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
