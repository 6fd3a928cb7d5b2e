/**
 * A small pool of index worker threads (indexWorker.ts) for building the workspace index off the calling thread,
 * in parallel. Jobs wait in one queue and go to a worker as soon as it has fewer than MAX_IN_FLIGHT (so one big file
 * does not leave the other workers idle); a worker that dies fails its jobs (callers then index in-process).
 * `close()` terminates the workers, which frees their tree-sitter wasm heaps: a pool lives for one build.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import { Worker, type ResourceLimits } from 'worker_threads';
import type { LanguageName } from './languages';
import { timingTotal, type FileIndexOptions, type FileIndexResult, type LocalFileIndex } from './fileIndexer';
import { grammarWasmPath, PARSE_BUDGET_PER_THREAD, runtimeWasmPath, wasmDirectory } from './parser';
import { compiledWasm } from './wasmModules';
import { queryDirectory } from './queries';

export interface IndexWorkerData {
  /** Where the tree-sitter wasm files are (unset under plain node: resolved from node_modules). */
  wasmDir?: string;
  queryDir: string;
}

/** A file to index: its text, or the path of a local file the worker reads itself. */
export type IndexSource = { text: string } | { file: string };

export type IndexJob = FileIndexOptions & IndexSource & {
  id: number;
  language: LanguageName;
  /** Compiled wasm modules by file, sent with a worker's first job that needs them (see wasmModules.ts). */
  modules?: Record<string, WebAssembly.Module>;
};

/** A text job yields a FileIndexResult, a file job a LocalFileIndex. */
export type IndexReply = { id: number; ok: true; result: FileIndexResult | LocalFileIndex } | { id: number; ok: false; error: string };

interface Slot {
  worker: Worker;
  pending: Set<number>;
  /** Wasm files whose compiled module this worker has been sent. */
  hasModules: Set<string>;
}

interface Job {
  message: IndexJob;
  /** The compiled modules the job needs (runtime and grammar), by file. */
  modules: Record<string, WebAssembly.Module>;
  slot?: Slot;
  /** When it was posted to its worker. */
  postedAt?: number;
  resolve(r: FileIndexResult | LocalFileIndex): void;
  reject(e: Error): void;
}

/** Jobs sent to one worker at a time: one running, one waiting in its port (no round trip between files). */
const MAX_IN_FLIGHT = 2;

/** Workers for a build: one per core, at least 1, at most 4 (each holds a grammar and a wasm heap of its own). */
export function defaultWorkerCount(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, cores));
}

/**
 * The worker entry next to this module: dist/indexWorker.js in the bundled extension (esbuild.js builds it),
 * src/core/context/indexWorker.ts under tsx (tests, benchmarks). Undefined when neither exists.
 */
export function defaultWorkerScript(): string | undefined {
  for (const name of ['indexWorker.js', 'indexWorker.ts']) {
    const file = path.join(__dirname, name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/**
 * A worker's heap: a small young generation (a worker allocates short-lived tags and strings; with V8's default the
 * two workers added ~30-60 MB more to the process's peak RSS while indexing, at the same speed: measured on rxjs and
 * zod, index-only), and an old generation cap so that a runaway worker dies (its files are then indexed in-process)
 * instead of growing the extension host.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 512 };

/**
 * Start a worker thread running `script` (bundled .js, or .ts source under tsx) with `data` and heap `limits`.
 * Shared by the index workers and the context engine's worker (engineClient.ts).
 */
export function startWorkerThread(script: string, data: unknown, limits: ResourceLimits): Worker {
  if (!script.endsWith('.ts')) return new Worker(script, { workerData: data, resourceLimits: limits });
  // TypeScript source (tests and benchmarks run under tsx): worker threads do not inherit tsx's loader, so the worker
  // registers tsx's CommonJS hook first. The id is a variable so that esbuild does not try to bundle tsx.
  const tsxId = 'tsx/cjs';
  const tsx = createRequire(__filename).resolve(tsxId);
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(script)});`, { eval: true, workerData: data, resourceLimits: limits });
}

export class IndexWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly jobs = new Map<number, Job>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /**
   * Time between posting jobs and their replies that was not the worker's work, summed over jobs (ms): messages both
   * ways, structured clones, and a job waiting behind the one its worker is running.
   */
  waitAndTransferMs = 0;

  constructor(size: number, script: string) {
    const data: IndexWorkerData = { wasmDir: wasmDirectory(), queryDir: queryDirectory() };
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: startWorkerThread(script, data, WORKER_LIMITS), pending: new Set(), hasModules: new Set() };
      slot.worker.on('message', (reply: IndexReply) => this.settle(reply));
      slot.worker.on('error', (err) => this.lose(slot, err));
      slot.worker.on('exit', (code) => this.lose(slot, new Error(`index worker exited with code ${code}`)));
      this.slots.push(slot);
    }
  }

  /** Live workers. */
  get size(): number {
    return this.slots.length;
  }

  /** Index one file's text in a worker. Rejects when the pool is closed or the worker dies. */
  run(language: LanguageName, text: string, options: FileIndexOptions): Promise<FileIndexResult> {
    return this.submit(language, { text }, options) as Promise<FileIndexResult>;
  }

  /**
   * Read a local file (absolute path) and index it in a worker: the file's text never passes through this thread.
   * Rejects when the pool is closed or the worker dies.
   */
  runFile(language: LanguageName, file: string, options: FileIndexOptions): Promise<LocalFileIndex> {
    return this.submit(language, { file }, options) as Promise<LocalFileIndex>;
  }

  private async submit(language: LanguageName, source: IndexSource, options: FileIndexOptions): Promise<FileIndexResult | LocalFileIndex> {
    const modules = await this.modulesFor(language);
    if (this.closed || this.slots.length === 0) throw new Error('index worker pool is closed');
    const id = this.nextId++;
    // Where node has no per-thread clock (before 23.9) the parse budget counts the CPU time of the whole process, which
    // runs up to (workers + the caller's thread) times faster than one thread's: the budget is then scaled so that a file
    // gets about its budget of its own thread's time. With a thread clock it is the thread's already.
    const scale = PARSE_BUDGET_PER_THREAD ? 1 : this.slots.length + 1;
    const message: IndexJob = { id, language, ...source, ...options, parseTimeoutMs: options.parseTimeoutMs * scale };
    return new Promise((resolve, reject) => {
      const job: Job = { message, modules, resolve, reject };
      this.jobs.set(id, job);
      this.queue.push(job);
      this.pump();
    });
  }

  /**
   * The runtime and grammar a language needs, compiled here once and shared with every worker (and with this thread's
   * own parsers): each worker would otherwise compile and optimise the same grammar again. Empty when compiling fails
   * (the worker then loads the files itself and reports any error).
   */
  private async modulesFor(language: LanguageName): Promise<Record<string, WebAssembly.Module>> {
    const files = [runtimeWasmPath(), grammarWasmPath(language)];
    try {
      const modules = await Promise.all(files.map(compiledWasm));
      return Object.fromEntries(files.map((f, i) => [f, modules[i]]));
    } catch {
      return {};
    }
  }

  /** Send queued jobs to workers with room, with the compiled modules a worker has not been sent yet. */
  private pump(): void {
    while (this.queue.length > 0) {
      let slot: Slot | undefined;
      for (const s of this.slots) if (s.pending.size < MAX_IN_FLIGHT && (!slot || s.pending.size < slot.pending.size)) slot = s;
      if (!slot) return;
      const job = this.queue.shift()!;
      job.slot = slot;
      job.postedAt = performance.now();
      slot.pending.add(job.message.id);
      const unsent = Object.entries(job.modules).filter(([file]) => !slot.hasModules.has(file));
      for (const [file] of unsent) slot.hasModules.add(file);
      slot.worker.postMessage(unsent.length ? { ...job.message, modules: Object.fromEntries(unsent) } : job.message);
    }
  }

  /** Terminate the workers; jobs still running are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const slots = this.slots.splice(0);
    const closed = new Error('index worker pool closed');
    for (const s of slots) this.failAll(s, closed);
    for (const job of this.queue.splice(0)) {
      this.jobs.delete(job.message.id);
      job.reject(closed);
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private settle(reply: IndexReply): void {
    const job = this.jobs.get(reply.id);
    if (!job) return;
    this.jobs.delete(reply.id);
    job.slot?.pending.delete(reply.id);
    if (reply.ok && job.postedAt !== undefined) {
      const result = 'kind' in reply.result ? (reply.result.kind === 'indexed' ? reply.result.result : undefined) : reply.result;
      const work = result?.timing ? timingTotal(result.timing) : 0;
      this.waitAndTransferMs += Math.max(0, performance.now() - job.postedAt - work);
    }
    this.pump();
    if (reply.ok) job.resolve(reply.result);
    else job.reject(new Error(reply.error));
  }

  private lose(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    this.failAll(slot, err);
    if (this.slots.length === 0) {
      for (const job of this.queue.splice(0)) {
        this.jobs.delete(job.message.id);
        job.reject(err);
      }
    }
  }

  private failAll(slot: Slot, err: Error): void {
    for (const id of slot.pending) {
      const job = this.jobs.get(id);
      this.jobs.delete(id);
      job?.reject(err);
    }
    slot.pending.clear();
  }
}
