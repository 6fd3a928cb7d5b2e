import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { DocumentCache } from '../../../src/core/context/documentCache';

function tempWorkspace(files: Record<string, string>): { root: string; write(rel: string, text: string, mtime?: number): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-index-'));
  const write = (rel: string, text: string, mtime?: number) => {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
    if (mtime) fs.utimesSync(abs, mtime / 1000, mtime / 1000);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text, Date.now() - 60_000);
  return { root, write };
}

test('build, incremental update on save, delete and rename', async () => {
  const ws = tempWorkspace({
    'a.py': 'def alpha():\n    return 1\n',
    'lib/b.ts': 'export class Beta {\n  run(): void {}\n}\n',
  });
  const index = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules());
  const first = await index.build();
  assert.deepEqual(first, { files: 2, parsed: 2 });
  assert.equal(index.lookup('alpha')[0].tag.kind, 'function');
  assert.equal(index.lookup('run')[0].file.path, 'lib/b.ts');
  assert.match(index.lookup('Beta')[0].tag.snippet, /export class Beta/);

  // Unchanged files are not re-parsed.
  assert.deepEqual(await index.build(), { files: 2, parsed: 0 });

  ws.write('a.py', 'def alpha2():\n    return 2\n', Date.now());
  assert.equal(await index.update('a.py'), true);
  assert.equal(index.lookup('alpha').length, 0);
  assert.equal(index.lookup('alpha2').length, 1);

  fs.renameSync(path.join(ws.root, 'lib/b.ts'), path.join(ws.root, 'lib/c.ts'));
  index.remove('lib/b.ts');
  await index.update('lib/c.ts');
  assert.equal(index.lookup('Beta')[0].file.path, 'lib/c.ts');

  fs.rmSync(path.join(ws.root, 'lib'), { recursive: true });
  index.removeFolder('lib');
  assert.equal(index.lookup('Beta').length, 0);
  assert.equal(index.size, 1);
  fs.rmSync(ws.root, { recursive: true, force: true });
});

test('persistence: a restored index re-parses only files whose mtime or size changed', async () => {
  const ws = tempWorkspace({ 'x.go': 'package x\nfunc One() int { return 1 }\n', 'y.go': 'package x\nfunc Two() int { return 2 }\n' });
  const a = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules());
  await a.build();
  const saved = a.serialize();
  ws.write('y.go', 'package x\nfunc Three() int { return 3 }\n', Date.now());
  const b = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules());
  assert.equal(b.restore(saved), 2);
  assert.equal(b.lookup('Two').length, 1, 'restored entries are usable before the build');
  assert.deepEqual(await b.build(), { files: 2, parsed: 1 });
  assert.equal(b.lookup('Two').length, 0);
  assert.equal(b.lookup('Three').length, 1);
  assert.equal(b.restore('{not json'), 0);
  assert.equal(b.restore(JSON.stringify({ version: -1, files: [] })), 0);
  fs.rmSync(ws.root, { recursive: true, force: true });
});

test('memory bounds: files and tags per file are capped', async () => {
  const many = Array.from({ length: 50 }, (_, i) => `def f${i}():\n    pass\n`).join('');
  const ws = tempWorkspace({ 'a.py': many, 'b.py': many, 'c.py': many });
  const index = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules(), { maxFiles: 2, maxTagsPerFile: 10 });
  await index.build();
  assert.equal(index.size, 2);
  for (const f of index.allFiles()) assert.equal(f.tags.length, 10);
  fs.rmSync(ws.root, { recursive: true, force: true });
});

test('incremental re-parse of an edited document gives the same structure as a fresh parse', async () => {
  const cache = new DocumentCache();
  const fresh = new DocumentCache();
  let text = 'class A:\n    def m(self):\n        return 1\n';
  await cache.get('/d.py', 'python', 1, text);
  const edits: [string, string][] = [
    ['return 1', 'return 2'],
    ['class A:', 'class Alpha(Base):'],
    ['        return 2\n', '        return 2\n\n    def n(self, x):\n        return x\n'],
  ];
  let v = 1;
  for (const [from, to] of edits) {
    text = text.replace(from, to);
    const inc = await cache.get('/d.py', 'python', ++v, text);
    const ref = await fresh.get(`/fresh${v}.py`, 'python', 1, text);
    assert.deepEqual(inc.tags.map((t) => [t.name, t.signature, t.startIndex, t.endIndex]), ref.tags.map((t) => [t.name, t.signature, t.startIndex, t.endIndex]));
  }
  const last = await cache.get('/d.py', 'python', v, text);
  assert.deepEqual(last.tags.map((t) => t.name), ['Alpha', 'm', 'n']);
  cache.dispose();
  fresh.dispose();
});

test('namesExtending: longer names with the prefix, shortest first, refreshed after an update', async () => {
  const ws = tempWorkspace({
    'a.ts': 'export interface Widget { id: number }\nexport interface WidgetOptions { size: number }\nexport type WidgetInternalsOfTheThing = { x: 1 };\n',
    'b.ts': 'export function Wid() {}\nexport function Other() {}\n',
  });
  try {
    const index = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules());
    await index.build();
    assert.deepEqual(index.namesExtending('Widget', 5), ['WidgetOptions', 'WidgetInternalsOfTheThing']);
    assert.deepEqual(index.namesExtending('Widget', 1), ['WidgetOptions']);
    assert.deepEqual(index.namesExtending('Zzz', 5), []);
    ws.write('b.ts', 'export class WidgetDef {}\n');
    await index.update('b.ts');
    assert.deepEqual(index.namesExtending('Widget', 5), ['WidgetDef', 'WidgetOptions', 'WidgetInternalsOfTheThing']);
  } finally {
    fs.rmSync(ws.root, { recursive: true, force: true });
  }
});

/** Every entry of an index, in path order, without the mtime (plain data, comparable with deepEqual). */
function entries(index: WorkspaceIndex): unknown[] {
  return [...index.allFiles()]
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map(({ mtimeMs: _mtime, ...rest }) => rest);
}

function manyFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 24; i++) {
    files[`src/m${i}.ts`] = `import { helper${i} } from './h${i}';\nexport interface Shape${i} {\n  area(): number;\n}\nexport function make${i}(x: number): Shape${i} {\n  return { area: () => x * ${i} };\n}\n`;
    files[`py/p${i}.py`] = `import os\n\nclass Model${i}:\n    def save(self, path):\n        return os.path.join(path, "${i}")\n`;
  }
  files['src/minified.js'] = `var a=${'1+'.repeat(2500)}1;\n`;
  // Not indexed: binary content under a source extension. Indexed without tags: a file over the 2 MB read limit.
  files['src/blob.ts'] = 'export const a = 1;\0\0\0\n';
  files['src/huge.ts'] = `// ${'x'.repeat(2_200_000)}\n`;
  return files;
}

test('a build in worker threads gives the same index as one in-process, and the workers are gone afterwards', async () => {
  const ws = tempWorkspace(manyFiles());
  const inProcess = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules(), { workers: 0 });
  // The workers read new local files themselves: this thread reads none of them (only .gitignore files, if any).
  const local = nodeWorkspaceFs(ws.root);
  const readHere: string[] = [];
  const counting = { ...local, readText: (rel: string) => (readHere.push(rel), local.readText(rel)) };
  const pooled = new WorkspaceIndex(counting, new ExclusionRules(), { workers: 2, workerMinFiles: 1 });
  assert.deepEqual(await inProcess.build(), { files: 50, parsed: 50 });
  const { Worker } = await import('node:worker_threads');
  let started = 0;
  let exited = 0;
  const spy = Worker.prototype.emit;
  // Count the workers the build starts and the ones that have exited when it returns (it closes its pool).
  Worker.prototype.emit = function (this: InstanceType<typeof Worker>, event: string | symbol, ...args: unknown[]) {
    if (event === 'online') started++;
    if (event === 'exit') exited++;
    return spy.call(this, event, ...args);
  } as typeof spy;
  try {
    const progress: number[] = [];
    assert.deepEqual(await pooled.build(({ done }) => progress.push(done)), { files: 50, parsed: 50 });
    assert.equal(progress.at(-1), 51);
  } finally {
    Worker.prototype.emit = spy;
  }
  assert.ok(started >= 1, 'the build ran in worker threads');
  assert.equal(exited, started, 'every worker has exited');
  assert.deepEqual(entries(pooled), entries(inProcess));
  assert.deepEqual(readHere, []);
  // Where the time went, reported by the build, and never stored with the entries (nor persisted).
  for (const built of [inProcess, pooled]) {
    const last = built.lastBuild!;
    assert.equal(last.files, 50);
    assert.equal(last.bytes, [...built.allFiles()].reduce((n, f) => n + f.size, 0));
    assert.ok(last.steps.parse > 0 && last.steps.query > 0 && last.steps.snippets > 0 && last.steps.uses > 0, JSON.stringify(last.steps));
    assert.ok(last.wallMs > 0);
    assert.ok(!built.serialize().includes('"timing"'));
  }
  assert.ok(pooled.lastBuild!.steps.read > 0, 'the workers read the files');
  assert.equal(inProcess.lastBuild!.steps.waitAndTransfer, 0);
  for (const built of [inProcess, pooled]) assert.ok(built.lastBuild!.steps.ingest >= 0, `storing entries: ${built.lastBuild!.steps.ingest} ms`);
  assert.equal(pooled.file('src/minified.js')?.skipped, 'minified');
  assert.equal(pooled.file('src/huge.ts')?.skipped, 'too-big');
  assert.equal(pooled.file('src/blob.ts'), undefined);
  assert.match(pooled.lookup('make3')[0].tag.snippet, /export function make3\(x: number\): Shape3/);
  assert.deepEqual(pooled.file('src/m5.ts')?.imports, ['./h5']);
  // A second build stats here and finds nothing changed; an edited file is re-read and re-parsed.
  ws.write('src/m3.ts', 'export function make3b(): number {\n  return 3;\n}\n');
  assert.deepEqual(await pooled.build(), { files: 50, parsed: 1 });
  assert.equal(pooled.lookup('make3b').length, 1);
});

test('a worker that cannot start: the build indexes in-process and loses nothing', async () => {
  const ws = tempWorkspace(manyFiles());
  const broken = path.join(ws.root, 'broken-worker.js');
  fs.writeFileSync(broken, 'throw new Error("cannot start");\n');
  const reference = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules(), { workers: 0 });
  await reference.build();
  const index = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules(), { workers: 2, workerMinFiles: 1, workerScript: broken });
  assert.deepEqual(await index.build(), { files: 51, parsed: 51 });
  assert.deepEqual(entries(index), entries(reference));
});

test('dangling symlinks and unreadable entries are skipped, in-process and in worker threads, without failing the build', async () => {
  const ws = tempWorkspace({ 'src/real.ts': 'export function real(): number {\n  return 1;\n}\n' });
  fs.symlinkSync(path.join(ws.root, 'src', 'missing.ts'), path.join(ws.root, 'src', 'dangling.ts'));
  fs.symlinkSync(path.join(ws.root, 'nowhere'), path.join(ws.root, 'gone-dir'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-outside-'));
  fs.writeFileSync(path.join(outside, 'secret.ts'), 'export const outsideName = 1;\n');
  fs.symlinkSync(path.join(outside, 'secret.ts'), path.join(ws.root, 'src', 'link.ts'));
  // An entry that is no regular file (a FIFO: reading it would block).
  execFileSync('mkfifo', [path.join(ws.root, 'src', 'pipe.ts')]);
  for (const options of [{ workers: 0 }, { workers: 2, workerMinFiles: 1 }]) {
    const index = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules(), options);
    assert.deepEqual(await index.build(), { files: 1, parsed: 1 }, `workers: ${options.workers}`);
    assert.deepEqual([...index.allFiles()].map((f) => f.path), ['src/real.ts']);
    assert.equal(index.lookup('outsideName').length, 0, 'a link to a file outside the workspace is not followed');
    // A watcher event for the dangling link: nothing indexed, nothing thrown.
    assert.equal(await index.update('src/dangling.ts'), false);
    assert.equal(index.file('src/dangling.ts'), undefined);
  }
  fs.rmSync(outside, { recursive: true, force: true });
});

test("a saved file open in the editor is re-indexed from the document cache's tree of that text: the same entry as a parse", async () => {
  const v1 = "import { Gamma } from './gamma';\n\nexport class Beta {\n  run(): void {}\n}\n\nexport function helper(x: number): number {\n  return x + 1;\n}\n";
  // An edit in the middle (the cache re-parses incrementally), then saved.
  const v2 = v1.replace('  run(): void {}\n', '  run(): void {}\n  stop(reason: string): Gamma {\n    return new Gamma(reason);\n  }\n');
  const ws = tempWorkspace({ 'src/beta.ts': v1, 'src/gamma.ts': 'export class Gamma {}\n' });
  const cache = new DocumentCache({ parseTimeoutMs: 5000 });
  const lent: boolean[] = [];
  const index = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules(), {
    workers: 0,
    openTree: (rel, text) => {
      const tree = cache.treeOf(rel, text);
      lent.push(tree !== undefined);
      return tree;
    },
  });
  const reference = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules(), { workers: 0 });
  await index.build();
  await reference.build();
  await cache.get('src/beta.ts', 'typescript', 1, v1);
  await cache.get('src/beta.ts', 'typescript', 2, v2);
  ws.write('src/beta.ts', v2, Date.now());
  lent.length = 0;
  assert.equal(await index.update('src/beta.ts'), true);
  assert.equal(await reference.update('src/beta.ts'), true);
  assert.deepEqual(lent, [true], 'the cached tree was used');
  const entry = (i: WorkspaceIndex) => {
    const { mtimeMs: _m, ...rest } = i.file('src/beta.ts')!;
    return rest;
  };
  assert.ok(index.lookup('stop').length === 1);
  assert.deepEqual(entry(index), entry(reference));
  // The tree is still the cache's (not deleted by the index): a later edit re-parses from it.
  const v3 = v2.replace('return x + 1;', 'return x + 2;');
  assert.equal((await cache.get('src/beta.ts', 'typescript', 3, v3)).tags.some((t) => t.name === 'stop'), true);
  // A newer unsaved version in the editor: the saved text differs, so it is parsed.
  const saved = v2.replace('helper', 'helper2');
  ws.write('src/beta.ts', saved, Date.now() + 5000);
  lent.length = 0;
  await index.update('src/beta.ts');
  await reference.update('src/beta.ts');
  assert.deepEqual(lent, [false]);
  assert.equal(index.lookup('helper2').length, 1);
  assert.deepEqual(entry(index), entry(reference));
  fs.rmSync(ws.root, { recursive: true, force: true });
});

test('the worker pool starts during the walk, once it has found enough new files, and its entries are the in-process ones', async () => {
  const files: Record<string, string> = {};
  for (let d = 0; d < 6; d++) for (let i = 0; i < 4; i++) files[`pkg${d}/mod${i}.py`] = `import os\n\nclass Store${d}${i}:\n    def save(self, path):\n        return os.path.join(path, "${d}${i}")\n`;
  const ws = tempWorkspace(files);
  const pooled = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules(), { workers: 2, workerMinFiles: 5 });
  const inProcess = new WorkspaceIndex(nodeWorkspaceFs(ws.root), new ExclusionRules(), { workers: 0 });
  assert.deepEqual(await pooled.build(), { files: 24, parsed: 24 });
  await inProcess.build();
  assert.deepEqual(entries(pooled), entries(inProcess));
  const phases = pooled.lastBuild!.phases;
  // The fifth new file is in the second folder: four more folders were still to be read when the pool started.
  assert.equal(phases.poolStartFiles, 5, JSON.stringify(phases));
  assert.ok(phases.poolStart !== undefined && phases.poolStart < phases.walk, JSON.stringify(phases));
  assert.equal(inProcess.lastBuild!.phases.poolStart, undefined);
  // A second build finds nothing new: no pool.
  await pooled.build();
  assert.equal(pooled.lastBuild!.phases.poolStart, undefined);
});
