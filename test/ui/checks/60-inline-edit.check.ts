import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { UiCheck } from '../harness';
import { defaultResponder, rulesResponder } from '../../sim';
import { normalizeSpaces, openFile, runCommandFromPalette } from '../workbench';

const MARKER = 'checked sum of the two numbers';
const ANSWER = '```typescript\nexport function add(a: number, b: number): number {\n  // ' + MARKER + '\n  return a + b;\n}\n```';

async function setTheme(page: Page, theme: RegExp): Promise<void> {
  await runCommandFromPalette(page, 'Preferences: Color Theme');
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: theme }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Ctrl+I in the real workbench: the instruction box (with the window budget in its title) opens at the cursor, the
 * proposal streams into the editor itself with red/green lines and the Accept all / Reject all / Refine… CodeLenses
 * (screenshots in the dark and the light theme), and Reject all puts the function back.
 */
export const check: UiCheck = {
  name: 'Ctrl+I shows the edit in place (light and dark), Reject all restores the function',
  timeoutMs: 120_000,
  async run(ctx) {
    const { page } = ctx;
    ctx.sim.setReply(rulesResponder([{ match: 'as instructed', text: ANSWER }]));
    try {
      await openFile(page, 'src/math.ts');
      const line = page.locator('.editor-instance .view-line').filter({ hasText: 'return a + b' }).first();
      await line.waitFor({ state: 'visible', timeout: 15_000 });
      await line.click();
      await page.keyboard.press('Control+I');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: /Edit `add` — 16,384-token window/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill('say what it returns in a comment');
      await page.keyboard.press('Enter');

      const added = page.locator('.editor-instance .view-line').filter({ hasText: MARKER }).first();
      await added.waitFor({ state: 'visible', timeout: 30_000 });
      const lens = page.locator('.editor-instance .codelens-decoration');
      await lens.filter({ hasText: /Accept all/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
      const lensText = normalizeSpaces((await lens.allInnerTexts()).join(' | '));
      for (const t of ['Reject all', 'Refine…', 'Open as diff', 'Accept', 'Reject']) assert.ok(lensText.includes(t), `${t} in ${lensText}`);
      await ctx.screenshot('inline-edit-dark');
      await setTheme(page, /Light Modern/);
      await added.waitFor({ state: 'visible', timeout: 10_000 });
      await ctx.screenshot('inline-edit-light');
      await setTheme(page, /Dark Modern/);

      await lens.locator('a').filter({ hasText: /Reject all/ }).first().click();
      await added.waitFor({ state: 'hidden', timeout: 15_000 });
      const text = normalizeSpaces(await page.locator('.editor-instance .view-lines').first().innerText());
      assert.ok(text.includes('return a + b'), 'the original function is back');
    } finally {
      ctx.sim.setReply(defaultResponder);
      await page.keyboard.press('Escape').catch(() => undefined);
    }
  },
};
