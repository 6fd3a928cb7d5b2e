/**
 * The context engine in its own process (EngineClient + engineWorker.ts, the way the extension runs it; or in a worker
 * thread, its fallback): contexts
 * from the worker's index and its copies of the documents (kept current by changes, resynced when out of date), the
 * persisted index restored by a new worker, and a dead worker: the next requests get the file-window fallback (one
 * log line, not one per request) until the restarted worker answers again; a worker that keeps dying is left dead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EngineClient, type EngineClientOptions } from '../../../src/core/context/engineClient';
import type { DocumentInfo, EngineEvent } from '../../../src/core/context/engineProtocol';
import { MemoryLogger } from '../../../src/core/log';
import { until } from '../backends/helpers';
import type { DocumentSnapshot } from '../../../src/core/context/types';
import { windowAndMode } from '../../../src/core/completion/cursorWindow';
import { LocalTrees } from '../../../src/core/completion/localTrees';
import { loadLanguage } from '../../../src/core/context/parser';
import { countTokens, countTokensByLines, forgetCounts, tokenizedCharacters } from '../../../src/core/tokens';
import { WARM_DELAY_MS } from '../../../src/core/context/focusWarmUp';

const ROOT = path.join(__dirname, '..', '..', 'fixtures', 'context', 'workspace');
const SCRIPT = path.join(__dirname, '..', '..', '..', 'src', 'core', 'context', 'engineWorker.ts');
const INVOICE = 'src/invoice.ts';

interface Harness {
  client: EngineClient;
  logger: MemoryLogger;
  events: EngineEvent[];
  next(kind: EngineEvent['kind']): Promise<EngineEvent>;
}

function startEngine(storageFile: string, open: () => DocumentInfo[] = () => [], more: Partial<EngineClientOptions> = {}): Harness {
  const logger = new MemoryLogger();
  const events: EngineEvent[] = [];
  const waiters: { kind: string; resolve(e: EngineEvent): void }[] = [];
  const client = new EngineClient({
    script: SCRIPT,
    data: { queryDir: path.join(__dirname, '..', '..', '..', 'src', 'core', 'context', 'queries'), folders: [{ name: 'workspace', path: ROOT }], storageFile, indexWorkers: 0, rules: {} },
    logger,
    openDocuments: open,
    ...more,
    onEvent: (e) => {
      events.push(e);
      for (const w of waiters.splice(0)) {
        if (w.kind === e.kind) w.resolve(e);
        else waiters.push(w);
      }
    },
  });
  client.start();
  return { client, logger, events, next: (kind) => new Promise((resolve) => waiters.push({ kind, resolve })) };
}

function invoice(text = fs.readFileSync(path.join(ROOT, INVOICE), 'utf8'), version = 1): DocumentInfo {
  return { path: path.join(ROOT, INVOICE), relPath: INVOICE, languageId: 'typescript', version, text };
}

function at(doc: DocumentInfo, marker: string): DocumentSnapshot {
  const offset = doc.text.indexOf(marker);
  assert.ok(offset >= 0, marker);
  return { ...doc, offset };
}

const ADD_MONEY = 'export function addMoney(a: Money, b: Money): Money {';

test('the worker answers from its index and its copy of the document, kept current by changes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-engine-'));
  const h = startEngine(path.join(dir, 'index.json'));
  try {
    await h.next('buildEnd');
    const doc = invoice();
    h.client.notify({ kind: 'open', doc });
    const packed = await h.client.assemble({ doc: at(doc, 'sum = addMoney'), budgetTokens: 1000, purpose: 'completion' });
    assert.ok(packed.text.includes(ADD_MONEY), packed.text);
    assert.equal(packed.fallback, undefined);
    // The reply brought the exact counts of the context's lines: counting them here tokenizes only the last line.
    forgetCounts();
    const chat = await h.client.assemble({ doc: at(doc, 'sum = addMoney'), budgetTokens: 1000, purpose: 'chat' });
    let from = tokenizedCharacters();
    const chatTokens = countTokensByLines(chat.text);
    assert.ok(tokenizedCharacters() - from > chat.text.length / 2, 'no counts come with a chat context (repeated lines are counted once)');
    assert.equal(chatTokens, countTokens(chat.text));
    forgetCounts();
    const again = await h.client.assemble({ doc: at(doc, 'sum = addMoney'), budgetTokens: 1000, purpose: 'completion' });
    from = tokenizedCharacters();
    const n = countTokensByLines(again.text);
    const lastLine = again.text.trimEnd().length - again.text.trimEnd().lastIndexOf('\n');
    assert.ok(tokenizedCharacters() - from <= lastLine + 1, `tokenized here: ${tokenizedCharacters() - from} of ${again.text.length} characters`);
    assert.equal(n, countTokens(again.text));

    // An edit sent as a change only: a new function, with the cursor in it, is the enclosing scope in the worker's copy.
    const inserted = 'function brandNewScope(): void {\n  const x = 1;\n}\n';
    const text = inserted + doc.text;
    h.client.notify({ kind: 'change', path: doc.path, version: 2, changes: [{ offset: 0, length: 0, text: inserted, startLine: 0, endLine: 3 }], length: text.length });
    const after = await h.client.assemble({ doc: at(invoice(text, 2), 'const x = 1'), budgetTokens: 1000, purpose: 'completion' });
    const scope = after.items.find((i) => i.source === 'scope');
    assert.ok(scope?.text.includes('function brandNewScope(): void'), `the worker's copy has the edit:\n${after.text}`);
  } finally {
    await h.client.dispose();
  }
});

test('a focused document with a cursor gets its first completion ranked ahead, off the request path; a request cancels a pending one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-engine-'));
  const h = startEngine(path.join(dir, 'index.json'));
  try {
    await h.next('buildEnd');
    const doc = invoice();
    const cursor = at(doc, 'sum = addMoney');
    const line = doc.text.slice(0, cursor.offset).split('\n').length - 1;
    h.client.notify({ kind: 'open', doc });
    h.client.notify({ kind: 'focus', path: doc.path, cursor: { offset: cursor.offset, line } });
    await until(() => h.logger.lines.some((l) => l.includes(`warmed ${doc.path} at line ${line + 1}`)));
    // A focus whose rest a request interrupts is not warmed (the request's own assemble is the first).
    h.logger.lines.length = 0;
    h.client.notify({ kind: 'focus', path: doc.path, cursor: { offset: 0, line: 0 } });
    const packed = await h.client.assemble({ doc: cursor, budgetTokens: 1000, purpose: 'completion' });
    assert.ok(packed.text.includes(ADD_MONEY), packed.text);
    // Longer than the warm-up's rest: a warm-up the request had not cancelled would run (and log) meanwhile.
    await new Promise((r) => setTimeout(r, WARM_DELAY_MS + 200));
    // A focus without a cursor (a visible, not active, editor) warms nothing either; a later one with a cursor does.
    h.client.notify({ kind: 'focus', path: doc.path });
    h.client.notify({ kind: 'focus', path: doc.path, cursor: { offset: cursor.offset, line } });
    await until(() => h.logger.lines.some((l) => l.includes('warmed')));
    // The one warm-up since the request is the last focus's (the interrupted one at line 1 would have come first).
    const warmed = h.logger.lines.filter((l) => l.includes('warmed'));
    assert.equal(warmed.length, 1, warmed.join('\n'));
    assert.ok(warmed[0].includes(`at line ${line + 1} for its first completion`), warmed[0]);
  } finally {
    await h.client.dispose();
  }
});

test("completion windows come from the worker's copy at the editor's version, as this thread builds them; other versions get none", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-engine-'));
  const h = startEngine(path.join(dir, 'index.json'));
  try {
    await h.next('ready');
    await loadLanguage('typescript');
    const doc = invoice();
    h.client.notify({ kind: 'open', doc });
    const budget = { aboveTokens: 200, belowTokens: 60, linePrefixTokens: 64, lineSuffixTokens: 32 };
    const expect = (d: DocumentSnapshot) => windowAndMode(d, budget, new LocalTrees());
    const snap = at(doc, 'sum = addMoney');
    const got = await h.client.window(snap, budget);
    assert.ok(got, 'the worker answered');
    assert.deepEqual(got.window, expect(snap).window);
    assert.ok(got.counts.length > 5 && got.counts.every(([chunk, n]) => n === countTokens(chunk + '\n')), 'exact line counts');

    // After a change sent as a change only: a new blank line below the cursor's line, the cursor on it (multi-line).
    const lineEnd = doc.text.indexOf('\n', snap.offset);
    const text = doc.text.slice(0, lineEnd) + '\n' + doc.text.slice(lineEnd);
    const line = text.slice(0, lineEnd + 1).split('\n').length - 1;
    h.client.notify({ kind: 'change', path: doc.path, version: 2, changes: [{ offset: lineEnd, length: 0, text: '\n', startLine: line - 1, endLine: line }], length: text.length });
    const moved = { ...invoice(text, 2), offset: lineEnd + 1, line };
    // The worker loads the grammar on its first window request: ask until its mode comes from the syntax tree.
    let after = await h.client.window(moved, budget);
    for (let i = 0; i < 50 && after && !after.bySyntax; i++) after = await new Promise((r) => setTimeout(r, 20)).then(() => h.client.window(moved, budget));
    expect(moved); // a first parse here compiles the parser's code (it could overrun the mode's 20 ms budget)
    const local = expect(moved);
    assert.ok(after && local.bySyntax);
    assert.deepEqual([after.window, after.mode, after.scope, after.bySyntax], [local.window, local.mode, local.scope, local.bySyntax]);
    assert.equal(await h.client.window({ ...moved, version: 3 }, budget), undefined, 'a version the worker has not seen');
    assert.equal(await h.client.window({ ...moved, path: '/elsewhere.ts' }, budget), undefined, 'a document it has no copy of');
  } finally {
    await h.client.dispose();
  }
});

test('@workspace questions are answered from the worker\'s index', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-engine-'));
  const h = startEngine(path.join(dir, 'index.json'));
  try {
    await h.next('buildEnd');
    const found = await h.client.searchWorkspace('how are two money amounts added?', 1000);
    assert.ok(found.found.some((f) => f.symbol === 'addMoney' && f.path === 'src/util/money.ts'), JSON.stringify(found.found));
    assert.ok(found.text.includes(ADD_MONEY), found.text);
  } finally {
    await h.client.dispose();
  }
});

test('a document the worker has no copy of (or a stale one) is sent whole with the request', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-engine-'));
  const h = startEngine(path.join(dir, 'index.json'));
  try {
    await h.next('buildEnd');
    const doc = invoice();
    const packed = await h.client.assemble({ doc: at(doc, 'sum = addMoney'), budgetTokens: 1000, purpose: 'completion' });
    assert.ok(packed.text.includes(ADD_MONEY), packed.text);
    // A change whose length check fails marks the copy stale: the next request resyncs instead of using a wrong copy.
    h.client.notify({ kind: 'change', path: doc.path, version: 2, changes: [{ offset: 0, length: 0, text: 'x', startLine: 0, endLine: 0 }], length: 12345 });
    const again = await h.client.assemble({ doc: { ...at(doc, 'sum = addMoney'), version: 2 }, budgetTokens: 1000, purpose: 'completion' });
    assert.ok(again.text.includes(ADD_MONEY), again.text);
  } finally {
    await h.client.dispose();
  }
});

test('a new worker restores the saved index and answers from it before its own build ends', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-engine-'));
  const file = path.join(dir, 'index.json');
  const first = startEngine(file);
  await first.next('buildEnd');
  await first.client.dispose();
  // The first build's save is immediate (delay 0); the shutdown request saves anything still due.
  for (let i = 0; i < 50 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(fs.existsSync(file), 'the index was saved');

  const h = startEngine(file);
  try {
    const ready = (await h.next('ready')) as Extract<EngineEvent, { kind: 'ready' }>;
    assert.ok(ready.restored > 5, `restored ${ready.restored} files`);
    const doc = invoice();
    const packed = await h.client.assemble({ doc: at(doc, 'sum = addMoney'), budgetTokens: 1000, purpose: 'completion' });
    assert.ok(packed.text.includes(ADD_MONEY), packed.text);
  } finally {
    await h.client.dispose();
  }
});

test('a dead worker: requests fall back to the file window (logged once), the restarted worker answers again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-engine-'));
  const doc = invoice();
  const h = startEngine(path.join(dir, 'index.json'), () => [doc]);
  try {
    await h.next('buildEnd');
    const before = await h.client.assemble({ doc: at(doc, 'sum = addMoney'), budgetTokens: 1000, purpose: 'completion' });
    assert.ok(before.text.includes(ADD_MONEY));
    const oldThread = h.client.engineId;
    const back = h.next('ready');
    await h.client.terminateWorker();
    for (let i = 0; i < 20; i++) {
      const packed = await h.client.assemble({ doc: at(doc, 'sum = addMoney'), budgetTokens: 1000, purpose: 'completion' });
      if (packed.fallback !== 'engine-unavailable') break;
      assert.equal(packed.text, '');
    }
    await back;
    assert.notEqual(h.client.engineId, oldThread, 'a new engine');
    const stops = h.logger.lines.filter((l) => l.includes('the worker stopped'));
    assert.equal(stops.length, 1, h.logger.lines.join('\n'));
    assert.match(stops[0], /^\[warn\].*restarting it/);
    const after = await h.client.assemble({ doc: at(doc, 'sum = addMoney'), budgetTokens: 1000, purpose: 'completion' });
    assert.equal(after.fallback, undefined);
    assert.ok(after.text.includes(ADD_MONEY), after.text);
  } finally {
    await h.client.dispose();
  }
});

test('a worker that keeps dying is not restarted again and again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-engine-'));
  const h = startEngine(path.join(dir, 'index.json'));
  try {
    for (let i = 0; i < 4; i++) {
      await h.next('ready');
      await h.client.terminateWorker();
    }
    // Wait for the state (the client gave up and said so), not for a fixed time: on a loaded machine the last exit comes late.
    await until(() => h.logger.lines.some((l) => l.includes('not restarting')), 30_000);
    assert.equal(h.client.available, false);
    assert.equal(h.client.engineId, undefined);
    assert.equal(h.logger.lines.filter((l) => l.startsWith('[error]') && l.includes('not restarting')).length, 1, h.logger.lines.join('\n'));
    const packed = await h.client.assemble({ doc: at(invoice(), 'sum = addMoney'), budgetTokens: 1000, purpose: 'completion' });
    assert.equal(packed.fallback, 'engine-unavailable');
  } finally {
    await h.client.dispose();
  }
});

test('the engine runs in a process of its own; in a worker thread (its fallback) it answers the same', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-engine-'));
  const doc = invoice();
  const own = startEngine(path.join(dir, 'own.json'), () => [doc]);
  const thread = startEngine(path.join(dir, 'thread.json'), () => [doc], { hosting: 'thread' });
  try {
    await Promise.all([own.next('buildEnd'), thread.next('buildEnd')]);
    assert.equal(own.client.engineHosting, 'process');
    const pid = own.client.engineId;
    assert.ok(pid !== undefined && pid !== process.pid, `a process of its own: ${pid}`);
    assert.ok(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--liftoff-only'), 'started with the engine process flags');
    assert.equal(thread.client.engineHosting, 'thread');
    const a = await own.client.assemble({ doc: at(doc, 'sum = addMoney'), budgetTokens: 1000, purpose: 'completion' });
    const b = await thread.client.assemble({ doc: at(doc, 'sum = addMoney'), budgetTokens: 1000, purpose: 'completion' });
    assert.ok(a.text.includes(ADD_MONEY), a.text);
    assert.equal(a.text, b.text);
  } finally {
    await Promise.all([own.client.dispose(), thread.client.dispose()]);
  }
});

test('an engine process that cannot start is replaced by a worker thread, said once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-engine-'));
  const doc = invoice();
  // A flag the runtime rejects, as an engine process started by a runtime without node mode would fail.
  const h = startEngine(path.join(dir, 'index.json'), () => [doc], { execArgv: ['--no-such-flag-for-the-engine'] });
  try {
    await h.next('buildEnd');
    assert.equal(h.client.engineHosting, 'thread');
    const packed = await h.client.assemble({ doc: at(doc, 'sum = addMoney'), budgetTokens: 1000, purpose: 'completion' });
    assert.ok(packed.text.includes(ADD_MONEY), packed.text);
    const said = h.logger.lines.filter((l) => l.includes('its own process could not start'));
    assert.equal(said.length, 1, h.logger.lines.join('\n'));
    assert.match(said[0], /^\[warn\].*no-such-flag-for-the-engine/);
  } finally {
    await h.client.dispose();
  }
});

/** True while process `pid` exists and is not a zombie. */
function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

test('an engine process stops when its host dies without a word, even in the middle of a build', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-engine-'));
  const storageFile = path.join(dir, 'index.json');
  const src = path.join(__dirname, '..', '..', '..', 'src');
  // A host process that starts the engine on this repository's sources (hundreds of files, parsed on the engine's own
  // thread: seconds of work), says the engine's pid when its build starts, and is then killed.
  const host = `
    const { EngineClient } = require(${JSON.stringify(path.join(src, 'core', 'context', 'engineClient.ts'))});
    const log = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
    const c = new EngineClient({
      script: ${JSON.stringify(SCRIPT)},
      data: { queryDir: ${JSON.stringify(path.join(src, 'core', 'context', 'queries'))}, folders: [{ name: 'src', path: ${JSON.stringify(src)} }], storageFile: ${JSON.stringify(storageFile)}, indexWorkers: 0, rules: {} },
      logger: log, openDocuments: () => [],
      onEvent: (e) => { if (e.kind === 'buildStart') console.log('engine ' + c.engineId); },
    });
    c.start();`;
  const { spawn } = await import('child_process');
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', host], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await until(() => /engine \d+/.test(out), 60_000);
    const pid = Number(/engine (\d+)/.exec(out)![1]);
    assert.ok(running(pid));
    child.kill('SIGKILL');
    await until(() => !running(pid), 60_000);
    // It stopped there: an orphaned engine would have finished the build and saved the index before it ran out of work.
    assert.equal(fs.existsSync(storageFile), false, 'the build was not carried on without a host');
  } finally {
    child.kill('SIGKILL');
  }
});
