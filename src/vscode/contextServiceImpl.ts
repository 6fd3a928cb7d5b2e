/**
 * The context service: the context engine runs in a process of its own (EngineClient, see contextIndexHost.ts); this side
 * sends it the open documents once and then only their changes, forwards focus/close/rename events, snapshots
 * documents for requests, and registers "Show Context for Cursor" and "Rebuild Workspace Index".
 */
import * as vscode from 'vscode';
import type { ContextService } from './contextService';
import type { Logger } from '../core/log';
import type { Settings } from '../core/config';
import { renderContextReport } from '../core/context/report';
import type { DocumentSnapshot } from '../core/context/types';
import type { DocumentInfo, TextChange } from '../core/context/engineProtocol';
import { WorkspaceIndexHost } from './contextIndexHost';
import { NEAR_CURSOR_CHARS } from '../core/context/cursorText';
import type { QuestionContext } from '../core/context/questionSearch';
import type { DocumentGate } from './workspaceGate';
import { DefinitionHintsHost } from './definitionHintsHost';

export interface ContextServiceDeps {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  logger: Logger;
  settings(): Settings;
  onDidChangeSettings: vscode.Event<Settings>;
  /** The project rules that apply to a file, as a report section (Show Context for Cursor lists them). */
  rulesReport?: (uri: vscode.Uri) => string;
  /** Open documents and edits reach the engine only when the gate admits them (workspace folder, exclusion rules). */
  gate: DocumentGate;
}

/** Budget of "Show Context for Cursor" when no feature says otherwise. */
export const SHOW_CONTEXT_BUDGET = 4096;
const REPORT_SCHEME = 'phi-coder-context';
/** Documents longer than this are not copied to the engine (completions skip them; see triggers.ts MAX_FILE_CHARS). */
const MAX_MIRRORED_CHARS = 4_000_000;

export function createContextService(deps: ContextServiceDeps): ContextService {
  const disposables: vscode.Disposable[] = [];
  // Only documents the gate admits are copied to the engine (inside a workspace folder by real path, not excluded).
  const mirrorable = (doc: vscode.TextDocument) => (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled') && deps.gate.check(doc.uri).ok;
  const docPath = (doc: vscode.TextDocument) => (doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString());
  const info = (doc: vscode.TextDocument): DocumentInfo | undefined => {
    if (!mirrorable(doc)) return undefined;
    const text = doc.getText();
    if (text.length > MAX_MIRRORED_CHARS) return undefined;
    return { path: docPath(doc), relPath: relPath(doc.uri), languageId: doc.languageId, version: doc.version, text };
  };
  const host = new WorkspaceIndexHost({
    ...deps,
    openDocuments: () => vscode.workspace.textDocuments.map(info).filter((d): d is DocumentInfo => !!d),
  });
  disposables.push(host);
  const client = host.client;

  // The index's path space: relative to the folder, with the folder's name first in a multi-root workspace.
  const relPath = (uri: vscode.Uri) => (uri.scheme === 'file' ? vscode.workspace.asRelativePath(uri, host.multiRoot) : uri.toString());
  /** Documents the engine has a copy of (by path): changes are sent for these only. */
  const mirrored = new Set<string>();
  const open = (doc: vscode.TextDocument) => {
    const d = info(doc);
    if (!d) return;
    mirrored.add(d.path);
    client.notify({ kind: 'open', doc: d });
  };
  /** `at`: the cursor of the active editor, where the engine warms the first completion's ranking (focusWarmUp.ts). */
  const focus = (doc: vscode.TextDocument, at?: vscode.Position) => {
    if (!mirrorable(doc)) return;
    if (!mirrored.has(docPath(doc))) open(doc);
    if (!mirrored.has(docPath(doc))) return;
    client.notify({ kind: 'focus', path: docPath(doc), cursor: at && { offset: doc.offsetAt(at), line: at.line } });
  };
  for (const e of vscode.window.visibleTextEditors) focus(e.document, e === vscode.window.activeTextEditor ? e.selection.active : undefined);
  disposables.push(
    vscode.window.onDidChangeActiveTextEditor((e) => e && focus(e.document, e.selection.active)),
    vscode.workspace.onDidOpenTextDocument(open),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (!mirrored.delete(docPath(d))) return;
      client.notify({ kind: 'close', path: docPath(d) });
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      const doc = e.document;
      if (e.contentChanges.length === 0 || !mirrored.has(docPath(doc))) return;
      const changes: TextChange[] = e.contentChanges.map((c) => {
        let added = 0;
        for (let i = c.text.indexOf('\n'); i >= 0; i = c.text.indexOf('\n', i + 1)) added++;
        return { offset: c.rangeOffset, length: c.rangeLength, text: c.text, startLine: c.range.start.line, endLine: c.range.start.line + added };
      });
      // The length after the changes (offsetAt clamps to the end): the worker checks its copy against it.
      const length = doc.offsetAt(new vscode.Position(doc.lineCount, 0));
      client.notify({ kind: 'change', path: docPath(doc), version: doc.version, changes, length });
    }),
    vscode.workspace.onDidRenameFiles((e) => {
      for (const f of e.files) {
        // Renamed to somewhere the gate refuses (e.g. into an ignored folder): the engine forgets it.
        if (f.newUri.scheme !== 'file' || deps.gate.check(f.newUri).ok) client.notify({ kind: 'rename', fromRel: relPath(f.oldUri), toRel: relPath(f.newUri) });
        else if (mirrored.delete(f.oldUri.fsPath)) client.notify({ kind: 'close', path: f.oldUri.fsPath });
      }
    }),
  );

  // What the language server knows about the names around the cursor, asked when the cursor rests (definitionHintsHost.ts).
  const hints = new DefinitionHintsHost({
    notify: (n) => client.notify(n),
    relPath,
    admits: (uri) => deps.gate.check(uri).ok,
    enabled: () => deps.settings().context.languageServerHints,
    onDidChangeFile: host.onDidChangeFile,
    logger: deps.logger,
  });
  disposables.push(hints, deps.onDidChangeSettings((s) => s.context.languageServerHints || hints.clear()));

  // Read-only report documents for "Show Context for Cursor".
  const reports = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  disposables.push(changed);
  disposables.push(
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, {
      onDidChange: changed.event,
      provideTextDocumentContent: (uri) => reports.get(uri.path) ?? 'No context report (run "Phi Coder: Show Context for Cursor").',
    }),
  );

  const snapshot = (doc: vscode.TextDocument, position: vscode.Position, selection?: vscode.Selection): DocumentSnapshot => ({
    path: docPath(doc),
    relPath: relPath(doc.uri),
    languageId: doc.languageId,
    text: doc.getText(),
    version: doc.version,
    offset: doc.offsetAt(position),
    line: position.line,
    selection: selection && !selection.isEmpty ? { start: doc.offsetAt(selection.start), end: doc.offsetAt(selection.end) } : undefined,
  });

  /**
   * A snapshot for a completion, on every keystroke: the text near the cursor read as ranges, and the whole text only
   * if something asks for it (VS Code joins the document's lines into one string on the first getText() after each
   * edit: in a 28,000-line file, milliseconds of this thread per keystroke). Asked for after the document has changed,
   * the text is no longer this snapshot's: the caller's work is cancelled (an AbortError), never done on another text.
   */
  const cursorSnapshot = (doc: vscode.TextDocument, position: vscode.Position): DocumentSnapshot => {
    const offset = doc.offsetAt(position);
    const end = doc.lineAt(doc.lineCount - 1).range.end;
    const length = doc.offsetAt(end);
    const before = doc.getText(new vscode.Range(doc.positionAt(Math.max(0, offset - NEAR_CURSOR_CHARS)), position));
    const after = doc.getText(new vscode.Range(position, doc.positionAt(Math.min(length, offset + NEAR_CURSOR_CHARS))));
    const version = doc.version;
    let text: string | undefined;
    return {
      path: docPath(doc),
      relPath: relPath(doc.uri),
      languageId: doc.languageId,
      version,
      offset,
      line: position.line,
      near: { before, after, length },
      linesAround(above: number, below: number) {
        if (doc.version !== version) throw Object.assign(new Error(`${doc.uri.path} changed since the completion's snapshot`), { name: 'AbortError' });
        const first = Math.max(0, position.line - above);
        const last = Math.min(doc.lineCount - 1, position.line + below);
        const start = new vscode.Position(first, 0);
        const range = new vscode.Range(start, doc.lineAt(last).range.end);
        return { text: doc.getText(range), offset: offset - doc.offsetAt(start) };
      },
      get text(): string {
        if (text === undefined) {
          if (doc.version !== version) throw Object.assign(new Error(`${doc.uri.path} changed since the completion's snapshot`), { name: 'AbortError' });
          text = doc.getText();
        }
        return text;
      },
    };
  };

  const contextReport = async (editor: vscode.TextEditor, budgetTokens = SHOW_CONTEXT_BUDGET): Promise<string> => {
    const doc = snapshot(editor.document, editor.selection.active, editor.selection);
    const packed = await client.assemble({ doc, budgetTokens, purpose: 'completion', fileFits: false }, { withDropped: true });
    const report = renderContextReport(doc, packed, await host.stats());
    const rules = deps.rulesReport?.(editor.document.uri);
    return rules ? `${report}\n\n${rules.replace(/^# /, '# Rules: ')}` : report;
  };

  // @workspace questions are answered by the engine's worker, from its index.
  const searchWorkspace = (question: string, budgetTokens: number, signal?: AbortSignal): Promise<QuestionContext> =>
    client.searchWorkspace(question, budgetTokens, signal);

  let reportCount = 0;
  disposables.push(
    vscode.commands.registerCommand('phiCoder.showContext', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.uri.scheme === REPORT_SCHEME) {
        void vscode.window.showInformationMessage('Phi Coder: open a file and place the cursor first.');
        return undefined;
      }
      try {
        const text = await contextReport(editor);
        const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/context-${++reportCount}.md` });
        reports.set(uri.path, text);
        if (reports.size > 10) reports.delete(reports.keys().next().value as string);
        const doc = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
        return text;
      } catch (err) {
        deps.log.error(`Show Context failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        void vscode.window.showErrorMessage('Phi Coder: could not assemble the context. See the log for details.');
        return undefined;
      }
    }),
    vscode.commands.registerCommand('phiCoder.rebuildIndex', async () => {
      try {
        const stats = await host.rebuild();
        void vscode.window.showInformationMessage(`Phi Coder: indexed ${stats.files} files (${stats.definitions} definitions).`);
        return stats;
      } catch (err) {
        deps.log.error(`Rebuild Workspace Index failed: ${err instanceof Error ? err.message : String(err)}`);
        void vscode.window.showErrorMessage('Phi Coder: the workspace index could not be rebuilt (the context engine is restarting). Try again shortly.');
        return undefined;
      }
    }),
  );

  deps.extension.subscriptions.push(...disposables);
  host.start();

  return {
    engine: client,
    windows: client,
    snapshot,
    cursorSnapshot,
    whenIndexed: () => host.whenIndexed(),
    contextReport,
    searchWorkspace,
    hintPasses: () => hints.passes,
    onDidChangeHints: hints.onDidChangeHints,
    dispose() {
      for (const d of disposables) d.dispose();
    },
  };
}
