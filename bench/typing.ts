/**
 * Typing replay benchmark (shared/docs/benchmarks.md §2).
 *
 *   npm run bench:typing -- --repo <dir> [--files N] [--seed 1] [--keys 350] [--scale 0.5] [--accuracy 0.4]
 *                           [--context-tokens 1024 | --no-context] [--server <llama-server url> | --server shared]
 *
 * Cross-file context is sent as completions send it: <dir> is indexed first (the workspace index, as the extension
 * builds it), the edited file is open, and ours gets its context from a StableContext over the context engine (the
 * pipeline src/vscode/completion/register.ts builds), refreshed as the cursor moves; the baseline asks the same
 * engine afresh before each of its requests. --no-context replays with the file window only (earlier figures).
 * Re-types runs of lines from real files of <dir> keystroke by keystroke against the LLM-server simulator (TEST
 * DOUBLE: llama.cpp protocol, GPU model of Phi-4 Q4: 2,500 prefill tok/s, 45 decode tok/s, KV prefix reuse on one
 * slot), once through the extension's own scheduler and prompt code, once through a naive baseline (bench/typing/
 * naive.ts), and prints one JSON object on its last line. Timers are real, with simulated time running 1/scale
 * times faster (scale 0.5: typing, debounce and the simulator's delays all run at half their simulated length).
 * The simulated model answers with the file's real continuation at `accuracy` of the positions (decided by a hash of
 * the position, so both clients get the same answers) and with another line of the file otherwise.
 * --server: every request each client sent is then replayed, in order, against that real llama-server (`shared`: the
 * one in ../shared/llama, started on a free port) and against a fresh simulator, and the JSON gains
 * `server_prefix_reuse` (from the server's own timings) beside `sim_replay_prefix_reuse` (bench/typing/serverReplay.ts).
 */
import { argValue } from './args';
import * as fs from 'fs';
import * as path from 'path';
import { parseRuleFile } from '../src/core/rules/rules';
import { compactRules } from '../src/core/rules/render';
import { countTokens } from '../src/core/tokens';
import { LlamaCppBackend } from '../src/core/backends/llamacpp';
import type { ModelInfo } from '../src/core/backends/types';
import type { DocumentSnapshot } from '../src/core/context/types';
import { loadLanguage, resolveLanguage } from '../src/core/context/parser';
import { SETTING_DEFAULTS } from '../src/core/config';
import { DEFAULT_PIPELINE_SETTINGS } from '../src/core/completion/pipeline';
import { StableContext } from '../src/core/completion/stableContext';
import { ExclusionRules } from '../src/core/context/exclude';
import { nodeWorkspaceFs } from '../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../src/core/context/workspaceIndex';
import { TreeSitterContextEngine } from '../src/core/context/engine';
import { RecentActivity } from '../src/core/context/activity';
import { nullLogger } from '../src/core/log';
import { startSimulator, PHI4_MODEL, type Simulator } from '../test/sim';
import { pickFiles, makeTask, hash, type TypingTask } from './typing/session';
import { rng } from './rng';
import { OursDriver, NaiveDriver, type Driver, type DriverEnv } from './typing/drivers';
import { percentile, round } from './typing/stats';
import { emptyTally, openServer, reuseOf, type ReuseTally, type ServerReplay } from './typing/serverReplay';

interface Args {
  repo: string;
  files: number;
  seed: number;
  keys: number;
  scale: number;
  accuracy: number;
  /** Cross-file context budget (tokens); 0: none. */
  contextTokens: number;
  /** A rules file whose compact form (as completions get it) opens our prompts. */
  rules?: string;
  /** A llama-server URL (or `shared`) to replay every request against. */
  server?: string;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => argValue(argv, name);
  const repo = get('repo');
  if (!repo) {
    console.error('usage: npm run bench:typing -- --repo <dir> [--files N] [--seed 1] [--keys 350] [--scale 0.5] [--accuracy 0.4] [--rules <rules.md>]');
    process.exit(2);
  }
  return {
    repo: path.resolve(repo),
    files: Number(get('files') ?? 3),
    seed: Number(get('seed') ?? 1),
    keys: Number(get('keys') ?? 350),
    scale: Number(get('scale') ?? 0.5),
    accuracy: Number(get('accuracy') ?? 0.4),
    contextTokens: argv.includes('--no-context') ? 0 : Number(get('context-tokens') ?? DEFAULT_PIPELINE_SETTINGS.contextTokens),
    rules: get('rules'),
    server: get('server'),
  };
}

/** What the simulated model answers at cursor `p` of `task` (4 lines: it rambles past the hole, as models do). */
function modelAnswer(task: TypingTask, p: number, args: Args): string {
  const correct = hash(`${args.seed}:${task.relPath}:${p}`) < args.accuracy;
  if (correct) return task.truth.slice(p).split('\n').slice(0, 4).join('\n');
  const lines = task.truth.split('\n').filter((l) => l.trim().length > 3);
  const pick = (salt: string) => lines[Math.floor(hash(`${salt}:${args.seed}:${task.relPath}:${p}`) * lines.length)].trim();
  return `${pick('a')}\n${pick('b')}`;
}

interface RunMetrics {
  keystrokes: number;
  requests: number;
  cancelled: number;
  cacheHits: number;
  overheadMs: number[];
  firstGhostMs: number[];
  pauses: number;
  pausesWithGhost: number;
  /** First-ghost latencies by where the ghost came from (cache / reuse / request). */
  bySource: Record<string, number[]>;
  ghostsShown: number;
  ghostsCorrect: number;
  promptTokens: number;
  cachedTokens: number;
  prefilledTokens: number;
  contextTokens: number[];
  /** With --server: the same requests replayed on the real server and on a fresh simulator. */
  real: ReuseTally;
  simReplay: ReuseTally;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Replay `task` through `driver`; first-ghost latency is measured at every keystroke followed by a pause >= 600 ms. */
async function replay(task: TypingTask, driver: Driver, args: Args, m: RunMetrics): Promise<void> {
  const now = () => performance.now() / args.scale;
  let typed = '';
  const keyAt: number[] = [];
  const ghostAt = new Map<number, number>();
  const ghostSource = new Map<number, string>();
  let latest = -1;
  const onAnswer = (key: number, text: string, source: string) => {
    if (key !== latest) return; // shown only while it is the current position
    if (!ghostAt.has(key)) {
      ghostAt.set(key, now());
      ghostSource.set(key, source);
    }
    m.ghostsShown++;
    const p = task.start + typedLengths[key];
    if (task.truth.startsWith(text, p)) m.ghostsCorrect++;
  };
  const typedLengths: number[] = [];
  for (let k = 0; k < task.keys.length; k++) {
    const key = task.keys[k];
    await sleep(key.gapMs * args.scale);
    if (!key.insert) continue;
    typed += key.insert;
    typedLengths[k] = typed.length;
    const offset = task.start + typed.length;
    const doc: DocumentSnapshot = {
      path: `/bench/${task.relPath}`,
      relPath: task.relPath,
      languageId: task.languageId,
      text: task.truth.slice(0, offset) + task.truth.slice(task.end),
      version: k + 1,
      offset,
    };
    latest = k;
    keyAt[k] = now();
    m.keystrokes++;
    driver.keystroke(doc, k, onAnswer);
  }
  await driver.drain();
  for (let k = 0; k < task.keys.length - 1; k++) {
    if (keyAt[k] === undefined || task.keys[k + 1].gapMs < 600) continue;
    m.pauses++;
    const g = ghostAt.get(k);
    const limit = task.keys[k + 1].gapMs;
    if (g !== undefined && g - keyAt[k] <= limit) {
      m.pausesWithGhost++;
      m.firstGhostMs.push(g - keyAt[k]);
      const src = ghostSource.get(k) ?? 'request';
      (m.bySource[src] ??= []).push(g - keyAt[k]);
    } else m.firstGhostMs.push(limit); // no ghost during the pause: counted as the whole pause (censored)
  }
}

function emptyMetrics(): RunMetrics {
  return { keystrokes: 0, requests: 0, cancelled: 0, cacheHits: 0, overheadMs: [], firstGhostMs: [], pauses: 0, pausesWithGhost: 0, bySource: {}, ghostsShown: 0, ghostsCorrect: 0, promptTokens: 0, cachedTokens: 0, prefilledTokens: 0, contextTokens: [], real: emptyTally(), simReplay: emptyTally() };
}

function summary(m: RunMetrics) {
  return {
    keystrokes: m.keystrokes,
    requests: m.requests,
    cancelled: m.cancelled,
    cache_hits: m.cacheHits,
    prefix_reuse: round(m.cachedTokens / Math.max(1, m.promptTokens), 3),
    context_tokens_mean: Math.round(m.contextTokens.reduce((a, b) => a + b, 0) / Math.max(1, m.contextTokens.length)),
    overhead_ms: { p50: round(percentile(m.overheadMs, 50), 2), p95: round(percentile(m.overheadMs, 95), 2) },
    first_ghost_ms: { p50: Math.round(percentile(m.firstGhostMs, 50)), p95: Math.round(percentile(m.firstGhostMs, 95)) },
    requests_per_100_keys: round((100 * m.requests) / Math.max(1, m.keystrokes), 1),
    pauses: m.pauses,
    pauses_with_ghost: m.pausesWithGhost,
    first_ghost_by_source: Object.fromEntries(Object.entries(m.bySource).map(([k, v]) => [k, { n: v.length, p50: Math.round(percentile(v, 50)) }])),
    ghosts_shown: m.ghostsShown,
    ghosts_correct: m.ghostsCorrect,
    prefilled_tokens: m.prefilledTokens,
    ...(m.real.requests ? { server_prefix_reuse: round(reuseOf(m.real), 3), sim_replay_prefix_reuse: round(reuseOf(m.simReplay), 3), server_replay: { requests: m.real.requests, prompt_tokens: m.real.promptTokens, prefilled: m.real.prefilled, sim_prompt_tokens: m.simReplay.promptTokens, sim_prefilled: m.simReplay.prefilled } } : {}),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const random = rng(args.seed);
  const files = pickFiles(args.repo, args.files, random);
  if (!files.length) throw new Error(`no code files of 60+ lines under ${args.repo}`);
  const tasks = files.map((f) => makeTask(args.repo, f, args.keys, random));
  for (const t of tasks) {
    const name = resolveLanguage(t.languageId);
    if (name) await loadLanguage(name);
  }
  // The workspace, indexed before typing starts (as the extension has it by then).
  let index: WorkspaceIndex | undefined;
  if (args.contextTokens > 0) {
    index = new WorkspaceIndex(nodeWorkspaceFs(args.repo), new ExclusionRules());
    const t0 = performance.now();
    const built = await index.build();
    console.error(`index: ${built.files} files in ${Math.round(performance.now() - t0)} ms`);
  }
  const info: ModelInfo = { name: PHI4_MODEL.name, contextLength: PHI4_MODEL.contextLength, fim: false, family: PHI4_MODEL.family };
  const rules = args.rules ? compactRules([parseRuleFile(path.basename(args.rules), fs.readFileSync(args.rules, 'utf8'))]) : '';
  const timing = { prefillTokPerSec: 2500, decodeTokPerSec: 45, timeScale: args.scale, slots: 1 };

  const runs = { ours: emptyMetrics(), baseline: emptyMetrics() };
  const server: ServerReplay | undefined = args.server ? await openServer(args.server) : undefined;
  if (server) console.error(`replaying every request against the llama-server at ${server.url}`);
  try {
  for (const task of tasks) {
    for (const which of ['ours', 'baseline'] as const) {
      const answers = new Map<string, string>();
      const sim: Simulator = await startSimulator({ kind: 'llamacpp', models: [PHI4_MODEL], timing, reply: (req) => answers.get(req.prompt ?? '') ?? '' });
      try {
        const backend = new LlamaCppBackend({ endpoint: sim.url, idleTimeoutMs: 60_000 });
        const indent = /^\t/m.test(task.truth) ? { insertSpaces: false, tabSize: 4 } : { insertSpaces: true, tabSize: /^ {2}\S/m.test(task.truth) ? 2 : 4 };
        const env: DriverEnv = { backend, info, indent, scale: args.scale, willSend: (key, doc) => answers.set(key, modelAnswer(task, doc.offset, args)), rules };
        if (index) {
          // A fresh engine per run (no cache carried over from the other client); the edited file is the open editor.
          const activity = new RecentActivity();
          const engine = new TreeSitterContextEngine({ index, activity, logger: nullLogger });
          await engine.loadPackageManifests(); // as the engine's worker does after a build
          const open = { relPath: task.relPath, languageId: task.languageId, version: 0, text: task.truth.slice(0, task.start) + task.truth.slice(task.end) };
          if (activity.noteDocument(open)) engine.prepare(open);
          const budgetTokens = args.contextTokens;
          env.context = {
            stable: new StableContext(engine, nullLogger),
            fresh: async (doc) => (await engine.assemble({ doc, budgetTokens, purpose: 'completion', fileFits: false })).text,
            tokens: budgetTokens,
          };
        }
        const driver = which === 'ours' ? new OursDriver(env, SETTING_DEFAULTS['completions.debounceMs']) : new NaiveDriver(env);
        const m = runs[which];
        await replay(task, driver, args, m);
        const s = driver.stats();
        m.requests += s.requests;
        m.cancelled += s.cancelled;
        m.cacheHits += s.cacheHits;
        m.overheadMs.push(...s.overheadMs);
        m.contextTokens.push(...s.contextTokens);
        m.promptTokens += sim.stats.promptTokens;
        m.cachedTokens += sim.stats.cachedTokens;
        m.prefilledTokens += sim.stats.prefilledTokens;
        if (server) {
          await server.replay(sim.requests, m.real, m.simReplay);
          console.error(`${which.padEnd(8)} ${task.relPath}: real server reuse so far ${round(reuseOf(m.real), 3)} (simulator, same requests: ${round(reuseOf(m.simReplay), 3)})`);
        }
        if (sim.stats.maxOpen > 1) console.error(`warning: ${which} had ${sim.stats.maxOpen} requests open at once on ${task.relPath}`);
        console.error(`${which.padEnd(8)} ${task.relPath}: ${task.keys.length} keys, ${s.requests} requests, sim aborted ${sim.stats.aborted}, max open ${sim.stats.maxOpen}`);
      } finally {
        await sim.close();
      }
    }
  }
  } finally {
    await server?.close();
  }
  const ours = summary(runs.ours);
  const baseline = summary(runs.baseline);
  const result = {
    ...ours,
    baseline,
    ratios: {
      first_ghost_p50: round(ours.first_ghost_ms.p50 / Math.max(1, baseline.first_ghost_ms.p50), 3),
      requests_per_key: round(ours.requests / Math.max(1, ours.keystrokes) / (baseline.requests / Math.max(1, baseline.keystrokes)), 3),
    },
    config: { repo: args.repo, files: tasks.map((t) => t.relPath), seed: args.seed, keys_per_file: args.keys, scale: args.scale, accuracy: args.accuracy, prefill_tok_s: 2500, decode_tok_s: 45, clock: 'real timers, simulated time scaled', context: args.contextTokens > 0 ? `cross-file: workspace indexed, up to ${args.contextTokens} tokens (ours: StableContext; baseline: engine asked per request)` : 'file window only (no cross-file context)', rules_tokens: rules ? countTokens(rules) : 0, server: server ? (args.server === 'shared' ? `../shared/llama (${server.url})` : server.url) : undefined },
  };
  console.log(`\n| | ours | baseline |\n|---|---|---|`);
  for (const k of ['keystrokes', 'requests', 'requests_per_100_keys', 'cancelled', 'cache_hits', 'prefix_reuse', 'server_prefix_reuse', 'sim_replay_prefix_reuse', 'context_tokens_mean'] as const) if (k in ours) console.log(`| ${k} | ${ours[k]} | ${baseline[k]} |`);
  console.log(`| overhead_ms p50/p95 | ${ours.overhead_ms.p50} / ${ours.overhead_ms.p95} | ${baseline.overhead_ms.p50} / ${baseline.overhead_ms.p95} |`);
  console.log(`| first_ghost_ms p50/p95 | ${ours.first_ghost_ms.p50} / ${ours.first_ghost_ms.p95} | ${baseline.first_ghost_ms.p50} / ${baseline.first_ghost_ms.p95} |`);
  console.log(`| pauses with a ghost | ${ours.pauses_with_ghost}/${ours.pauses} | ${baseline.pauses_with_ghost}/${baseline.pauses} |`);
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
