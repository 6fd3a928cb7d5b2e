/**
 * Debian's chromium, started by us in its own process group (so it is always stopped, whatever happens to the
 * runner) and driven by playwright-core over CDP. Never `playwright install`: nothing is downloaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startGroup, type OwnedProcess } from './processes';

export interface OwnedBrowser {
  browser: Browser;
  context: BrowserContext;
  process: OwnedProcess;
  newPage(): Promise<Page>;
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--window-size=1400,900',
  '--remote-debugging-port=0',
];

export async function launchChromium(executable: string, userDataDir: string, log: (msg: string) => void): Promise<OwnedBrowser> {
  fs.mkdirSync(userDataDir, { recursive: true });
  const proc = startGroup('chromium', executable, [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`chromium printed no DevTools endpoint in 30 s:\n${stderr}`)), 30_000);
    proc.child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    proc.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`chromium exited (${code}) before it listened:\n${stderr}`));
    });
  });
  // Keep draining stderr so chromium never blocks on a full pipe.
  proc.child.stderr?.resume();
  const browser = await chromium.connectOverCDP(endpoint, { timeout: 30_000 });
  const context = browser.contexts()[0] ?? (await browser.newContext());
  log(`chromium ${browser.version()} (process group ${proc.child.pid})`);
  return {
    browser,
    context,
    process: proc,
    async newPage() {
      const page = await context.newPage();
      await page.setViewportSize({ width: 1400, height: 900 });
      // Clicks and fills wait for their element's state (and a click for the navigations it starts): on a loaded machine
      // a starved chromium took over Playwright's default 30 s for that (CI rehearsal, load ~30). States, not times,
      // decide; this only bounds how long a state may take.
      page.setDefaultTimeout(ACTION_TIMEOUT_MS);
      return page;
    },
  };
}

/** How long a Playwright action or wait may take by default (checks that name their own bound keep it). */
const ACTION_TIMEOUT_MS = 90_000;

/** Saves a full-page screenshot under `dir` and returns its path; never throws (a failing screenshot must not hide the real error). */
export async function screenshot(page: Page, dir: string, name: string): Promise<string | undefined> {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await page.screenshot({ path: file, timeout: 15_000 });
    return file;
  } catch {
    return undefined;
  }
}
