/**
 * One run on code-server: start the UI simulator, seed the user settings, start code-server and chromium, run the
 * extension-host suite through the test payload, then the Playwright UI tier on the same server. Whatever happens,
 * the server, the browser and the simulator are stopped and the artefacts land in test-results/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchChromium, screenshot, type OwnedBrowser } from './browser';
import { freshWorkspace, installVsix, makeRunDirs, startCodeServer, writeUserSettings, type CodeServer, type RunDirs } from './codeServer';
import { runExtensionTests } from './extensionTests';
import { sampleMemory } from './processes';
import type { RunOptions } from './main';
import { startUiSimulator, simulatorSettings } from './simulator';
import { findLlama } from '../../real/llamaServer';
import { openWorkbench } from '../../ui/workbench';
import { runUiChecks } from '../../ui/run';
import type { UiCheckResult, UiContext, UiSimulator } from '../../ui/harness';

interface Tools {
  node: string;
  codeServerEntry: string;
  chromium: string;
}

export async function runOnCodeServer(opts: RunOptions, tools: Tools, testsIndex: string, log: (m: string) => void): Promise<number> {
  const dirs = makeRunDirs(opts.repoRoot);
  const memory = sampleMemory();
  let server: CodeServer | undefined;
  let browser: OwnedBrowser | undefined;
  /** The UI simulator; a UI check may stop and restart it (ctx.stopSimulator), so always read it from here. */
  const holder: { sim?: UiSimulator } = {};
  let failed = true;
  const resultsFile = path.join(dirs.root, 'suite-results.json');
  try {
    const sim = (holder.sim = await startUiSimulator(log));
    writeUserSettings(dirs, simulatorSettings(sim));
    const env: Record<string, string> = { PHI_E2E_RESULTS: resultsFile, PHI_E2E_MODE: opts.vsix ? 'vsix' : 'source' };
    if (opts.grep) env.PHI_E2E_GREP = opts.grep;
    // The real llama-server for suite/realServer.test.ts (the suite runs bundled, far from ../shared): where it is, or why not.
    const llama = findLlama(opts.repoRoot);
    if (typeof llama === 'string') env.PHI_E2E_LLAMA_MISSING = llama;
    else Object.assign(env, { PHI_LLAMA_SERVER: llama.server, PHI_LLAMA_MODEL: llama.model });
    const serverOpts = { node: tools.node, entry: tools.codeServerEntry, dirs, env, log };
    if (opts.vsix) {
      const vsix = path.join(opts.repoRoot, `phi-coder-${packageVersion(opts.repoRoot)}.vsix`);
      if (!fs.existsSync(vsix)) throw new Error(`${path.basename(vsix)} not found: run \`npm run package\` first`);
      const ti = Date.now();
      installVsix(serverOpts, vsix);
      log(`installed ${path.basename(vsix)} in ${Date.now() - ti} ms`);
    }
    const ts = Date.now();
    server = await startCodeServer(serverOpts);
    log(`code-server listening on ${server.url} in ${Date.now() - ts} ms (workspace ${dirs.workspace})`);
    browser = await launchChromium(tools.chromium, path.join(dirs.root, 'chromium-profile'), log);

    let suiteOk = true;
    if (opts.suite) suiteOk = await runSuite(opts, server, browser, dirs, testsIndex, resultsFile, log);

    let uiResults: UiCheckResult[] = [];
    if (opts.ui) {
      // The suite may have changed user settings; the UI tier starts from the seeded ones again.
      writeUserSettings(dirs, simulatorSettings(sim));
      uiResults = await runUi(opts, server, browser, dirs, holder as { sim: UiSimulator }, log);
    }
    const uiOk = uiResults.every((r) => r.ok);
    if (opts.ui) log(`UI tier: ${uiResults.filter((r) => r.ok).length}/${uiResults.length} checks passed`);
    failed = !(suiteOk && uiOk);
    return failed ? 1 : 0;
  } finally {
    const peak = memory.stop();
    log(`peak memory of code-server + chromium: ${peak.pssMb} MB PSS (${peak.rssMb} MB summed RSS over ${peak.processes} processes)`);
    await browser?.browser.close().catch(() => undefined);
    await browser?.process.stop();
    await server?.process.stop();
    await holder.sim?.close().catch(() => undefined);
    collectLogs(dirs, opts.artifacts, failed);
    if (opts.keep) log(`kept the run folder ${dirs.root}`);
    else fs.rmSync(dirs.root, { recursive: true, force: true });
  }
}

async function runSuite(opts: RunOptions, server: CodeServer, browser: OwnedBrowser, dirs: RunDirs, testsIndex: string, resultsFile: string, log: (m: string) => void): Promise<boolean> {
  const page = await browser.newPage();
  const t0 = Date.now();
  log(`extension-host suite (${opts.vsix ? 'installed .vsix' : 'extension from source'}) …`);
  const run = await runExtensionTests(page, {
    serverUrl: server.url,
    workspace: dirs.workspace,
    // VS Code runs a test payload only in extension development mode: with --vsix an empty host extension is the
    // development extension and Phi Coder comes from the installed .vsix.
    extensionDevelopmentPath: opts.vsix ? path.join(opts.repoRoot, 'test', 'e2e', 'vsix-host') : opts.repoRoot,
    extensionTestsPath: testsIndex,
    // A stop for a hung suite, not a target: on a quiet machine it takes 2-4 minutes; under load it took over 5.
    timeoutMs: Math.min(20 * 60_000, opts.timeoutMs),
    print: (line) => console.log(`  | ${line}`),
  });
  fs.mkdirSync(dirs.logs, { recursive: true });
  fs.writeFileSync(path.join(dirs.logs, 'suite-console.log'), run.output.join('\n'));
  const results = readResults(resultsFile);
  if (results) {
    const passed = results.results.filter((r) => r.state === 'passed').length;
    log(`extension-host suite: ${passed} passed, ${results.failures} failed, exit code ${run.exitCode}, ${Date.now() - t0} ms`);
    for (const r of results.results.filter((x) => x.state === 'failed')) log(`  FAILED: ${r.title}\n${indent(r.error ?? '')}`);
  } else {
    log(`extension-host suite: exit code ${run.exitCode}, no results file (the suite never finished: activation or bundle error?)`);
  }
  if (run.timedOut) log('extension-host suite TIMED OUT');
  const ok = run.exitCode === 0 && !run.timedOut && !!results && results.failures === 0 && results.results.length > 0;
  if (!ok) {
    const shot = await screenshot(page, path.join(opts.artifacts, 'suite'), 'FAILED-extension-host-suite');
    if (shot) log(`screenshot: ${shot}`);
  }
  if (results) fs.writeFileSync(path.join(opts.artifacts, 'suite-results.json'), JSON.stringify(results, null, 2));
  await page.close().catch(() => undefined);
  return ok;
}

async function runUi(opts: RunOptions, server: CodeServer, browser: OwnedBrowser, dirs: RunDirs, holder: { sim: UiSimulator }, log: (m: string) => void): Promise<UiCheckResult[]> {
  const page = await browser.newPage();
  const shots = path.join(opts.artifacts, 'ui');
  fs.rmSync(shots, { recursive: true, force: true });
  // A workspace of its own: the suite's edits, open editors and panels must not leak into the UI checks.
  const workspace = freshWorkspace(opts.repoRoot, dirs, 'workspace-ui');
  const t0 = Date.now();
  await openWorkbench(page, {
    serverUrl: server.url,
    workspace,
    extensionDevelopmentPath: opts.vsix ? undefined : opts.repoRoot,
  });
  log(`UI tier: workbench loaded in ${Date.now() - t0} ms`);
  const ctx: UiContext = {
    page,
    serverUrl: server.url,
    workspace,
    sim: holder.sim,
    async stopSimulator() {
      const { port } = ctx.sim;
      await ctx.sim.close();
      return async () => {
        holder.sim = ctx.sim = await startUiSimulator(log, port);
      };
    },
    screenshot: (name) => screenshot(page, shots, name),
    log,
  };
  const results = await runUiChecks(ctx, opts.uiFilters);
  fs.writeFileSync(path.join(opts.artifacts, 'ui-results.json'), JSON.stringify(results, null, 2));
  await page.close().catch(() => undefined);
  return results;
}

interface SuiteResults {
  failures: number;
  results: { title: string; state: string; error?: string }[];
}

function readResults(file: string): SuiteResults | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResults;
  } catch {
    return undefined;
  }
}

function packageVersion(repoRoot: string): string {
  return (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** code-server's log and the workbench/extension-host logs go to test-results/logs (always: they are small). */
function collectLogs(dirs: RunDirs, artifacts: string, failed: boolean): void {
  const out = path.join(artifacts, 'logs');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  try {
    fs.cpSync(dirs.logs, out, { recursive: true });
    const vsLogs = path.join(dirs.userData, 'logs');
    if (fs.existsSync(vsLogs)) fs.cpSync(vsLogs, path.join(out, 'vscode'), { recursive: true });
  } catch (err) {
    if (failed) console.error(`[e2e] could not collect logs: ${String(err)}`);
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}
