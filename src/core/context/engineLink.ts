/**
 * Where the context engine runs, as the host sees it: a process of its own (the default) or a worker thread of the
 * host's process. Both speak engineProtocol.ts through one EngineLink; engineWorker.ts takes either end (enginePort.ts).
 *
 * Why a process: a worker thread shares the extension host's process, so the engine's heap, tree-sitter's wasm memory
 * and glibc's malloc arenas all count in the host's RSS; and V8 flags are per process, so a flag the engine needs would
 * also apply to every other extension's code. In a process of its own the engine runs with:
 * - `--liftoff-only`: no optimising tier-up of the grammars' wasm (under node 24, TurboFan compiling tree-sitter's
 *   parse functions takes a process to 1.0-1.5 GB for under a second at its first parses; see BENCHMARKS.md);
 * - the same heap limits a worker had (ENGINE_LIMITS), as V8 flags;
 * - `MALLOC_ARENA_MAX=2`: the index build's threads would otherwise each get a malloc arena of their own.
 */
import { fork, type ChildProcess } from 'child_process';
import { constants } from 'os';
import type { ResourceLimits, Worker } from 'worker_threads';
import { startWorkerThread, tsxHook } from './indexPool';
import type { EngineWorkerData, HostMessage, WorkerMessage } from './engineProtocol';

export type EngineHosting = 'process' | 'thread';

/** The first message to an engine process: what a worker thread gets as its workerData. */
export interface EngineInit {
  kind: 'init';
  data: EngineWorkerData;
}

export interface EngineLink {
  readonly hosting: EngineHosting;
  /** The engine's process id, or its worker's thread id. */
  readonly id: number | undefined;
  post(m: HostMessage): void;
  onMessage(f: (m: WorkerMessage) => void): void;
  /** An error the engine died of, or the tail of what its process wrote to stderr. */
  onError(f: (message: string) => void): void;
  onExit(f: (code: number) => void): void;
  /** Stop it now (as a crash would); resolves with its exit code once it is gone. */
  terminate(): Promise<number>;
}

/** What an engine process may write to stderr that is kept for the message of its death. */
const STDERR_TAIL = 2_000;

/** V8 flags for an engine process: the worker's heap limits, and no optimising tier-up of wasm. */
export function engineExecArgv(limits: ResourceLimits): string[] {
  const argv = ['--liftoff-only'];
  if (limits.maxOldGenerationSizeMb) argv.push(`--max-old-space-size=${limits.maxOldGenerationSizeMb}`);
  // V8's young generation is three semi-spaces (two, and the space of new large objects).
  if (limits.maxYoungGenerationSizeMb) argv.push(`--max-semi-space-size=${Math.max(1, Math.round(limits.maxYoungGenerationSizeMb / 3))}`);
  return argv;
}

/**
 * The environment of an engine process: the host's, with node mode for Electron's binary (VS Code's extension host runs
 * in Electron; `process.execPath` is then Electron's), two malloc arenas, and no NODE_OPTIONS (a debugger's `--inspect`
 * or preload meant for the host is not the engine's).
 */
export function engineEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ELECTRON_RUN_AS_NODE: '1', MALLOC_ARENA_MAX: '2' };
  delete env.NODE_OPTIONS;
  return env;
}

/** Start `script` (bundled .js, or .ts source under tsx) in a process of its own, and send it `data`. */
export function startEngineProcess(script: string, data: EngineWorkerData, limits: ResourceLimits, execArgv?: string[]): EngineLink {
  const preload = script.endsWith('.ts') ? ['--require', tsxHook()] : [];
  const child: ChildProcess = fork(script, [], {
    execArgv: [...preload, ...(execArgv ?? engineExecArgv(limits))],
    env: engineEnv(),
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL)));
  let exitCode: number | undefined;
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1);
      resolve(exitCode);
    });
  });
  const errors: ((message: string) => void)[] = [];
  // A send to a process that just died reports here; without a listener it would throw in the host.
  child.on('error', (err) => errors.forEach((f) => f(err.message)));
  const post = (m: HostMessage | EngineInit) => {
    if (child.connected) child.send(m);
  };
  post({ kind: 'init', data });
  return {
    hosting: 'process',
    get id() {
      return exitCode === undefined ? child.pid : undefined;
    },
    post,
    onMessage: (f) => child.on('message', (m) => f(m as WorkerMessage)),
    onError: (f) => errors.push(f),
    onExit: (f) =>
      void exited.then((code) => {
        const said = stderr.trim();
        if (said) errors.forEach((g) => g(said.split('\n').slice(-5).join('\n')));
        f(code);
      }),
    terminate: () => {
      if (exitCode === undefined) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Start `script` in a worker thread of this process, with `data` and heap `limits`. */
export function startEngineThread(script: string, data: EngineWorkerData, limits: ResourceLimits): EngineLink {
  const worker: Worker = startWorkerThread(script, data, limits);
  let alive = true;
  worker.on('exit', () => (alive = false));
  return {
    hosting: 'thread',
    get id() {
      return alive ? worker.threadId : undefined;
    },
    post: (m) => worker.postMessage(m),
    onMessage: (f) => worker.on('message', f),
    onError: (f) => worker.on('error', (err) => f(err.message)),
    onExit: (f) => worker.on('exit', f),
    terminate: () => worker.terminate(),
  };
}
