#!/usr/bin/env node
// `npm run bench:context -- --repo <dir> ...`: the context benchmark (bench/context.ts) on the engine as the extension
// ships it. The extension is built (`node esbuild.js`: dist/wasm, dist/queries, dist/indexWorker.js), the benchmark is
// bundled by esbuild into dist/bench/context.js next to them, and plain node runs it. Under tsx the TypeScript loader
// alone adds ~50 MB to the process's RSS (measured: one parse, 109 MB under tsx against 56 MB bundled), which the
// benchmark's peak RSS would otherwise count as the engine's. `npx tsx bench/context.ts ...` still works, for debugging.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..');
const build = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.js')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);
esbuild.buildSync({
  entryPoints: [path.join(ROOT, 'bench', 'context.ts')],
  outfile: path.join(ROOT, 'dist', 'bench', 'context.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  // No source map, as in the packaged extension: loaded, it stays in memory (~4 MB here).
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'bench', 'context.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
