/**
 * Asks the language server VS Code runs for a document where the types and definitions of the names around the cursor
 * are, and sends those locations to the context engine (engineProtocol's `hints`; definitionHints.ts ranks the
 * definitions there). Off the keystroke path: a pass starts when the cursor has rested, never while a completion waits
 * (a completion uses whatever the engine holds), asks at most MAX_NAMES_PER_PASS names not asked before, each request
 * under a timeout, and stops asking when the cursor moves on. Answers are cached per document and name (not per
 * version: a name's type rarely changes as the user types), dropped when a file they point into changes.
 *
 * Only locations in files of the workspace folders that the gate admits (not excluded, not secret-looking) are kept,
 * and the engine keeps only those in files its index holds: node_modules, lib.d.ts and other disks never become context.
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { HostNotice } from '../core/context/engineProtocol';
import { MAX_HINTS_PER_DOCUMENT, type DefinitionHint } from '../core/context/definitionHints';
import { HINT_LINES_ABOVE as LINES_ABOVE, HINT_LINES_BELOW as LINES_BELOW, hintNames, type HintName } from '../core/context/hintNames';

/** The cursor must rest this long before a pass starts (longer than a completion's debounce: typing never waits on it). */
const REST_MS = 500;
/** Names asked per pass (each: two provider requests), and how many names are asked at once. */
const MAX_NAMES_PER_PASS = 16;
const PARALLEL_NAMES = 4;
/** One provider request's time limit (a hung provider must not hold the pass). */
const REQUEST_TIMEOUT_MS = 2000;
/** Locations kept per provider answer (a provider may list hundreds of overloads or re-exports). */
const MAX_LOCATIONS = 4;
/** A name whose providers answered nothing (a language server still loading its project) is asked again after this. */
const RETRY_EMPTY_MS = 15_000;
/** Names remembered per document, and documents remembered. */
const MAX_NAMES_PER_DOCUMENT = MAX_HINTS_PER_DOCUMENT;
const MAX_DOCUMENTS = 16;
/** Host-thread times of the last passes kept (hintPasses: tests and measurements). */
const MAX_PASSES_KEPT = 1000;

interface Target {
  relPath: string;
  line: number;
}

interface Answer {
  types: Target[];
  definitions: Target[];
  /** Set when the providers answered nothing: ask again after this time. */
  retryAt?: number;
}

/** One pass's figures: the host thread's own work (ms, synchronous parts only), names asked, hints sent. */
export interface HintPass {
  hostMs: number;
  wallMs: number;
  asked: number;
  hints: number;
  sent: boolean;
  cancelled: boolean;
}

export interface DefinitionHintsDeps {
  notify(n: HostNotice): void;
  /** The index's path of a file (workspace-relative; the folder's name first in a multi-root workspace). */
  relPath(uri: vscode.Uri): string;
  /** May this file's content be context (inside a workspace folder, not excluded, not secret-looking)? */
  admits(uri: vscode.Uri): boolean;
  enabled(): boolean;
  /** A file of the workspace changed on disk or was saved (its index path). */
  onDidChangeFile: vscode.Event<string>;
  logger: Logger;
}

export class DefinitionHintsHost implements vscode.Disposable {
  private readonly answers = new Map<string, Map<string, Answer>>();
  /** What was last sent per document (a key of its hints): sent again only when it changes. */
  private readonly sent = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped when the cursor moves: a pass of an older generation stops asking. */
  private generation = 0;
  private readonly failures = new Set<string>();
  private readonly changes = new vscode.EventEmitter<string>();
  /** The hints of a document were sent to the engine (its file system path, as completion snapshots name it). */
  readonly onDidChangeHints = this.changes.event;
  readonly passes: HintPass[] = [];

  constructor(private readonly deps: DefinitionHintsDeps) {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.schedule(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => e && this.schedule(e)),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && this.targetChanged(this.deps.relPath(e.document.uri), e.document.uri.toString())),
      deps.onDidChangeFile((rel) => this.targetChanged(rel)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.answers.delete(d.uri.toString());
        this.sent.delete(d.uri.toString());
      }),
    );
  }

  private schedule(editor: vscode.TextEditor): void {
    this.generation++;
    clearTimeout(this.timer);
    if (!this.deps.enabled()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (vscode.window.activeTextEditor !== editor) return;
      void this.pass(editor, this.generation).catch((err) => this.failOnce('pass', err));
    }, REST_MS);
  }

  /** Answers pointing into `relPath` are forgotten (its lines may have moved); `except`: the edited document itself. */
  private targetChanged(relPath: string, except?: string): void {
    for (const [doc, names] of this.answers) {
      if (doc === except) continue;
      for (const [name, a] of names) if (a.types.some((t) => t.relPath === relPath) || a.definitions.some((t) => t.relPath === relPath)) names.delete(name);
    }
  }

  /** One pass for the editor's cursor: ask about the names not known yet, then send the document's hints if they changed. */
  async pass(editor: vscode.TextEditor, generation = this.generation): Promise<HintPass> {
    const t0 = performance.now();
    let hostMs = 0;
    const timed = <T>(f: () => T): T => {
      const t = performance.now();
      try {
        return f();
      } finally {
        hostMs += performance.now() - t;
      }
    };
    const doc = editor.document;
    const key = doc.uri.toString();
    const todo = timed(() => {
      if (doc.uri.scheme !== 'file' || !this.deps.admits(doc.uri)) return undefined;
      const cursor = editor.selection.active;
      const first = Math.max(0, cursor.line - LINES_ABOVE);
      const last = Math.min(doc.lineCount - 1, cursor.line + LINES_BELOW);
      const text = doc.getText(new vscode.Range(first, 0, last, doc.lineAt(last).range.end.character));
      let answers = this.answers.get(key);
      if (!answers) {
        this.answers.set(key, (answers = new Map()));
        for (const k of this.answers.keys()) if (this.answers.size > MAX_DOCUMENTS) this.answers.delete(k);
      }
      const now = Date.now();
      const known = answers;
      return hintNames(text, first, cursor.line, doc.languageId, Infinity)
        .filter((n) => {
          const a = known.get(n.name);
          return !a || (a.retryAt !== undefined && a.retryAt <= now);
        })
        .slice(0, MAX_NAMES_PER_PASS);
    });
    if (!todo) return this.record({ hostMs, wallMs: performance.now() - t0, asked: 0, hints: 0, sent: false, cancelled: false });
    let asked = 0;
    const queue = [...todo];
    const worker = async () => {
      for (let n = queue.shift(); n && generation === this.generation; n = queue.shift()) {
        const position = new vscode.Position(n.line, n.character);
        const [types, definitions] = await Promise.all([
          this.ask('vscode.executeTypeDefinitionProvider', doc.uri, position),
          n.declared ? Promise.resolve([]) : this.ask('vscode.executeDefinitionProvider', doc.uri, position),
        ]);
        asked++;
        timed(() => this.remember(key, n, types, definitions));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_NAMES, todo.length) }, worker));
    const cancelled = generation !== this.generation;
    const { hints, sent } = timed(() => this.send(doc));
    return this.record({ hostMs, wallMs: performance.now() - t0, asked, hints, sent, cancelled });
  }

  private record(p: HintPass): HintPass {
    this.passes.push(p);
    if (this.passes.length > MAX_PASSES_KEPT) this.passes.shift();
    if (p.asked > 0 || p.sent) {
      this.deps.logger.debug(`language-server hints: asked ${p.asked} names, ${p.hints} hints${p.sent ? ' sent' : ''}${p.cancelled ? ' (cursor moved)' : ''}, ${p.wallMs.toFixed(0)} ms, host thread ${p.hostMs.toFixed(2)} ms`);
    }
    return p;
  }

  private remember(key: string, n: HintName, types: unknown[], definitions: unknown[]): void {
    const answers = this.answers.get(key);
    if (!answers) return;
    const admitted = new Map<string, string | undefined>();
    const targets = (locations: unknown[]) => {
      const out: Target[] = [];
      for (const l of locations.slice(0, MAX_LOCATIONS)) {
        const at = locationOf(l);
        if (!at) continue;
        const k = at.uri.toString();
        if (!admitted.has(k)) admitted.set(k, at.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(at.uri) && this.deps.admits(at.uri) ? this.deps.relPath(at.uri) : undefined);
        const relPath = admitted.get(k);
        if (relPath !== undefined && !out.some((t) => t.relPath === relPath && t.line === at.line)) out.push({ relPath, line: at.line });
      }
      return out;
    };
    const answer: Answer = { types: targets(types), definitions: targets(definitions) };
    if (types.length === 0 && definitions.length === 0) answer.retryAt = Date.now() + RETRY_EMPTY_MS;
    answers.delete(n.name);
    answers.set(n.name, answer);
    for (const k of answers.keys()) {
      if (answers.size <= MAX_NAMES_PER_DOCUMENT) break;
      answers.delete(k);
    }
  }

  /** Sends the document's hints (the most recently answered names first) when they differ from what was sent. */
  private send(doc: vscode.TextDocument): { hints: number; sent: boolean } {
    const key = doc.uri.toString();
    const hints: DefinitionHint[] = [];
    for (const [name, a] of [...(this.answers.get(key) ?? [])].reverse()) {
      for (const t of a.types) hints.push({ name, kind: 'type', relPath: t.relPath, line: t.line });
      for (const t of a.definitions) hints.push({ name, kind: 'definition', relPath: t.relPath, line: t.line });
    }
    const capped = hints.slice(0, MAX_HINTS_PER_DOCUMENT);
    const signature = JSON.stringify(capped);
    if (this.sent.get(key) === signature) return { hints: capped.length, sent: false };
    this.sent.set(key, signature);
    this.deps.notify({ kind: 'hints', relPath: this.deps.relPath(doc.uri), hints: capped });
    this.changes.fire(doc.uri.fsPath);
    return { hints: capped.length, sent: true };
  }

  /** A provider's answer, or nothing when it throws or does not answer in time (logged once per command). */
  private async ask(command: string, uri: vscode.Uri, position: vscode.Position): Promise<unknown[]> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), REQUEST_TIMEOUT_MS)));
    try {
      const r = await Promise.race([Promise.resolve(vscode.commands.executeCommand<unknown>(command, uri, position)), timeout]);
      if (r === 'timeout') {
        this.failOnce(command, new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`));
        return [];
      }
      return Array.isArray(r) ? r : [];
    } catch (err) {
      this.failOnce(command, err);
      return [];
    } finally {
      clearTimeout(timer);
    }
  }

  private failOnce(what: string, err: unknown): void {
    if (this.failures.has(what)) return;
    this.failures.add(what);
    this.deps.logger.warn(`language-server hints: ${what} failed (logged once): ${err instanceof Error ? err.message : String(err)}`);
  }

  /** Forget every answer and tell the engine (the setting was turned off). */
  clear(): void {
    clearTimeout(this.timer);
    this.generation++;
    for (const key of this.sent.keys()) {
      const uri = vscode.Uri.parse(key);
      this.deps.notify({ kind: 'hints', relPath: this.deps.relPath(uri), hints: [] });
      this.changes.fire(uri.fsPath);
    }
    this.answers.clear();
    this.sent.clear();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.generation++;
    for (const d of this.disposables) d.dispose();
    this.changes.dispose();
  }
}

/** The file and line a provider's Location or LocationLink points at (a link: its name's line). */
function locationOf(l: unknown): { uri: vscode.Uri; line: number } | undefined {
  if (!l || typeof l !== 'object') return undefined;
  const link = l as Partial<vscode.LocationLink> & Partial<vscode.Location>;
  if (link.targetUri instanceof vscode.Uri) {
    const range = link.targetSelectionRange ?? link.targetRange;
    return range ? { uri: link.targetUri, line: range.start.line } : undefined;
  }
  if (link.uri instanceof vscode.Uri && link.range) return { uri: link.uri, line: link.range.start.line };
  return undefined;
}
