/**
 * The engine worker's copies of the editor's open documents, kept current from VS Code's change events (so a request
 * sends a path, a version and a cursor, not the text). A copy whose length disagrees with the editor's after a change
 * is marked stale: the next request for it asks the host for the text (a `resync`).
 */
import type { DocumentInfo, TextChange } from './engineProtocol';

export interface MirroredDocument extends DocumentInfo {
  stale: boolean;
}

export class DocumentMirror {
  private readonly docs = new Map<string, MirroredDocument>();

  open(doc: DocumentInfo): MirroredDocument {
    const copy = { ...doc, stale: false };
    this.docs.set(doc.path, copy);
    return copy;
  }

  get(path: string): MirroredDocument | undefined {
    return this.docs.get(path);
  }

  /** The document at exactly `version`, or undefined (unknown, stale or another version: resync). */
  at(path: string, version: number): MirroredDocument | undefined {
    const d = this.docs.get(path);
    return d && !d.stale && d.version === version ? d : undefined;
  }

  /** Apply one change event (its changes in order, each against the text the previous one left). */
  change(path: string, version: number, changes: readonly TextChange[], length: number): MirroredDocument | undefined {
    const d = this.docs.get(path);
    if (!d) return undefined;
    let text = d.text;
    for (const c of changes) {
      if (c.offset < 0 || c.offset + c.length > text.length) {
        d.stale = true;
        break;
      }
      text = text.slice(0, c.offset) + c.text + text.slice(c.offset + c.length);
    }
    d.text = text;
    d.version = version;
    if (text.length !== length) d.stale = true;
    return d;
  }

  close(path: string): void {
    this.docs.delete(path);
  }

  /** The copies of the documents whose workspace path is `rel` (usually one). */
  withRelPath(rel: string): MirroredDocument[] {
    return [...this.docs.values()].filter((d) => d.relPath === rel);
  }

  /** Documents whose workspace path is `fromRel` now have `toRel`. */
  rename(fromRel: string, toRel: string): void {
    for (const d of this.docs.values()) if (d.relPath === fromRel) d.relPath = toRel;
  }
}

/**
 * The lines `line - before .. line + span + after` of `text`, where `line` is the line holding `offset`, read by
 * scanning only around `offset` (not from the start of the file). `lineCount` is exact when the end was reached.
 */
export function linesAroundOffset(text: string, offset: number, line: number, span: number, before: number, after: number) {
  let start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  if (offset === 0) start = 0;
  let first = line;
  while (first > line - before && start > 0) {
    start = start >= 2 ? text.lastIndexOf('\n', start - 2) + 1 : 0;
    first--;
  }
  const lines: string[] = [];
  let at = start;
  let reachedEnd = false;
  for (let n = first; n <= line + span + after; n++) {
    const nl = text.indexOf('\n', at);
    lines.push(text.slice(at, nl < 0 ? text.length : nl));
    if (nl < 0) {
      reachedEnd = true;
      break;
    }
    at = nl + 1;
  }
  return { first, lines, lineCount: reachedEnd ? first + lines.length : Infinity };
}
