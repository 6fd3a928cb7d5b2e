/**
 * The index build as the benchmarks measure it (bench/context.ts, bench/indexBuild.ts): the workspace index of a folder
 * built with the shipped worker pool, its throughput in files and bytes, where the indexing threads' time went, one
 * saved file re-indexed at a time (`update_ms`), and the process's peak RSS right after the build.
 */
import * as fs from 'fs';
import * as path from 'path';
import { rng } from './rng';
import { ExclusionRules } from '../src/core/context/exclude';
import { nodeWorkspaceFs } from '../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../src/core/context/workspaceIndex';
import { DocumentCache } from '../src/core/context/documentCache';
import { setWasmDirectory } from '../src/core/context/parser';
import { setQueryDirectory } from '../src/core/context/queries';
import { isMainThread, workerData, type ResourceLimits } from 'worker_threads';
import { ENGINE_LIMITS } from '../src/core/context/engineClient';
import { startWorkerThread } from '../src/core/context/indexPool';
import { engineEnv, engineExecArgv } from '../src/core/context/engineLink';
import { fork } from 'child_process';
import { prepareIndexing } from '../src/core/context/fileIndexer';

/** Files re-indexed one at a time (a save each) for update_ms. */
const UPDATE_SAMPLES = 40;

export interface IndexRun {
  index: WorkspaceIndex;
  /** Indexed files, sorted. */
  files: string[];
  figures: {
    index_ms: number;
    /** CPU ms of the process's threads during the build (less sensitive to the load than the wall time). */
    index_cpu_ms: number;
    index_files: number;
    index_mb: number;
    index_files_s: number;
    index_mb_s: number;
    index_steps_ms: Record<string, number>;
    /** Wall time of the build's phases: walk, index (and store), close the pool; when the pool started (null: none). */
    index_phases_ms: Record<string, number | null>;
    /** Loading this thread's grammars and index queries before the first save (the build parsed in the pool). */
    update_load_ms: number;
    update_ms: { p50: number; p95: number; max: number };
    /** The same saves in CPU ms (the process's: after the build, this thread's work). */
    update_cpu_ms: { p50: number; p95: number; max: number };
    /** Each of those files saved again right after, with a line added: wall and CPU ms. */
    update_again_ms: { p50: number; p95: number; max: number };
    update_again_cpu_ms: { p50: number; p95: number; max: number };
    /** The same saves, of files open in the editor (re-indexed from the document cache's tree). */
    update_open_ms: { p50: number; p95: number; max: number };
    /** A second build with nothing changed (every file stat'ed, none parsed): wall and CPU ms. */
    rebuild_ms: number;
    rebuild_cpu_ms: number;
    /** Peak RSS of the process after the build (the engine's build with its worker pool), MB. */
    rss_after_index_mb: number;
    /** Each index worker: its most V8 heap (committed) and tree-sitter wasm memory after a job (MB), jobs, biggest file (KB), indexing ms. */
    index_workers: { heap_mb: number; wasm_mb: number; jobs: number; largest_kb: number; busy_ms: number }[];
  };
}

export const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/**
 * Bundled into dist/bench/ (scripts/bench-context.js), the engine finds its wasm, queries and index worker in dist/, as
 * the extension's does; under tsx it resolves them from node_modules and src/.
 */
export function useShippedAssets(): { workerScript?: string } {
  const dist = path.join(__dirname, '..');
  if (!fs.existsSync(path.join(dist, 'indexWorker.js'))) return {};
  setWasmDirectory(path.join(dist, 'wasm'));
  setQueryDirectory(path.join(dist, 'queries'));
  return { workerScript: path.join(dist, 'indexWorker.js') };
}

/** `workers`: index threads (default: the extension's, one per core up to 4; 0: in-process, for a profile). */
export async function measureIndexBuild(repo: string, seed: number, log: (line: string) => void, workers?: number): Promise<IndexRun> {
  // The editor's open documents (for update_open_ms): a saved open file is re-indexed from its tree, as in the engine.
  const open = new DocumentCache();
  const openTree = (rel: string, text: string) => open.treeOf(rel, text);
  const index = new WorkspaceIndex(nodeWorkspaceFs(repo), new ExclusionRules(), { ...useShippedAssets(), ...(workers !== undefined ? { workers } : {}), openTree });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await index.build();
  const indexMs = performance.now() - t0;
  // CPU time of every thread of the process (the build's workers included): the work, whatever the machine's load.
  const cpu = process.cpuUsage(cpu0);
  const indexCpuMs = (cpu.user + cpu.system) / 1000;
  const files = [...index.allFiles()].map((f) => f.path).sort();
  const rssIndexMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const build = index.lastBuild!;
  const indexMbS = build.bytes / 1048576 / (indexMs / 1000);
  const steps = Object.fromEntries(Object.entries(build.steps).map(([k, v]) => [k, Math.round(v)]));
  log(`index: ${files.length} files, ${(build.bytes / 1048576).toFixed(1)} MB in ${indexMs.toFixed(0)} ms, ${indexCpuMs.toFixed(0)} ms of CPU (${((files.length / indexMs) * 1000).toFixed(0)} files/s, ${indexMbS.toFixed(2)} MB/s), peak RSS ${rssIndexMb} MB; steps (ms summed over threads): ${JSON.stringify(steps)}`);
  // A second build with nothing changed (what a restored index costs at activation: every file stat'ed, none parsed).
  const r0 = performance.now();
  const rcpu0 = process.cpuUsage();
  await index.build();
  const rebuildMs = performance.now() - r0;
  const rcpu = process.cpuUsage(rcpu0);
  // One saved file re-indexed (what a save costs the engine's thread): seeded files of the corpus, in-process. The
  // build parsed in the pool's threads, so this thread has neither a grammar nor the index's queries yet: loaded first
  // and timed apart (`update_load_ms`, once per language a session; in the engine, often done by an open document),
  // so that the per-save figures are of saves. CPU time is the process's, nearly all this thread's (the pool is closed).
  const pick = rng(seed);
  const sampled = Array.from({ length: Math.min(UPDATE_SAMPLES, files.length) }, () => files[Math.floor(pick() * files.length)]);
  const l0 = performance.now();
  for (const language of new Set(sampled.map((f) => index.file(f)?.language))) if (language) await prepareIndexing(language);
  const updateLoadMs = performance.now() - l0;
  const updateMs: number[] = [];
  const updateCpuMs: number[] = [];
  const slowest: { file: string; ms: number; cpu_ms: number }[] = [];
  const updateAgainMs: number[] = [];
  const updateAgainCpuMs: number[] = [];
  for (const f of sampled) {
    const t = fs.readFileSync(path.join(repo, f), 'utf8');
    const c0 = process.cpuUsage();
    const u0 = performance.now();
    await index.updateText(f, t, { mtimeMs: Date.now(), size: Buffer.byteLength(t) });
    const ms = performance.now() - u0;
    const c = process.cpuUsage(c0);
    updateMs.push(ms);
    updateCpuMs.push((c.user + c.system) / 1000);
    slowest.push({ file: f, ms: r3(ms), cpu_ms: r3((c.user + c.system) / 1000) });
    // The same file saved again after a one-line edit (a comment line inserted at a seeded line): what a tool that
    // rewrites a file not open in the editor costs from the second save on (re-parsed from the last save's tree).
    const lines = t.split('\n');
    lines.splice(Math.floor(pick() * lines.length), 0, '// saved again');
    const edited = lines.join('\n');
    const a0 = process.cpuUsage();
    const e0 = performance.now();
    await index.updateText(f, edited, { mtimeMs: Date.now(), size: Buffer.byteLength(edited) });
    updateAgainMs.push(performance.now() - e0);
    const a = process.cpuUsage(a0);
    updateAgainCpuMs.push((a.user + a.system) / 1000);
  }
  slowest.sort((a, b) => b.ms - a.ms);
  log(`updates, slowest: ${JSON.stringify(slowest.slice(0, 4))}`);
  // The same saves of files open in the editor, parsed there at that text (the open's parse is not timed).
  const updateOpenMs: number[] = [];
  for (const f of sampled) {
    const t = fs.readFileSync(path.join(repo, f), 'utf8');
    await open.get(f, index.file(f)?.language ?? 'plaintext', 1, t);
    const u0 = performance.now();
    await index.updateText(f, t, { mtimeMs: Date.now(), size: Buffer.byteLength(t) });
    updateOpenMs.push(performance.now() - u0);
  }
  open.dispose();
  return {
    index,
    files,
    figures: {
      index_ms: Math.round(indexMs),
      index_cpu_ms: Math.round(indexCpuMs),
      index_files: files.length,
      index_mb: r3(build.bytes / 1048576),
      index_files_s: Math.round((files.length / indexMs) * 1000),
      index_mb_s: r3(indexMbS),
      index_steps_ms: steps,
      index_phases_ms: Object.fromEntries(Object.entries(build.phases).map(([k, v]) => [k, v === undefined ? null : Math.round(v)])),
      rebuild_ms: Math.round(rebuildMs),
      rebuild_cpu_ms: Math.round((rcpu.user + rcpu.system) / 1000),
      update_load_ms: r3(updateLoadMs),
      update_ms: { p50: r3(percentile(updateMs, 50)), p95: r3(percentile(updateMs, 95)), max: r3(Math.max(0, ...updateMs)) },
      update_cpu_ms: { p50: r3(percentile(updateCpuMs, 50)), p95: r3(percentile(updateCpuMs, 95)), max: r3(Math.max(0, ...updateCpuMs)) },
      update_again_ms: { p50: r3(percentile(updateAgainMs, 50)), p95: r3(percentile(updateAgainMs, 95)), max: r3(Math.max(0, ...updateAgainMs)) },
      update_again_cpu_ms: { p50: r3(percentile(updateAgainCpuMs, 50)), p95: r3(percentile(updateAgainCpuMs, 95)), max: r3(Math.max(0, ...updateAgainCpuMs)) },
      update_open_ms: { p50: r3(percentile(updateOpenMs, 50)), p95: r3(percentile(updateOpenMs, 95)), max: r3(Math.max(0, ...updateOpenMs)) },
      rss_after_index_mb: rssIndexMb,
      index_workers: build.workerStats.map((w) => ({ heap_mb: Math.round(w.heap / 1048576), wasm_mb: Math.round(w.wasm / 1048576), jobs: w.jobs, largest_kb: Math.round(w.largest / 1024), busy_ms: Math.round(w.busyMs) })),
    },
  };
}

/** Set in the environment of the process runInEngineWorker starts. */
const ENGINE_PROCESS_ENV = 'PHI_BENCH_ENGINE_PROCESS';

/**
 * Run a benchmark's `main` the way the extension runs the context engine: in a process of its own with the engine
 * process's flags and environment (engineLink.ts: `--liftoff-only`, ENGINE_LIMITS as V8 flags, MALLOC_ARENA_MAX; the
 * index build's pool is then started from that process, as in the extension), so that the engine's memory and garbage
 * collection behave as they do there, and RSS is the engine's process (with the harness's own data, not its parent).
 * `--engine-thread` runs `main` in a worker thread with ENGINE_LIMITS instead (the engine's fallback, and how it ran
 * before session 14); `--main-thread` on the main thread (with V8's defaults); `--engine-limits '<json>'` replaces the
 * limits, `--engine-flags '<json array>'` the engine process's flags (both to compare settings in one session).
 */
export function runInEngineWorker(file: string, main: (argv: string[]) => Promise<void>): void {
  const fail = (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  };
  if (process.env[ENGINE_PROCESS_ENV]) {
    main(process.argv.slice(2)).then(() => process.exit(process.exitCode ?? 0), fail);
    return;
  }
  if (!isMainThread) {
    main((workerData as { argv: string[] }).argv).catch(fail);
    return;
  }
  const argv = process.argv.slice(2);
  if (argv.includes('--main-thread')) {
    main(argv).catch(fail);
    return;
  }
  const custom = argv.indexOf('--engine-limits');
  const limits = custom >= 0 ? (JSON.parse(argv[custom + 1]) as ResourceLimits) : ENGINE_LIMITS;
  if (argv.includes('--engine-thread')) {
    const worker = startWorkerThread(file, { argv }, limits);
    worker.on('error', (err) => {
      console.error(err instanceof Error ? err.stack : err);
      process.exitCode = 1;
    });
    worker.on('exit', (code) => {
      if (code !== 0) process.exitCode = code;
    });
    return;
  }
  const flags = argv.indexOf('--engine-flags');
  const engineFlags = flags >= 0 ? (JSON.parse(argv[flags + 1]) as string[]) : engineExecArgv(limits);
  const child = fork(file, argv, { execArgv: [...process.execArgv, ...engineFlags], env: { ...engineEnv(), [ENGINE_PROCESS_ENV]: '1' }, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (code !== 0) process.exitCode = code ?? 1;
    if (signal) console.error(`the engine's process ended by ${signal}`);
  });
}
