/**
 * The chat webview in headless Chromium (see harness.ts). Run: node test/ui/webview/run.js (builds dist/webview.js if missing).
 * Screenshots: test-results/ui-webview/*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startHarness, SHOTS, type Harness, type ViewPage } from './harness';
import type { HostMessage, MeterView, StatusView } from '../../../src/shared/protocol';

let h: Harness;
before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const READY: StatusView = { state: 'ready', detail: 'phi4 on Ollama', backend: 'Ollama', model: 'phi4', canPull: false };

function stateMsg(over: Partial<Extract<HostMessage, { type: 'state' }>> = {}): HostMessage {
  return {
    type: 'state',
    conversation: { id: 'c1', title: 'New conversation', messages: [] },
    conversations: [],
    chips: [{ id: 'editor:file', kind: 'file', label: 'src/math.ts', detail: 'Active file src/math.ts · 120 tokens', tokens: 120 }],
    status: READY,
    ...over,
  };
}

const METER: MeterView = { window: 16384, system: 120, context: 900, history: 2400, question: 35, reserve: 2048, droppedTurns: 0, truncatedContext: 0, overflow: false };

async function openReady(theme: 'light' | 'dark' = 'dark', width?: number): Promise<ViewPage> {
  const v = await h.open(theme, width);
  await v.waitPosted((m) => m.type === 'ready');
  await v.send(stateMsg());
  await v.send({ type: 'meter', meter: METER });
  return v;
}

async function streamAnswer(v: ViewPage, requestId: string, chunks: string[]): Promise<void> {
  await v.send({ type: 'streamStart', requestId, messageId: `a-${requestId}` });
  for (const text of chunks) await v.send({ type: 'streamDelta', requestId, text });
}

test('posts ready first, never answers host chips with a draft (no loop); no CSP violations or page errors', async () => {
  const v = await h.open();
  const first = await v.waitPosted(() => true);
  assert.equal(first.type, 'ready');
  await v.send(stateMsg());
  await v.send({ type: 'chips', chips: [] });
  await v.page.waitForSelector('#chips[hidden]', { state: 'attached' });
  assert.deepEqual((await v.posted()).map((m) => m.type), ['ready'], 'chips from the host must not trigger a draft');
  await v.page.type('#input', 'x');
  await v.waitPosted((m) => m.type === 'draft' && m.text === 'x');
  assert.deepEqual(await v.violations(), []);
  assert.deepEqual(v.errors, []);
  await v.page.close();
});

test('streams markdown: text grows chunk by chunk, code is highlighted, buttons appear', async () => {
  const v = await openReady();
  const chunks = ['Here is **the fix**:\n\n', '```ts\nexport function add(a: number, b: number): number {\n', '  return a + b;\n}\n', '```\n\nDone.'];
  await v.send({ type: 'streamStart', requestId: 'r1', messageId: 'a1' });
  await v.page.waitForSelector('.message.assistant.streaming');
  let prev = 0;
  for (const text of chunks) {
    await v.send({ type: 'streamDelta', requestId: 'r1', text });
    await v.page.waitForFunction((n) => (document.querySelector('.message.assistant .message-body')?.textContent ?? '').length > n, prev);
    prev = (await v.page.textContent('.message.assistant .message-body'))!.length;
  }
  assert.equal(await v.page.isVisible('#stop-button'), true, 'Stop shown while streaming');
  assert.equal(await v.page.isVisible('#send-button'), false);
  await v.send({ type: 'streamEnd', requestId: 'r1', stopReason: 'stop' });
  await v.page.waitForSelector('.message.assistant:not(.streaming)');
  assert.equal(await v.page.textContent('.message.assistant strong'), 'the fix');
  assert.ok((await v.page.$$('.code-block .hljs-keyword')).length >= 2, 'keywords highlighted');
  assert.equal(await v.page.textContent('.code-block .code-lang'), 'ts');
  assert.deepEqual(await v.page.$$eval('.code-block .code-button', (bs) => bs.map((b) => b.textContent)), ['Copy', 'Insert', 'Apply…', 'New file']);
  assert.equal(await v.page.isVisible('#send-button'), true);
  assert.ok(await v.page.isVisible('.msg-regenerate'));
  assert.deepEqual(await v.violations(), []);
  await v.page.close();
});

test('a long code block streams line by line, shows all of it with no new text, and ends as the full render, reusing the DOM (issue 14, finding 12)', async () => {
  const v = await openReady();
  const code = 'const total = values.reduce((a, b) => a + b, 0); // the sum of the values\n'.repeat(2500);
  const answer = `Here:\n\n\`\`\`ts\n${code}\`\`\`\n`;
  const chunks: string[] = [];
  for (let i = 0; i < answer.length; i += 4096) chunks.push(answer.slice(i, i + 4096));
  await streamAnswer(v, 'rb', chunks);
  // No more text comes: the streaming view shows all of it.
  const codeText = () => v.page.$$eval('.message.assistant .message-body code', (els) => els.map((e) => e.textContent).join('\n--\n'));
  await v.page.waitForFunction((n) => (document.querySelector('.message.assistant.streaming .code-block code')?.textContent ?? '').length >= n, code.length, { timeout: 20_000 });
  const streamed = await codeText();
  // Mark the streamed block: the final render must keep it (not re-render the answer).
  await v.page.$eval('.message.assistant .code-block', (el) => el.setAttribute('data-streamed', 'yes'));
  await v.send({ type: 'streamEnd', requestId: 'rb', stopReason: 'stop' });
  await v.page.waitForSelector('.message.assistant:not(.streaming) .code-block .code-copy');
  assert.equal(streamed, await codeText(), 'the streamed view shows the code the full render shows');
  assert.equal(await codeText(), code, 'the final view holds the whole answer');
  assert.equal(await v.page.$eval('.message.assistant .code-block', (el) => el.getAttribute('data-streamed')), 'yes', 'the final render kept the streamed block');
  // The same answer from a host snapshot (a whole render) has the same markup, once the streamed layout blocks (parts, code chunks) are unwrapped.
  const streamedHtml = await v.page.$eval('.message.assistant .message-body', (el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelector('[data-streamed]')?.removeAttribute('data-streamed');
    for (const c of copy.querySelectorAll('.code-chunk, .md-part')) c.replaceWith(...c.childNodes);
    return copy.innerHTML;
  });
  await v.page.click('.code-block .code-copy');
  const copied = await v.waitPosted((m) => m.type === 'codeBlock');
  assert.deepEqual(copied, { type: 'codeBlock', action: 'copy', code: code.replace(/\n$/, ''), language: 'ts' }, 'the streamed block\'s buttons post its whole source');
  await v.send(stateMsg({ conversation: { id: 'c1', title: 'Long', messages: [{ id: 'a-rb', role: 'assistant', content: answer }] } }));
  await v.page.waitForFunction(() => !document.querySelector('[data-streamed]'));
  const wholeHtml = await v.page.$eval('.message.assistant .message-body', (el) => el.innerHTML);
  assert.ok(wholeHtml === streamedHtml, `the streamed DOM is a whole render's (lengths ${streamedHtml.length} / ${wholeHtml.length})`);

  assert.deepEqual(v.errors, []);
  await v.page.close();
});

test('code-block buttons post the block source and language', async () => {
  const v = await openReady();
  const code = 'def mean(xs):\n    return sum(xs) / len(xs)';
  await streamAnswer(v, 'r2', [`Try:\n\n\`\`\`python\n${code}\n\`\`\`\n`]);
  await v.send({ type: 'streamEnd', requestId: 'r2', stopReason: 'stop' });
  await v.page.waitForSelector('.code-block .code-apply');
  for (const action of ['copy', 'insert', 'apply', 'newFile'] as const) {
    await v.clearPosted();
    await v.page.click(`.code-block .code-${action}`);
    const m = await v.waitPosted((x) => x.type === 'codeBlock');
    assert.deepEqual(m, { type: 'codeBlock', action, code, language: 'python' });
  }
  await v.clearPosted();
  await v.page.click('.msg-copy');
  assert.deepEqual(await v.waitPosted((x) => x.type === 'copyMessage'), { type: 'copyMessage', messageId: 'a-r2' });
  await v.page.click('.msg-regenerate');
  await v.waitPosted((x) => x.type === 'regenerate');
  await v.page.close();
});

test('model links: the real host shows when text and target differ, https: only, mailto: without its query (issue 14, finding 14)', async () => {
  const v = await openReady();
  await streamAnswer(v, 'rl', [
    '[https://docs.python.org/3/](https://evil.example/phish) and [the docs](https://docs.example.com/guide)\n\n',
    'Plain http: [insecure](http://plain.example/x) and http://bare.example/y\n\n',
    '[write to us](mailto:help@example.com?subject=hi&body=my%20token) and https://linkified.example/path\n',
  ]);
  await v.send({ type: 'streamEnd', requestId: 'rl', stopReason: 'stop' });
  const body = '.message.assistant .message-body';
  await v.page.waitForSelector(`${body} a[href^="mailto:"]`);
  const links = await v.page.$$eval(`${body} a`, (as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent, title: a.getAttribute('title') })));
  const byHref = (h: string) => links.find((l) => l.href === h);
  assert.equal(byHref('https://evil.example/phish')?.text, 'https://docs.python.org/3/ (evil.example)', JSON.stringify(links));
  assert.equal(byHref('https://docs.example.com/guide')?.text, 'the docs (docs.example.com)');
  assert.equal(byHref('https://linkified.example/path')?.text, 'https://linkified.example/path', 'a bare address is shown as it is');
  assert.equal(byHref('mailto:help@example.com')?.text, 'write to us');
  assert.ok(links.every((l) => !l.href || /^(https:|mailto:[^?]*$)/.test(l.href)), JSON.stringify(links));
  assert.ok(!links.some((l) => /plain\.example|bare\.example/.test(l.href ?? '')), 'http: targets are not links');
  const text = await v.page.$eval(body, (el) => el.textContent ?? '');
  assert.match(text, /insecure/);
  assert.ok(links.filter((l) => l.href).every((l) => l.title === l.href), 'the full target is the tooltip');
  await v.page.close();
});

test('untrusted markdown is neutralised: img onerror, script, javascript: links, raw HTML, HTML in code spans', async () => {
  const v = await openReady();
  const evil = [
    'Look <img src=x onerror="window.__pwned=1"> here\n\n',
    '<script>window.__pwned=2</script>\n\n',
    '[click me](javascript:window.__pwned=3) and [data](data:text/html;base64,PHNjcmlwdD4=)\n\n',
    '<a href="javascript:window.__pwned=4">raw link</a>\n\n',
    '![pixel](https://tracker.example/p.png) ![x](javascript:window.__pwned=5)\n\n',
    'Inline `<b onmouseover="window.__pwned=6">bold</b>` code\n\n',
    '<iframe src="https://evil.example"></iframe><svg onload="window.__pwned=7"></svg>\n\n',
    '```html\n<script>window.__pwned=8</script>\n```\n',
  ];
  await streamAnswer(v, 'rx', evil);
  await v.send({ type: 'streamEnd', requestId: 'rx', stopReason: 'stop' });
  const body = '.message.assistant .message-body';
  await v.page.waitForSelector(`${body} code`);
  const report = await v.page.$eval(body, (el) => ({
    imgs: el.querySelectorAll('img').length,
    scripts: el.querySelectorAll('script').length,
    iframes: el.querySelectorAll('iframe, svg, object, embed').length,
    handlers: [...el.querySelectorAll('*')].filter((n) => [...n.attributes].some((a) => a.name.startsWith('on'))).length,
    badLinks: [...el.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? '').filter((href) => !/^(https?:|mailto:|#)/.test(href)),
    links: [...el.querySelectorAll('a')].map((a) => a.getAttribute('href')),
    inlineCode: [...el.querySelectorAll('p code')].map((c) => c.textContent),
    text: el.textContent ?? '',
  }));
  assert.equal(report.imgs, 0);
  assert.equal(report.scripts, 0);
  assert.equal(report.iframes, 0);
  assert.equal(report.handlers, 0);
  assert.deepEqual(report.badLinks, []);
  assert.ok(report.links.includes('https://tracker.example/p.png'), 'the image became a plain link');
  assert.ok(report.links.every((href) => /^https:\/\/(tracker|evil)\.example/.test(href ?? '')), `only the https links remain: ${report.links}`);
  assert.deepEqual(report.inlineCode, ['<b onmouseover="window.__pwned=6">bold</b>'], 'HTML in a code span is shown as text');
  assert.match(report.text, /<script>window.__pwned=2<\/script>/, 'raw HTML is shown as text, not executed');
  // Click everything clickable in the answer: nothing runs.
  for (const a of await v.page.$$(`${body} a`)) await a.click({ modifiers: ['Control'] }).catch(() => undefined);
  await v.page.hover(`${body} p code`);
  assert.equal(await v.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  await v.page.close();
});

test('hostile markup split across chunks stays inert at every step of the incremental render (issue 14, findings 12 and 14)', async () => {
  const v = await openReady();
  const evil = [
    'Look <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script>\n',
    '[click](javascript:window.__pwned=3) <a href="javascript:window.__pwned=4">raw</a>\n\n',
    '```html\n</code></pre><img src=x onerror="window.__pwned=5"><svg onload="window.__pwned=6"></svg>\n',
    '<!-- open comment\n<script>window.__pwned=7</script>\n```\n\n',
    '```\n<iframe src="https://evil.example"></iframe>\n', // left open: the final render closes it
  ].join('');
  // Record every element that ever enters the answer, while it streams and after.
  await v.page.evaluate(() => {
    const w = window as unknown as { __bad: string[] };
    w.__bad = [];
    new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (!(n instanceof Element)) continue;
          for (const el of [n, ...n.querySelectorAll('*')]) {
            if (/^(img|script|iframe|svg|object|embed)$/i.test(el.tagName)) w.__bad.push(el.tagName);
            for (const a of el.attributes) if (a.name.startsWith('on') || /^\s*javascript:/i.test(a.value)) w.__bad.push(`${el.tagName} ${a.name}`);
          }
        }
      }
    }).observe(document.getElementById('messages') ?? document.body, { childList: true, subtree: true });
  });
  await v.send({ type: 'streamStart', requestId: 'rs', messageId: 'a-rs' });
  // Chunks of 1 and 3 characters, each rendered in its own frame.
  await v.page.evaluate(async (text) => {
    for (let i = 0, n = 0; i < text.length; n++) {
      const size = n % 2 ? 3 : 1;
      window.dispatchEvent(new MessageEvent('message', { data: { type: 'streamDelta', requestId: 'rs', text: text.slice(i, i + size) } }));
      i += size;
      await new Promise<void>((r) => requestAnimationFrame(() => r()));
    }
  }, evil);
  await v.page.waitForFunction(() => (document.querySelector('.message.assistant.streaming .message-body')?.textContent ?? '').includes('<iframe src="https://evil.example"></iframe>'));
  await v.send({ type: 'streamEnd', requestId: 'rs', stopReason: 'stop' });
  await v.page.waitForSelector('.message.assistant:not(.streaming) .code-block .code-copy');
  const body = '.message.assistant .message-body';
  const text = await v.page.$eval(body, (el) => el.textContent ?? '');
  assert.match(text, /<script>window.__pwned=2<\/script>/, 'raw HTML is shown as text');
  assert.match(text, /<\/code><\/pre><img src=x onerror="window.__pwned=5">/, 'markup in a streamed code block is text');
  assert.equal(await v.page.$$eval(`${body} .code-block`, (els) => els.length), 2);
  assert.deepEqual(await v.page.evaluate(() => (window as unknown as { __bad: string[] }).__bad), [], 'no dangerous element or attribute ever entered the DOM');
  for (const a of await v.page.$$(`${body} a`)) await a.click({ modifiers: ['Control'] }).catch(() => undefined);
  assert.equal(await v.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.deepEqual(v.errors, []);
  await v.page.close();
});

test('the token meter shows the window split and blocks sending on overflow', async () => {
  const v = await openReady();
  await v.page.waitForSelector('.meter-bar');
  assert.equal(await v.page.getAttribute('.meter-bar', 'aria-valuenow'), String(120 + 900 + 2400 + 35 + 2048));
  assert.match((await v.page.textContent('.meter-total'))!, /5,503 \/ 16,384 tokens/);
  const width = await v.page.$eval('.seg-history', (el) => parseFloat((el as HTMLElement).style.width));
  assert.ok(Math.abs(width - (2400 / 16384) * 100) < 0.01, `history segment ${width}%`);
  await v.send({ type: 'meter', meter: { ...METER, history: 9000, droppedTurns: 3, truncatedContext: 400 } });
  await v.page.waitForSelector('.meter-note');
  assert.match((await v.page.textContent('.meter-note'))!, /3 earlier turns will not be sent.*context cut by 400 tokens/);
  await v.send({ type: 'meter', meter: { ...METER, question: 15000, overflow: true } });
  await v.page.waitForSelector('.meter.overflow');
  assert.equal(await v.page.isDisabled('#send-button'), true);
  await v.page.fill('#input', 'too long');
  await v.clearPosted();
  await v.page.press('#input', 'Enter');
  // Messages arrive in order: once the draft typed after Enter is posted, a send from Enter would already be there.
  await v.page.type('#input', '!');
  await v.waitPosted((m) => m.type === 'draft' && m.text === 'too long!');
  assert.equal((await v.posted()).filter((m) => m.type === 'send').length, 0, 'overflowing question not sent');
  await v.page.close();
});

test('keyboard: Enter sends, Shift+Enter adds a line, Esc stops; typing updates the draft for the meter', async () => {
  const v = await openReady();
  await v.page.focus('#input');
  await v.page.keyboard.type('first line');
  await v.page.keyboard.press('Shift+Enter');
  await v.page.keyboard.type('second line');
  assert.equal(await v.page.inputValue('#input'), 'first line\nsecond line');
  const draft = await v.waitPosted((m) => m.type === 'draft' && m.text === 'first line\nsecond line');
  assert.deepEqual(draft, { type: 'draft', text: 'first line\nsecond line', removedChips: [] });
  await v.clearPosted();
  await v.page.keyboard.press('Enter');
  assert.deepEqual(await v.waitPosted((m) => m.type === 'send'), { type: 'send', text: 'first line\nsecond line', removedChips: [] });
  assert.equal(await v.page.inputValue('#input'), '');
  assert.match((await v.page.textContent('.message.user'))!, /first line\nsecond line/);
  await streamAnswer(v, 'r9', ['Working on it']);
  await v.page.focus('#input');
  await v.page.keyboard.press('Escape');
  assert.deepEqual(await v.waitPosted((m) => m.type === 'stop'), { type: 'stop', requestId: 'r9' });
  // Esc also stops with focus elsewhere in the view.
  await v.clearPosted();
  await v.page.focus('#conversation-select');
  await v.page.keyboard.press('Escape');
  await v.waitPosted((m) => m.type === 'stop');
  await v.send({ type: 'streamEnd', requestId: 'r9', stopReason: 'abort' });
  await v.page.waitForSelector('.message.assistant .stopped');
  await v.page.close();
});

test('@ mentions autocomplete with the keyboard and chips can be removed', async () => {
  const v = await openReady();
  await v.page.focus('#input');
  await v.page.keyboard.type('explain @fi');
  await v.page.waitForSelector('#suggestions:not([hidden]) .suggestion');
  assert.deepEqual(await v.page.$$eval('.suggestion-label', (els) => els.map((e) => e.textContent)), ['@file']);
  assert.equal(await v.page.getAttribute('#input', 'aria-expanded'), 'true');
  await v.clearPosted();
  await v.page.keyboard.press('Enter');
  assert.equal(await v.page.inputValue('#input'), 'explain @file:');
  const q = await v.waitPosted((m) => m.type === 'mentionQuery');
  assert.equal(q.type === 'mentionQuery' && q.kind, 'file');
  await v.send({ type: 'mentionSuggestions', queryId: (q as { queryId: number }).queryId, items: [
    { kind: 'file', insertText: 'file:src/a.ts', label: 'a.ts', detail: 'src/a.ts' },
    { kind: 'file', insertText: 'file:src/b.ts', label: 'b.ts', detail: 'src/b.ts' },
  ] });
  await v.page.waitForSelector('.suggestion.active');
  await v.page.keyboard.press('ArrowDown');
  await v.page.keyboard.press('Tab');
  assert.equal(await v.page.inputValue('#input'), 'explain @file:src/b.ts ');
  // The default chip: remove it, and the send carries its id.
  await v.page.click('.chip[data-chip="editor:file"] .chip-toggle');
  await v.page.waitForSelector('.chip.removed');
  await v.waitPosted((m) => m.type === 'draft' && m.removedChips.includes('editor:file'));
  await v.clearPosted();
  await v.page.click('#send-button');
  assert.deepEqual(await v.waitPosted((m) => m.type === 'send'), { type: 'send', text: 'explain @file:src/b.ts', removedChips: ['editor:file'] });
  await v.page.close();
});

test('@file: the list on screen narrows to the new text before the host answers, so Enter never takes a stale pick', async () => {
  const v = await openReady();
  await v.page.focus('#input');
  await v.page.keyboard.type('see @file:');
  const first = await v.waitPosted((m) => m.type === 'mentionQuery' && m.query === '');
  await v.send({ type: 'mentionSuggestions', queryId: (first as { queryId: number }).queryId, items: [
    { kind: 'file', insertText: 'file:README.md', label: 'README.md', detail: 'README.md' },
    { kind: 'file', insertText: 'file:src/shapes.ts', label: 'shapes.ts', detail: 'src/shapes.ts' },
  ] });
  await v.page.waitForSelector('.suggestion.active');
  // The host has not answered 'shap' (it never will in this test): the README entry, which 'shap' rules out, must go.
  await v.page.keyboard.type('shap');
  await v.waitPosted((m) => m.type === 'mentionQuery' && m.query === 'shap');
  await v.page.waitForFunction(() => [...document.querySelectorAll('.suggestion-label')].map((e) => e.textContent).join() === 'shapes.ts');
  await v.page.keyboard.press('Enter');
  assert.equal(await v.page.inputValue('#input'), 'see @file:src/shapes.ts ');
  // Text nothing on screen matches closes the list: Enter then sends what was typed rather than an old pick.
  await v.clearPosted();
  await v.page.keyboard.type('and @file:');
  const third = await v.waitPosted((m) => m.type === 'mentionQuery' && m.query === '');
  await v.send({ type: 'mentionSuggestions', queryId: (third as { queryId: number }).queryId, items: [
    { kind: 'file', insertText: 'file:README.md', label: 'README.md', detail: 'README.md' },
  ] });
  await v.page.waitForSelector('.suggestion.active');
  await v.page.keyboard.type('zz');
  await v.page.waitForSelector('#suggestions', { state: 'hidden' });
  await v.clearPosted();
  await v.page.keyboard.press('Enter');
  assert.deepEqual(await v.waitPosted((m) => m.type === 'send'), { type: 'send', text: 'see @file:src/shapes.ts and @file:zz', removedChips: [] });
  await v.page.close();
});

test('edit and resend a question; conversations list; new and clear', async () => {
  const v = await openReady();
  await v.send(stateMsg({
    conversation: { id: 'c1', title: 'Why', messages: [
      { id: 'u1', role: 'user', content: 'Why is it slow?', attachments: ['src/math.ts'] },
      { id: 'a1', role: 'assistant', content: 'Because of the loop.' },
    ] },
    conversations: [{ id: 'c1', title: 'Why', updatedAt: 2, messageCount: 2 }, { id: 'c0', title: 'Older chat', updatedAt: 1, messageCount: 4 }],
  }));
  await v.page.waitForSelector('.msg-edit');
  await v.page.click('.msg-edit');
  await v.page.fill('.edit-area', 'Why is it fast?');
  await v.clearPosted();
  await v.page.press('.edit-area', 'Enter');
  assert.deepEqual(await v.waitPosted((m) => m.type === 'editResend'), { type: 'editResend', messageId: 'u1', text: 'Why is it fast?' });
  await v.page.selectOption('#conversation-select', 'c0');
  assert.deepEqual(await v.waitPosted((m) => m.type === 'openConversation'), { type: 'openConversation', id: 'c0' });
  await v.page.click('#new-button');
  await v.waitPosted((m) => m.type === 'newConversation');
  await v.page.click('#clear-button');
  await v.waitPosted((m) => m.type === 'clear');
  await v.page.close();
});

test('empty state: no backend shows Re-check; model missing shows Pull with progress', async () => {
  const v = await openReady('light');
  await v.send({ type: 'status', status: { state: 'offline', detail: 'No backend found at 127.0.0.1:11434.', canPull: false } });
  await v.page.waitForSelector('#banner:not([hidden]) .banner-recheck');
  assert.match((await v.page.textContent('.banner-title'))!, /No model server/);
  await v.clearPosted();
  await v.page.click('.banner-recheck');
  assert.deepEqual(await v.waitPosted((m) => m.type === 'command'), { type: 'command', command: 'recheckBackend' });
  await v.page.screenshot({ path: path.join(SHOTS, 'offline-light.png') });
  await v.send({ type: 'status', status: { state: 'model-missing', detail: "model 'phi4' not found", backend: 'Ollama', model: 'phi4', canPull: true } });
  await v.page.waitForSelector('.banner-pull');
  await v.clearPosted();
  await v.page.click('.banner-pull');
  assert.deepEqual(await v.waitPosted((m) => m.type === 'command'), { type: 'command', command: 'pullModel' });
  await v.send({ type: 'pullProgress', model: 'phi4', status: 'pulling 8f2e', percent: 42 });
  await v.page.waitForSelector('.pull-progress');
  assert.equal(await v.page.$eval('.pull-progress', (p) => (p as HTMLProgressElement).value), 42);
  assert.match((await v.page.textContent('.pull-status'))!, /pulling 8f2e 42%/);
  assert.equal(await v.page.isDisabled('.banner-pull'), true);
  await v.page.screenshot({ path: path.join(SHOTS, 'model-missing-light.png') });
  await v.send({ type: 'status', status: READY });
  await v.page.waitForSelector('#banner[hidden]', { state: 'attached' });
  await v.page.close();
});

test('unknown host messages are ignored without breaking the view', async () => {
  const v = await openReady();
  await v.page.evaluate(() => {
    window.postMessage({ type: 'evil', html: '<img src=x onerror=alert(1)>' }, '*');
    window.postMessage('not an object', '*');
    window.postMessage(null, '*');
  });
  await streamAnswer(v, 'r5', ['still **works**']);
  await v.page.waitForSelector('.message.assistant strong');
  assert.equal(await v.page.$$eval('img', (i) => i.length), 0);
  await v.page.close();
});

for (const [theme, width] of [['light', 420], ['dark', 420], ['dark', 280]] as const) {
  test(`screenshot: a full conversation in the ${theme} theme, ${width} px wide`, async () => {
    const v = await openReady(theme, width);
    await v.send(stateMsg({
      conversation: { id: 'c1', title: 'Average', messages: [{ id: 'u1', role: 'user', content: 'How do I compute the mean of a list safely?', attachments: ['src/stats.py:1-12'] }] },
      conversations: [{ id: 'c1', title: 'Average', updatedAt: 1, messageCount: 2 }],
      chips: [
        { id: 'sel', kind: 'selection', label: 'src/stats.py:1-12', detail: 'Selection', tokens: 142 },
        { id: 'mention:problems:', kind: 'problems', label: '@problems', detail: '3 problems', tokens: 88 },
      ],
    }));
    await streamAnswer(v, 'rs', [
      'Guard against an **empty list** before dividing:\n\n```python\ndef mean(xs: list[float]) -> float:\n    """Average of xs; raises on empty input."""\n    if not xs:\n        raise ValueError("mean of empty list")\n    return sum(xs) / len(xs)\n```\n\n',
      'Then call it as `mean([1, 2, 3])`. See [the docs](https://docs.python.org/3/library/statistics.html).',
    ]);
    await v.send({ type: 'streamEnd', requestId: 'rs', stopReason: 'stop' });
    await v.page.fill('#input', 'Now add tests @symbol:mean');
    await v.send({ type: 'meter', meter: { ...METER, context: 230, history: 410 } });
    await v.page.waitForSelector('.message.assistant:not(.streaming) .code-block');
    await v.page.screenshot({ path: path.join(SHOTS, `conversation-${theme}-${width}.png`) });
    const overflow = await v.page.evaluate(() => ({ page: document.documentElement.scrollWidth - document.documentElement.clientWidth, messages: (() => { const m = document.getElementById('messages')!; return m.scrollWidth - m.clientWidth; })() }));
    assert.deepEqual(overflow, { page: 0, messages: 0 }, 'nothing overflows sideways (long code scrolls inside its block)');
    const meterBottom = await v.page.$eval('.meter', (el) => el.getBoundingClientRect().bottom);
    assert.ok(meterBottom <= 760, `the meter is fully visible (${meterBottom})`);
    const bg = await v.page.$eval('body', (b) => getComputedStyle(b).backgroundColor);
    assert.equal(bg, theme === 'dark' ? 'rgb(37, 37, 38)' : 'rgb(243, 243, 243)', 'uses the theme variables');
    assert.deepEqual(await v.violations(), []);
    assert.deepEqual(v.errors, []);
    await v.page.close();
  });
}
