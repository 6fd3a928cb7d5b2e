/**
 * Context recall benchmark (RepoBench-style, no model needed). See ../../shared/docs/benchmarks.md §1 and §3.
 *
 *   npm run bench:context -- --repo <dir> [--budget 4096] [--samples 300] [--seed 1] [--misses [N]] [--oracle-minutes 15]
 *                            [--largest N] [--samples-file <json>] [--engine-thread | --main-thread] [--lsp-hints]
 *
 * The engine (index build, document cache, assemble) and the harness run in a process of their own with the extension's
 * engine process flags (engineLink.ts), as the extension runs the engine; --engine-thread runs them in a worker thread
 * with ENGINE_LIMITS (the engine's fallback), --main-thread on the main thread. The oracles draw the samples in a child
 * process (bench/oracles/samplerChild.ts): `rss_mb` is the engine's process.
 *
 * --largest N samples cursors only in the N longest indexed files (by lines; definitions still come from every file):
 * what a keystroke costs in the biggest files of the corpus.
 *
 * --samples-file F: the drawn samples (and their masked texts' imports) are read from F when it exists (no oracle runs),
 * else drawn and written there; so two builds of the engine are scored on exactly the same samples (gopls answers a
 * varying number of queries in its time budget, so two live draws on x/tools differ), and a slow oracle runs once.
 *
 * --lsp-hints also scores `recall_lsp`: each precise sample assembled again with the hints a language server would give
 * for the masked file (bench/lspHints.ts: the TypeScript language service; TS/JS samples only, others score as `recall`),
 * untimed and apart: `recall`, the tree-sitter engine's, is assembled without them. The language service holds the
 * whole program: run it with --main-thread on big corpora (the engine's heap limit is the extension's).
 *
 * --misses N prints (stderr) up to N missed samples (default 20): the hidden line, the gold definition, where the index
 * has the name, and what was packed instead (source, place, score, reason).
 *
 * Indexes <dir> with the workspace index (same exclusion rules as the extension), asks Universal Ctags for the ground
 * truth, samples cursors at lines that use an identifier X defined exactly once in another file, hides that line, and
 * checks whether the packed context (within the budget, exact cl100k counts) contains X's definition line. Baselines
 * (none, jaccard windows, import definitions) run on the same samples in the same process. Last line: one JSON object.
 */
import { argValue } from './args';
import * as path from 'path';
import * as fs from 'fs';
import type { WorkspaceIndex } from '../src/core/context/workspaceIndex';
import { TreeSitterContextEngine } from '../src/core/context/engine';
import { RecentActivity } from '../src/core/context/activity';
import { WindowCache } from '../src/core/context/similarity';
import { languageForPath } from '../src/core/context/languages';
import type { ContextItem } from '../src/core/context/types';
import type { DocumentStructure } from '../src/core/context/documentCache';
import { resolveLanguage, wasmHeapBytes } from '../src/core/context/parser';
import type { ImportRef } from '../src/core/context/structure';
import { detach } from '../src/core/strings';
import { checkCtags, type Sample } from './contextOracle';
import { drawSamplesInChild, type SamplerInit, type SamplerResult } from './oracles/samplerChild';
import type { DrawnSamples } from './oracles/sampling';
import { importsBaseline, jaccardBaseline } from './contextBaselines';
import { maskLine } from './masking';
import { recentFileTexts } from './fileTexts';
import { measureIndexBuild, percentile, r3, runInEngineWorker } from './indexRun';

interface Args {
  repo: string;
  budget: number;
  samples: number;
  seed: number;
  /** How many missed samples to print (0: none). */
  misses: number;
  /** Wall-clock minutes the precise oracle may spend resolving candidates. */
  oracleMinutes: number;
  /** Sample cursors only in this many of the largest files (0: in every file). */
  largest: number;
  /** Where drawn samples are kept between runs (read when present, written when not). */
  samplesFile?: string;
  /** Also score recall with simulated language-server hints (bench/lspHints.ts): `recall_lsp`, a figure of its own. */
  lspHints: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (k: string) => argValue(argv, k);
  const repo = get('repo');
  if (!repo) {
    console.error('usage: npm run bench:context -- --repo <dir> [--budget 4096] [--samples 300] [--seed 1]');
    process.exit(2);
  }
  const missesAt = argv.indexOf('--misses');
  const missesArg = missesAt >= 0 ? Number(argv[missesAt + 1]) : 0;
  const misses = missesAt < 0 ? 0 : Number.isFinite(missesArg) && missesArg > 0 ? missesArg : 20;
  return { repo: path.resolve(repo), budget: Number(get('budget') ?? 4096), samples: Number(get('samples') ?? 300), seed: Number(get('seed') ?? 1), misses, oracleMinutes: Number(get('oracle-minutes') ?? 15), largest: Number(get('largest') ?? 0), samplesFile: get('samples-file'), lspHints: argv.includes('--lsp-hints') };
}

/** Files whose text the harness keeps (see readText): a sample reads its file, the gold file and up to 20 neighbours. */
const TEXT_CACHE_FILES = 48;

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * True when some packed item shows X's definition line: an item of the gold file starting at or before that line
 * whose text holds the line, or at least the line's head through X (a signature shown without its body).
 */
function hit(items: readonly ContextItem[], s: Sample, goldLineText: string): boolean {
  const line = norm(goldLineText);
  const at = line.indexOf(s.name);
  const head = at >= 0 ? line.slice(0, at + s.name.length) : line;
  return items.some((it) => {
    if (it.path !== s.gold.file || it.startLine > s.gold.line) return false;
    const t = norm(it.text);
    return t.includes(line) || (head.length > 0 && t.includes(head));
  });
}

/** The masked text's imports (parsed by the sampler's process) as a structure importedFiles() takes. */
function importsStructure(languageId: string, imports: ImportRef[] | undefined): DocumentStructure {
  return { tags: [], imports: imports ?? [], language: resolveLanguage(languageId), parseMs: 0 };
}

/** One missed sample on stderr: the hidden line, the gold definition, the index's entries, and what was packed. */
function printMiss(s: Sample, hidden: string, goldText: string, index: WorkspaceIndex, packed: { items: readonly ContextItem[]; dropped: readonly ContextItem[] }): void {
  const refs = index.lookup(s.name).map((r) => `${r.file.path}:${r.tag.line + 1}`);
  const dropped = packed.dropped.some((d) => d.path === s.gold.file) ? ' (a part of the gold file was dropped for the budget)' : '';
  console.error(`MISS ${s.file}:${s.line + 1} ${s.name} -> ${s.gold.file}:${s.gold.line + 1} (${s.gold.kind})${dropped}`);
  console.error(`  hidden: ${hidden.trim().slice(0, 160)}`);
  console.error(`  gold:   ${goldText.trim().slice(0, 160)}`);
  console.error(`  index:  [${refs.slice(0, 4).join(', ')}${refs.length > 4 ? `, … ${refs.length} in all` : ''}]`);
  for (const i of packed.items) {
    console.error(`  packed: ${i.source.padEnd(11)} ${`${i.path}:${i.startLine + 1}`.padEnd(48)} ${i.score.toFixed(2).padStart(6)} ${i.tokens}t  ${i.reason.slice(0, 90)}`);
  }
}

/**
 * The `n` longest indexed files by lines (ties by path), in path order. Lines, not bytes: a keystroke's cost grows with
 * the lines of the file, and the largest files by bytes can be one-line minified bundles (never parsed, nothing sampled).
 */
function largestFiles(repo: string, index: WorkspaceIndex, n: number): string[] {
  const sized = [...index.allFiles()].map((f) => {
    let lines = 0;
    try {
      lines = lineCount(fs.readFileSync(path.join(repo, f.path), 'utf8'));
    } catch {
      // unreadable now: not a candidate
    }
    return { path: f.path, lines };
  });
  return sized.sort((a, b) => b.lines - a.lines || (a.path < b.path ? -1 : 1)).slice(0, n).map((f) => f.path).sort();
}

function lineCount(text: string | undefined): number {
  let n = 0;
  for (let i = text?.indexOf('\n') ?? -1; i >= 0; i = text!.indexOf('\n', i + 1)) n++;
  return n + 1;
}

/**
 * The samples drawn once and kept in `--samples-file` (see the header): read from it when it exists (the child then only
 * computes the masked texts' imports), else drawn and written there.
 */
function samplesFor(args: Args, init: SamplerInit): Promise<SamplerResult> {
  const file = args.samplesFile;
  if (file && fs.existsSync(file)) {
    console.error(`oracle: samples read from ${file} (no oracle run)`);
    return drawSamplesInChild({ ...init, drawn: JSON.parse(fs.readFileSync(file, 'utf8')) as DrawnSamples });
  }
  return drawSamplesInChild(init).then((result) => {
    if (file) fs.writeFileSync(file, JSON.stringify(result.drawn));
    return result;
  });
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  console.error(`ctags: ${checkCtags()}`);
  const { index, files, figures } = await measureIndexBuild(args.repo, args.seed, (l) => console.error(l));
  const mb = (n: number) => Math.round(n / 1048576);
  const mem = () => {
    const m = process.memoryUsage();
    return `rss ${mb(m.rss)} MB (heap ${mb(m.heapUsed)}, external ${mb(m.external)}, array buffers ${mb(m.arrayBuffers)})`;
  };
  console.error(`memory after indexing: ${mem()}`);

  const langCount = new Map<string, number>();
  for (const f of index.allFiles()) langCount.set(f.language, (langCount.get(f.language) ?? 0) + 1);
  const language = [...langCount].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none';

  // File texts, read from disk when needed; the harness keeps only the last few (the current file and its neighbours).
  const readText = recentFileTexts(args.repo, TEXT_CACHE_FILES);

  const o0 = performance.now();
  // Two sample sets (bench/oracles/sampling.ts): the precise oracle's, scored as `recall`, and the ctags method of
  // earlier figures, scored as `recall_ctags`. A line in both is assembled once.
  const cursorFiles = args.largest > 0 ? largestFiles(args.repo, index, args.largest) : files;
  if (args.largest > 0) console.error(`cursors in the ${cursorFiles.length} largest files: ${cursorFiles.map((f) => `${f} (${lineCount(readText(f))} lines)`).join(', ')}`);
  // The oracles run in a child process (bench/oracles/samplerChild.ts): this process's RSS is the engine's and the harness's.
  const { drawn, maskedImports, peakRssMb: samplerRssMb } = await samplesFor(args, { repo: args.repo, files, cursorFiles, count: args.samples, seed: args.seed, budgetMs: args.oracleMinutes * 60_000 });
  const rssOracleMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.error(`oracle: ${drawn.precise.length} precise samples (${JSON.stringify(drawn.oracles)}) from ${drawn.queries} queries, rejected ${JSON.stringify(drawn.rejected)}; ${drawn.ctags.length} ctags samples (${(performance.now() - o0).toFixed(0)} ms)`);
  type SetName = 'precise' | 'ctags';
  const byLine = new Map<string, { s: Sample; set: SetName }[]>();
  for (const [set, list] of [['precise', drawn.precise], ['ctags', drawn.ctags]] as const) {
    for (const s of list) {
      const k = `${s.file}:${s.line}`;
      const entries = byLine.get(k);
      if (entries) entries.push({ s, set });
      else byLine.set(k, [{ s, set }]);
    }
  }
  const phase = { ours: 0, jaccard: 0, imports: 0, setup: 0 };

  const windows = new WindowCache(64);
  const ours = new TreeSitterContextEngine({ index });
  await ours.loadPackageManifests();
  // What the baselines need later, and no more: the masked text and its imports are rebuilt from the file (holding 300
  // structures of 5,000-line files cost ~200 MB of heap; holding their imports, what the heap grew by while sampling).
  const baselineRuns: { s: Sample; set: SetName; offset: number; neighbours: string[]; goldText: string }[] = [];
  const newScore = () => ({ n: 0, recall: 0, jac: 0, imp: 0, none: 0, tokens: 0, goldTokens: 0, lsp: 0, lspHinted: 0 });
  // Loaded only when asked for: it brings the whole TypeScript compiler, which on every run (in this thread and in the
  // engine's worker, both running this bundle) had added ~140 MB to the peak RSS the benchmark reports as the engine's.
  const lsp = args.lspHints ? new (await import('./lspHints')).MaskedFileHints(args.repo, new Set(files)) : undefined;
  const score: Record<SetName, ReturnType<typeof newScore>> = { precise: newScore(), ctags: newScore() };
  let printedMisses = 0;
  const assembleMs: number[] = [];
  // Where tree-sitter's wasm memory (which never shrinks) grows: printed at each sample that grew it.
  let wasmBefore = wasmHeapBytes();
  for (const entries of byLine.values()) {
    const s = entries[0].s;
    const text = readText(s.file)!;
    const { masked, prefix, hidden } = maskLine(text, s.line);
    const languageId = languageForPath(s.file) ?? 'plaintext';

    // The editor's neighbours: files of the same folder and the files the imports resolve to (at most 20, as open tabs).
    const p0 = performance.now();
    // The file was open before the user got to this line: parse it whole (untimed). The masked text is then an edit,
    // which assemble() re-parses and re-extracts, timed (what a keystroke costs). The imports of the masked text that
    // choose the neighbours and feed the imports baseline come from a parse of its own, outside our engine's cache.
    await ours.documents.get(s.file, languageId, 1, text);
    const structure = importsStructure(languageId, maskedImports[`${s.file}:${s.line}`]);
    const imported = ours.importedFiles(s.file, structure, s.line);
    const dir = path.posix.dirname(s.file);
    const neighbours = [...new Set([...files.filter((f) => path.posix.dirname(f) === dir), ...imported.keys()])].filter((f) => f !== s.file);
    const activity = new RecentActivity(20);
    for (const n of neighbours.slice(0, 20).reverse()) {
      const t = readText(n);
      // Opened before the user got here: the extension prepares an open document's windows when it is opened.
      const open = { relPath: n, languageId: languageForPath(n) ?? 'plaintext', version: 1, text: t ?? '' };
      if (t !== undefined && activity.noteDocument(open)) ours.prepare(open);
    }
    ours.activity = activity;
    // The editor says which line the cursor is on (the extension's snapshots carry it).
    const doc = { path: s.file, relPath: s.file, languageId, text: masked, version: 2, offset: prefix.length, line: s.line };
    const a0 = performance.now();
    phase.setup += a0 - p0;
    const packed = await ours.assemble({ doc, budgetTokens: args.budget, purpose: 'completion' });
    assembleMs.push(performance.now() - a0);
    // Untimed: the idle time before the next request, where a document answered from a window finishes its whole
    // re-parse (src/core/context/documentCache.ts), whatever the machine's speed.
    await ours.documents.settled();
    if (packed.tokens > args.budget) throw new Error(`packed ${packed.tokens} tokens over the budget ${args.budget} at ${s.file}:${s.line + 1}`);
    // The same request with the simulated language server's hints (untimed; forgotten before the next sample).
    let lspPacked: { items: readonly ContextItem[]; hints: number } | undefined;
    const assembleWithHints = async (file: string, maskedText: string) => {
      ours.hints.set(file, lsp!.hints(file, maskedText, s.line, languageId), index);
      const hints = ours.hints.held(file, index).length;
      const again = await ours.assemble({ doc, budgetTokens: args.budget, purpose: 'completion' });
      ours.hints.forget(file);
      // As after the first: the engine's background work ends before the next sample's timed request.
      await ours.documents.settled();
      return { items: again.items, hints };
    };
    for (const { s: e, set } of entries) {
      const sc = score[set];
      // Detached: kept until the baselines run, a line cut from the gold file would keep the whole file.
      const goldText = detach(readText(e.gold.file)?.split('\n')[e.gold.line] ?? '');
      sc.n++;
      sc.tokens += packed.tokens;
      sc.goldTokens += packed.items.filter((i) => i.path === e.gold.file).reduce((n, i) => n + i.tokens, 0);
      if (hit(packed.items, e, goldText)) sc.recall++;
      else if (set === 'precise' && printedMisses < args.misses) {
        printedMisses++;
        printMiss(e, hidden, goldText, index, packed);
      }
      if (hit([], e, goldText)) sc.none++;
      if (lsp && set === 'precise') {
        lspPacked ??= await assembleWithHints(s.file, masked);
        if (lspPacked.hints > 0) sc.lspHinted++;
        if (hit(lspPacked.items, e, goldText)) sc.lsp++;
      }
      baselineRuns.push({ s: e, set, offset: prefix.length, neighbours, goldText });
    }
    phase.ours += performance.now() - a0;
    if (wasmHeapBytes() > wasmBefore) {
      console.error(`wasm memory ${mb(wasmBefore)} -> ${mb(wasmHeapBytes())} MB at ${s.file}:${s.line + 1} (${text.length} chars)`);
      wasmBefore = wasmHeapBytes();
    }
  }
  lsp?.close();
  // Peak RSS of indexing + our engine, before the baselines (and their caches) run.
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  // What of it is held, not garbage: the JS heap after a full collection (index, oracle data, harness, the engine's
  // caches), and tree-sitter's wasm memory on this thread (the engine's trees and the harness's parses; never shrinks).
  (globalThis as { gc?: () => void }).gc?.();
  const heldMb = { heap_after_gc: mb(process.memoryUsage().heapUsed), wasm: mb(wasmHeapBytes()) };
  console.error(`after our engine's sampling: ${JSON.stringify(heldMb)} MB`);
  for (const b of baselineRuns) {
    const b0 = performance.now();
    const masked = maskLine(readText(b.s.file)!, b.s.line).masked;
    if (hit(jaccardBaseline(b.s.file, masked, b.offset, b.neighbours, readText, windows, args.budget).items, b.s, b.goldText)) score[b.set].jac++;
    const b1 = performance.now();
    const structure = importsStructure(languageForPath(b.s.file) ?? 'plaintext', maskedImports[`${b.s.file}:${b.s.line}`]);
    const imported = ours.importedFiles(b.s.file, structure, b.s.line);
    if (hit(importsBaseline(b.s.file, structure.imports, imported, index, args.budget).items, b.s, b.goldText)) score[b.set].imp++;
    phase.jaccard += b1 - b0;
    phase.imports += performance.now() - b1;
  }
  console.error(`memory after sampling: ${mem()}`);
  console.error(`phases (ms total): ${JSON.stringify(Object.fromEntries(Object.entries(phase).map(([k, v]) => [k, Math.round(v)])))}`);
  console.error(`peak RSS with baselines: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  const { precise: p, ctags: c } = score;
  const of = (x: number, sc: { n: number }) => r3(x / Math.max(1, sc.n));
  console.error(`precision proxy (share of context tokens from the gold definition's file): ${r3(p.goldTokens / Math.max(1, p.tokens))}`);
  console.error(`index throughput: ${figures.index_files_s} files/s, ${figures.index_mb_s} MB/s`);
  console.log(JSON.stringify({
    repo: args.repo,
    language,
    samples: p.n,
    budget: args.budget,
    recall: of(p.recall, p),
    baselines: { none: of(p.none, p), jaccard: of(p.jac, p), imports: of(p.imp, p) },
    recall_ctags: of(c.recall, c),
    // Not the engine's figure: with a simulated language server's hints (--lsp-hints, bench/lspHints.ts).
    ...(lsp ? { recall_lsp: of(p.lsp, p), lsp_hinted_samples: p.lspHinted, lsp_calls: lsp.calls, lsp_ms: Math.round(lsp.ms) } : {}),
    samples_ctags: c.n,
    baselines_ctags: { none: of(c.none, c), jaccard: of(c.jac, c), imports: of(c.imp, c) },
    oracle: drawn.oracles,
    oracle_rejected: drawn.rejected,
    ...(drawn.fallbacks.length ? { oracle_fallbacks: drawn.fallbacks } : {}),
    tokens_mean: Math.round(p.tokens / Math.max(1, p.n)),
    assemble_ms: { p50: r3(percentile(assembleMs, 50)), p95: r3(percentile(assembleMs, 95)) },
    ...(args.largest > 0 ? { largest: { files: cursorFiles.length, max_lines: Math.max(...cursorFiles.map((f) => lineCount(readText(f)))) } } : {}),
    ...figures,
    // The engine's process: its peak up to the end of our engine's sampling (the index build with its worker pool, the
    // engine, and the harness's texts), before the baselines. The oracles ran in the sampler's process.
    rss_mb: rssMb,
    rss_peaks_mb: { after_index: figures.rss_after_index_mb, after_oracle: rssOracleMb, after_sampling: rssMb },
    // The sampler's process (ctags, the scope oracle, language server clients; not the TypeScript oracle's own process).
    rss_sampler_mb: samplerRssMb,
    held_mb: heldMb,
  }));
}

runInEngineWorker(__filename, main);
