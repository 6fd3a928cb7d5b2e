import * as assert from 'node:assert/strict';
import type { UiCheck } from '../harness';
import { extensionStatusBarItem, runCommandFromPalette } from '../workbench';

/**
 * "Phi Coder: Get Started" opens the first-run walkthrough, and the steps already done tick themselves: a server
 * answered and phi4 is on it (context keys from the backend status), and the chat view was opened (onView completion event). The screenshot is the README's.
 */
export const check: UiCheck = {
  name: 'the first-run walkthrough opens and ticks the steps already done',
  timeoutMs: 90_000,
  async run(ctx) {
    const { page } = ctx;
    await extensionStatusBarItem(page, 'phiCoder.status').filter({ hasText: /· ready$/ }).waitFor({ timeout: 30_000 });
    // The chat step completes on its view opening (an earlier check may already have done it).
    await runCommandFromPalette(page, 'Phi Coder: Open Chat');
    await runCommandFromPalette(page, 'Phi Coder: Get Started');
    const step = (title: string) => page.locator('.getting-started-step').filter({ hasText: title }).first();
    await step('Find a model server').waitFor({ state: 'visible', timeout: 30_000 });
    for (const title of ['Find a model server', 'Pull Phi-4', 'Open the chat']) {
      // VS Code marks a done step with the class "complete" (and a filled check icon).
      await page.locator('.getting-started-step.complete').filter({ hasText: title }).first().waitFor({ state: 'attached', timeout: 20_000 });
    }
    assert.equal(await page.locator('.getting-started-step').filter({ hasText: /Find a model server|Pull Phi-4|small model|Try a completion|Open the chat|Ctrl\+I/ }).count(), 6, 'all six steps are listed');
    await ctx.screenshot('walkthrough');
    await page.keyboard.press('Escape');
  },
};
