/**
 * The incremental renderer (src/webview/streamRender.ts) in headless Chromium, bundled as it is in the view: fed every
 * prefix of a chunked stream, it must show the text a whole render of that prefix shows, and end with the DOM a whole
 * render of the answer gives (issue 14, finding 12). Run: node test/ui/webview/run.js
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { openModulePage } from './harness';

let browser: Browser;
let page: Page;

before(async () => {
  // The view's stylesheet too: code chunks and parts are blocks there.
  ({ browser, page } = await openModulePage(`import { StreamRenderer, renderInto } from './src/webview/streamRender'; (window as any).sr = { StreamRenderer, renderInto };`, { css: true }));
});
after(async () => {
  await browser?.close();
});

interface Report {
  /** Prefixes at which the streamed view's text differed from a whole render's. */
  textMismatches: { end: number; streamed: string; whole: string }[];
  finalStreamed: string;
  finalWhole: string;
}

/** Streams `text` in chunks of `size` into a StreamRenderer (every update is due) and compares with whole renders. */
function stream(text: string, size: number, checkEvery = 1): Promise<Report> {
  return page.evaluate(({ text, size, checkEvery }) => {
    type Decorate = (el: HTMLElement, block: { code: string; language: string }) => void;
    const sr = (window as unknown as { sr: { StreamRenderer: new (el: HTMLElement, d: Decorate) => { update(raw: string, now?: number): number; finish(raw: string): void }; renderInto(into: HTMLElement, md: string, d: Decorate): void } }).sr;
    // The block's source goes into an attribute, so the final comparison checks what the buttons would post too.
    const decorate: Decorate = (el, block) => el.setAttribute('data-block', `${block.language}|${block.code}`);
    const whole = (md: string) => {
      const el = document.createElement('div');
      sr.renderInto(el, md, decorate);
      return el;
    };
    /** The streamed answer is laid out in `div.md-part` and `span.code-chunk` blocks; without them its markup is a whole render's. */
    const unwrapChunks = (root: HTMLElement) => {
      for (const c of root.querySelectorAll('.code-chunk, .md-part')) c.replaceWith(...c.childNodes);
      return root.innerHTML;
    };
    const el = document.createElement('div');
    const r = new sr.StreamRenderer(el, decorate);
    const textMismatches: Report['textMismatches'] = [];
    let step = 0;
    for (let end = size; ; end += size) {
      const prefix = text.slice(0, Math.min(end, text.length));
      const wait = r.update(prefix, (step + 1) * 1e7); // far apart: the paced prose render is always due
      if (wait !== 0) throw new Error(`an update at ${end} was deferred by ${wait} ms`);
      if (++step % checkEvery === 0 || end >= text.length) {
        // A partial last line may differ in trailing blanks (markdown-it drops a blank last line of an open fence).
        const norm = (s: string) => s.replace(/[ \t]+$/gm, '');
        const expected = norm(whole(prefix).textContent ?? '');
        const shown = norm(el.textContent ?? '');
        if (shown !== expected && textMismatches.length < 3) {
          let i = 0;
          while (i < shown.length && shown[i] === expected[i]) i++;
          textMismatches.push({ end, streamed: shown.slice(Math.max(0, i - 60), i + 60), whole: expected.slice(Math.max(0, i - 60), i + 60) });
        }
      }
      if (end >= text.length) break;
    }
    r.finish(text);
    return { textMismatches, finalStreamed: unwrapChunks(el), finalWhole: whole(text).innerHTML };
  }, { text, size, checkEvery });
}

const CODE_ANSWER = [
  'Here is the fix:\n\n```ts\n',
  '/**\n * Average of the values.\n * Returns 0 for none.\n */\nexport function mean(values: number[]): number {\n',
  '  const s = `sum of ${values.length}\nvalues`; // a template string over two lines\n',
  '  let sum = 0;\n\n  for (const v of values) sum += v; /* inline */\n  return values.length ? sum / values.length : 0;\n}\n',
  '```\n',
].join('');

const PROSE_ANSWER = [
  '# Plan\n\nThe function walks the list once and keeps a **running total**; see `mean()` and https://example.com/docs.\n',
  'A second line of the same paragraph.\n\n',
  '1. first\n\n2. second, loose\n\n- a\n- b\n  continued\n\n',
  '> quoted\nlazy line\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n',
  '---\n\n2024 was the year.\n\n* star item\n\nAfter the list.\n',
  'Then code interrupts a paragraph:\n```py\ndef f(x):\n    """doc\n    string"""\n    return x\n```\nand prose right after.\n\n',
  '~~~~\nnot closed by ```\n~~~\n~~~~\n\n',
  '- item with code:\n\n  ```js\n  let a = 1;\n  ```\n\nEnd with <b>raw html</b> & entities &amp; done',
].join('');

const CRLF_ANSWER = 'Windows lines:\r\n\r\n```c\r\nint main(void) {\r\n  return 0;\r\n}\r\n```\r\n\r\nDone.\r\n';

test('streamed in chunks of 1, 3 and 64 characters, the view shows what a whole render shows and ends with its DOM: code', async () => {
  for (const size of [1, 3, 64]) {
    const r = await stream(CODE_ANSWER, size);
    assert.deepEqual(r.textMismatches, [], `chunks of ${size}`);
    assert.equal(r.finalStreamed, r.finalWhole, `chunks of ${size}: the final DOM is a whole render's`);
    assert.match(r.finalStreamed, /hljs-comment/, 'the code is highlighted');
    assert.match(r.finalStreamed, /data-block="ts\|\/\*\*/, 'the block carries its full source');
  }
});

test('streamed in chunks of 1, 3 and 64 characters, the view shows what a whole render shows and ends with its DOM: prose, lists, fences split across chunks', async () => {
  for (const text of [PROSE_ANSWER, CRLF_ANSWER, `${CODE_ANSWER}\n${PROSE_ANSWER}`, 'Unclosed at the end:\n\n```python\nx = 1\ny = "no newline']) {
    for (const size of [1, 3, 64]) {
      const r = await stream(text, size);
      assert.deepEqual(r.textMismatches, [], `chunks of ${size} of ${JSON.stringify(text.slice(0, 40))}`);
      assert.equal(r.finalStreamed, r.finalWhole, `chunks of ${size} of ${JSON.stringify(text.slice(0, 40))}: the final DOM is a whole render's`);
    }
  }
});

test('a reference-style link defined after its use renders as a whole render does', async () => {
  const text = 'See [the guide][g].\n\nMore text.\n\n[g]: https://example.com/guide\n';
  const r = await stream(text, 3);
  assert.equal(r.finalStreamed, r.finalWhole);
  assert.match(r.finalStreamed, /href="https:\/\/example.com\/guide"/);
});

test('a 200 KB code block streams with DOM work per update that does not grow with it', async () => {
  const line = 'const total = values.reduce((a, b) => a + b, 0); // the sum of the values\n';
  const text = `Here:\n\n\`\`\`ts\n${line.repeat(2800)}\`\`\`\n`;
  // Work is counted, not timed (timings swing with the machine's load): the characters of text each update puts into
  // the DOM (added nodes' text and changed text nodes), read synchronously from a MutationObserver.
  const r = await page.evaluate(({ text }) => {
    type Decorate = (el: HTMLElement, block: { code: string; language: string }) => void;
    const sr = (window as unknown as { sr: { StreamRenderer: new (el: HTMLElement, d: Decorate) => { update(raw: string, now?: number): number; finish(raw: string): void }; renderInto(into: HTMLElement, md: string, d: Decorate): void } }).sr;
    const el = document.createElement('div');
    document.body.append(el);
    const r = new sr.StreamRenderer(el, () => undefined);
    const unwrapChunks = (root: HTMLElement) => {
      for (const c of root.querySelectorAll('.code-chunk, .md-part')) c.replaceWith(...c.childNodes);
      return root.innerHTML;
    };
    const observer = new MutationObserver(() => undefined);
    observer.observe(el, { subtree: true, childList: true, characterData: true });
    const written = () => observer.takeRecords().reduce((n, rec) => n + (rec.type === 'characterData' ? (rec.target.textContent ?? '').length : [...rec.addedNodes].reduce((m, node) => m + (node.textContent ?? '').length, 0)), 0);
    const perUpdate: number[] = [];
    for (let end = 4096; end < text.length + 4096; end += 4096) {
      r.update(text.slice(0, end));
      perUpdate.push(written());
    }
    r.finish(text);
    const final = written();
    observer.disconnect();
    const whole = document.createElement('div');
    sr.renderInto(whole, text, () => undefined);
    const quarter = Math.floor(perUpdate.length / 4);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { early: median(perUpdate.slice(1, quarter)), late: median(perUpdate.slice(3 * quarter)), final, total: text.length, same: unwrapChunks(el) === whole.innerHTML };
  }, { text });
  assert.ok(r.same, 'the final DOM is a whole render\'s');
  // O(new text): a late update writes about what an early one did (a re-render of the block writes all of it so far).
  assert.ok(r.late <= 2 * r.early + 256, `median characters written per update: early ${r.early}, late ${r.late}`);
  assert.ok(r.early < 4 * 4096, `an update writes about its new text, not more (early median ${r.early})`);
  // The final render keeps the streamed DOM: it writes a small part of the answer, not all of it again.
  assert.ok(r.final < r.total / 10, `the final render wrote ${r.final} of ${r.total} characters`);
});
