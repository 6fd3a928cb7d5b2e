/**
 * The context engine as the extension host's thread sees it: a ContextEngine whose index, documents and assemble() run
 * in a process of its own (or a worker thread: engineLink.ts) running engineWorker.ts, spoken to through
 * engineProtocol.ts. The host sends documents once and then only their changes; a request carries a path, a version and
 * a cursor. If the engine dies it is started again (at most MAX_RESTARTS times a minute); until it is back, requests get
 * an empty context (the completion then uses only the file window), and that is logged once per outage, never per
 * keystroke. An engine process that cannot start at all (it dies before it is ready) is replaced by a worker thread.
 */
import type { ResourceLimits } from 'worker_threads';
import type { Logger } from '../log';
import { startEngineProcess, startEngineThread, type EngineHosting, type EngineLink } from './engineLink';
import type { ContextEngine, ContextRequest, DocumentSnapshot, PackedContext } from './types';
import type { RemoteWindow, WindowSource } from '../completion/cursorWindow';
import type { WindowBudget } from '../completion/promptWindow';
import type { QuestionContext } from './questionSearch';
import { rememberLineCounts } from '../tokens';
import { runSyntaxTask, type SyntaxResult, type SyntaxTask } from '../syntax/tasks';
import type { SyntaxRunner } from '../syntax/runner';
import type { AssembleQuery, DocumentInfo, EngineErrorCode, EngineEvent, EngineWorkerData, HostNotice, HostRequest, ReplyResults, WirePackedContext, WorkerMessage } from './engineProtocol';

/**
 * The engine's heap: an old generation cap, so that a runaway engine dies (and is restarted, see above); and a young
 * generation of 12 MB, which keeps less uncollected garbage between scavenges (measured on effect's five longest files, same quiet session, two pairs: peak RSS 349 / 361 -> 327 / 324 MB,
 * assemble p50 / p95 29.0 / 100.6 and 33.1 / 120.5 -> 25.5 / 91.3 and 28.1 / 101.1 ms). Tree-sitter's wasm memory is
 * not counted by V8's limits.
 */
export const ENGINE_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 12 };
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;
const SHUTDOWN_WAIT_MS = 3_000;

export interface EngineClientOptions {
  /** dist/engineWorker.js (or the .ts source under tsx). */
  script: string;
  data: EngineWorkerData;
  logger: Logger;
  /** The documents open in the editor now: sent again to a restarted worker. */
  openDocuments(): DocumentInfo[];
  /** Index events (build start, progress, end) and readiness. */
  onEvent?(e: EngineEvent): void;
  limits?: ResourceLimits;
  /** Where the engine runs (default: a process of its own). */
  hosting?: EngineHosting;
  /** Node and V8 flags of an engine process (default: engineExecArgv(limits)). */
  execArgv?: string[];
}

type Kind = HostRequest['kind'];
type RequestOf<K extends Kind> = Extract<HostRequest, { kind: K }>;

interface Pending {
  resolve(result: unknown): void;
  reject(err: Error): void;
}

class EngineError extends Error {
  constructor(readonly code: EngineErrorCode | 'unavailable', message: string) {
    super(message);
  }
}

export class EngineClient implements ContextEngine, WindowSource, SyntaxRunner {
  private worker: EngineLink | undefined;
  private hosting: EngineHosting;
  private ready = false;
  private readonly pending = new Map<number, Pending>();
  /** The version of each document the worker has (sent whole or kept current by changes). */
  private readonly mirrored = new Map<string, number>();
  private nextId = 1;
  private deaths: number[] = [];
  private lastError: string | undefined;
  private outageLogged = false;
  private disposed = false;
  /** The running engine has said `ready` once (an engine that dies before that could not start). */
  private everReady = false;

  constructor(private readonly o: EngineClientOptions) {
    this.hosting = o.hosting ?? 'process';
  }

  /** Start the engine (it restores the persisted index, then builds it). Returns at once. */
  start(): void {
    if (this.disposed || this.worker) return;
    const limits = this.o.limits ?? ENGINE_LIMITS;
    const worker = this.hosting === 'process' ? startEngineProcess(this.o.script, this.o.data, limits, this.o.execArgv) : startEngineThread(this.o.script, this.o.data, limits);
    this.worker = worker;
    this.ready = false;
    this.everReady = false;
    this.mirrored.clear();
    worker.onMessage((m) => this.receive(m));
    worker.onError((message) => (this.lastError = message));
    worker.onExit((code) => this.exited(worker, code));
    for (const doc of this.o.openDocuments()) this.notify({ kind: 'open', doc });
  }

  /** True while a worker is up and has restored the index (requests are answered by the engine). */
  get available(): boolean {
    return !!this.worker && this.ready;
  }

  /** The engine's process id or worker thread id, while it runs (diagnostics, tests). */
  get engineId(): number | undefined {
    return this.worker?.id;
  }

  /** Where the engine runs now: `thread` also after an engine process could not start. */
  get engineHosting(): EngineHosting {
    return this.hosting;
  }

  /**
   * Stop the worker as a crash would (the restart and fallback paths run as for a real death). For the tests and the
   * end-to-end suite, which check those paths; resolves with the exit code.
   */
  async terminateWorker(): Promise<number> {
    return this.worker ? this.worker.terminate() : -1;
  }

  /** Tell the worker about a document, a file or a setting. */
  notify(n: HostNotice): void {
    if (n.kind === 'open') this.mirrored.set(n.doc.path, n.doc.version);
    else if (n.kind === 'change' && this.mirrored.has(n.path)) this.mirrored.set(n.path, n.version);
    else if (n.kind === 'close') this.mirrored.delete(n.path);
    this.worker?.post(n);
  }

  /** `withDropped`: also return the candidates that did not fit (reports; completions do not need them). */
  async assemble(req: ContextRequest, { withDropped = false } = {}): Promise<PackedContext> {
    req.signal?.throwIfAborted();
    if (!this.available) return this.unavailable(req);
    const { doc } = req;
    const query = (withText: boolean): AssembleQuery => ({
      doc: {
        path: doc.path, relPath: doc.relPath, languageId: doc.languageId, version: doc.version, offset: doc.offset, line: doc.line,
        selection: doc.selection, text: withText ? doc.text : undefined,
      },
      budgetTokens: req.budgetTokens, purpose: req.purpose, fileFits: req.fileFits,
    });
    const send = (withText: boolean) => {
      if (withText && doc.version >= (this.mirrored.get(doc.path) ?? -Infinity)) this.mirrored.set(doc.path, doc.version);
      return this.call({ kind: 'assemble', id: 0, query: query(withText), withDropped }, req.signal);
    };
    try {
      let wire: WirePackedContext;
      try {
        wire = await send(this.mirrored.get(doc.path) !== doc.version);
      } catch (err) {
        if (!(err instanceof EngineError && err.code === 'resync')) throw err;
        wire = await send(true);
      }
      // The context's line counts, so that counting a prompt that holds it tokenizes none of it on this thread.
      const { lineCounts, ...packed } = wire;
      if (lineCounts) rememberLineCounts(lineCounts);
      return { ...packed, dropped: wire.dropped ?? [] };
    } catch (err) {
      if (err instanceof EngineError && err.code === 'unavailable') return this.unavailable(req);
      if (err instanceof EngineError && err.code === 'aborted') throw req.signal?.reason ?? err;
      throw err;
    }
  }

  /**
   * A completion's file window from the worker's copy of the document (WindowSource): undefined when the worker is
   * not running or has no copy of that version. The text is never sent: this thread then builds the window itself.
   */
  async window(doc: Pick<DocumentSnapshot, 'path' | 'version' | 'offset' | 'line' | 'languageId'>, budget: WindowBudget): Promise<RemoteWindow | undefined> {
    if (!this.available || this.mirrored.get(doc.path) !== doc.version) return undefined;
    try {
      return await this.call({ kind: 'window', id: 0, query: { path: doc.path, version: doc.version, offset: doc.offset, line: doc.line, languageId: doc.languageId, budget } });
    } catch {
      return undefined;
    }
  }

  /** `@workspace`: the definitions a chat question is about, packed into `budgetTokens` (empty while restarting). */
  async searchWorkspace(question: string, budgetTokens: number, signal?: AbortSignal): Promise<QuestionContext> {
    signal?.throwIfAborted();
    try {
      return await this.call({ kind: 'searchWorkspace', id: 0, question, budgetTokens }, signal);
    } catch (err) {
      if (err instanceof EngineError && err.code === 'unavailable') return { ...this.unavailable({ budgetTokens }), found: [] };
      if (err instanceof EngineError && err.code === 'aborted') throw signal?.reason ?? err;
      throw err;
    }
  }

  /**
   * A command's syntax task (syntax/tasks.ts), answered in the engine's process so that the extension host never loads
   * a grammar. While the engine is not running (or if it fails the task) the task runs in this process: the command
   * still gets its answer.
   */
  async run<T extends SyntaxTask>(task: T): Promise<SyntaxResult<T>> {
    if (this.available) {
      try {
        return (await this.call({ kind: 'syntax', id: 0, task })) as SyntaxResult<T>;
      } catch (err) {
        this.o.logger.debug(`context engine: a syntax task (${task.op}) failed there (${err instanceof Error ? err.message : String(err)}); answering it here`);
      }
    }
    return runSyntaxTask(task);
  }

  /** Index statistics, a rebuild, ... (rejects when the worker is not running). */
  request<K extends 'stats' | 'rebuild' | 'shutdown'>(kind: K): Promise<ReplyResults[K]> {
    return this.call({ kind, id: 0 } as RequestOf<K>);
  }

  private call<K extends Kind>(message: RequestOf<K>, signal?: AbortSignal): Promise<ReplyResults[K]> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new EngineError('unavailable', 'the context engine is not running'));
    const id = this.nextId++;
    return new Promise<ReplyResults[K]>((resolve, reject) => {
      const onAbort = () => worker.post({ kind: 'cancel', id } satisfies HostNotice);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r as ReplyResults[K]);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      worker.post({ ...message, id } as HostRequest);
    });
  }

  private receive(m: WorkerMessage): void {
    if (m.kind === 'reply') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new EngineError(m.code, m.error));
      return;
    }
    if (m.kind === 'log') {
      this.o.logger[m.level](m.message);
      return;
    }
    if (m.kind === 'ready') {
      this.ready = true;
      this.everReady = true;
      if (this.outageLogged) this.o.logger.info('context engine: the worker is back; completions use workspace context again');
      this.outageLogged = false;
    }
    this.o.onEvent?.(m);
  }

  /** The worker exited: fail what it had, and start another unless it keeps dying (or we are shutting down). */
  private exited(worker: EngineLink, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.ready = false;
    const lost = new EngineError('unavailable', `the context engine worker exited (code ${code})`);
    for (const p of this.pending.values()) p.reject(lost);
    this.pending.clear();
    if (this.disposed) return;
    const why = `exit code ${code}${this.lastError ? `: ${this.lastError}` : ''}`;
    this.lastError = undefined;
    this.outageLogged = true;
    if (worker.hosting === 'process' && !this.everReady) {
      // Its own process could not run the engine at all (a runtime without node mode, a rejected flag): use a thread.
      this.o.logger.warn(`context engine: its own process could not start (${why}); running it in a worker thread of the extension host instead.`);
      this.hosting = 'thread';
      this.start();
      return;
    }
    const now = Date.now();
    this.deaths = [...this.deaths.filter((t) => now - t < RESTART_WINDOW_MS), now];
    if (this.deaths.length > MAX_RESTARTS) {
      this.o.logger.error(`context engine: the worker stopped ${this.deaths.length} times within a minute (${why}); not restarting it. Completions use the file window only; reload the window to try again.`);
      return;
    }
    this.o.logger.warn(`context engine: the worker stopped (${why}); restarting it. Completions use the file window until it is back.`);
    this.start();
  }

  /** An empty context: the caller's own file window is all the prompt gets. */
  private unavailable(req: Pick<ContextRequest, 'budgetTokens'>): PackedContext {
    return { items: [], text: '', tokens: 0, dropped: [], elapsedMs: 0, fallback: 'engine-unavailable', budgetTokens: req.budgetTokens };
  }

  /** Save the index if a save is due, then stop the worker. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const worker = this.worker;
    if (!worker) return;
    const id = this.nextId++;
    const saved = new Promise<void>((resolve) => {
      this.pending.set(id, { resolve: () => resolve(), reject: () => resolve() });
      setTimeout(resolve, SHUTDOWN_WAIT_MS).unref?.();
    });
    worker.post({ kind: 'shutdown', id } satisfies HostRequest);
    await saved;
    await worker.terminate();
  }
}
