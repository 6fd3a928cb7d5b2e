/**
 * Extension-host thread time per completion request, and the host's memory, with the context engine in its worker.
 *
 *   npm run bench:host -- --repo <dir> [--file <rel>] [--keys 200] [--seed 1] [--no-baseline] [--snapshot lazy|eager]
 *     [--backend llamacpp|ollama|openai] [--model phi4|qwen2.5-coder:1.5b] [--breakdown <file.jsonl>] [--split-lines] [--commands 10]
 *
 * Runs the host-side code the extension runs per keystroke: the change notice to the engine (what the
 * onDidChangeTextDocument handler sends), the CompletionScheduler, CompletionPipeline and StableContext, the
 * EngineClient (the bundled dist/engineWorker.js does the engine's work and builds the file windows, as in the
 * extension; the time of those window replies is in `window_wait_ms_*`), and the real llama.cpp client, against the
 * llama.cpp simulator (TEST DOUBLE). For each request that goes on the wire it takes this thread's CPU time from the
 * keystroke (change notice + provider call) to the request being handed to the HTTP client (`host_ms`); the worker's
 * own time is on another thread. `own_ms` is the same less what this thread did while the debounce timer was pending
 * (after the keystroke's own work and the warm-up had run): V8's idle-time GC, other timers and messages, which the
 * issue's figure excludes ("excluding the debounce") and which `host_ms` still counts. Keystrokes type text at
 * --keys / 20 seeded places of --file (default: the repository's largest source file under 1 MB). Baseline in the
 * same run: the same keystrokes with the engine in this thread (the design before the worker). Memory: this isolate's
 * heap after GC (what the host's thread itself holds) and the process's RSS (which also counts the worker's heap and
 * wasm memory: worker threads share the process). CPU time is the thread's CPU clock read through WASI (./threadClock:
 * precise; `clock` in the JSON says which clock was read). Then --commands (default 10) commands at seeded places of
 * the typed file, each an action's target and the syntax check of a proposal (the whole file parsed twice): in worker
 * mode their syntax tasks go to the engine's process, as the extension sends them; in the baseline they run in this
 * thread. `command_host_ms_*` is this thread's CPU per command, `command_rss_growth_mb` the process's RSS growth while
 * they run (`rss_growth_mb` is the typing's alone). Prints one JSON object on its last line.
 */
import { argValue } from './args';
import { threadClockKind, threadCpuMs } from './threadClock';
import * as fs from 'fs';
import * as os from 'os';
import { spawn } from 'child_process';
import * as path from 'path';
import { PerformanceObserver } from 'perf_hooks';
import { LlamaCppBackend } from '../src/core/backends/llamacpp';
import { OllamaBackend } from '../src/core/backends/ollama';
import { OpenAIBackend } from '../src/core/backends/openai';
import type { Backend, BackendKind } from '../src/core/backends/types';
import { CompletionPipeline, DEFAULT_PIPELINE_SETTINGS, WINDOW_WAIT_MS, type CompletionTarget, type PreparedCompletion, type RunHooks, type RunResult } from '../src/core/completion/pipeline';
import { CompletionScheduler, type CompletionRunner } from '../src/core/completion/scheduler';
import { StableContext } from '../src/core/completion/stableContext';
import { promptStyleFor } from '../src/core/completion/buildPrompt';
import { cursorText } from '../src/core/context/cursorText';
import type { WindowSource } from '../src/core/completion/cursorWindow';
import type { WindowBudget } from '../src/core/completion/promptWindow';
import { realClock, type Clock } from '../src/core/completion/clock';
import { EngineClient } from '../src/core/context/engineClient';
import { TreeSitterContextEngine } from '../src/core/context/engine';
import { IndexKeeper } from '../src/core/context/indexKeeper';
import { RecentActivity } from '../src/core/context/activity';
import { languageForPath } from '../src/core/context/languages';
import { setQueryDirectory } from '../src/core/context/queries';
import { loadLanguage, resolveLanguage, setWasmDirectory } from '../src/core/context/parser';
import { setSyntaxRunner, syntaxTask } from '../src/core/syntax/runner';
import { validateProposal } from '../src/core/actions/validate';
import { walkWorkspace, nodeWorkspaceFs } from '../src/core/context/workspaceFs';
import { ExclusionRules } from '../src/core/context/exclude';
import type { ContextEngine, DocumentSnapshot } from '../src/core/context/types';
import { nullLogger } from '../src/core/log';
import { startSimulator, PHI4_MODEL, QWEN_CODER_MODEL } from '../test/sim';
import { rng } from './rng';
import { percentile, round } from './typing/stats';

/** dist/: next to this file when bundled (dist/bench/hostThread.js), ../dist from the source under tsx. */
const DIST = fs.existsSync(path.join(__dirname, '..', 'engineWorker.js')) ? path.join(__dirname, '..') : path.join(__dirname, '..', 'dist');
const PLACES_PER_KEYS = 20;
const WARMUP_KEYS = 10;

const arg = (name: string) => argValue(process.argv, name);

const busyMs = threadCpuMs;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (n: number) => round(n / 1048576, 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function largestFile(repo: string): Promise<string> {
  const paths = await walkWorkspace(nodeWorkspaceFs(repo), new ExclusionRules(), { accept: (p) => languageForPath(p) !== undefined });
  let best = paths[0];
  let size = -1;
  for (const p of paths) {
    const s = fs.statSync(path.join(repo, p)).size;
    if (s > size && s < 1024 * 1024) [best, size] = [p, s];
  }
  return best;
}

/**
 * The worker's file windows, timed: their wall-clock wait, and this thread's CPU from a reply's arrival to the end of the
 * warm-up it answers. That work (the prompt) happens while the debounce timer is pending, which `own_ms` leaves out
 * as other work; it is the request's, so it is added back (`afterReplyMs`).
 */
class TimedWindows implements WindowSource {
  answered = 0;
  unanswered = 0;
  readonly waitMs: number[] = [];
  replyAt: number | undefined;
  replyWall: number | undefined;
  constructor(private readonly inner: WindowSource) {}
  async window(doc: Parameters<WindowSource['window']>[0], budget: WindowBudget) {
    const t0 = performance.now();
    const r = await this.inner.window(doc, budget);
    this.waitMs.push(performance.now() - t0);
    if (r) this.answered++;
    else this.unanswered++;
    this.replyAt = busyMs();
    this.replyWall = performance.now();
    return r;
  }
}

/** A runner that stamps this thread's busy time when the request is handed to the HTTP client. */
class MeasuringRunner implements CompletionRunner {
  onWire: ((doc: DocumentSnapshot) => void) | undefined;
  /** While the debounce timer is pending: the CPU this thread spent finishing a warm-up after the worker's window reply. */
  debouncing = false;
  afterReplyMs = 0;
  /** Wall-clock span of that counted work (for --breakdown's GC attribution). */
  afterReplySpan: [number, number] | undefined;
  private readonly docs = new WeakMap<PreparedCompletion, DocumentSnapshot>();
  constructor(private readonly pipeline: CompletionPipeline, private readonly target: CompletionTarget, private readonly windows?: TimedWindows) {}
  cacheNamespace() {
    return 'bench';
  }
  async prepare(doc: DocumentSnapshot, indent: { insertSpaces: boolean; tabSize: number }) {
    const p = await this.pipeline.prepare(doc, this.target, indent);
    this.docs.set(p, doc);
    return p;
  }
  warm(doc: DocumentSnapshot, indent: { insertSpaces: boolean; tabSize: number }) {
    const w = this.windows;
    if (w) w.replyAt = undefined;
    void this.pipeline.prepare(doc, this.target, indent, { warmUp: true }).then(
      () => {
        if (w?.replyAt !== undefined && this.debouncing) {
          this.afterReplyMs += busyMs() - w.replyAt;
          this.afterReplySpan = [w.replyWall!, performance.now()];
        }
      },
      () => undefined,
    );
  }
  run(p: PreparedCompletion, signal: AbortSignal, hooks: RunHooks): Promise<RunResult> {
    const doc = this.docs.get(p)!;
    return this.pipeline.run(p, signal, { ...hooks, onWire: () => (this.onWire?.(doc), hooks.onWire?.()) });
  }
}

/** --breakdown: one counted request. `keystroke_ms` = the keystroke's own work until the debounce timer is pending (the
 * warm-up's synchronous part included), `request_ms` = after the debounce until the wire, `after_reply_ms` = the warm-up's
 * work after the worker's window reply; `gc_ms` = wall time of V8's GC pauses (perf_hooks 'gc' entries) inside those spans. */
interface BreakdownRow {
  key: number;
  at_place: number;
  own_ms: number;
  host_ms: number;
  keystroke_ms: number;
  request_ms: number;
  after_reply_ms: number;
  window_wait_ms: number | undefined;
  spans: [number, number][];
  gc_ms: number;
  gc_kinds: string[];
}

/** perf_hooks' gc entry kinds (constants.NODE_PERFORMANCE_GC_*). */
const GC_KINDS: Record<number, string> = { 1: 'minor', 4: 'major', 8: 'incremental', 16: 'weakcb' };

interface Keystroke {
  text: string;
  /** Which keystroke at its place: 0 is the new line typed at a new (random) place. */
  step: number;
  offset: number;
  line: number;
  change: { offset: number; length: number; text: string; startLine: number; endLine: number };
}

/** Seeded places (line ends), and at each one the characters of the next line typed one by one. */
function keystrokes(text: string, keys: number, seed: number): Keystroke[] {
  const random = rng(seed);
  const out: Keystroke[] = [];
  let doc = text;
  const perPlace = Math.max(1, Math.floor(keys / Math.max(1, Math.round(keys / PLACES_PER_KEYS))));
  while (out.length < keys) {
    const lines = doc.split('\n');
    const line = 1 + Math.floor(random() * (lines.length - 2));
    const typed = `${(lines[line + 1] ?? '').trim() || 'const value = compute(input);'} `.slice(0, perPlace);
    let offset = lines.slice(0, line + 1).reduce((n, l) => n + l.length + 1, 0) - 1;
    // A new line below `line`, then the characters.
    const chars = ['\n', ...typed];
    for (const [step, ch] of chars.entries()) {
      if (out.length >= keys) break;
      doc = doc.slice(0, offset) + ch + doc.slice(offset);
      const startLine = doc.slice(0, offset).split('\n').length - 1;
      offset += ch.length;
      out.push({ text: doc, step, offset, line: startLine + (ch === '\n' ? 1 : 0), change: { offset: offset - ch.length, length: 0, text: ch, startLine, endLine: startLine + (ch === '\n' ? 1 : 0) } });
    }
  }
  return out;
}

/**
 * The simulator runs in a child process (this script with --serve-sim): in this process its request handling and
 * token counting would be counted as the host's thread time.
 */
async function simulatorProcess(kind: BackendKind): Promise<{ url: string; close(): void }> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], '--serve-sim', kind], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^SIM (\S+)$/m.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`the simulator exited (code ${code})`)));
  });
  return { url, close: () => child.kill() };
}

/**
 * The editor's own copy of the document, as VS Code's extension host keeps it (ExtHostDocumentData's lines): an edit
 * replaces the edited line, or splices the lines a newline splits, and every other line stays the same object. Until
 * session 8 the bench split the whole text into new lines before every keystroke (`--split-lines` still does): 28,000
 * fresh strings per keystroke in Effect.ts, alive while the request ran, which the young generation's scavenges then
 * copied inside the measured spans (the harness's garbage, not the editor's nor ours).
 */
class EditorLines {
  private lines: string[];
  constructor(text: string, private readonly splitEachTime: boolean) {
    this.lines = text.split('\n');
  }

  apply(k: Keystroke): string[] {
    if (this.splitEachTime) return (this.lines = k.text.split('\n'));
    const { startLine, offset, text } = k.change;
    const line = this.lines[startLine];
    const column = offset - (k.text.lastIndexOf('\n', offset - 1) + 1);
    const head = line.slice(0, column);
    const tail = line.slice(column);
    if (text === '\n') this.lines.splice(startLine, 1, head, tail);
    else this.lines[startLine] = head + text + tail;
    return this.lines;
  }

  text(): string {
    return this.lines.join('\n');
  }
}

/**
 * A snapshot as the extension's completion provider makes one. VS Code keeps a document as lines and joins them into one
 * string on the first getText() after each edit; this joins `lines` the same way, when (and if) the text is read, on
 * this thread, so it is counted. `eager` reads it at once (the provider before session 7); otherwise the snapshot has
 * the text near the cursor and its lines around it, and reads the whole only on demand (contextServiceImpl's cursorSnapshot).
 */
function editorSnapshot(base: Omit<DocumentSnapshot, 'text'>, text: string, lines: string[], eager: boolean): DocumentSnapshot {
  let joined: string | undefined;
  const read = () => (joined ??= lines.join('\n'));
  if (eager) return { ...base, text: read() };
  const near = cursorText({ text, offset: base.offset });
  return {
    ...base,
    near: { before: near.before, after: near.after, length: near.length },
    // VS Code's getText(range) joins only the range's lines.
    linesAround(above: number, below: number) {
      const line = base.line!;
      const first = Math.max(0, line - above);
      const slice = lines.slice(first, Math.min(lines.length, line + below + 1)).join('\n');
      let head = 0;
      for (let i = first; i < line; i++) head += lines[i].length + 1;
      return { text: slice, offset: head + base.offset - (text.lastIndexOf('\n', base.offset - 1) + 1) };
    },
    get text() {
      return read();
    },
  };
}

async function run(mode: 'worker' | 'in-thread', repo: string, rel: string, keys: Keystroke[], original: string, snapshotKind: 'lazy' | 'eager', breakdown?: string) {
  const backendKind = (arg('backend') ?? 'llamacpp') as BackendKind;
  const modelName = arg('model') ?? PHI4_MODEL.name;
  const sim = await simulatorProcess(backendKind);
  const backend: Backend =
    backendKind === 'ollama' ? new OllamaBackend({ endpoint: sim.url, keepAlive: '30m', idleTimeoutMs: 60_000 })
    : backendKind === 'openai' ? new OpenAIBackend({ endpoint: sim.url, idleTimeoutMs: 60_000 })
    : new LlamaCppBackend({ endpoint: sim.url, idleTimeoutMs: 60_000 });
  const info = await backend.modelInfo(modelName);
  const target: CompletionTarget = { backend, backendKind: backend.kind, model: info.name, info, contextWindow: info.contextLength };
  const docPath = path.join(repo, rel);
  const languageId = languageForPath(rel)!;
  const folders = [{ name: path.basename(repo), path: repo }];
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  let rssPeak = rss0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 100);

  let engine: ContextEngine;
  let windows: TimedWindows | undefined;
  let notifyChange: (k: Keystroke, version: number) => void;
  let close: () => Promise<void>;
  const t0 = performance.now();
  if (mode === 'worker') {
    let built!: () => void;
    const done = new Promise<void>((r) => (built = r));
    const client = new EngineClient({
      script: path.join(DIST, 'engineWorker.js'),
      data: { wasmDir: path.join(DIST, 'wasm'), queryDir: path.join(DIST, 'queries'), folders, indexWorkerScript: path.join(DIST, 'indexWorker.js'), rules: {} },
      logger: nullLogger,
      openDocuments: () => [{ path: docPath, relPath: rel, languageId, version: 0, text: original }],
      onEvent: (e) => e.kind === 'buildEnd' && built(),
    });
    client.start();
    await done;
    engine = client;
    windows = new TimedWindows(client);
    notifyChange = (k, version) => client.notify({ kind: 'change', path: docPath, version, changes: [k.change], length: k.text.length });
    close = () => client.dispose();
  } else {
    const keeper = new IndexKeeper({ folders, rules: {}, logger: nullLogger, workerScript: path.join(DIST, 'indexWorker.js') });
    await keeper.build();
    const activity = new RecentActivity();
    const inThread = new TreeSitterContextEngine({ index: keeper.index, activity, logger: nullLogger });
    engine = inThread;
    notifyChange = (k) => activity.noteEdit(rel, languageId, k.text, k.change.startLine, k.change.endLine);
    close = async () => (inThread.dispose(), keeper.dispose());
  }
  const indexMs = performance.now() - t0;

  // The design before the engine's process: the provider loaded the grammar in this thread (the completion mode looked
  // at the syntax around the cursor). The extension no longer does (the mode of a window built here uses the text rules).
  const grammar = resolveLanguage(languageId);
  if (grammar && mode === 'in-thread') await loadLanguage(grammar);
  const pipeline = new CompletionPipeline(new StableContext(engine, nullLogger), DEFAULT_PIPELINE_SETTINGS, undefined, windows && { source: windows, logger: nullLogger });
  const runner = new MeasuringRunner(pipeline, target, windows);
  // The debounce: a real timer, but the CPU this thread spends while it waits (once this keystroke's own microtasks,
  // the warm-up among them, have run) is other work: V8's idle-time GC tasks, timers, messages. It is counted apart.
  let inDebounce = 0;
  // --breakdown: the wall-clock spans `own_ms` counts (keystroke -> debounce pending, debounce end -> wire), to place GC in.
  let pendingWall: number | undefined;
  let wokeWall: number | undefined;
  let pendingCpu: number | undefined;
  const clock: Clock = {
    now: realClock.now,
    async sleep(ms, signal) {
      let from: number | undefined;
      const stamp = setImmediate(() => ((from = busyMs()), (pendingCpu = from), (pendingWall = performance.now()), (runner.debouncing = true)));
      const woke = await realClock.sleep(ms, signal);
      clearImmediate(stamp);
      runner.debouncing = false;
      wokeWall = performance.now();
      if (from !== undefined) inDebounce += busyMs() - from;
      return woke;
    },
  };
  const gcs: { start: number; end: number; kind: number }[] = [];
  const gcObserver = breakdown ? new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration, kind: ((e as { detail?: { kind?: number } }).detail)?.kind ?? 0 });
  }) : undefined;
  gcObserver?.observe({ entryTypes: ['gc'] });
  const rows: BreakdownRow[] = [];
  const scheduler = new CompletionScheduler({ runner, clock, debounceMs: 120 });
  const editorLines = new EditorLines(original, process.argv.includes('--split-lines'));
  const hostMs: number[] = [];
  const ownMs: number[] = [];
  let noWire = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const version = i + 1;
    // The editor's copy of the document, as lines (VS Code's own state, updated before the keystroke is timed).
    const lines = mode === 'worker' ? editorLines.apply(k) : undefined;
    let wired = false;
    pendingWall = wokeWall = pendingCpu = undefined;
    runner.afterReplySpan = undefined;
    const waitsBefore = windows?.waitMs.length ?? 0;
    const startWall = performance.now();
    const start = busyMs();
    // The line, as the editor gives it (the worker-less baseline counts it from the top, as before this field).
    const doc: DocumentSnapshot = lines
      ? editorSnapshot({ path: docPath, relPath: rel, languageId, version, offset: k.offset, line: k.line }, k.text, lines, snapshotKind === 'eager')
      : { path: docPath, relPath: rel, languageId, text: k.text, version, offset: k.offset };
    inDebounce = 0;
    runner.afterReplyMs = 0;
    let wireWall = 0;
    let wireCpu = 0;
    runner.onWire = (d) => {
      if (d.version !== version) return;
      wired = true;
      wireCpu = busyMs();
      wireWall = performance.now();
      hostMs.push(wireCpu - start);
      ownMs.push(wireCpu - start - inDebounce + runner.afterReplyMs);
    };
    notifyChange(k, version);
    await scheduler.provide({ doc, trigger: 'automatic', indent: { insertSpaces: true, tabSize: 2 }, signal: new AbortController().signal });
    if (breakdown && wired && i >= WARMUP_KEYS) {
      const spans: [number, number][] = pendingWall !== undefined && wokeWall !== undefined ? [[startWall, pendingWall], [wokeWall, wireWall]] : [[startWall, wireWall]];
      if (runner.afterReplySpan) spans.push(runner.afterReplySpan);
      rows.push({
        key: i,
        at_place: k.step,
        own_ms: round(ownMs[ownMs.length - 1], 3),
        host_ms: round(hostMs[hostMs.length - 1], 3),
        keystroke_ms: round(pendingCpu === undefined ? 0 : pendingCpu - start, 3),
        request_ms: round(ownMs[ownMs.length - 1] - (pendingCpu === undefined ? 0 : pendingCpu - start) - runner.afterReplyMs, 3),
        after_reply_ms: round(runner.afterReplyMs, 3),
        window_wait_ms: windows && windows.waitMs.length > waitsBefore ? round(windows.waitMs[windows.waitMs.length - 1], 1) : undefined,
        spans,
        gc_ms: 0,
        gc_kinds: [],
      });
    }
    // The first keystrokes warm the code up (lazy module loading, JIT): not counted.
    if (i < WARMUP_KEYS) hostMs.length = ownMs.length = 0;
    else if (!wired) noWire++;
    // Let the answer's stream (it goes on after the ghost text is shown) finish before the next keystroke.
    await sleep(80);
  }
  runner.onWire = undefined;
  if (mode === 'worker' && editorLines.text() !== keys[keys.length - 1].text) throw new Error("the editor's lines went out of step with the keystrokes");
  // GC entries reach the observer after the fact: each one is placed in the counted spans it overlaps.
  await sleep(50);
  gcObserver?.disconnect();
  for (const row of rows) {
    for (const g of gcs) {
      const overlap = row.spans.reduce((n, [a, b]) => n + Math.max(0, Math.min(b, g.end) - Math.max(a, g.start)), 0);
      if (overlap > 0) {
        row.gc_ms = round(row.gc_ms + overlap, 3);
        row.gc_kinds.push(GC_KINDS[g.kind] ?? String(g.kind));
      }
    }
  }
  // The spans on the monotonic clock (ms) that --cpu-prof's sample times use (µs), to pick a profile's samples per request.
  const monotonicOffset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  if (breakdown) fs.writeFileSync(breakdown, rows.map((r) => JSON.stringify({ ...r, spans: r.spans.map(([a, b]) => [round(a + monotonicOffset, 3), round(b + monotonicOffset, 3)]) })).join('\n') + '\n');
  gc();
  const heap1 = process.memoryUsage().heapUsed;
  const typingPeak = rssPeak;
  // Commands (an action on the function at a seeded place: its target, then the check of a proposal, the whole file
  // parsed twice): their syntax tasks go to the engine's process (worker mode, as the extension sends them) or run in
  // this thread (the design before). This thread's CPU per command and the process's RSS growth while they run.
  const commands = await runCommands(mode === 'worker' ? (engine as EngineClient) : undefined, languageId, keys[keys.length - 1].text, Number(arg('commands') ?? 10));
  clearInterval(sampler);
  const commandsPeak = Math.max(rssPeak, process.memoryUsage.rss());
  await close();
  sim.close();
  return {
    backend: backendKind,
    prompt: promptStyleFor(info),
    requests: hostMs.length,
    no_request: noWire,
    host_ms_p50: round(percentile(hostMs, 50), 3),
    host_ms_p95: round(percentile(hostMs, 95), 3),
    host_ms_max: round(Math.max(...hostMs), 3),
    own_ms_p50: round(percentile(ownMs, 50), 3),
    own_ms_p95: round(percentile(ownMs, 95), 3),
    own_ms_max: round(Math.max(...ownMs), 3),
    index_ms: Math.round(indexMs),
    ...(windows && {
      windows_from_worker: windows.answered,
      windows_unanswered: windows.unanswered,
      // Replies later than the pipeline waits for: those windows were built on this thread instead.
      windows_late: windows.waitMs.filter((ms) => ms > WINDOW_WAIT_MS).length,
      window_wait_ms_p50: round(percentile(windows.waitMs, 50), 2),
      window_wait_ms_p95: round(percentile(windows.waitMs, 95), 2),
    }),
    host_heap_growth_mb: mb(heap1 - heap0),
    rss_growth_mb: mb(typingPeak - rss0),
    rss_peak_mb: mb(typingPeak),
    commands: commands.count,
    command_host_ms_p50: round(percentile(commands.hostMs, 50), 2),
    command_host_ms_max: round(Math.max(0, ...commands.hostMs), 2),
    command_rss_growth_mb: mb(commandsPeak - commands.rssBefore),
  };
}

/** `count` commands at seeded places of `text`: an action's target, then the check of a proposal (the target unchanged). */
async function runCommands(client: EngineClient | undefined, languageId: string, text: string, count: number) {
  setSyntaxRunner(client);
  const pick = rng(Number(arg('seed') ?? 1) + 1);
  const hostMs: number[] = [];
  const rssBefore = process.memoryUsage.rss();
  for (let i = 0; i < count; i++) {
    const offset = Math.floor(pick() * text.length);
    const start = busyMs();
    const found = await syntaxTask({ op: 'target', languageId, text, offset });
    const range = found.target ?? { start: offset, end: offset };
    await validateProposal(languageId, text.slice(range.start, range.end) || 'x', text, text, range);
    hostMs.push(busyMs() - start);
  }
  setSyntaxRunner(undefined);
  return { count, hostMs, rssBefore };
}

async function main() {
  if (process.argv.includes('--serve-sim')) {
    const kind = process.argv[process.argv.indexOf('--serve-sim') + 1] as BackendKind;
    const sim = await startSimulator({ kind, models: kind === 'llamacpp' ? [PHI4_MODEL] : [PHI4_MODEL, QWEN_CODER_MODEL], reply: 'value);' });
    console.log(`SIM ${sim.url}`);
    return;
  }
  const repo = arg('repo');
  if (!repo) {
    console.error('usage: npm run bench:host -- --repo <dir> [--file <rel>] [--keys 200] [--seed 1] [--no-baseline] [--snapshot lazy|eager] [--backend llamacpp|ollama|openai] [--model <name>] [--breakdown <file.jsonl>] [--split-lines]');
    process.exit(2);
  }
  for (const f of ['engineWorker.js', 'indexWorker.js', 'wasm', 'queries']) {
    if (!fs.existsSync(path.join(DIST, f))) throw new Error(`dist/${f} is missing: run \`node esbuild.js\` first`);
  }
  setWasmDirectory(path.join(DIST, 'wasm'));
  setQueryDirectory(path.join(DIST, 'queries'));
  const root = path.resolve(repo);
  const rel = arg('file') ?? (await largestFile(root));
  const original = fs.readFileSync(path.join(root, rel), 'utf8');
  const keys = keystrokes(original, WARMUP_KEYS + Number(arg('keys') ?? 200), Number(arg('seed') ?? 1));
  const snapshotKind = arg('snapshot') === 'eager' ? 'eager' : 'lazy';
  const worker = await run('worker', root, rel, keys, original, snapshotKind, arg('breakdown'));
  console.error(`worker (${snapshotKind} snapshot): ${JSON.stringify(worker)}`);
  if (process.argv.includes('--no-baseline')) return;
  const inThread = await run('in-thread', root, rel, keys, original, snapshotKind);
  console.error(`in-thread (baseline): ${JSON.stringify(inThread)}`);
  console.log(JSON.stringify({
    repo: path.basename(root),
    file: rel,
    file_lines: original.split('\n').length,
    snapshot: snapshotKind,
    keys: keys.length,
    clock: threadClockKind,
    load: os.loadavg().map((l) => round(l, 2)),
    worker,
    in_thread: inThread,
    host_ms_p95_ratio: round(worker.host_ms_p95 / Math.max(1e-6, inThread.host_ms_p95), 3),
    own_ms_p95_ratio: round(worker.own_ms_p95 / Math.max(1e-6, inThread.own_ms_p95), 3),
  }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
