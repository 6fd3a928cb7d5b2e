/**
 * What a chat question carries from the editor: the active selection (plus definitions around it from the context
 * engine) or the active file, attached by default as a chip; `@file`, `@symbol`, `@problems`, `@workspace` and `@terminal` mentions
 * resolved to context blocks; and the autocomplete lists for those mentions. Secret-looking and binary files are never read.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { ContextBlock } from '../../core/chat/types';
import type { ChipView, MentionSuggestion } from '../../shared/protocol';
import { parseMentions, type Mention } from '../../core/chat/mentions';
import { renderBlock } from '../../core/chat/prompt';
import { countTokensByLines } from '../../core/tokens';
import { aroundCursor, aroundCursorIn, type LineReader } from '../../core/chat/fileExcerpt';
import { isBinaryPath, isSecretPath, looksBinary } from '../../core/context/exclude';
import type { DocumentGate } from '../workspaceGate';
import { DIFF_SCHEME } from '../diffPreview';
import type { QuestionContext } from '../../core/context/questionSearch';
import { findSymbolBlock, problemsText } from './symbols';
import { terminalBlock } from '../../core/terminal/prompts';
import { terminalWatcher } from '../terminal/register';

const DEFINITIONS_BUDGET = 1_500;
const WORKSPACE_BUDGET = 3_000;
const FILE_LIST_TTL_MS = 10_000;

export interface ChatBlocks {
  blocks: ContextBlock[];
  chips: ChipView[];
}

export class ChatContext implements vscode.Disposable {
  private editor: vscode.TextEditor | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** The active editor or its selection changed (debounced). */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private fileList: { at: number; paths: vscode.Uri[] } | undefined;
  private readonly mentionCache = new Map<string, { at: number; block: ContextBlock | undefined }>();
  /** Definitions around the selection, for the last (document version, selection): the meter asks on every keystroke. */
  private definitionsCache: { key: string; block: ContextBlock | undefined } | undefined;

  constructor(private readonly services: Services) {
    this.editor = usable(vscode.window.activeTextEditor);
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (usable(e)) this.editor = e;
        this.changed();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === this.editor) this.changed();
      }),
    );
  }

  /** The editor chat acts on (the last focused text editor, even while the chat has focus). */
  get lastEditor(): vscode.TextEditor | undefined {
    return this.editor && !this.editor.document.isClosed ? this.editor : undefined;
  }

  /**
   * The default context (selection or file) plus every mention in `typed`, as blocks and chips. Pass only what the
   * user typed: text the extension composed (Explain's question, with diagnostics a repository can word) must never
   * be searched for mentions.
   */
  async collect(typed: string, opts: { resolveWorkspace: boolean; signal?: AbortSignal }): Promise<ChatBlocks> {
    const out: ChatBlocks = { blocks: [], chips: [] };
    const editorPart = await this.editorBlocks(opts.signal);
    if (editorPart) {
      out.blocks.push(...editorPart.blocks);
      out.chips.push(editorPart.chip);
    }
    for (const mention of parseMentions(typed)) {
      const id = `mention:${mention.kind}:${mention.arg}`;
      const block = await this.resolveMention(mention, typed, opts);
      const tokens = block ? countTokensByLines(renderBlock(block), true) : 0;
      const label = mention.arg ? `@${mention.kind}:${mention.arg}` : `@${mention.kind}`;
      out.chips.push({ id, kind: mention.kind, label, detail: block ? `${block.label} · ${tokens} tokens` : mention.kind === 'workspace' ? 'Retrieved when you send' : 'Not found', tokens });
      if (block) out.blocks.push({ ...block, id });
    }
    return out;
  }

  async suggestions(kind: 'file' | 'symbol', query: string): Promise<MentionSuggestion[]> {
    if (kind === 'file') {
      if (!this.fileList || Date.now() - this.fileList.at > FILE_LIST_TTL_MS) {
        const paths = await vscode.workspace.findFiles('**/*', '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**}', 5000);
        this.fileList = { at: Date.now(), paths };
      }
      const q = query.toLowerCase();
      const gate = this.services.gate;
      const named = this.fileList.paths
        .map((uri) => ({ uri, p: vscode.workspace.asRelativePath(uri, false) }))
        .filter(({ p }) => !isSecretPath(p) && !isBinaryPath(p) && p.toLowerCase().includes(q))
        .sort((a, b) => rank(a.p, q) - rank(b.p, q) || a.p.length - b.p.length);
      const out: MentionSuggestion[] = [];
      // Offer only files a mention could attach (the gate's check resolves links: done for the first few only).
      for (const { uri, p } of named) {
        if (out.length >= 20) break;
        if (gate.check(uri).ok) out.push({ kind: 'file', insertText: `file:${p}`, label: p.split('/').pop() ?? p, detail: p });
      }
      return out;
    }
    const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', query)) ?? [];
    return symbols
      .filter((s) => /^[\w$.]+$/.test(s.name))
      .slice(0, 20)
      .map((s) => ({ kind: 'symbol' as const, insertText: `symbol:${s.name}`, label: s.name, detail: `${vscode.SymbolKind[s.kind]} · ${vscode.workspace.asRelativePath(s.location.uri, false)}` }));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
  }

  private changed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.emitter.fire(), 200);
  }

  private async editorBlocks(signal?: AbortSignal): Promise<{ blocks: ContextBlock[]; chip: ChipView } | undefined> {
    const editor = this.lastEditor;
    if (!editor) return undefined;
    const doc = editor.document;
    const relPath = vscode.workspace.asRelativePath(doc.uri, false);
    if (!this.services.gate.checkActive(doc.uri).ok || isBinaryPath(relPath)) return undefined;
    const length = doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
    // The first 8,000 characters decide, as for a file read from disk (looksBinary).
    if (looksBinary(doc.getText(new vscode.Range(new vscode.Position(0, 0), doc.positionAt(Math.min(length, 8000)))))) return undefined;
    const sel = editor.selection;
    const blocks: ContextBlock[] = [];
    let id: string;
    let label: string;
    if (!sel.isEmpty) {
      id = `editor:${doc.uri.toString()}:sel:${doc.offsetAt(sel.start)}-${doc.offsetAt(sel.end)}`;
      label = `${relPath}:${sel.start.line + 1}-${sel.end.line + 1}`;
      blocks.push({ id, kind: 'selection', label, path: relPath, languageId: doc.languageId, startLine: sel.start.line, text: doc.getText(sel) });
      const defs = await this.definitions(editor, signal);
      if (defs) blocks.push({ ...defs, id });
    } else {
      id = `editor:${doc.uri.toString()}:file`;
      const { startLine, text: fileText } = aroundCursorIn(lineReader(doc, length), sel.active.line);
      label = startLine === 0 && fileText.length === length ? relPath : `${relPath}:${startLine + 1}-${startLine + fileText.split('\n').length}`;
      blocks.push({ id, kind: 'file', label, path: relPath, languageId: doc.languageId, startLine, text: fileText });
    }
    const tokens = blocks.reduce((n, b) => n + countTokensByLines(renderBlock(b), true), 0);
    const detail = `${sel.isEmpty ? 'Active file' : 'Selection'} ${label}${blocks.length > 1 ? ' + definitions it uses' : ''} · ${tokens} tokens`;
    return { blocks, chip: { id, kind: sel.isEmpty ? 'file' : 'selection', label, detail, tokens } };
  }

  private async definitions(editor: vscode.TextEditor, signal?: AbortSignal): Promise<ContextBlock | undefined> {
    const key = `${editor.document.uri.toString()}@${editor.document.version}:${editor.document.offsetAt(editor.selection.start)}-${editor.document.offsetAt(editor.selection.end)}`;
    if (this.definitionsCache?.key === key) return this.definitionsCache.block;
    const block = await this.assembleDefinitions(editor, signal);
    this.definitionsCache = { key, block };
    return block;
  }

  private async assembleDefinitions(editor: vscode.TextEditor, signal?: AbortSignal): Promise<ContextBlock | undefined> {
    try {
      const doc = this.services.context.snapshot(editor.document, editor.selection.active, editor.selection);
      const packed = await this.services.context.engine.assemble({ doc, budgetTokens: DEFINITIONS_BUDGET, purpose: 'chat', signal });
      if (!packed.text.trim()) return undefined;
      return { id: 'definitions', kind: 'definitions', label: `definitions (${packed.items.length})`, text: packed.text };
    } catch (err) {
      this.services.logger.warn(`Chat: context engine failed for the selection: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  private async resolveMention(m: Mention, question: string, opts: { resolveWorkspace: boolean; signal?: AbortSignal }): Promise<ContextBlock | undefined> {
    if (m.kind === 'workspace') {
      if (!opts.resolveWorkspace) return undefined;
      try {
        return await this.workspaceBlock(question, opts.signal);
      } catch (err) {
        this.services.logger.warn(`Chat: @workspace retrieval failed: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    }
    if (m.kind === 'terminal') {
      // The last command that finished in a terminal (shell integration), its exit code and redacted output tail.
      const run = terminalWatcher()?.last;
      return run ? terminalBlock(run) : undefined;
    }
    const key = `${m.kind}:${m.arg}`;
    const hit = this.mentionCache.get(key);
    if (hit && Date.now() - hit.at < 3_000) return hit.block;
    let block: ContextBlock | undefined;
    try {
      if (m.kind === 'file') block = await fileBlock(m.arg, this.services.gate);
      else if (m.kind === 'symbol') block = await findSymbolBlock(m.arg, this.services.gate);
      else block = { id: 'problems', kind: 'problems', label: '@problems', text: problemsText(this.lastEditor?.document.uri, this.services.gate) };
    } catch (err) {
      this.services.logger.warn(`Chat: could not resolve @${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.mentionCache.set(key, { at: Date.now(), block });
    return block;
  }

  /** `@workspace`: definitions retrieved from the question's own terms; the label says what was found and why. */
  private async workspaceBlock(question: string, signal?: AbortSignal): Promise<ContextBlock | undefined> {
    const asked = question.replace(/(^|\s)@\w+(?::\S+)?/g, ' ').trim();
    const found = await this.services.context.searchWorkspace(asked, WORKSPACE_BUDGET, signal);
    this.services.logger.debug(`Chat: @workspace retrieved ${found.items.length} snippets (${found.tokens} tokens) in ${found.elapsedMs.toFixed(0)} ms`);
    if (!found.text.trim()) return undefined;
    return { id: 'workspace', kind: 'workspace', label: workspaceLabel(found.found), text: found.text };
  }
}

/** `@workspace: a.py#parse (7.1, matches parse, header), …`: the best few of what was retrieved, with their scores and why. */
export function workspaceLabel(found: QuestionContext['found'], shown = 4): string {
  const parts = found.slice(0, shown).map((f) => `${f.path}#${f.symbol} (${f.score}, ${f.why})`);
  const more = found.length > shown ? `, +${found.length - shown} more` : '';
  return `@workspace: ${parts.join(', ')}${more}`;
}

function usable(e: vscode.TextEditor | undefined): vscode.TextEditor | undefined {
  if (!e) return undefined;
  const scheme = e.document.uri.scheme;
  return scheme === 'output' || scheme === DIFF_SCHEME || scheme === 'vscode-scm' ? undefined : e;
}

function rank(path: string, q: string): number {
  const base = path.split('/').pop()!.toLowerCase();
  return base.startsWith(q) ? 0 : base.includes(q) ? 1 : 2;
}

/** An open document as a LineReader (VS Code keeps its lines: reading a range joins just those). */
function lineReader(doc: vscode.TextDocument, length: number): LineReader {
  return {
    lineCount: doc.lineCount,
    eol: doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
    length,
    lineLength: (i) => doc.lineAt(i).text.length,
    lines: (start, end) => doc.getText(new vscode.Range(new vscode.Position(start, 0), doc.lineAt(end - 1).range.end)),
    whole: () => doc.getText(),
  };
}

/**
 * `@file:<path>`: a plain relative path (no absolute paths, no `..`), whose real path lies inside a workspace folder
 * and which no exclusion rule covers; otherwise nothing is attached (the chip says "Not found").
 */
async function fileBlock(mention: string, gate: DocumentGate): Promise<ContextBlock | undefined> {
  const verdict = gate.resolveMention(mention);
  if (!verdict.ok || isBinaryPath(verdict.relPath)) return undefined;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(verdict.realPath));
  const text = doc.getText();
  if (looksBinary(text)) return undefined;
  const part = aroundCursor(text, 0);
  const relPath = verdict.relPath;
  return { id: `file:${relPath}`, kind: 'file', label: relPath, path: relPath, languageId: doc.languageId, startLine: part.startLine, text: part.text };
}
