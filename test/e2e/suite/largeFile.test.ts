/**
 * A 30,000-line file in a real VS Code (generated here, not committed): a completion there carries cross-file context
 * from the context engine, and typing 100 characters in it never blocks the extension host's thread for more than 50 ms
 * at a stretch (measured as thread CPU time between the ticks of a 2 ms timer on this thread, which is the extension
 * host's: the engine runs in a process of its own), and the extension host's own heap and its process's RSS grow by
 * less than 60 MB meanwhile. The simulator is a TEST DOUBLE of llama.cpp.
 */
import * as assert from 'node:assert/strict';
import * as inspector from 'node:inspector';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import { PHI4_MODEL, type SimRequest } from '../../sim';
import { activateExtension, readExtensionLog, waitFor, waitForStatus } from '../helpers';
import { useSimulator, type UsedSimulator } from '../simulator';
import { BlockMonitor } from '../../../bench/hostBlocks';
import type { Services } from '../../../src/vscode/services';
import type { EngineClient } from '../../../src/core/context/engineClient';

const LINES = 30_000;
const LONG_TASK_MS = 50;
/** The issue's bound on what the extension host itself may grow by while the engine works on the file. */
const HOST_GROWTH_MB = 60;

/**
 * A full garbage collection on this thread: V8's gc() from a fresh context once the flag is set (the extension host
 * does not start with --expose-gc). Without it heapUsed counts garbage not yet collected, whose amount swings with
 * the machine's load and V8's timing (a loaded CI rehearsal read 76 MB of "growth").
 */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
}

/**
 * What this thread's (the extension host's) V8 heap retains after a full collection, and the process's RSS (the
 * extension host's process: the engine, its index build and tree-sitter's wasm memory are in a process of their own).
 */
function memory(): { heapMb: number; rssMb: number } {
  collectGarbage();
  const m = process.memoryUsage();
  return { heapMb: m.heapUsed / 1048576, rssMb: m.rss / 1048576 };
}

/**
 * 30,000 lines of ordinary Python: many small functions, an import of the fixture's stats module, and a function that
 * uses it. Python, because VS Code ships no Python language server: the extension host's thread then runs VS Code's
 * own work and ours (a TypeScript file would also run the built-in TypeScript extension's work on it, on the same
 * thread, which is not ours to measure).
 */
function bigFile(): string {
  const out = ['from stats import median', ''];
  for (let i = 0; out.length < LINES - 6; i++) {
    out.push(`def step${i}(x):`, `    y = x * ${i % 97} + ${i}`, '    return y - 1', '', '');
  }
  out.push('def summary(values):', '    m = median(values)', '    return max(m, ');
  return out.join('\n');
}

/** A CPU profile of this thread (the extension host's), summarised as the functions with the most self time (diagnostics). */
async function startProfile(): Promise<{ stop(): Promise<string> }> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await post('Profiler.stop')) as { profile: inspector.Profiler.Profile };
      session.disconnect();
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      (profile.samples ?? []).forEach((id, i) => {
        const f = byId.get(id)!.callFrame;
        const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`;
        self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
      });
      const top = [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 15);
      // Who called the three busiest (three frames up): whose work it is, ours or another extension's.
      const parent = new Map<number, number>();
      for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
      const keyOf = (id: number) => {
        const f = byId.get(id)!.callFrame;
        return `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`;
      };
      const callers = new Map<string, Map<string, number>>(top.slice(0, 3).map(([k]) => [k, new Map()]));
      (profile.samples ?? []).forEach((id, i) => {
        const byCaller = callers.get(keyOf(id));
        if (!byCaller) return;
        const chain: string[] = [];
        for (let p = parent.get(id); p !== undefined && chain.length < 3; p = parent.get(p)) chain.push(keyOf(p));
        const c = chain.join(' < ');
        byCaller.set(c, (byCaller.get(c) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
      });
      const lines = top.map(([k, ms]) => `${ms.toFixed(1)} ${k}`);
      for (const [k, byCaller] of callers) {
        const best = [...byCaller].sort((a, b) => b[1] - a[1]).slice(0, 3);
        lines.push(`  ${k} called from: ${best.map(([c, ms]) => `${ms.toFixed(1)} ms < ${c}`).join(' | ')}`);
      }
      return lines.join('\n');
    },
  };
}

describe('a 30,000-line file', () => {
  let services: Services;
  let used: UsedSimulator;
  let uri: vscode.Uri;
  let before0: { heapMb: number; rssMb: number };

  before(async function () {
    this.timeout(120_000);
    services = await activateExtension();
    before0 = memory();
    used = await useSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], reply: 'len(values))' });
    await waitForStatus(services, 'ready on the simulator', (s) => s.state === 'ready' && s.endpoint === used.sim.url);
    uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'py', 'big30k.py');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(bigFile()));
    await services.context.whenIndexed();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(uri);
    await used.dispose();
  });

  /** Fails with the end of the Phi Coder log appended. */
  const withLog = async (err: Error): Promise<never> => {
    throw new Error(`${err.message}\nPhi Coder log (end):\n${(await readExtensionLog(services.extension.logUri)).slice(-4000)}`);
  };

  it('a completion request there carries the imported definition from the engine, and typing 100 characters stays under 50 ms a task', async function () {
    this.timeout(180_000);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    assert.ok(editor.document.lineCount >= LINES - 1, `lines: ${editor.document.lineCount}`);
    const end = editor.document.positionAt(editor.document.getText().length);
    editor.selection = new vscode.Selection(end, end);

    // The first request for the file may come before the worker has parsed it (the context then follows a request
    // later: stale-while-revalidate), and a request for the same text is answered from the cache: type a space per
    // attempt (a letter would open the suggest widget) until a request carries median() from py/stats.py.
    const request = await waitFor(
      'a completion request whose prompt holds median() from py/stats.py',
      async () => {
        await vscode.commands.executeCommand('type', { text: ' ' });
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await new Promise((r) => setTimeout(r, 300));
        const req = used.sim.requests.at(-1) as SimRequest | undefined;
        return req?.prompt?.includes('def median(values):') ? req : undefined;
      },
      { timeoutMs: 60_000, describe: () => (used.sim.requests.at(-1) as SimRequest | undefined)?.prompt?.slice(0, 1500) ?? 'no request' },
    ).catch(withLog);
    assert.match(request.prompt ?? '', /return max\(m, +<HOLE>/, 'the hole is at the cursor of the big file');

    // Type 100 characters on a new line, letting completions run as they would (automatic triggers, debounce).
    const requests = used.sim.stats.requests;
    await vscode.commands.executeCommand('type', { text: '\n    ' });
    const profile = await startProfile();
    const monitor = new BlockMonitor().start();
    const typed = 'total = sum(v * 2 for v in values) + median(values) - len(values)  # one hundred characters typed!!!';
    assert.equal(typed.length, 100);
    for (const ch of typed) {
      await vscode.commands.executeCommand('type', { text: ch });
      await new Promise((r) => setTimeout(r, 15));
    }
    await waitFor('completion requests while typing', () => used.sim.stats.requests > requests || undefined, { timeoutMs: 45_000 });
    const report = monitor.stop(LONG_TASK_MS);
    const top = await profile.stop();
    assert.ok(editor.document.getText().includes(typed), 'all 100 characters arrived');
    assert.ok(report.ticks > 100, `the monitor ticked: ${JSON.stringify(report)}`);
    assert.ok(report.longestCpuMs !== undefined, 'the extension host can tell thread CPU time (node >= 23.9)');
    assert.equal(report.overThreshold, 0, `no task over ${LONG_TASK_MS} ms on the extension host while typing: ${JSON.stringify(report)}\nbusiest functions on the extension host's thread meanwhile (self ms):\n${top}`);
    // Memory: the file opened, parsed and indexed by the worker, a completion and 100 characters typed.
    const now = memory();
    const growth = { hostHeapMb: Math.round(now.heapMb - before0.heapMb), processRssMb: Math.round(now.rssMb - before0.rssMb), longestTaskCpuMs: report.longestCpuMs };
    console.log(`30,000-line file: extension host heap growth ${growth.hostHeapMb} MB, its process's RSS growth ${growth.processRssMb} MB, longest task ${report.longestCpuMs} ms CPU`);
    // Printed on success too: a pass near the bound says what to look at before it becomes a failure.
    console.log(`30,000-line file: busiest functions on the extension host's thread while typing (self ms):\n${top}`);
    assert.ok(growth.hostHeapMb < HOST_GROWTH_MB, `the extension host's heap grew by less than ${HOST_GROWTH_MB} MB: ${JSON.stringify(growth)}`);
    assert.ok(growth.processRssMb < HOST_GROWTH_MB, `the extension host's process grew by less than ${HOST_GROWTH_MB} MB: ${JSON.stringify(growth)}`);
    const engine = services.context.engine as EngineClient;
    assert.equal(engine.engineHosting, 'process', 'the context engine runs in a process of its own');
    assert.ok(engine.engineId !== undefined && engine.engineId !== process.pid, `the engine's process: ${engine.engineId}`);
  });
});
