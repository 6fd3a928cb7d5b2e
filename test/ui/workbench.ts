/**
 * Helpers for driving code-server's workbench (VS Code 1.139) in UI checks. Every wait is on a selector or a text,
 * never a fixed sleep. The selectors are VS Code's own DOM; if a VS Code upgrade moves them, fix them here once.
 */
import type { Frame, Locator, Page } from 'playwright-core';

export interface WorkbenchTarget {
  serverUrl: string;
  workspace: string;
  /** Load the extension from source (development payload); undefined: the installed extension. */
  extensionDevelopmentPath?: string;
}

/** Opens the workspace in the workbench and waits until the status bar is there. */
export async function openWorkbench(page: Page, target: WorkbenchTarget): Promise<void> {
  const { host } = new URL(target.serverUrl);
  const payload: [string, string][] = [['skipWelcome', 'true']];
  if (target.extensionDevelopmentPath) payload.unshift(['extensionDevelopmentPath', `vscode-remote://${host}${target.extensionDevelopmentPath}`]);
  const url = `${target.serverUrl}/?folder=${encodeURIComponent(target.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  // Generous: these are waits for states, and with two busy CPU loops beside the run the first load took over 60 s.
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 180_000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 180_000 });
  await statusBar(page).waitFor({ state: 'visible', timeout: 180_000 });
}

export function statusBar(page: Page): Locator {
  return page.locator('#workbench\\.parts\\.statusbar');
}

/** The status bar entry whose text or accessible label matches `pattern`. */
export function statusBarItem(page: Page, pattern: RegExp): Locator {
  return statusBar(page)
    .locator('.statusbar-item')
    .filter({ has: page.locator(':scope > a') })
    .filter({ hasText: pattern })
    .or(statusBar(page).locator('.statusbar-item').filter({ has: page.getByRole('button', { name: pattern }) }));
}

/**
 * The status bar entry an extension created with `createStatusBarItem(id)`: VS Code gives its element the id
 * `<extension id>.<item id>`, so other entries with similar text (e.g. a notification) never match.
 */
export function extensionStatusBarItem(page: Page, itemId: string, extensionId = 'phi-coder.phi-coder'): Locator {
  return statusBar(page).locator(`[id="${extensionId}.${itemId}"]`);
}

/** Text of a status bar entry with VS Code's non-breaking spaces turned into plain ones. */
export async function visibleText(locator: Locator): Promise<string> {
  return normalizeSpaces((await locator.first().innerText()).trim());
}

export function normalizeSpaces(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

/** The activity bar entry of a view container (by its title, e.g. "Phi Coder"). */
export function activityBarItem(page: Page, title: string): Locator {
  return page.locator('#workbench\\.parts\\.activitybar, .activitybar, .composite-bar').locator(`.action-label[aria-label^="${title}"]`).first();
}

/** Opens a view container from the activity bar (idempotent: an open container is left open). */
export async function openViewContainer(page: Page, title: string): Promise<void> {
  const item = activityBarItem(page, title);
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  const sidebarTitle = page.locator('#workbench\\.parts\\.sidebar .composite.title .title-label');
  const current = (await sidebarTitle.count()) > 0 && (await sidebarTitle.first().isVisible()) ? await sidebarTitle.first().innerText() : '';
  if (!current.toLowerCase().includes(title.toLowerCase())) await item.click();
  await page.locator('#workbench\\.parts\\.sidebar').getByText(title, { exact: false }).first().waitFor({ state: 'visible', timeout: 30_000 });
}

/**
 * The content frame of a webview (views and panels render in nested iframes: an outer `iframe.webview` whose
 * document holds `#active-frame` with the extension's HTML). Waits until `readySelector` exists inside.
 */
export async function webviewFrame(page: Page, readySelector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  // Frames appear asynchronously; look for the inner frame that contains readySelector.
  for (;;) {
    for (const frame of page.frames()) {
      if (frame.name() !== 'active-frame' && !frame.url().includes('fake.html')) continue;
      const found = await frame.locator(readySelector).count().catch(() => 0);
      if (found > 0) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview frame containing ${readySelector} within ${timeoutMs} ms`);
    await page.waitForEvent('framenavigated', { timeout: 1000 }).catch(() => undefined);
  }
}

/** Runs a command through the command palette (Quick Open with ">"), the way a user does. */
export async function runCommandFromPalette(page: Page, title: string): Promise<void> {
  const input = await openQuickOpen(page);
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
}

/**
 * Opens Quick Open without depending on keyboard focus (focus may sit inside a webview, which swallows Ctrl+P):
 * a click on the title bar's command center, falling back to the shortcut when the command center is hidden.
 */
export async function openQuickOpen(page: Page): Promise<Locator> {
  const input = page.locator('.quick-input-widget input');
  const commandCenter = page.locator('.command-center .command-center-center').first();
  if (await commandCenter.isVisible().catch(() => false)) await commandCenter.click();
  else await page.keyboard.press('Control+P');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  return input;
}

/** Opens a workspace file by its relative path through Quick Open and waits until its editor is active. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const input = await openQuickOpen(page);
  await input.fill(relativePath);
  const base = relativePath.split('/').pop() ?? relativePath;
  const dir = relativePath.includes('/') ? relativePath.slice(0, relativePath.lastIndexOf('/')) : '';
  // Click the row of exactly this file (label = base name, description = folder), not whichever row is first.
  const rows = page.locator('.quick-input-widget .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(base)}$`) }) });
  const row = dir ? rows.filter({ hasText: dir }).first() : rows.first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
  await page.locator(`.tabs-container .tab.active[aria-label^="${base}"]`).first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.locator('.editor-instance .view-lines').first().waitFor({ state: 'visible', timeout: 15_000 });
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
