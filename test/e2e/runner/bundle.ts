/**
 * Bundles the e2e suite for the extension host: test/e2e/index.ts -> out/e2e/index.js and every
 * test/e2e/suite/**\/*.test.ts -> out/e2e/suite/**\/*.test.js (cjs, node; `vscode` and `mocha` stay external and
 * resolve at run time from the host and node_modules). The simulator (test/sim) is bundled into the suite files
 * that import it, since the suite starts it in the extension host.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

export async function bundleSuite(repoRoot: string): Promise<{ outDir: string; index: string; suites: string[] }> {
  const srcDir = path.join(repoRoot, 'test', 'e2e');
  const outDir = path.join(repoRoot, 'out', 'e2e');
  // Start clean so a deleted suite file never runs from a stale bundle.
  fs.rmSync(outDir, { recursive: true, force: true });
  const suiteDir = path.join(srcDir, 'suite');
  const suites = (fs.readdirSync(suiteDir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(suiteDir, f));
  await esbuild.build({
    entryPoints: [path.join(srcDir, 'index.ts'), ...suites],
    outbase: srcDir,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return { outDir, index: path.join(outDir, 'index.js'), suites };
}
