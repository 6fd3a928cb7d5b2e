/**
 * Benchmark: cost of re-rendering a streaming answer in the chat webview (Chromium, headless). The view re-renders the
 * whole answer at most once per frame, so one render must stay well under a 16 ms frame even for long answers.
 * Measures src/webview/markdown.ts `renderMarkdown` (markdown-it + highlight.js + DOMPurify) plus the innerHTML swap, against
 * a baseline measured in the same page and run: markdown-it alone with no highlighting and no sanitising.
 * Run: npx tsx test/ui/webview/bench.ts   (last line of output: one JSON object)
 */
import { openModulePage, openTimedView, startHarness } from './harness';

const SIZES_KB = [2, 8, 16, 32];
/** Streaming scenario: answer sizes and the text per frame (about 16 tokens, i.e. a fast GPU at 60 fps). */
const STREAM_KB = [8, 16];
const DELTA_CHARS = 64;
const REPEATS = 15;

function answerOfSize(kb: number): string {
  const unit = [
    'The function walks the list once and keeps a **running total**; see `mean()` and [the docs](https://example.com/docs).\n\n',
    '```ts\nexport function mean(values: number[]): number {\n  if (values.length === 0) return 0;\n  let sum = 0;\n  for (const v of values) sum += v;\n  return sum / values.length;\n}\n```\n\n',
    '- handles empty input\n- avoids `reduce` for clarity\n- O(n) time, O(1) space\n\n',
    '```python\ndef mean(xs: list[float]) -> float:\n    """Average of xs."""\n    return sum(xs) / len(xs) if xs else 0.0\n```\n\n',
  ].join('');
  let out = '';
  while (out.length < kb * 1024) out += unit;
  return out.slice(0, kb * 1024);
}

async function main(): Promise<void> {
  const { browser, page } = await openModulePage(
    `import { renderMarkdown } from './src/webview/markdown'; import MarkdownIt from 'markdown-it'; const plain = new MarkdownIt({ html: false }); (window as any).bench = { renderMarkdown, plain: (t: string) => plain.render(t) };`,
    { minify: true },
  );
  try {
    const results: Record<string, number> = {};
    for (const kb of SIZES_KB) {
      const text = answerOfSize(kb);
      const r = await page.evaluate(({ text, repeats }) => {
        const w = window as unknown as { bench: { renderMarkdown(t: string): { html: string }; plain(t: string): string } };
        const out = document.getElementById('out')!;
        const time = (fn: () => void) => {
          const samples: number[] = [];
          for (let i = 0; i < repeats; i++) {
            const t0 = performance.now();
            fn();
            void out.offsetHeight; // include layout
            samples.push(performance.now() - t0);
          }
          samples.sort((a, b) => a - b);
          return samples[Math.floor(samples.length / 2)];
        };
        time(() => (out.innerHTML = w.bench.renderMarkdown(text).html)); // warm up
        const full = time(() => (out.innerHTML = w.bench.renderMarkdown(text).html));
        const base = time(() => (out.innerHTML = w.bench.plain(text)));
        return { full, base };
      }, { text, repeats: REPEATS });
      results[`render_ms_${kb}kb`] = Number(r.full.toFixed(2));
      results[`baseline_ms_${kb}kb`] = Number(r.base.toFixed(2));
      results[`ratio_${kb}kb`] = Number((r.full / r.base).toFixed(2));
      console.log(`${kb} KB answer: full render ${r.full.toFixed(2)} ms (median of ${REPEATS}), markdown-it alone ${r.base.toFixed(2)} ms, ratio ${(r.full / r.base).toFixed(2)}`);
    }
    // Streaming: the real view (dist/webview.js) renders incrementally; baseline = re-rendering the whole answer per frame.
    const harness = await startHarness();
    try {
      for (const kb of STREAM_KB) {
        const text = answerOfSize(kb);
        const chunks: string[] = [];
        for (let i = 0; i < text.length; i += DELTA_CHARS) chunks.push(text.slice(i, i + DELTA_CHARS));
        const naive = await page.evaluate(({ chunks }) => {
          const w = window as unknown as { bench: { renderMarkdown(t: string): { html: string } } };
          const out = document.getElementById('out')!;
          let acc = '';
          const t0 = performance.now();
          for (const c of chunks) {
            acc += c;
            out.innerHTML = w.bench.renderMarkdown(acc).html;
            void out.offsetHeight;
          }
          return (performance.now() - t0) / chunks.length;
        }, { chunks });
        const { view: v, busy } = await openTimedView(harness);
        await v.send({ type: 'streamStart', requestId: 'b', messageId: 'b' });
        const before = await busy();
        await v.page.evaluate(async ({ chunks }) => {
          for (const c of chunks) {
            window.dispatchEvent(new MessageEvent('message', { data: { type: 'streamDelta', requestId: 'b', text: c } }));
            await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          }
        }, { chunks });
        const incremental = ((await busy()) - before) / chunks.length;
        const rendered = await v.page.$$eval('.message.assistant .code-block', (els) => els.length);
        if (rendered === 0) throw new Error('the streamed answer did not render');
        await v.page.close();
        results[`stream_naive_ms_per_frame_${kb}kb`] = Number(naive.toFixed(2));
        results[`stream_incremental_ms_per_frame_${kb}kb`] = Number(incremental.toFixed(2));
        results[`stream_speedup_${kb}kb`] = Number((naive / incremental).toFixed(2));
        console.log(`${kb} KB streamed in ${chunks.length} frames: whole re-render ${naive.toFixed(2)} ms/frame, the view (incremental, all main-thread work) ${incremental.toFixed(2)} ms/frame`);
      }
    } finally {
      await harness.close();
    }
    console.log(JSON.stringify({ bench: 'chat-webview-render', chromium: browser.version(), frame_budget_ms: 16.7, ...results }));
  } finally {
    await browser.close();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
