import * as assert from 'node:assert/strict';
import { defaultResponder } from '../../sim';
import type { UiCheck } from '../harness';
import { extensionStatusBarItem, normalizeSpaces, openFile } from '../workbench';

/**
 * Ghost text in the real workbench: typing in a TypeScript file makes the extension ask the simulator (a TEST DOUBLE
 * of Ollama with phi4) with the Phi-4 hole-filling prompt; its answer, wrapped in a fence and an <|im_end|> leak as a
 * chat model would, is shown cleaned as `.ghost-text-decoration`; Tab accepts it into the document.
 */
export const check: UiCheck = {
  name: 'ghost text appears while typing and Tab accepts it',
  timeoutMs: 90_000,
  async run(ctx) {
    const { page } = ctx;
    await extensionStatusBarItem(page, 'phiCoder.status').filter({ hasText: /· ready$/ }).waitFor({ state: 'visible', timeout: 30_000 });
    ctx.sim.setReply('```typescript\na + b;\n```<|im_end|>');
    const before = ctx.sim.requests.length;
    try {
      await openFile(page, 'src/empty.ts');
      await page.keyboard.press('Control+End');
      await page.keyboard.type('\nexport function add(a: number, b: number): number {\n', { delay: 60 });
      await page.keyboard.type('return ', { delay: 60 });
      const ghost = page.locator('.view-lines .ghost-text-decoration');
      await ghost.first().waitFor({ state: 'visible', timeout: 90_000 });
      // The editor may split ghost text over several decorations (one per token run): read them all.
      const ghostText = async () => normalizeSpaces((await ghost.allInnerTexts()).join('')).trim();
      const deadline = Date.now() + 30_000;
      while ((await ghostText()) !== 'a + b;' && Date.now() < deadline) await page.waitForTimeout(100);
      assert.equal(await ghostText(), 'a + b;');
      const req = ctx.sim.requests.slice(before).at(-1);
      assert.ok(req, 'the simulator got the completion request');
      assert.equal(req.body.raw, true, 'Phi-4 gets its chat format sent raw');
      assert.match(req.prompt ?? '', /<\|im_start\|>assistant<\|im_sep\|>\n$/);
      await ctx.screenshot('ghost-text');
      // After accepting, the extension may ask again at the new cursor: an empty answer there shows no new ghost, so
      // "no ghost text" is a state to wait for (not an instant to sample, which raced a fresh suggestion under load).
      ctx.sim.setReply('');
      await page.keyboard.press('Tab');
      await page.waitForFunction(() => document.querySelectorAll('.view-lines .ghost-text-decoration').length === 0, undefined, { timeout: 45_000 });
      // With no ghost text left, the line shows only the document: the accepted text is in it.
      const line = page.locator('.view-lines .view-line', { hasText: 'return' }).last();
      await line.filter({ hasText: /return\s+a\s\+\sb;\s*$/ }).waitFor({ timeout: 30_000 }); // view lines use non-breaking spaces
      await ctx.screenshot('ghost-text-accepted');
    } finally {
      // Leave the shared workspace file as it was: undo everything typed, then save.
      for (let i = 0; i < 40; i++) await page.keyboard.press('Control+Z');
      await page.keyboard.press('Control+S');
      ctx.sim.setReply(defaultResponder);
    }
  },
};
