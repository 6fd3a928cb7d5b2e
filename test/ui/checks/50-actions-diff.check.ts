import * as assert from 'node:assert/strict';
import type { UiCheck } from '../harness';
import { defaultResponder, rulesResponder } from '../../sim';
import { normalizeSpaces, openFile } from '../workbench';

const REWRITE_MARKER = 'sum of the two numbers';
const ANSWER =
  "Here's the function with a clarifying comment:\n```typescript\nexport function add(a: number, b: number): number {\n  // " +
  REWRITE_MARKER +
  '\n  return a + b;\n}\n```\nNothing else changes.';

/**
 * Right-click in a function -> Phi Coder -> Refactor… -> an instruction -> the proposal opens in the diff editor with
 * Accept/Reject title buttons (screenshot) -> Accept applies it -> Ctrl+Z restores the file.
 */
export const check: UiCheck = {
  name: 'right-click Refactor opens a diff preview; Accept applies, undo restores',
  timeoutMs: 90_000,
  async run(ctx) {
    const { page } = ctx;
    ctx.sim.setReply(rulesResponder([{ match: 'Refactor the function `add`', text: ANSWER }]));
    try {
      await openFile(page, 'src/math.ts');
      const line = page.locator('.editor-instance .view-line').filter({ hasText: 'return a + b' }).first();
      await line.waitFor({ state: 'visible', timeout: 15_000 });
      await line.click({ button: 'right' });

      const menuItem = (label: string | RegExp) => page.locator('.context-view .action-label').filter({ hasText: label }).first();
      const submenu = menuItem(/^Phi Coder$/);
      await submenu.waitFor({ state: 'visible', timeout: 10_000 });
      await submenu.hover();
      for (const label of ['Explain', 'Refactor…', 'Add Docs', 'Write Tests', 'Fix']) {
        await menuItem(new RegExp(`^${label}$`)).waitFor({ state: 'visible', timeout: 10_000 });
      }
      await ctx.screenshot('actions-context-submenu');
      await menuItem(/^Refactor…$/).click();

      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill('add a comment that says what it returns');
      await page.keyboard.press('Enter');

      const diff = page.locator('.monaco-diff-editor').first();
      await diff.waitFor({ state: 'visible', timeout: 30_000 });
      await diff.locator('.view-line').filter({ hasText: REWRITE_MARKER }).first().waitFor({ state: 'visible', timeout: 30_000 });
      const acceptButton = page.locator('.editor-actions .action-label[aria-label^="Accept Change"]').first();
      await acceptButton.waitFor({ state: 'visible', timeout: 10_000 });
      await page.locator('.editor-actions .action-label[aria-label^="Reject Change"]').first().waitFor({ state: 'visible', timeout: 10_000 });
      await ctx.screenshot('actions-diff-preview');

      // Accept appears once the proposal is complete and validated.
      await acceptButton.click();
      await diff.waitFor({ state: 'hidden', timeout: 10_000 });
      await page.locator('.view-line').filter({ hasText: REWRITE_MARKER }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await ctx.screenshot('actions-after-accept');

      await page.keyboard.press('Control+Z');
      await page.locator('.view-line').filter({ hasText: REWRITE_MARKER }).first().waitFor({ state: 'hidden', timeout: 10_000 });
      const text = normalizeSpaces(await page.locator('.editor-instance .view-lines').first().innerText());
      assert.ok(text.includes('return a + b'), 'undo restored the original function');
    } finally {
      ctx.sim.setReply(defaultResponder);
      await page.keyboard.press('Escape').catch(() => undefined);
    }
  },
};
