/** Symbol and diagnostics look-ups for chat mentions and for "apply code block", through VS Code's language features. */
import * as vscode from 'vscode';
import type { ContextBlock } from '../../core/chat/types';
import type { DocumentGate } from '../workspaceGate';

const MAX_SYMBOL_LINES = 400;
const MAX_PROBLEMS = 100;

function flatten(symbols: readonly vscode.DocumentSymbol[], out: vscode.DocumentSymbol[] = []): vscode.DocumentSymbol[] {
  for (const s of symbols) {
    out.push(s);
    flatten(s.children, out);
  }
  return out;
}

export async function documentSymbols(uri: vscode.Uri): Promise<vscode.DocumentSymbol[]> {
  const result = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>('vscode.executeDocumentSymbolProvider', uri);
  if (!result?.length) return [];
  if ('children' in result[0]) return flatten(result as vscode.DocumentSymbol[]);
  return [];
}

/** The full range of the declaration named `name` in `doc` (first in document order), if a symbol provider knows it. */
export async function declarationRange(doc: vscode.TextDocument, name: string): Promise<vscode.Range | undefined> {
  const symbols = await documentSymbols(doc.uri);
  const match = symbols.find((s) => s.name === name || s.name.replace(/\(.*$/, '') === name);
  if (!match) return undefined;
  // Extend to whole lines so the indentation of the first line is replaced too.
  return new vscode.Range(match.range.start.line, 0, match.range.end.line, doc.lineAt(match.range.end.line).text.length);
}

/** `@symbol:name`: the definition's full text, found through the workspace symbol provider. */
export async function findSymbolBlock(name: string, gate: DocumentGate): Promise<ContextBlock | undefined> {
  const infos = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', name)) ?? [];
  const info = infos.find((s) => s.name === name) ?? infos.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!info) return undefined;
  // Symbol providers also index libraries and files outside the workspace: only what the gate admits is attached.
  if (!gate.check(info.location.uri).ok) return undefined;
  const relPath = vscode.workspace.asRelativePath(info.location.uri, false);
  const doc = await vscode.workspace.openTextDocument(info.location.uri);
  const full = (await declarationRange(doc, info.name)) ?? info.location.range;
  let range = new vscode.Range(full.start.line, 0, full.end.line, doc.lineAt(full.end.line).text.length);
  if (range.end.line - range.start.line > MAX_SYMBOL_LINES) range = new vscode.Range(range.start.line, 0, range.start.line + MAX_SYMBOL_LINES, 0);
  return { id: `symbol:${name}`, kind: 'symbol', label: `@symbol:${info.name}`, path: relPath, languageId: doc.languageId, startLine: range.start.line, text: doc.getText(range) };
}

/** `@problems`: errors and warnings, the active file's first, as one line each. */
export function problemsText(activeUri: vscode.Uri | undefined, gate: DocumentGate): string {
  const lines: { first: boolean; text: string }[] = [];
  for (const [uri, diags] of vscode.languages.getDiagnostics()) {
    if (!(uri.toString() === activeUri?.toString() ? gate.checkActive(uri) : gate.check(uri)).ok) continue;
    const rel = vscode.workspace.asRelativePath(uri, false);
    for (const d of diags) {
      if (d.severity > vscode.DiagnosticSeverity.Warning) continue;
      const sev = d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning';
      const src = d.source ? ` (${d.source}${d.code !== undefined ? ` ${typeof d.code === 'object' ? d.code.value : d.code}` : ''})` : '';
      lines.push({ first: uri.toString() === activeUri?.toString(), text: `${rel}:${d.range.start.line + 1}:${d.range.start.character + 1} ${sev}: ${d.message}${src}` });
    }
  }
  if (lines.length === 0) return 'No errors or warnings are reported.';
  lines.sort((a, b) => Number(b.first) - Number(a.first));
  const shown = lines.slice(0, MAX_PROBLEMS).map((l) => l.text);
  if (lines.length > MAX_PROBLEMS) shown.push(`… and ${lines.length - MAX_PROBLEMS} more`);
  return shown.join('\n');
}
