/**
 * The e2e run on code-server (default) or desktop VS Code (--desktop). Called by scripts/e2e.js, which holds the
 * e2e lock, runs the set-up and the build first. See test/e2e/README.md for the options.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleSuite } from './bundle';
import { runOnCodeServer } from './codeServerRun';
import { runOnDesktop } from './desktop';
import { stopAll, stopLeftoversOfKilledRun } from './processes';

export interface RunOptions {
  repoRoot: string;
  /** Install the packaged phi-coder-<version>.vsix instead of loading the extension from source. */
  vsix: boolean;
  desktop: boolean;
  /** Skip the Playwright UI tier / the extension-host suite. */
  ui: boolean;
  suite: boolean;
  grep?: string;
  uiFilters: string[];
  keep: boolean;
  /** Hard limit for the whole run; everything started is stopped when it hits. */
  timeoutMs: number;
  artifacts: string;
}

const log = (msg: string) => console.log(`[e2e] ${msg}`);

export function parseArgs(argv: string[], repoRoot: string): RunOptions {
  const opts: RunOptions = {
    repoRoot,
    vsix: false,
    desktop: false,
    ui: true,
    suite: true,
    uiFilters: [],
    keep: false,
    timeoutMs: 30 * 60_000,
    artifacts: path.join(repoRoot, 'test-results'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--vsix') opts.vsix = true;
    else if (a === '--desktop') opts.desktop = true;
    else if (a === '--no-ui') opts.ui = false;
    else if (a === '--ui-only') opts.suite = false;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--grep') opts.grep = argv[++i];
    else if (a === '--ui') opts.uiFilters.push(argv[++i]);
    else if (a === '--timeout') opts.timeoutMs = Number(argv[++i]) * 1000;
    else if (a === '--no-build' || a === '--no-setup') continue; // handled by scripts/e2e.js
    else throw new Error(`unknown option ${a} (see test/e2e/README.md)`);
  }
  if (opts.desktop) opts.ui = false; // the UI tier drives the web workbench only
  return opts;
}

export async function main(argv: string[], repoRoot: string, tools: { node: string; codeServerEntry: string; chromium: string }): Promise<number> {
  const opts = parseArgs(argv, repoRoot);
  const t0 = Date.now();
  stopLeftoversOfKilledRun(log);
  fs.mkdirSync(opts.artifacts, { recursive: true });

  let hardTimer: NodeJS.Timeout | undefined;
  const hardTimeout = new Promise<number>((resolve) => {
    hardTimer = setTimeout(() => {
      log(`HARD TIMEOUT after ${opts.timeoutMs / 1000} s: stopping everything`);
      resolve(124);
    }, opts.timeoutMs);
  });
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping code-server and chromium`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const tb = Date.now();
    const bundle = await bundleSuite(repoRoot);
    log(`bundled ${bundle.suites.length} suite file(s) into ${path.relative(repoRoot, bundle.outDir)} in ${Date.now() - tb} ms`);
    const run = opts.desktop ? runOnDesktop(opts, bundle.index, log) : runOnCodeServer(opts, tools, bundle.index, log);
    const code = await Promise.race([run, hardTimeout]);
    log(`${code === 0 ? 'PASSED' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s (e2e run, set-up and build excluded)`);
    return code;
  } finally {
    clearTimeout(hardTimer);
    await stopAll();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
