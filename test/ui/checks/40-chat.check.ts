import * as assert from 'node:assert/strict';
import type { UiCheck } from '../harness';
import { PHI4_MODEL, QWEN_CODER_MODEL } from '../../sim';
import { normalizeSpaces, openFile, openViewContainer, runCommandFromPalette, webviewFrame } from '../workbench';

const NEW_MEAN = 'export function mean(values: number[]): number {\n  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0;\n}';
const ANSWER = `Shorter, same behaviour:\n\n\`\`\`ts\n${NEW_MEAN}\n\`\`\`\n\nEmpty input still returns **0**.`;

/**
 * The chat webview in the real workbench against the UI simulator (a TEST DOUBLE of Ollama): ask with Enter, see the
 * streamed markdown answer with highlighted code, stop a long answer with the Stop button, the meter follows typing,
 * an @file mention picked with the keyboard attaches that file, edit & resend and regenerate replace a turn, apply a code block as a
 * diff preview and accept it (only the `mean` declaration changes; Undo restores), the model-missing banner and its
 * Re-check, Clear; screenshots of each step.
 */
export const check: UiCheck = {
  name: 'chat: ask, streamed answer, stop, apply a code block and accept the diff',
  timeoutMs: 120_000,
  async run(ctx) {
    const { page, sim } = ctx;
    await openFile(page, 'src/math.ts');
    await openViewContainer(page, 'Phi Coder');
    const frame = await webviewFrame(page, '#input', 30_000);
    await frame.locator('.chip').filter({ hasText: 'src/math.ts' }).first().waitFor({ timeout: 15_000 });
    await frame.locator('.meter-total').first().waitFor({ timeout: 15_000 });
    // Start a new conversation (the suite may have left one open in this workspace's history).
    await frame.locator('#new-button').click();
    await frame.locator('#messages .placeholder').waitFor({ timeout: 10_000 });
    assert.equal(await frame.locator('.message').count(), 0);

    // Ask: Enter sends; the answer streams in and renders as markdown with a highlighted code block.
    sim.setReply(ANSWER);
    await frame.locator('#input').fill('Simplify mean');
    await frame.locator('#input').press('Enter');
    const answer = frame.locator('.message.assistant:not(.streaming)').last();
    await answer.locator('.code-block .code-apply').waitFor({ timeout: 30_000 });
    assert.equal(await answer.locator('strong').innerText(), '0');
    assert.ok((await answer.locator('.hljs-keyword').count()) > 0, 'code is highlighted');
    const chatRequest = sim.requests.at(-1)!;
    assert.match(chatRequest.messages?.at(-1)?.content ?? '', /File src\/math\.ts[\s\S]*export function add[\s\S]*Question:\nSimplify mean$/);
    await ctx.screenshot('chat-answer');

    // A long answer is stopped with the Stop button; the server sees the client go away.
    const abortedBefore = sim.stats.aborted;
    sim.setReply({ chunks: ['Let me ', 'explain ', 'this ', 'in ', 'great ', 'detail'], hang: true });
    await frame.locator('#input').fill('Explain everything about math.ts');
    await frame.locator('#input').press('Enter');
    await frame.locator('.message.assistant.streaming').filter({ hasText: 'great detail' }).waitFor({ timeout: 30_000 });
    await frame.locator('#stop-button').click();
    await frame.locator('.message.assistant .stopped').last().waitFor({ timeout: 15_000 });
    assert.ok(await frame.locator('#send-button').isVisible(), 'Send is back after Stop');
    const deadline = Date.now() + 10_000;
    while (sim.stats.aborted === abortedBefore && Date.now() < deadline) await page.waitForTimeout(50);
    assert.equal(sim.stats.aborted, abortedBefore + 1, 'the request was aborted at the server');
    await ctx.screenshot('chat-stopped');

    // The window meter follows the typing (the question segment grows).
    const total = async () => Number((await frame.locator('.meter-total').innerText()).split('/')[0].replace(/[^0-9]/g, ''));
    const before = await total();
    await frame.locator('#input').pressSequentially('Explain the rectangle helpers and their edge cases ', { delay: 5 });
    const meterDeadline = Date.now() + 10_000;
    while ((await total()) <= before && Date.now() < meterDeadline) await page.waitForTimeout(50);
    assert.ok((await total()) > before, 'the meter grew while typing');

    // @file mention: autocomplete with the keyboard; the file's text is attached to the question.
    sim.setReply('It computes areas and perimeters.');
    await frame.locator('#input').pressSequentially('@fi');
    // Enter picks the *active* suggestion: wait until it is the one wanted (the list answering an earlier query, all
    // files with README.md first, can still be showing after the next characters are typed).
    await frame.locator('.suggestion.active', { hasText: '@file' }).waitFor({ timeout: 10_000 });
    await frame.locator('#input').press('Enter');
    await frame.locator('#input').pressSequentially('shapes');
    await frame.locator('.suggestion.active', { hasText: 'src/shapes.ts' }).waitFor({ timeout: 15_000 });
    await frame.locator('#input').press('Enter');
    assert.match(await frame.locator('#input').inputValue(), /@file:src\/shapes\.ts $/);
    await frame.locator('.chip', { hasText: '@file:src/shapes.ts' }).waitFor({ timeout: 10_000 });
    await ctx.screenshot('chat-mention');
    await frame.locator('#input').press('Enter');
    await frame.locator('.message.assistant:not(.streaming)', { hasText: 'areas and perimeters' }).waitFor({ timeout: 30_000 });
    const withFile = sim.requests.at(-1)!.messages!.at(-1)!.content;
    assert.match(withFile, /File src\/shapes\.ts[\s\S]*export function perimeter\(r: Rect\)[\s\S]*Question:\nExplain the rectangle helpers/);

    // Edit & resend the last question: the old turn is replaced.
    sim.setReply('Edited answer.');
    await frame.locator('.message.user .msg-edit').last().click();
    await frame.locator('.edit-area').fill('Only explain area()');
    await frame.locator('.edit-area').press('Enter');
    await frame.locator('.message.assistant:not(.streaming)', { hasText: 'Edited answer.' }).waitFor({ timeout: 30_000 });
    assert.equal(await frame.locator('.message.user', { hasText: 'Explain the rectangle helpers' }).count(), 0, 'the edited question replaced the old one');
    assert.match(sim.requests.at(-1)!.messages!.at(-1)!.content, /Only explain area\(\)$/);

    // Regenerate the last answer: same question asked again, the old answer replaced.
    sim.setReply('Regenerated answer.');
    await frame.locator('.msg-regenerate').click();
    await frame.locator('.message.assistant:not(.streaming)', { hasText: 'Regenerated answer.' }).waitFor({ timeout: 30_000 });
    assert.equal(await frame.locator('.message.assistant', { hasText: 'Edited answer.' }).count(), 0);
    assert.equal(await frame.locator('.message.user', { hasText: 'Only explain area()' }).count(), 1);
    sim.setReply(ANSWER);

    // Apply the first answer's code block: a diff preview of math.ts opens; Accept applies it.
    await frame.locator('.message.assistant', { hasText: 'Shorter, same behaviour' }).locator('.code-block .code-apply').click();
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.monaco-diff-editor .modified').getByText('values.length ?', { exact: false }).first().waitFor({ timeout: 15_000 });
    await ctx.screenshot('chat-apply-diff');
    await runCommandFromPalette(page, 'Phi Coder: Accept Change');
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'hidden', timeout: 15_000 });
    const lines = page.locator('.editor-instance .view-lines').first();
    await lines.getByText('values.length ?', { exact: false }).first().waitFor({ timeout: 15_000 });
    const text = normalizeSpaces(await lines.innerText());
    assert.match(text, /export function add\(a: number, b: number\)/, 'only the mean declaration was replaced');
    assert.doesNotMatch(text, /if \(values\.length === 0\) return 0;/, 'the old body is gone');
    await ctx.screenshot('chat-applied');
    // The change is one undoable edit: Undo restores math.ts (and leaves it as it was for later checks).
    await lines.click();
    await page.keyboard.press('Control+Z');
    await lines.getByText('if (values.length === 0) return 0;', { exact: false }).first().waitFor({ timeout: 15_000 });
    await runCommandFromPalette(page, 'File: Save');

    // Model missing: the view explains it and offers Pull (Ollama); Re-check in the view recovers once the model is back.
    try {
      sim.setModels([QWEN_CODER_MODEL]);
      await runCommandFromPalette(page, 'Phi Coder: Re-check Backend');
      const banner = frame.locator('#banner:not([hidden])');
      await banner.locator('.banner-pull').waitFor({ timeout: 20_000 });
      assert.match(await banner.locator('.banner-title').innerText(), /phi4 is not installed/);
      await ctx.screenshot('chat-model-missing');
    } finally {
      sim.setModels([PHI4_MODEL, QWEN_CODER_MODEL]);
    }
    await frame.locator('#banner .banner-actions button', { hasText: 'Re-check' }).click();
    await frame.locator('#banner').waitFor({ state: 'hidden', timeout: 20_000 });

    // Clear empties the conversation.
    await frame.locator('#clear-button').click();
    await frame.locator('#messages .placeholder').waitFor({ timeout: 10_000 });
    assert.equal(await frame.locator('.message').count(), 0);
  },
};
