/**
 * The context service: loads tree-sitter from the extension's dist/, builds and persists the workspace index in the
 * background (window progress), keeps it current from file events, feeds open documents and edits to the engine,
 * and registers "Show Context for Cursor" and "Rebuild Workspace Index".
 */
import * as vscode from 'vscode';
import type { ContextService } from './contextService';
import type { Logger } from '../core/log';
import type { Settings } from '../core/config';
import { TreeSitterContextEngine } from '../core/context/engine';
import { RecentActivity, type OpenDocument } from '../core/context/activity';
import { renderContextReport } from '../core/context/report';
import type { DocumentSnapshot } from '../core/context/types';
import { WorkspaceIndexHost } from './contextIndexHost';
import { QUESTION_HITS, QuestionSearch, packQuestionHits, type QuestionContext } from '../core/context/questionSearch';

export interface ContextServiceDeps {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  logger: Logger;
  settings(): Settings;
  onDidChangeSettings: vscode.Event<Settings>;
}

/** Budget of "Show Context for Cursor" when no feature says otherwise. */
export const SHOW_CONTEXT_BUDGET = 4096;
const REPORT_SCHEME = 'phi-coder-context';

/** Delay between a document being opened or focused and preparing its windows. */
const PREPARE_DELAY_MS = 300;

export function createContextService(deps: ContextServiceDeps): ContextService {
  const { extension, logger } = deps;

  const disposables: vscode.Disposable[] = [];
  const activity = new RecentActivity();
  const host = new WorkspaceIndexHost(deps);
  disposables.push(host);
  const engine = new TreeSitterContextEngine({ index: host.index, activity, logger });

  // The index's path space: relative to the folder, with the folder's name first in a multi-root workspace.
  const relPath = (uri: vscode.Uri) => (uri.scheme === 'file' ? vscode.workspace.asRelativePath(uri, host.multiRoot) : uri.toString());
  const noteDocument = (doc: vscode.TextDocument) => {
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return;
    // Getters over the live document: the text is copied only when the engine compares windows, not per keystroke.
    const open = {
      relPath: relPath(doc.uri),
      languageId: doc.languageId,
      get version() {
        return doc.version;
      },
      get text() {
        return doc.getText();
      },
    };
    if (activity.noteDocument(open)) prepareSoon(open);
  };
  // Opening or focusing a document prepares what completions will need from it (its similarity windows), shortly after
  // and once per burst of events, instead of on the first keystroke that needs it.
  const preparing = new Map<string, ReturnType<typeof setTimeout>>();
  const prepareSoon = (open: OpenDocument) => {
    clearTimeout(preparing.get(open.relPath));
    preparing.set(open.relPath, setTimeout(() => {
      preparing.delete(open.relPath);
      engine.prepare(open);
    }, PREPARE_DELAY_MS));
  };
  disposables.push({ dispose: () => preparing.forEach((t) => clearTimeout(t)) });
  for (const e of vscode.window.visibleTextEditors) noteDocument(e.document);
  disposables.push(
    vscode.window.onDidChangeActiveTextEditor((e) => e && noteDocument(e.document)),
    vscode.workspace.onDidOpenTextDocument(noteDocument),
    vscode.workspace.onDidCloseTextDocument((d) => {
      activity.closeDocument(relPath(d.uri));
      engine.documents.forget(d.uri.fsPath);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0 || (e.document.uri.scheme !== 'file' && e.document.uri.scheme !== 'untitled')) return;
      const doc = e.document;
      for (const c of e.contentChanges.slice(0, 4)) {
        const added = c.text.split('\n').length - 1;
        activity.noteEditedLines(relPath(doc.uri), doc.languageId, c.range.start.line, c.range.start.line + added, doc.lineCount, (n) => doc.lineAt(n).text);
      }
    }),
    vscode.workspace.onDidRenameFiles((e) => {
      for (const f of e.files) activity.renameDocument(relPath(f.oldUri), relPath(f.newUri));
    }),
  );

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
    path: doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString(),
    relPath: relPath(doc.uri),
    languageId: doc.languageId,
    text: doc.getText(),
    version: doc.version,
    offset: doc.offsetAt(position),
    selection: selection && !selection.isEmpty ? { start: doc.offsetAt(selection.start), end: doc.offsetAt(selection.end) } : undefined,
  });

  const contextReport = async (editor: vscode.TextEditor, budgetTokens = SHOW_CONTEXT_BUDGET): Promise<string> => {
    const doc = snapshot(editor.document, editor.selection.active, editor.selection);
    const packed = await engine.assemble({ doc, budgetTokens, purpose: 'completion', fileFits: false });
    return renderContextReport(doc, packed, host.stats());
  };

  // @workspace questions: each indexed file's terms are extracted once the index is built, in slices, off the typing path.
  const questions = new QuestionSearch(host.index);
  void host.whenIndexed().then(() => questions.warm()).catch((err) => logger.warn(`Question index: ${err instanceof Error ? err.message : String(err)}`));
  const searchWorkspace = async (question: string, budgetTokens: number, signal?: AbortSignal): Promise<QuestionContext> => {
    const hits = await questions.search(question, QUESTION_HITS, signal);
    return packQuestionHits(hits, budgetTokens);
  };

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
      const stats = await host.rebuild();
      void vscode.window.showInformationMessage(`Phi Coder: indexed ${stats.files} files (${stats.definitions} definitions).`);
      return stats;
    }),
  );

  extension.subscriptions.push(...disposables);
  host.start();

  return {
    engine,
    snapshot,
    whenIndexed: () => host.whenIndexed(),
    contextReport,
    searchWorkspace,
    dispose() {
      engine.dispose();
      for (const d of disposables) d.dispose();
    },
  };
}
