import * as assert from 'node:assert/strict';
import { PHI4_MODEL, QWEN_CODER_MODEL } from '../../sim';
import type { UiCheck } from '../harness';
import { extensionStatusBarItem, runCommandFromPalette, visibleText } from '../workbench';

/**
 * The rendered status bar item follows the backend state: ready (the seeded settings point at the UI simulator,
 * which has phi4), model missing (the server loses phi4), offline (the server stops), and ready again.
 * "Phi Coder: Re-check Backend" is run from the command palette, as a user would after fixing the server.
 */
export const check: UiCheck = {
  name: 'status bar shows the backend state (ready, model missing, offline, ready)',
  timeoutMs: 120_000,
  async run(ctx) {
    const { page } = ctx;
    const item = extensionStatusBarItem(page, 'phiCoder.status');
    const showsState = async (state: string) => {
      await item.filter({ hasText: new RegExp(`Phi Coder: phi4 · ${state}$`) }).waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await visibleText(item), new RegExp(`^Phi Coder: phi4 · ${state}$`));
    };

    await showsState('ready');
    await ctx.screenshot('status-bar-ready');

    ctx.sim.setModels([QWEN_CODER_MODEL]);
    await runCommandFromPalette(page, 'Phi Coder: Re-check Backend');
    await showsState('model missing');
    await ctx.screenshot('status-bar-model-missing');
    ctx.sim.setModels([PHI4_MODEL, QWEN_CODER_MODEL]);

    const restart = await ctx.stopSimulator();
    try {
      await runCommandFromPalette(page, 'Phi Coder: Re-check Backend');
      await showsState('offline');
      await ctx.screenshot('status-bar-offline');
    } finally {
      await restart();
    }
    await runCommandFromPalette(page, 'Phi Coder: Re-check Backend');
    await showsState('ready');
  },
};
