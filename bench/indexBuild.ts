/**
 * Index build benchmark (issue 13): `npm run bench:index -- --repo <dir> [--seed 7] [--workers N] [--main-thread]`.
 * Builds the workspace index of <dir> as the extension does (from a worker thread with the engine worker's limits, with
 * its pool and exclusion rules), then re-indexes 40 seeded files one at a time as saves (`update_ms`), and the same
 * files again as saves of documents open in the editor (`update_open_ms`: from the document cache's tree). Last line:
 * one JSON object (files/s, MB/s, CPU ms, steps, update times, peak RSS after the build and at the end, and the JS heap
 * and tree-sitter wasm memory held after a full GC).
 */
import * as path from 'path';
import { argValue } from './args';
import { measureIndexBuild, runInEngineWorker } from './indexRun';
import { wasmHeapBytes } from '../src/core/context/parser';

async function main(argv: string[]): Promise<void> {
  const repo = argValue(argv, 'repo');
  if (!repo) {
    console.error('usage: npm run bench:index -- --repo <dir> [--seed 7]');
    process.exit(2);
  }
  const workers = argValue(argv, 'workers');
  const run = await measureIndexBuild(path.resolve(repo), Number(argValue(argv, 'seed') ?? 7), (l) => console.error(l), workers === undefined ? undefined : Number(workers));
  (globalThis as { gc?: () => void }).gc?.();
  const mb = (n: number) => Math.round(n / 1048576);
  console.log(JSON.stringify({
    repo: path.resolve(repo),
    ...run.figures,
    rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    held_mb: { heap_after_gc: mb(process.memoryUsage().heapUsed), wasm: mb(wasmHeapBytes()) },
  }));
}

runInEngineWorker(__filename, main);
