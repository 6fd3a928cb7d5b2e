/** "Show Context for Cursor": a plain-text report of what was packed, why, and what it cost in tokens. */
import type { DocumentSnapshot, PackedContext } from './types';

export interface IndexStats {
  files: number;
  definitions: number;
  state: string;
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 0;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line: line + 1, col: offset - last };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderContextReport(doc: DocumentSnapshot, packed: PackedContext, index?: IndexStats): string {
  const { line, col } = lineCol(doc.text, doc.offset);
  const out: string[] = [];
  out.push(`# Phi Coder context for ${doc.relPath}:${line}:${col} (${doc.languageId})`, '');
  out.push(
    `Budget: ${packed.budgetTokens ?? '?'} tokens. Packed: ${packed.tokens} tokens in ${packed.items.length} parts. ` +
      `Assembled in ${packed.elapsedMs.toFixed(1)} ms.`,
  );
  if (packed.fallback === 'engine-unavailable') out.push('The context engine was restarting: no workspace context (completions use the file window meanwhile).');
  else if (packed.fallback) out.push(`The current file was not parsed (${packed.fallback}): line windows were used instead of tree-sitter structure.`);
  if (index) out.push(`Workspace index: ${index.files} files, ${index.definitions} definitions (${index.state}).`);
  out.push('', '## Parts, in prompt order (stable first, volatile last)', '');
  out.push('| # | source | file:line | score | tokens | why |', '|---|---|---|---|---|---|');
  packed.items.forEach((it, i) => {
    out.push(`| ${i + 1} | ${it.source} | ${cell(it.path)}:${it.startLine + 1} | ${it.score.toFixed(2)} | ${it.tokens} | ${cell(it.reason)} |`);
  });
  const sum = packed.items.reduce((n, it) => n + it.tokens, 0);
  out.push('', `Total: ${packed.tokens} tokens (parts counted alone: ${sum}).`, '');
  out.push('## Packed text', '', '````', packed.text.replace(/\n$/, ''), '````', '');
  if (packed.dropped.length) {
    out.push('## Did not fit', '', '| source | file:line | score | tokens | why |', '|---|---|---|---|---|');
    for (const it of packed.dropped) out.push(`| ${it.source} | ${cell(it.path)}:${it.startLine + 1} | ${it.score.toFixed(2)} | ${it.tokens} | ${cell(it.reason)} |`);
    out.push('');
  }
  return out.join('\n');
}
