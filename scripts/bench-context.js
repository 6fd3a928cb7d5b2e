#!/usr/bin/env node
// `npm run bench:<name> -- ...`: runs bench/<name>.ts on the code as the extension ships it. The extension is built
// (`node esbuild.js`: dist/wasm, dist/queries, dist/indexWorker.js, dist/engineWorker.js), the benchmark is bundled by
// esbuild into dist/bench/<name>.js next to them, and node runs it (with --expose-gc, for the memory figures). Under
// tsx the TypeScript loader alone adds ~50 MB to the process's RSS (measured: one parse, 109 MB under tsx against
// 56 MB bundled) and its source-map handling adds CPU time to this thread, which the benchmarks would otherwise count
// as the engine's. Usage: node scripts/bench-context.js [--bench <name>] [benchmark arguments]; the default name is
// `context` (bench/context.ts). `npx tsx bench/<name>.ts ...` still works, for debugging.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..');
const args = process.argv.slice(2);
const at = args.indexOf('--bench');
const name = at >= 0 ? args.splice(at, 2)[1] : 'context';
const build = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.js')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);
esbuild.buildSync({
  // The context benchmark's oracles run in child processes (bench/oracles/samplerChild.ts, typescriptChild.ts).
  entryPoints: { [name]: path.join(ROOT, 'bench', `${name}.ts`), typescriptOracleWorker: path.join(ROOT, 'bench', 'oracles', 'typescriptWorker.ts'), contextSampler: path.join(ROOT, 'bench', 'oracles', 'samplerWorker.ts') },
  outdir: path.join(ROOT, 'dist', 'bench'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  // The TypeScript compiler (the oracle's, and --lsp-hints') is loaded from node_modules when it is used, not bundled: a
  // 10 MB script compiled by this thread and by the engine's worker, which run this bundle, added ~140 MB to every
  // run's peak RSS, the figure reported as the engine's.
  external: ['typescript'],
  // No source map, as in the packaged extension: loaded, it stays in memory (~4 MB here).
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, ['--expose-gc', path.join(ROOT, 'dist', 'bench', `${name}.js`), ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
