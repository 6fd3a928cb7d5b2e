/** Runs a PostprocessFixture through the same steps the engine uses: mode from syntax, then post-processing. */
import { syntaxMode } from '../../../src/core/completion/mode';
import { postprocess } from '../../../src/core/completion/postprocess';
import type { PostprocessFixture } from './fixtures/types';

export const CURSOR = '█';

export function runFixture(f: PostprocessFixture): { text: string; mode: string; scope: string; rejected?: string } {
  const offset = f.file.indexOf(CURSOR);
  if (offset < 0) throw new Error(`fixture ${f.name} has no cursor`);
  const text = f.file.slice(0, offset) + f.file.slice(offset + CURSOR.length);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const { mode, scope } = syntaxMode(f.lang, text, offset);
  const r = postprocess({
    raw: f.raw,
    linePrefix: text.slice(lineStart, offset),
    lineSuffix: text.slice(offset, lineEnd),
    linesAbove: lineStart > 0 ? text.slice(0, lineStart - 1).split('\n') : [],
    linesBelow: lineEnd < text.length ? text.slice(lineEnd + 1).split('\n') : [],
    languageId: f.lang,
    mode,
    scope,
    indent: f.indent ?? { insertSpaces: true, tabSize: 4 },
    maxLines: 30,
    truncated: f.truncated ?? false,
  });
  return { ...r, mode, scope };
}
