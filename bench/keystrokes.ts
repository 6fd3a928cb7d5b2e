/**
 * Keystroke probe (a profiling aid, not a recall benchmark): indexes a corpus, then assembles at seeded random lines
 * of its N longest files the way bench/context.ts does (the file opened whole at version 1, then the line hidden at
 * version 2: an edit; the editor's cursor line given), and prints the times (`parse_ms`: the document's incremental
 * re-parse and structure update; `rank_ms`: the rest of assemble(); `cpu_ms_mean`: the process's CPU time per request,
 * steadier than wall time on a loaded machine; `rank_cpu_ms_mean`: that of the rest of assemble() alone;
 * `tokenized_chars_mean`: characters run through the tokenizer per request, what the count caches did not answer,
 * independent of load; `rss_mb`: the process's peak resident memory, index build included) and a digest of every packed context. No oracles, so a CPU profile
 * (`node --cpu-prof dist/bench/keystrokes.js ...`) shows the engine's per-keystroke work, and two builds that must
 * pack the same context print the same digest.
 *
 *   npm run bench:context -- --bench keystrokes --repo <dir> [--largest 5] [--samples 60] [--seed 7] [--budget 4096] [--warm]
 *
 * The hidden line's text is read once before the timing, as the worker's change notice reads it (see below).
 *
 * `--warm`: before each timed request, the warm-up the engine's worker runs when a document is focused, at the file's
 * first line (not the sampled cursor): what the first request in a file costs once the editor has shown it.
 *
 * `--windows <file>` writes the timed spans (one JSON line each: kind `parse` or `rank`, start and end in ms on the
 * monotonic clock of --cpu-prof's sample times), for scripts/profile-windows.js to keep only their part of a profile.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import { argValue } from './args';
import { rng } from './rng';
import { runInEngineWorker } from './indexRun';
import { ExclusionRules } from '../src/core/context/exclude';
import { nodeWorkspaceFs } from '../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../src/core/context/workspaceIndex';
import { TreeSitterContextEngine } from '../src/core/context/engine';
import { RecentActivity } from '../src/core/context/activity';
import { languageForPath } from '../src/core/context/languages';
import { setWasmDirectory } from '../src/core/context/parser';
import { setQueryDirectory } from '../src/core/context/queries';
import { tokenizedCharacters } from '../src/core/tokens';

async function main(argv: string[]): Promise<void> {
  const repo = path.resolve(argValue(argv, 'repo') ?? '.');
  const largest = Number(argValue(argv, 'largest') ?? 5);
  const samples = Number(argValue(argv, 'samples') ?? 60);
  const budget = Number(argValue(argv, 'budget') ?? 4096);
  const pick = rng(Number(argValue(argv, 'seed') ?? 7));
  // --verbose: one line per request on stderr (file, line, the hidden line's start, parse and rank ms), to see which edits are slow.
  const verbose = argv.includes('--verbose');
  const warm = argv.includes('--warm');
  const windowsFile = argValue(argv, 'windows');
  const spans: { kind: string; start: number; end: number }[] = [];
  const dist = path.join(__dirname, '..');
  const shipped = fs.existsSync(path.join(dist, 'indexWorker.js'));
  if (shipped) {
    setWasmDirectory(path.join(dist, 'wasm'));
    setQueryDirectory(path.join(dist, 'queries'));
  }
  const index = new WorkspaceIndex(nodeWorkspaceFs(repo), new ExclusionRules(), shipped ? { workerScript: path.join(dist, 'indexWorker.js') } : {});
  await index.build();
  const read = (p: string) => fs.readFileSync(path.join(repo, p), 'utf8');
  const files = [...index.allFiles()].map((f) => f.path).sort();
  const byLines = files.map((f) => ({ f, lines: read(f).split('\n').length })).sort((a, b) => b.lines - a.lines || (a.f < b.f ? -1 : 1));
  const cursorFiles = largest > 0 ? byLines.slice(0, largest).map((x) => x.f).sort() : files;
  const engine = new TreeSitterContextEngine({ index });
  const ms: number[] = [];
  const parseMs: number[] = [];
  /** CPU time of the timed re-parse (the process's: the index's threads are idle by then), steadier than wall time under load. */
  const parseCpuMs: number[] = [];
  const rankMs: number[] = [];
  const fallbacks = new Map<string, number>();
  let cpuMs = 0;
  let tokenizedChars = 0;
  let rankCpuMs = 0;
  const digest = createHash('sha256');
  for (let i = 0; i < samples; i++) {
    const file = cursorFiles[Math.floor(pick() * cursorFiles.length)];
    const text = read(file);
    const lines = text.split('\n');
    const line = Math.floor(pick() * lines.length);
    const indent = lines[line].match(/^\s*/)![0];
    const prefix = lines.slice(0, line).join('\n') + (line > 0 ? '\n' : '') + indent;
    const masked = prefix + '\n' + lines.slice(line + 1).join('\n');
    const languageId = languageForPath(file) ?? 'plaintext';
    // Focused, as the editor's focus notice marks it (engineWorker.ts).
    engine.documents.markActive(file);
    await engine.documents.get(file, languageId, 1, text);
    const dir = path.posix.dirname(file);
    const activity = new RecentActivity(20);
    for (const n of files.filter((f) => f !== file && path.posix.dirname(f) === dir).slice(0, 20).reverse()) {
      const open = { relPath: n, languageId: languageForPath(n) ?? 'plaintext', version: 1, text: read(n) };
      if (activity.noteDocument(open)) engine.prepare(open);
    }
    engine.activity = activity;
    // `--warm`: the first completion's ranking warmed as the worker does after a focus (focusWarmUp.ts), at the top of
    // the file (where a file opened for the first time has its cursor), not at the sampled cursor; untimed.
    if (warm) {
      const warmReq = { doc: { path: file, relPath: file, languageId, text, version: 1, offset: 0, line: 0 }, budgetTokens: budget, purpose: 'completion' as const };
      await engine.warmUp(warmReq);
      await engine.documents.settled();
    }
    // The text as the engine's worker holds it when the request comes: its change notice already read the new text
    // around the edit (engineWorker.ts: `change` -> linesAroundOffset), which made V8 flatten the `slice + change +
    // slice` the document mirror built into one string (a copy of the file: ~7-15 ms for a 28,000-line file on this
    // machine), at the keystroke, before the debounce and the request. Untimed, as the extension's request does not pay it.
    masked.lastIndexOf('\n', prefix.length);
    const c0 = process.cpuUsage();
    const a0 = performance.now();
    const structure = await engine.documents.get(file, languageId, 2, masked);
    const a1 = performance.now();
    parseMs.push(a1 - a0);
    const cp = process.cpuUsage(c0);
    parseCpuMs.push((cp.user + cp.system) / 1000);
    if (structure.fallback) fallbacks.set(structure.fallback, (fallbacks.get(structure.fallback) ?? 0) + 1);
    const tok0 = tokenizedCharacters();
    const r0 = process.cpuUsage();
    const packed = await engine.assemble({ doc: { path: file, relPath: file, languageId, text: masked, version: 2, offset: prefix.length, line }, budgetTokens: budget, purpose: 'completion' });
    const a2 = performance.now();
    ms.push(a2 - a0);
    tokenizedChars += tokenizedCharacters() - tok0;
    const r1 = process.cpuUsage(r0);
    rankCpuMs += (r1.user + r1.system) / 1000;
    rankMs.push(a2 - a1);
    if (windowsFile) spans.push({ kind: 'parse', start: a0, end: a1 }, { kind: 'rank', start: a1, end: a2 });
    const c1 = process.cpuUsage(c0);
    cpuMs += (c1.user + c1.system) / 1000;
    digest.update(`${file}:${line}\n${packed.text}\n${packed.tokens}\n`);
    // Untimed: the idle time an editor leaves between requests at different places, where a document answered from a
    // window finishes its whole re-parse (so that each request starts from the same state, whatever the machine's speed).
    await engine.documents.settled();
    if (verbose) console.error(JSON.stringify({ file, line, hidden: lines[line].trim().slice(0, 60), parse_ms: Math.round((a1 - a0) * 10) / 10, rank_ms: Math.round((a2 - a1) * 10) / 10, fallback: structure.fallback }));
  }
  if (windowsFile) {
    const monotonicOffset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
    fs.writeFileSync(windowsFile, spans.map((w) => JSON.stringify({ ...w, start: w.start + monotonicOffset, end: w.end + monotonicOffset })).join('\n') + '\n');
  }
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const q = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 10) / 10;
    return { p50: q(0.5), p95: q(0.95), max: q(1) };
  };
  console.log(JSON.stringify({ repo, samples, files: cursorFiles.length, assemble_ms: stats(ms), parse_ms: stats(parseMs), parse_cpu_ms: stats(parseCpuMs), rank_ms: stats(rankMs), cpu_ms_mean: Math.round((cpuMs / samples) * 10) / 10, rank_cpu_ms_mean: Math.round((rankCpuMs / samples) * 10) / 10, tokenized_chars_mean: Math.round(tokenizedChars / samples), rss_mb: Math.round(process.resourceUsage().maxRSS / 1024), fallbacks: Object.fromEntries(fallbacks), digest: digest.digest('hex').slice(0, 16) }));
  process.exit(0);
}

// In a process with the engine process's flags, as the extension runs the engine (--engine-thread, --main-thread: see indexRun.ts).
runInEngineWorker(__filename, main);
