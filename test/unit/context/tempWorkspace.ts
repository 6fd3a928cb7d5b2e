/** Indexed workspaces in temporary folders for engine tests: files written, indexed in-process, removed after the tests. */
import { after } from 'node:test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import type { PackedContext } from '../../../src/core/context/types';

/** A function making such workspaces (folder names start with `prefix`); all are removed when the file's tests end. */
export function tempWorkspaces(prefix: string): (files: Record<string, string>) => Promise<{ root: string; index: WorkspaceIndex }> {
  const roots: string[] = [];
  after(() => {
    for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
  });
  return async (files) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    roots.push(root);
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    const index = new WorkspaceIndex(nodeWorkspaceFs(root), new ExclusionRules(), { workers: 0 });
    await index.build();
    return { root, index };
  };
}

/**
 * A completion's context for a TypeScript file `relPath` of the workspace at `root` holding `lines`, with the cursor
 * where `CURSOR` is written (the marker removed), assembled by a fresh engine on `index`.
 */
export async function packedAtCursor(root: string, index: WorkspaceIndex, relPath: string, lines: string[], budgetTokens = 120): Promise<PackedContext> {
  const text = [...lines, ''].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const offset = text.indexOf('CURSOR');
  const packed = await engine.assemble({ doc: { path: path.join(root, relPath), relPath, languageId: 'typescript', text: text.replace('CURSOR', ''), version: 1, offset }, budgetTokens, purpose: 'completion' });
  engine.dispose();
  return packed;
}
