import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { UiCheck } from '../harness';
import { defaultResponder, rulesResponder } from '../../sim';
import { currentThemeKind, waitForLineColours, waitForThemeKind, type LineColours } from '../editorColours';
import { normalizeSpaces, openFile, runCommandFromPalette } from '../workbench';

const MARKER = 'checked sum of the two numbers';
const NEW_RETURN = 'return b + a;';
const ANSWER = '```typescript\nexport function add(a: number, b: number): number {\n  // ' + MARKER + '\n  ' + NEW_RETURN + '\n}\n```';

/** Picks a colour theme in "Preferences: Color Theme" and waits until the editor's background has the theme's kind. */
async function setTheme(page: Page, label: string, kind: 'light' | 'dark'): Promise<void> {
  await runCommandFromPalette(page, 'Preferences: Color Theme');
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  await waitForThemeKind(page, kind);
}

/** The colour theme the workbench has now (the row the theme picker opens on). */
async function currentTheme(page: Page): Promise<string> {
  await runCommandFromPalette(page, 'Preferences: Color Theme');
  const focused = page.locator('.quick-input-widget .monaco-list-row.focused .label-name').first();
  await focused.waitFor({ state: 'visible', timeout: 10_000 });
  const name = normalizeSpaces(await focused.innerText()).trim();
  await page.keyboard.press('Escape');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  return name;
}

/**
 * The decorations must be visible in the theme: the removed line's background (composited over the editor's, both read
 * from the rendered theme) is red-dominant, the added line's green-dominant, each clearly apart from the background.
 */
function assertVisible(colours: LineColours, theme: string): void {
  const { background, removed, added } = colours;
  assert.ok(removed, `${theme}: the removed line has a background decoration (${JSON.stringify(colours)})`);
  assert.ok(added, `${theme}: the added line has a background decoration (${JSON.stringify(colours)})`);
  const apart = (c: number[]) => Math.hypot(c[0] - background[0], c[1] - background[1], c[2] - background[2]);
  assert.ok(removed[0] > removed[1] && removed[0] > removed[2], `${theme}: removed is red ${JSON.stringify(removed)}`);
  assert.ok(added[1] > added[0] && added[1] > added[2], `${theme}: added is green ${JSON.stringify(added)}`);
  assert.ok(apart(removed) >= 20, `${theme}: removed stands out from the background ${JSON.stringify(colours)}`);
  assert.ok(apart(added) >= 20, `${theme}: added stands out from the background ${JSON.stringify(colours)}`);
}

/**
 * Ctrl+I in the real workbench, with code-server's default auto-save (after a second) on: the instruction box (with
 * the window budget in its title) opens at the cursor, the proposal streams into the review tab with red (removed) and
 * green (added) lines and the Accept all / Reject all / Refine… CodeLenses; the colours are checked visible in the workbench's default theme and in one of the other kind
 * (Dark Modern or Light Modern; screenshots of both); Reject all puts the function back, and nothing reached the disk.
 */
export const check: UiCheck = {
  name: 'Ctrl+I shows the edit in place in red and green (light and dark themes), Reject all restores',
  timeoutMs: 150_000,
  async run(ctx) {
    const { page } = ctx;
    const file = path.join(ctx.workspace, 'src', 'math.ts');
    // code-server auto-saves after a second (its web default), left on: the review goes to a review tab, and the
    // seconds the theme switches take give auto-save every chance to write or end it.
    ctx.sim.setReply(rulesResponder([{ match: 'as instructed', text: ANSWER }]));
    const theme = await currentTheme(page);
    let switched: 'light' | 'dark' | undefined; // the kind to switch back to
    try {
      await openFile(page, 'src/math.ts');
      // An earlier check may have left the file with unsaved changes (an undo after its accept): auto-save writes them
      // within a second; the file on disk is the baseline once the editor holds nothing unsaved.
      await page.locator('.tabs-container .tab.active:not(.dirty)[aria-label^="math.ts"]').first().waitFor({ state: 'visible', timeout: 15_000 });
      const original = fs.readFileSync(file, 'utf8');
      const line = page.locator('.editor-instance .view-line').filter({ hasText: 'return a + b' }).first();
      await line.waitFor({ state: 'visible', timeout: 15_000 });
      await line.click();
      await page.keyboard.press('Control+I');
      const input = page.locator('.quick-input-widget input');
      // The first Ctrl+I parses the file (tree-sitter) and asks the backend for its window: slow on a loaded machine.
      await input.waitFor({ state: 'visible', timeout: 30_000 });
      await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: /Edit `add` — 16,384-token window/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill('swap the operands and say what it returns in a comment');
      await page.keyboard.press('Enter');

      const added = page.locator('.editor-instance .view-line').filter({ hasText: MARKER }).first();
      await added.waitFor({ state: 'visible', timeout: 30_000 });
      // In a review tab beside the file's.
      await page.locator('.tabs-container .tab.active').filter({ hasText: 'Reviewing math.ts' }).first().waitFor({ state: 'visible', timeout: 10_000 });
      const lens = page.locator('.editor-instance .codelens-decoration');
      await lens.filter({ hasText: /Accept all/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
      const lensText = normalizeSpaces((await lens.allInnerTexts()).join(' | '));
      for (const t of ['Reject all', 'Refine…', 'Open as diff', 'Accept', 'Reject']) assert.ok(lensText.includes(t), `${t} in ${lensText}`);

      // The workbench's default theme first (light in this code-server), then one of the other kind.
      const kind = await currentThemeKind(page);
      if (kind === 'other') throw new Error(`the default theme ${theme} is neither light nor dark`);
      const other = kind === 'light' ? { label: 'Dark Modern', kind: 'dark' as const } : { label: 'Light Modern', kind: 'light' as const };
      assertVisible(await waitForLineColours(page, { removedText: 'return a + b', addedText: MARKER }), theme);
      await ctx.screenshot(`inline-edit-${kind}`);

      await setTheme(page, other.label, other.kind);
      switched = kind;
      await added.waitFor({ state: 'visible', timeout: 10_000 });
      assertVisible(await waitForLineColours(page, { removedText: 'return a + b', addedText: MARKER }), other.label);
      await ctx.screenshot(`inline-edit-${other.kind}`);
      await setTheme(page, theme, kind);
      switched = undefined;

      assert.equal(fs.readFileSync(file, 'utf8'), original, 'nothing was written to disk during the review');

      await lens.locator('a').filter({ hasText: /Reject all/ }).first().click();
      await added.waitFor({ state: 'hidden', timeout: 15_000 });
      const text = normalizeSpaces(await page.locator('.editor-instance .view-lines').first().innerText());
      assert.ok(text.includes('return a + b') && !text.includes(NEW_RETURN), 'the original function is back');
      const diskDeadline = Date.now() + 15_000;
      while (fs.readFileSync(file, 'utf8') !== original && Date.now() < diskDeadline) await page.waitForTimeout(100);
      assert.equal(fs.readFileSync(file, 'utf8'), original, 'the file on disk is the original');
    } finally {
      ctx.sim.setReply(defaultResponder);
      await page.keyboard.press('Escape').catch(() => undefined);
      if (switched) await setTheme(page, theme, switched).catch(() => undefined);
    }
  },
};
