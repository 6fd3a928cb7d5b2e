/**
 * Entry of an index worker thread (worker_threads): parses and extracts files posted by IndexWorkerPool, so a
 * workspace build runs off the extension host's thread, and in parallel on several cores. The tree-sitter wasm heap
 * of a worker goes away with the worker when the pool is closed after the build. Bundled to dist/indexWorker.js.
 */
import { parentPort, workerData } from 'worker_threads';
import { getHeapStatistics } from 'v8';
import { setWasmDirectory, wasmHeapBytes } from './parser';
import { setQueryDirectory } from './queries';
import { indexFileText, indexLocalFile, prepareIndexing } from './fileIndexer';
import { adoptCompiledWasm } from './wasmModules';
import type { IndexJob, IndexReply, IndexWarmUp, IndexWorkerData } from './indexPool';

const data = workerData as IndexWorkerData;
if (data.wasmDir) setWasmDirectory(data.wasmDir);
setQueryDirectory(data.queryDir);

const port = parentPort;
if (!port) throw new Error('indexWorker must run as a worker thread');

port.on('message', (job: IndexJob | IndexWarmUp) => {
  // The parent's compiled runtime and grammar: their optimised code is shared, not compiled again here.
  if (job.modules) adoptCompiledWasm(job.modules);
  if ('warm' in job) {
    prepareIndexing(job.warm).catch(() => undefined);
    return;
  }
  const options = { maxTags: job.maxTags, parseTimeoutMs: job.parseTimeoutMs };
  const work = 'file' in job ? indexLocalFile(job.language, job.file, options, job.deferOver) : indexFileText(job.language, job.text, options);
  work.then(
    (result) =>
      port.postMessage(
        (result === 'deferred' ? { id: job.id, ok: true, deferred: true } : { id: job.id, ok: true, result, memory: memory() }) satisfies IndexReply,
      ),
    (err: unknown) => port.postMessage({ id: job.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies IndexReply),
  );
});

/** What this worker holds after a job (see IndexReply.memory): cheap to read (no system call). */
function memory(): { heap: number; wasm: number } {
  return { heap: getHeapStatistics().total_heap_size, wasm: wasmHeapBytes() };
}
