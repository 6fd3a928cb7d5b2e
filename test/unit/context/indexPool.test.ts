/**
 * The index worker pool: the bundled worker (dist/indexWorker.js, as the extension starts it, with the wasm and
 * queries from dist/) gives the same entries as indexing in-process; closing the pool rejects what is still queued.
 * `npm test` builds dist/ before the unit tests (`npm run package`); alone, run `npm run build` first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { indexFileText, type FileIndexResult } from '../../../src/core/context/fileIndexer';
import { defaultWorkerScript, IndexWorkerPool, type IndexWorkerData } from '../../../src/core/context/indexPool';

const root = path.join(__dirname, '..', '..', '..');
const dist = path.join(root, 'dist');
const OPTIONS = { maxTags: 100, parseTimeoutMs: 2000 };
const TS = 'import { z } from "./z";\nexport interface Shape {\n  area(): number;\n}\nexport function square(side: number): Shape {\n  return { area: () => side * side };\n}\n';
const PY = 'import os\n\nclass Store:\n    def save(self, path):\n        return os.path.join(path, "x")\n';

/** Runs one job in a worker started like the extension's (bundled script, wasm and queries from dist/). */
function runBundled(language: 'typescript' | 'python', text: string): Promise<unknown> {
  const data: IndexWorkerData = { wasmDir: path.join(dist, 'wasm'), queryDir: path.join(dist, 'queries') };
  const worker = new Worker(path.join(dist, 'indexWorker.js'), { workerData: data });
  return new Promise((resolve, reject) => {
    worker.once('message', (reply: { ok: boolean; result?: unknown; error?: string }) => {
      void worker.terminate();
      if (reply.ok) resolve(reply.result);
      else reject(new Error(reply.error));
    });
    worker.once('error', reject);
    worker.postMessage({ id: 1, language, text, ...OPTIONS });
  });
}

/** A result without its timing (which differs from run to run). */
function untimed(r: FileIndexResult): Omit<FileIndexResult, 'timing'> {
  const { timing: _timing, ...rest } = r;
  return rest;
}

test('the bundled worker (dist/indexWorker.js with dist/wasm and dist/queries) indexes like the in-process code', async () => {
  assert.ok(fs.existsSync(path.join(dist, 'indexWorker.js')), 'dist/indexWorker.js is missing: run `npm run build` first (npm test does)');
  for (const [language, text] of [['typescript', TS], ['python', PY]] as const) {
    const expected = await indexFileText(language, text, OPTIONS);
    assert.ok(expected.tags.length >= 2, `${language} fixture has tags`);
    assert.deepEqual(untimed((await runBundled(language, text)) as FileIndexResult), untimed(expected));
  }
});

test('the pool spreads jobs over its workers, answers each with its own file, and close() rejects what is queued', async () => {
  const pool = new IndexWorkerPool(2, defaultWorkerScript()!);
  assert.equal(pool.size, 2);
  const texts = Array.from({ length: 12 }, (_, i) => `export function fn${i}(a: number): number {\n  return a + ${i};\n}\n`);
  const results = await Promise.all(texts.map((t) => pool.run('typescript', t, OPTIONS)));
  assert.deepEqual(results.map((r) => r.tags.map((t) => t.name)), texts.map((_, i) => [`fn${i}`]));
  // Queue more than the workers take at once, then close: every job settles, the unfinished ones rejected.
  const late = Array.from({ length: 20 }, () => pool.run('typescript', TS, OPTIONS).then(() => 'done', (e: Error) => e.message));
  await new Promise((r) => setImmediate(r)); // run() queues a job once its compiled modules are at hand
  await pool.close();
  const outcomes = await Promise.all(late);
  assert.ok(outcomes.includes('index worker pool closed'), `outcomes: ${outcomes.join(', ')}`);
  await assert.rejects(pool.run('typescript', TS, OPTIONS), /closed/);
});

test('a worker sent a path reads the file itself: its entry with the stat of what it read, or gone', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-file-'));
  const file = path.join(dir, 'shape.ts');
  fs.writeFileSync(file, TS);
  const pool = new IndexWorkerPool(1, defaultWorkerScript()!);
  try {
    const got = await pool.runFile('typescript', file, OPTIONS);
    assert.equal(got.kind, 'indexed');
    if (got.kind !== 'indexed') return;
    assert.equal(got.stat.size, Buffer.byteLength(TS));
    assert.equal(got.stat.mtimeMs, Math.floor(fs.statSync(file).mtimeMs));
    assert.deepEqual(untimed(got.result), untimed(await indexFileText('typescript', TS, OPTIONS)));
    assert.ok(got.result.timing!.read > 0 && got.result.timing!.parse > 0, 'the worker times its steps');
    assert.deepEqual(await pool.runFile('typescript', path.join(dir, 'gone.ts'), OPTIONS), { kind: 'gone' });
    assert.deepEqual(await pool.runFile('typescript', dir, OPTIONS), { kind: 'gone' }, 'a folder is not a file');
  } finally {
    await pool.close();
  }
});

test('big files go to the first worker only (the others stay small): a worker that opens one defers it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-big-'));
  const small = (i: number) => `export function small${i}(a: number): number {\n  return a + ${i};\n}\n`;
  const big = (i: number) => Array.from({ length: 40 }, (_, k) => `export function big${i}_${k}(a: number): number {\n  return a * ${k};\n}\n`).join('');
  const files = Array.from({ length: 16 }, (_, i) => {
    const file = path.join(dir, `f${i}.ts`);
    fs.writeFileSync(file, i % 4 === 1 ? big(i) : small(i));
    return file;
  });
  const limit = 1000;
  assert.ok(Buffer.byteLength(big(0)) > limit && Buffer.byteLength(small(0)) < limit, 'fixture sizes');
  const pool = new IndexWorkerPool(2, defaultWorkerScript()!, { bigFileBytes: limit });
  try {
    // Files by path (the workers read them) and texts (sized here), all at once so that both workers are busy.
    const [byPath, byText] = await Promise.all([
      Promise.all(files.map((f) => pool.runFile('typescript', f, OPTIONS))),
      Promise.all(files.map((f) => pool.run('typescript', fs.readFileSync(f, 'utf8'), OPTIONS))),
    ]);
    for (let i = 0; i < files.length; i++) {
      const expected = untimed(await indexFileText('typescript', fs.readFileSync(files[i], 'utf8'), OPTIONS));
      const got = byPath[i];
      assert.equal(got.kind, 'indexed');
      if (got.kind === 'indexed') assert.deepEqual(untimed(got.result), expected, `file ${i} by path`);
      assert.deepEqual(untimed(byText[i]), expected, `file ${i} by text`);
    }
    const [first, second] = pool.workerStats;
    assert.equal(first.jobs + second.jobs, files.length * 2, 'every job answered once (a deferral is not an answer)');
    assert.ok(second.jobs > 0, 'the second worker took small files');
    assert.ok(second.largest <= limit, `the second worker indexed nothing over the limit (largest ${second.largest})`);
    assert.ok(first.largest > limit, 'the first worker took the big ones');
  } finally {
    await pool.close();
  }
});

test('when the first worker dies, the big files queued for it go to the next one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-big-dies-'));
  const big = Array.from({ length: 40 }, (_, k) => `export function big_${k}(a: number): number {\n  return a * ${k};\n}\n`).join('');
  const files = Array.from({ length: 6 }, (_, i) => {
    const file = path.join(dir, `big${i}.ts`);
    fs.writeFileSync(file, big);
    return file;
  });
  const pool = new IndexWorkerPool(2, defaultWorkerScript()!, { bigFileBytes: 1000 });
  try {
    // Texts over the limit queue for the first worker only; it dies with two of them sent: those two fail, the
    // other four are taken by the second worker, now the first.
    const outcomes = files.map((f) => pool.run('typescript', fs.readFileSync(f, 'utf8'), OPTIONS).then(() => 'done', () => 'failed'));
    await new Promise((r) => setImmediate(r));
    const workers = (pool as unknown as { slots: { worker: Worker }[] }).slots;
    await workers[0].worker.terminate();
    const settled = await Promise.all(outcomes);
    assert.equal(pool.size, 1);
    assert.ok(settled.filter((o) => o === 'done').length >= 4, settled.join(', '));
  } finally {
    await pool.close();
  }
});
