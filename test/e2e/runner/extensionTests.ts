/**
 * Runs the mocha suite (out/e2e/index.js) in code-server's extension host, the way @vscode/test-web does in the
 * browser: the test payload goes in the workbench URL, and the workbench reports the tests' console output and exit
 * code through the page functions codeAutomationLog / codeAutomationExit.
 */
import { format } from 'node:util';
import type { Page } from 'playwright-core';

/** Harmless workbench errors of an offline machine (extension gallery look-ups). */
const WORKBENCH_NOISE = /Gallery|open-vsx|marketplace|ENOTFOUND|Failed to fetch/i;

export interface ExtensionTestRun {
  exitCode: number;
  /** Everything the workbench reported (suite console output and workbench errors), one entry per call. */
  output: string[];
  timedOut: boolean;
}

export interface ExtensionTestOptions {
  serverUrl: string;
  workspace: string;
  /** Folder of the extension under development; absent in --vsix mode (the installed extension is used). */
  extensionDevelopmentPath?: string;
  extensionTestsPath: string;
  timeoutMs: number;
  print: (line: string) => void;
}

/** The workbench URL that opens `workspace` and runs the tests in the extension host. */
export function testPayloadUrl(opts: Omit<ExtensionTestOptions, 'timeoutMs' | 'print'>): string {
  const { host } = new URL(opts.serverUrl);
  const remote = (p: string) => `vscode-remote://${host}${p}`;
  const payload: [string, string][] = [];
  if (opts.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(opts.extensionDevelopmentPath)]);
  payload.push(['extensionTestsPath', remote(opts.extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  return `${opts.serverUrl}/?folder=${encodeURIComponent(opts.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function runExtensionTests(page: Page, opts: ExtensionTestOptions): Promise<ExtensionTestRun> {
  const output: string[] = [];
  let finish!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (finish = resolve));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    // The workbench forwards console calls with their format arguments (mocha's reporter logs "%s" patterns).
    const text = format(...(Array.isArray(args) ? args : [args]));
    output.push(`[${type}] ${text}`);
    // The workbench also reports its own failed marketplace look-ups (no internet here): keep them in the log only.
    if ((type === 'error' || type === 'warn') && WORKBENCH_NOISE.test(text)) return;
    for (const line of text.replace(/\n$/, '').split('\n')) {
      const shown = type === 'error' || type === 'warn' ? `[${type}] ${line}` : line;
      opts.print(shown);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => finish(Number(code)));
  await page.goto(testPayloadUrl(opts), { waitUntil: 'domcontentloaded', timeout: 180_000 });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), opts.timeoutMs)));
  const result = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') return { exitCode: 1, output, timedOut: true };
  return { exitCode: result, output, timedOut: false };
}
