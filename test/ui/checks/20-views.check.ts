import * as assert from 'node:assert/strict';
import type { UiCheck } from '../harness';
import { activityBarItem, openViewContainer, webviewFrame } from '../workbench';

/** The "Phi Coder" activity bar container opens and its chat webview renders the extension's HTML. */
export const check: UiCheck = {
  name: 'Phi Coder view container and chat webview render',
  async run(ctx) {
    await activityBarItem(ctx.page, 'Phi Coder').waitFor({ state: 'visible', timeout: 30_000 });
    await openViewContainer(ctx.page, 'Phi Coder');
    // A container with one view shows the view's name in the side bar title ("Phi Coder: Chat").
    const title = ctx.page.locator('#workbench\\.parts\\.sidebar .composite.title').filter({ hasText: /Phi Coder: Chat/i });
    await title.first().waitFor({ state: 'visible', timeout: 30_000 });
    const frame = await webviewFrame(ctx.page, 'body *', 30_000);
    const text = (await frame.locator('body').innerText()).trim();
    assert.ok(text.length > 0, 'the chat webview rendered no text');
    await ctx.screenshot('chat-view');
  },
};
