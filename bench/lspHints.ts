/**
 * `bench:context --lsp-hints`: what the language server's hints (src/core/context/definitionHints.ts) add to recall,
 * as a figure of its own beside the tree-sitter engine's. The editor's language server is simulated by the `typescript`
 * package's language service over the repository with the MASKED file in place of the one on disk (the text the user
 * has, without the hidden line): for the names in the lines around the cursor (hintNames.ts, the window the extension's
 * passes read; every name of it, as the extension's cache holds them once the cursor has rested on the lines above),
 * the type definition, and the definition of names the lines do not declare, as VS Code's providers answer them. The
 * engine keeps only locations in files its index holds, as in the extension.
 */
import * as path from 'path';
import ts from 'typescript';
import type { DefinitionHint } from '../src/core/context/definitionHints';
import { HINT_LINES_ABOVE, HINT_LINES_BELOW, hintNames } from '../src/core/context/hintNames';
import { repoLanguageService, type Overlay } from './oracles/typescript';
import { TS_EXTENSIONS } from './oracles/types';

export class MaskedFileHints {
  private overlay: Overlay | undefined;
  private version = 0;
  private readonly ls: ReturnType<typeof repoLanguageService>;
  /** Provider calls made and the time they took (ms): the simulation's cost, printed apart. */
  calls = 0;
  ms = 0;

  constructor(private readonly repo: string, indexed: ReadonlySet<string>) {
    this.ls = repoLanguageService(repo, indexed, () => this.overlay);
  }

  /** The hints for a cursor on `line` of `relFile` whose text (masked) is `text`; none for a file the service does not read. */
  hints(relFile: string, text: string, line: number, languageId: string): DefinitionHint[] {
    if (!TS_EXTENSIONS.test(relFile)) return [];
    const t0 = performance.now();
    const file = path.join(this.repo, relFile);
    this.overlay = { file, text, version: ++this.version };
    const lines = text.split('\n');
    const first = Math.max(0, line - HINT_LINES_ABOVE);
    const window = lines.slice(first, line + HINT_LINES_BELOW + 1).join('\n');
    const program = this.ls.service.getProgram();
    const sf = program?.getSourceFile(file);
    if (!program || !sf) return [];
    const out: DefinitionHint[] = [];
    const targets = (defs: readonly ts.DefinitionInfo[] | undefined, name: string, kind: DefinitionHint['kind']) => {
      for (const d of (defs ?? []).slice(0, 4)) {
        const rel = path.relative(this.repo, d.fileName).split(path.sep).join('/');
        if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
        const target = program.getSourceFile(d.fileName);
        if (!target) continue;
        out.push({ name, kind, relPath: rel, line: target.getLineAndCharacterOfPosition(d.textSpan.start).line });
      }
    };
    for (const n of hintNames(window, first, line, languageId, Infinity)) {
      const pos = sf.getPositionOfLineAndCharacter(n.line, n.character);
      try {
        this.calls++;
        targets(this.ls.service.getTypeDefinitionAtPosition(file, pos), n.name, 'type');
        if (!n.declared) {
          this.calls++;
          targets(this.ls.service.getDefinitionAtPosition(file, pos), n.name, 'definition');
        }
      } catch {
        // A position the service cannot answer for: no hint, as a provider that throws gives none.
      }
    }
    this.ms += performance.now() - t0;
    return out;
  }

  close(): void {
    this.ls.service.dispose();
    this.ls.clear();
  }
}
