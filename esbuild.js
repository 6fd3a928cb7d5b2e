// Build: the extension (cjs/node, `vscode` external), the chat webview (iife/browser), and the tree-sitter wasm files.
// Usage: node esbuild.js [--watch] [--production]
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const root = __dirname;
const dist = path.join(root, 'dist');

/** Grammars the extension ships (tree-sitter-wasms file stems). Keep in sync with src/core/context/languages.ts. */
const GRAMMARS = [
  'typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'c_sharp', 'ruby', 'php',
];

function copyAssets() {
  const wasmOut = path.join(dist, 'wasm');
  fs.mkdirSync(wasmOut, { recursive: true });
  const runtime = require.resolve('web-tree-sitter/tree-sitter.wasm');
  fs.copyFileSync(runtime, path.join(wasmOut, 'tree-sitter.wasm'));
  const grammarDir = path.join(path.dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
  for (const g of GRAMMARS) {
    fs.copyFileSync(path.join(grammarDir, `tree-sitter-${g}.wasm`), path.join(wasmOut, `tree-sitter-${g}.wasm`));
  }
  const queriesSrc = path.join(root, 'src', 'core', 'context', 'queries');
  if (fs.existsSync(queriesSrc)) {
    fs.cpSync(queriesSrc, path.join(dist, 'queries'), { recursive: true });
  }
}

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

async function main() {
  fs.mkdirSync(dist, { recursive: true });
  copyAssets();
  const builds = [
    {
      ...common,
      entryPoints: [path.join(root, 'src', 'extension.ts')],
      outfile: path.join(dist, 'extension.js'),
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      external: ['vscode'],
    },
    {
      // The workspace index's parse workers (worker_threads): src/core/context/indexPool.ts starts dist/indexWorker.js.
      ...common,
      entryPoints: [path.join(root, 'src', 'core', 'context', 'indexWorker.ts')],
      outfile: path.join(dist, 'indexWorker.js'),
      platform: 'node',
      format: 'cjs',
      target: 'node18',
    },
    {
      // The context engine's worker (index, documents, assemble): src/core/context/engineClient.ts starts dist/engineWorker.js.
      ...common,
      entryPoints: [path.join(root, 'src', 'core', 'context', 'engineWorker.ts')],
      outfile: path.join(dist, 'engineWorker.js'),
      platform: 'node',
      format: 'cjs',
      target: 'node18',
    },
  ];
  const webviewEntry = path.join(root, 'src', 'webview', 'main.ts');
  if (fs.existsSync(webviewEntry)) {
    builds.push({
      ...common,
      entryPoints: [webviewEntry],
      outfile: path.join(dist, 'webview.js'),
      platform: 'browser',
      format: 'iife',
      target: 'es2020',
    });
  }
  if (watch) {
    for (const b of builds) {
      const ctx = await esbuild.context(b);
      await ctx.watch();
    }
    console.log('[esbuild] watching…');
  } else {
    await Promise.all(builds.map((b) => esbuild.build(b)));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
