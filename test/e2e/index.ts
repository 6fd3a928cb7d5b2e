/**
 * Entry point of the e2e suite inside VS Code's extension host (code-server or desktop VS Code): the
 * `extensionTestsPath` module. Runs every bundled suite file (out/e2e/suite/**\/*.test.js) with mocha.
 *
 * Environment (optional): PHI_E2E_GREP filters tests by title; PHI_E2E_RESULTS names a JSON file that receives
 * the results, so the runner has them even if the console forwarding loses lines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 120_000,
    forbidOnly: true,
    grep: process.env.PHI_E2E_GREP || undefined,
  });
  const suiteDir = path.join(__dirname, 'suite');
  const files = (fs.readdirSync(suiteDir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  if (files.length === 0) throw new Error(`no bundled suite files in ${suiteDir}`);
  for (const f of files) mocha.addFile(path.join(suiteDir, f));

  const results: TestResult[] = [];
  const started = Date.now();
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      const runner = mocha.run((count) => resolve(count));
      runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
      runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending' }));
      runner.on('fail', (t, err: Error) => results.push({ title: t.fullTitle(), state: 'failed', error: err?.stack ?? String(err) }));
    } catch (err) {
      reject(err);
    }
  });
  const resultsFile = process.env.PHI_E2E_RESULTS;
  if (resultsFile) {
    fs.writeFileSync(resultsFile, JSON.stringify({ failures, durationMs: Date.now() - started, files, results }, null, 2));
  }
  if (failures > 0) throw new Error(`${failures} e2e test(s) failed`);
}
