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
  /**
   * A file job whose file is bigger than this (bytes) is not read here: the reply is `deferred`, and the pool sends it
   * to its first worker, the only one that parses big files (see BIG_FILE_BYTES).
   */
  deferOver?: number;
  /** Compiled wasm modules by file, sent with a worker's first job that needs them (see wasmModules.ts). */
  modules?: Record<string, WebAssembly.Module>;
};

/** Sent to every worker before its jobs: load a language's grammar and compile its queries now (see warm()). */
export interface IndexWarmUp {
  warm: LanguageName;
  modules?: Record<string, WebAssembly.Module>;
}

/** A text job yields a FileIndexResult, a file job a LocalFileIndex. */
export type IndexReply =
  | { id: number; ok: true; result: FileIndexResult | LocalFileIndex; memory?: WorkerMemory }
  | { id: number; ok: true; deferred: true }
  | { id: number; ok: false; error: string };

/** A worker's own memory after a job, bytes: its V8 heap (committed) and its tree-sitter wasm memory. */
export interface WorkerMemory {
  heap: number;
  wasm: number;
}

/** What one worker of a pool did: its most memory after a job (bytes), the jobs it answered, the biggest source it indexed. */
export interface WorkerStats extends WorkerMemory {
  jobs: number;
  /** Bytes of the biggest file (a file job's stat) or UTF-16 units of the biggest text it indexed. */
  largest: number;
  /** Its indexing time (ms, the steps of its jobs): how evenly the work was spread. */
  busyMs: number;
}

interface Slot {
  worker: Worker;
  pending: Set<number>;
  /** Wasm files whose compiled module this worker has been sent. */
  hasModules: Set<string>;
  stats: WorkerStats;
}

interface Job {
  message: IndexJob;
  /** Only the first worker may take it: a big file (a text over BIG_FILE_BYTES, or a file job deferred by another worker). */
  big: boolean;
  /** The compiled modules the job needs (runtime and grammar), by file. */
  modules: Record<string, WebAssembly.Module>;
  slot?: Slot;
  /** When it was first posted to a worker. */
  postedAt?: number;
  resolve(r: FileIndexResult | LocalFileIndex): void;
  reject(e: Error): void;
}

/** Jobs sent to one worker at a time: one running, one waiting in its port (no round trip between files). */
const MAX_IN_FLIGHT = 2;

/**
 * Files bigger than this (bytes) are parsed by the pool's first worker only. A worker's tree-sitter wasm memory grows
 * to hold the biggest tree it ever parsed and never shrinks (it goes when the worker ends, after the build), so with
 * every worker taking any file each of them grows to the size of the biggest ones: on sympy (1,473 Python files, the
 * biggest 716 KB) the second worker of two added 60-90 MB to the build's peak RSS. Routed, only one worker grows.
 * The value: a 256 KB file is where a tree needs more than the runtime's initial wasm memory (32 MB) in the grammars
 * measured (Python: 440 KB and 340,000 nodes grew it to 38 MB, 337 KB and 200,000 nodes did not; ~100 bytes a node),
 * so a worker taking only smaller files stays near its initial memory; and 128 KB would route about half of the bytes
 * of a repository like sympy or effect (10 of 30 MB, 10 of 21 MB) to one worker, which then works alone.
 */
export const BIG_FILE_BYTES = 256 * 1024;

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
  // TypeScript source: worker threads do not inherit tsx's loader, so the worker registers it first.
  return new Worker(`require(${JSON.stringify(tsxHook())}); require(${JSON.stringify(script)});`, { eval: true, workerData: data, resourceLimits: limits });
}

/**
 * tsx's CommonJS hook, which a thread or process running TypeScript source (tests and benchmarks under tsx) registers
 * before its entry. The id is a variable so that esbuild does not try to bundle tsx.
 */
export function tsxHook(): string {
  const tsxId = 'tsx/cjs';
  return createRequire(__filename).resolve(tsxId);
}

export class IndexWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly jobs = new Map<number, Job>();
  private readonly queue: Job[] = [];
  /** Jobs only the first worker takes (see BIG_FILE_BYTES); it takes them before the others. */
  private readonly bigQueue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /**
   * Time between posting jobs and their replies that was not the worker's work, summed over jobs (ms): messages both
   * ways, structured clones, and a job waiting behind the one its worker is running.
   */
  waitAndTransferMs = 0;
  /** What each worker did, in start order (a worker that died keeps its figures). */
  readonly workerStats: WorkerStats[] = [];

  private readonly bigFileBytes: number;

  /** `bigFileBytes`: see BIG_FILE_BYTES (tests set a small one; Infinity: any worker takes any file). */
  constructor(size: number, script: string, options: { bigFileBytes?: number } = {}) {
    this.bigFileBytes = options.bigFileBytes ?? BIG_FILE_BYTES;
    const data: IndexWorkerData = { wasmDir: wasmDirectory(), queryDir: queryDirectory() };
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: startWorkerThread(script, data, WORKER_LIMITS), pending: new Set(), hasModules: new Set(), stats: { heap: 0, wasm: 0, jobs: 0, largest: 0, busyMs: 0 } };
      this.workerStats.push(slot.stats);
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

  /**
   * Have every worker load `language`'s grammar and compile its queries now, while the caller is still busy (walking
   * the workspace), instead of on its first job of that language. Nothing is answered: a failure shows on the first job.
   */
  warm(language: LanguageName): void {
    void this.modulesFor(language).then((modules) => {
      if (this.closed) return;
      for (const slot of this.slots) {
        const unsent = Object.entries(modules).filter(([file]) => !slot.hasModules.has(file));
        for (const [file] of unsent) slot.hasModules.add(file);
        slot.worker.postMessage({ warm: language, ...(unsent.length ? { modules: Object.fromEntries(unsent) } : {}) } satisfies IndexWarmUp);
      }
    });
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
    // A text's size is known here (UTF-16 units: at most its UTF-8 bytes for ASCII, a fair measure of its tree); a file's
    // is known to the worker that opens it, which defers a big one.
    const big = 'text' in source && source.text.length > this.bigFileBytes;
    return new Promise((resolve, reject) => {
      const job: Job = { message, big, modules, resolve, reject };
      this.jobs.set(id, job);
      (big ? this.bigQueue : this.queue).push(job);
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

  /**
   * Send queued jobs to workers with room, with the compiled modules a worker has not been sent yet: big jobs to the
   * first worker (before anything else), the others to the worker with the fewest jobs.
   */
  private pump(): void {
    for (;;) {
      const first = this.slots[0];
      if (first && first.pending.size < MAX_IN_FLIGHT && this.bigQueue.length > 0) {
        this.send(first, this.bigQueue.shift()!);
        continue;
      }
      if (this.queue.length === 0) return;
      let slot: Slot | undefined;
      for (const s of this.slots) if (s.pending.size < MAX_IN_FLIGHT && (!slot || s.pending.size < slot.pending.size)) slot = s;
      if (!slot) return;
      this.send(slot, this.queue.shift()!);
    }
  }

  private send(slot: Slot, job: Job): void {
    job.slot = slot;
    job.postedAt ??= performance.now();
    slot.pending.add(job.message.id);
    const unsent = Object.entries(job.modules).filter(([file]) => !slot.hasModules.has(file));
    for (const [file] of unsent) slot.hasModules.add(file);
    // Any worker but the first defers a file job whose file turns out big.
    const deferOver = slot === this.slots[0] || !('file' in job.message) || !Number.isFinite(this.bigFileBytes) ? undefined : this.bigFileBytes;
    slot.worker.postMessage({ ...job.message, deferOver, ...(unsent.length ? { modules: Object.fromEntries(unsent) } : {}) });
  }

  /** Terminate the workers; jobs still running are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const slots = this.slots.splice(0);
    const closed = new Error('index worker pool closed');
    for (const s of slots) this.failAll(s, closed);
    for (const job of [...this.queue.splice(0), ...this.bigQueue.splice(0)]) {
      this.jobs.delete(job.message.id);
      job.reject(closed);
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private settle(reply: IndexReply): void {
    const job = this.jobs.get(reply.id);
    if (!job) return;
    job.slot?.pending.delete(reply.id);
    if (reply.ok && 'deferred' in reply) {
      // A big file a worker other than the first opened: queued for the first (its message's time is waiting too).
      job.big = true;
      job.slot = undefined;
      this.bigQueue.push(job);
      this.pump();
      return;
    }
    this.jobs.delete(reply.id);
    const result = reply.ok ? ('kind' in reply.result ? (reply.result.kind === 'indexed' ? reply.result.result : undefined) : reply.result) : undefined;
    const work = result?.timing ? timingTotal(result.timing) : 0;
    if (reply.ok && job.slot) {
      const stats = job.slot.stats;
      stats.busyMs += work;
      stats.jobs++;
      if (reply.memory) {
        stats.heap = Math.max(stats.heap, reply.memory.heap);
        stats.wasm = Math.max(stats.wasm, reply.memory.wasm);
      }
      const size = 'text' in job.message ? job.message.text.length : 'stat' in reply.result ? reply.result.stat.size : 0;
      stats.largest = Math.max(stats.largest, size);
    }
    if (reply.ok && job.postedAt !== undefined) {
      // Counted from the first posting: a deferred job's round trip to the worker that deferred it is waiting too.
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
      for (const job of [...this.queue.splice(0), ...this.bigQueue.splice(0)]) {
        this.jobs.delete(job.message.id);
        job.reject(err);
      }
    } else {
      // The next worker is now the first: the big jobs queued for the one that died go to it (nothing else would send
      // them while the other workers are idle).
      this.pump();
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
