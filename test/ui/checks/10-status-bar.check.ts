import * as assert from 'node:assert/strict';
import type { UiCheck } from '../harness';
import { statusBarItem, visibleText } from '../workbench';

/** The status bar item renders with the backend state (the seeded settings point at the UI simulator). */
export const check: UiCheck = {
  name: 'status bar shows the backend state',
  async run(ctx) {
    const item = statusBarItem(ctx.page, /Phi Coder/);
    await item.first().waitFor({ state: 'visible', timeout: 30_000 });
    // The seeded settings point at the UI simulator, which has phi4: the extension must reach "ready".
    const expected = /Phi Coder: phi4 · ready/;
    await statusBarItem(ctx.page, expected).first().waitFor({ state: 'visible', timeout: 30_000 });
    const text = await visibleText(item);
    assert.match(text, expected);
    await ctx.screenshot('workbench-status-bar');
  },
};
