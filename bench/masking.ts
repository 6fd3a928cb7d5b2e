/** The benchmark's hidden line: a file with one line masked, and the imports of the masked text (parsed on its own). */
import { parse, resolveLanguage } from '../src/core/context/parser';
import { extractImports, type ImportRef } from '../src/core/context/structure';

/** The file with line `line` hidden: the cursor sits after its indentation (prefix ends there, suffix starts at its end). */
export function maskLine(text: string, line: number): { masked: string; prefix: string; hidden: string } {
  const lines = text.split('\n');
  const indent = lines[line].match(/^\s*/)![0];
  const prefix = lines.slice(0, line).join('\n') + (line > 0 ? '\n' : '') + indent;
  const suffix = '\n' + lines.slice(line + 1).join('\n');
  return { masked: prefix + suffix, prefix, hidden: lines[line] };
}

/** The imports of a text, parsed outside the engine's document cache. */
export async function maskedImports(languageId: string, text: string): Promise<ImportRef[]> {
  const language = resolveLanguage(languageId);
  const tree = language ? await parse(language, text) : undefined;
  if (!language || !tree) return [];
  try {
    return extractImports(language, tree, text);
  } finally {
    tree.delete();
  }
}
