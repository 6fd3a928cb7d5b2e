/**
 * The same suite in desktop VS Code through @vscode/test-electron. It downloads VS Code (stable) into .vscode-test/
 * on first use, so it needs internet access to update.code.visualstudio.com; it cannot run on the offline CI
 * machines, where the code-server runner is used instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeRunDirs, writeUserSettings } from './codeServer';
import type { RunOptions } from './main';

export async function runOnDesktop(opts: RunOptions, testsIndex: string, log: (m: string) => void): Promise<number> {
  const dirs = makeRunDirs(opts.repoRoot);
  // The suite starts its own simulators; until it does, the extension must never reach a real server on this machine.
  writeUserSettings(dirs, { 'phiCoder.backend': 'ollama', 'phiCoder.endpoint': 'http://127.0.0.1:9' });
  const resultsFile = path.join(dirs.root, 'suite-results.json');
  const t0 = Date.now();
  try {
    const launchArgs = [dirs.workspace, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'];
    if (opts.vsix) log('--vsix is not wired for --desktop: loading the extension from source');
    const code = await runTests({
      extensionDevelopmentPath: opts.repoRoot,
      extensionTestsPath: testsIndex,
      launchArgs,
      extensionTestsEnv: { PHI_E2E_RESULTS: resultsFile, ...(opts.grep ? { PHI_E2E_GREP: opts.grep } : {}) },
    });
    log(`desktop VS Code suite: exit code ${code} in ${Date.now() - t0} ms`);
    if (fs.existsSync(resultsFile)) fs.copyFileSync(resultsFile, path.join(opts.artifacts, 'suite-results.json'));
    return code;
  } catch (err) {
    log(`desktop VS Code run failed: ${err instanceof Error ? err.message : String(err)}`);
    log('The desktop runner downloads VS Code and needs internet access; on an offline machine use the default (code-server) runner.');
    return 1;
  } finally {
    if (!opts.keep) fs.rmSync(dirs.root, { recursive: true, force: true });
  }
}
