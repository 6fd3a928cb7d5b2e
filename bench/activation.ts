/**
 * Activation on a big workspace: 50,000 generated small files, with the index persisted by an earlier session.
 *
 *   npm run bench:activation -- [--files 50000] [--dir <folder>]
 *
 * Generates the workspace once (default: <tmp>/phi-bench-<files>-files; TypeScript modules in 250 folders, each
 * importing a function of another folder), builds and saves its index with the engine's worker (untimed set-up), then
 * times a second activation as the extension does it: the EngineClient starts the worker (bundled dist/engineWorker.js)
 * with the open document, the worker restores the saved index, and requests are made until one returns context with
 * a definition from another file (the first completion context). A 2 ms timer on this thread measures the longest
 * stretch this thread was blocked, from the start until the worker's build after the restore has finished (it stats
 * every file). Baseline in the same run: the design before the worker, restoring the same file on this thread and
 * assembling the same context there (the longest block is then the restore, or the first assemble). Prints one JSON
 * object on its last line.
 */
import { argValue } from './args';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EngineClient } from '../src/core/context/engineClient';
import type { DocumentInfo, EngineEvent } from '../src/core/context/engineProtocol';
import { IndexKeeper } from '../src/core/context/indexKeeper';
import { TreeSitterContextEngine } from '../src/core/context/engine';
import { setWasmDirectory } from '../src/core/context/parser';
import { setQueryDirectory } from '../src/core/context/queries';
import type { ContextRequest } from '../src/core/context/types';
import { nullLogger } from '../src/core/log';
import { BlockMonitor } from './hostBlocks';
import { round } from './typing/stats';

const DIST = fs.existsSync(path.join(__dirname, '..', 'engineWorker.js')) ? path.join(__dirname, '..') : path.join(__dirname, '..', 'dist');
const FOLDERS = 250;
const MARKER = '.phi-bench-complete';

const arg = (name: string) => argValue(process.argv, name);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (n: number) => round(n / 1048576, 1);

function modulePath(i: number): string {
  return `pkg${i % FOLDERS}/mod${i}.ts`;
}

/** Module i: a function that calls one of another folder's module (j), and an interface. */
function moduleText(i: number, files: number): string {
  const j = (i * 7919 + 13) % files;
  const rel = `../pkg${j % FOLDERS}/mod${j}`;
  return [
    `import { helper${j} } from '${rel}';`,
    '',
    `export interface Shape${i} {`,
    '  size: number;',
    '}',
    '',
    `export function helper${i}(x: number): number {`,
    `  return helper${j}(x) + ${i};`,
    '}',
    '',
  ].join('\n');
}

function generate(dir: string, files: number): void {
  if (fs.existsSync(path.join(dir, MARKER))) return;
  for (let f = 0; f < FOLDERS; f++) fs.mkdirSync(path.join(dir, `pkg${f}`), { recursive: true });
  for (let i = 0; i < files; i++) fs.writeFileSync(path.join(dir, modulePath(i)), moduleText(i, files));
  fs.writeFileSync(path.join(dir, MARKER), '');
}

function engineClient(dir: string, storageFile: string, open: DocumentInfo[], onEvent: (e: EngineEvent) => void): EngineClient {
  return new EngineClient({
    script: path.join(DIST, 'engineWorker.js'),
    data: { wasmDir: path.join(DIST, 'wasm'), queryDir: path.join(DIST, 'queries'), folders: [{ name: path.basename(dir), path: dir }], storageFile, indexWorkerScript: path.join(DIST, 'indexWorker.js'), rules: {} },
    logger: { ...nullLogger, info: (m) => console.error(m), warn: (m) => console.error(m), error: (m) => console.error(m) },
    openDocuments: () => open,
    onEvent,
  });
}

function waitFor(kind: EngineEvent['kind'], sink: { on?: (e: EngineEvent) => void }): Promise<EngineEvent> {
  return new Promise((resolve) => (sink.on = (e) => e.kind === kind && resolve(e)));
}

async function main() {
  const files = Number(arg('files') ?? 50_000);
  const dir = path.resolve(arg('dir') ?? path.join(os.tmpdir(), `phi-bench-${files}-files`));
  for (const f of ['engineWorker.js', 'indexWorker.js', 'wasm', 'queries']) {
    if (!fs.existsSync(path.join(DIST, f))) throw new Error(`dist/${f} is missing: run \`node esbuild.js\` first`);
  }
  let t = performance.now();
  generate(dir, files);
  const generateMs = performance.now() - t;
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-bench-activation-'));
  const storageFile = path.join(storage, 'context-index.json');

  // The document the user has open, the cursor in its function's body: the context should hold helper<j>'s definition.
  const i = Math.floor(files / 3);
  const rel = modulePath(i);
  const text = moduleText(i, files);
  const j = (i * 7919 + 13) % files;
  const doc: DocumentInfo = { path: path.join(dir, rel), relPath: rel, languageId: 'typescript', version: 1, text };
  const req: ContextRequest = { doc: { ...doc, offset: text.indexOf(`helper${j}(x)`) }, budgetTokens: 1024, purpose: 'completion', fileFits: false };
  const hasContext = (p: { text: string }) => p.text.includes(`export function helper${j}(x: number): number`);

  // Set-up: the first session builds and saves the index.
  t = performance.now();
  const sink1: { on?: (e: EngineEvent) => void } = {};
  const first = engineClient(dir, storageFile, [doc], (e) => sink1.on?.(e));
  const built = waitFor('buildEnd', sink1);
  first.start();
  const coldStats = await built;
  await first.dispose();
  const coldBuildMs = performance.now() - t;
  if (!fs.existsSync(storageFile)) throw new Error('the first session did not save the index');
  const indexMb = mb(fs.statSync(storageFile).size);

  // The timed activation.
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage.rss();
  const monitor = new BlockMonitor().start();
  t = performance.now();
  const sink2: { on?: (e: EngineEvent) => void } = {};
  let restored = 0;
  let readyMs = -1;
  const client = engineClient(dir, storageFile, [doc], (e) => {
    if (e.kind === 'ready') [restored, readyMs] = [e.restored, performance.now() - t];
    sink2.on?.(e);
  });
  const rebuilt = waitFor('buildEnd', sink2);
  client.start();
  let firstContextMs = -1;
  let assembleMs = -1;
  let requests = 0;
  for (;;) {
    requests++;
    const packed = await client.assemble(req);
    if (hasContext(packed)) {
      firstContextMs = performance.now() - t;
      assembleMs = packed.elapsedMs;
      break;
    }
    if (performance.now() - t > 60_000) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await rebuilt;
  const settledMs = performance.now() - t;
  const blocks = monitor.stop(50);
  gc();
  const heap1 = process.memoryUsage().heapUsed;
  const rss1 = process.memoryUsage.rss();
  await client.dispose();

  // Baseline: the same restore and first context on this thread (the design before the worker).
  setWasmDirectory(path.join(DIST, 'wasm'));
  setQueryDirectory(path.join(DIST, 'queries'));
  const keeper = new IndexKeeper({ folders: [{ name: path.basename(dir), path: dir }], rules: {}, storageFile, logger: nullLogger, workers: 0 });
  t = performance.now();
  keeper.restore();
  const inThreadRestoreMs = performance.now() - t;
  const engine = new TreeSitterContextEngine({ index: keeper.index, logger: nullLogger });
  t = performance.now();
  const inThreadPacked = await engine.assemble(req);
  const inThreadAssembleMs = performance.now() - t;
  engine.dispose();
  keeper.dispose();
  fs.rmSync(storage, { recursive: true, force: true });

  console.log(JSON.stringify({
    files,
    indexed: coldStats.kind === 'buildEnd' ? coldStats.stats.files : undefined,
    index_file_mb: indexMb,
    generate_ms: Math.round(generateMs),
    cold_build_ms: Math.round(coldBuildMs),
    restored,
    activation_to_first_context_ms: Math.round(firstContextMs),
    worker_ready_ms: Math.round(readyMs),
    worker_first_assemble_ms: Math.round(assembleMs),
    requests_until_context: requests,
    until_build_after_restore_ms: Math.round(settledMs),
    host_longest_block_wall_ms: round(blocks.longestWallMs, 1),
    host_longest_block_cpu_ms: blocks.longestCpuMs === undefined ? null : round(blocks.longestCpuMs, 1),
    host_blocks_over_50ms: blocks.overThreshold,
    host_heap_growth_mb: mb(heap1 - heap0),
    rss_growth_mb: mb(rss1 - rss0),
    baseline_in_thread_restore_ms: Math.round(inThreadRestoreMs),
    baseline_in_thread_first_assemble_ms: Math.round(inThreadAssembleMs),
    baseline_context_found: hasContext(inThreadPacked),
    load: os.loadavg().map((l) => round(l, 2)),
  }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
