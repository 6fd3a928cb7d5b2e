/**
 * Benchmark (issue 14, finding 12): the cost of showing a 1 MB answer while it streams, in the two places that redraw
 * it as it grows.
 * - Chat webview (the built dist/webview.js in headless Chromium, test/ui/webview/harness.ts): the answer arrives in
 *   deltas, one per frame; main-thread busy time (CDP TaskDuration) per frame, total and worst frame, and how long the
 *   final render takes. Two shapes: one 1 MB code block (never a stable cut: the view appends its lines) and 1 MB of
 *   paragraphs with code blocks (a cut every few lines, thousands of blocks).
 * - Diff preview (src/vscode/diffPreview.ts): each redraw re-transforms the whole answer (the real Rewrite transform,
 *   extractCode) and splices it into the document. A virtual clock models a fast server (chars per second below) plus
 *   the measured cost of each redraw; "fixed" is the first policy (every 100 ms), "paced" the RedrawPacer alone, and
 *   "live_limit" what the preview does now (LiveRedraws: paced up to LIVE_PREVIEW_LIMIT, then progress only).
 * The chat view's numbers for an older revision come from the same run with --baseline-rev <git revision> (its view is
 * bundled from `git archive` of that revision), e.g. the revision before incremental rendering, 47a9ebf.
 * Run: npm run build && npm run bench:answer-stream [-- --part webview|diff] [--baseline-rev <rev>] [--delta <bytes>]   (last line: one JSON object)
 */
import { argValue } from './args';
import { extractCode } from '../src/core/actions/extract';
import { spliceText } from '../src/core/actions/staleCheck';
import { DIFF_PREVIEW_PACING, LiveRedraws, RedrawPacer } from '../src/shared/redrawPacer';

const ANSWER_BYTES = 1024 * 1024;
/** Text per frame (--delta <bytes>): 8 KB, ~2,000 tokens, is far above any real stream; it loads each frame heavily. */
const WEBVIEW_DELTA = Number(argValue(process.argv, 'delta') ?? 8 * 1024);
const DIFF_CHUNK = 64;
/** A fast server: 10,000 characters per second (~2,500 tokens/s). */
const DIFF_CHARS_PER_S = 10_000;

function codeLines(): string {
  return 'export function mean(values: number[]): number {\n  // average of the values, 0 when there are none\n  let sum = 0;\n  for (const v of values) sum += v;\n  return values.length ? sum / values.length : 0;\n}\n\n';
}

export function answer(shape: 'code' | 'mixed'): string {
  let out = shape === 'code' ? 'Here it is:\n\n```ts\n' : '';
  const unit = shape === 'code'
    ? codeLines()
    : `The function walks the list once and keeps a **running total**; see \`mean()\`.\n\n\`\`\`ts\n${codeLines()}\`\`\`\n\n- handles empty input\n- O(n) time\n\n`;
  while (out.length < ANSWER_BYTES) out += unit;
  out = out.slice(0, ANSWER_BYTES);
  return shape === 'code' ? `${out}\n\`\`\`\n` : out;
}

/**
 * The view as it was at git revision `rev` (its src/ and media/chat.css, bundled like esbuild.js bundles the view), so
 * the bench can measure it in the same run as the current build.
 */
async function buildBaseline(rev: string): Promise<{ webviewJs: string; chatCss: string }> {
  const { execFileSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const esbuild = await import('esbuild');
  const root = path.resolve(__dirname, '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'answer-stream-baseline-'));
  execFileSync('sh', ['-c', `git -C "${root}" archive "$1" src media/chat.css | tar -x -C "${dir}"`, 'sh', rev]);
  const webviewJs = path.join(dir, 'webview.js');
  await esbuild.build({ entryPoints: [path.join(dir, 'src', 'webview', 'main.ts')], outfile: webviewJs, bundle: true, platform: 'browser', format: 'iife', target: 'es2020', minify: true, nodePaths: [path.join(root, 'node_modules')], logLevel: 'error' });
  return { webviewJs, chatCss: path.join(dir, 'media', 'chat.css') };
}

async function webviewPart(label: string, files: { webviewJs?: string; chatCss?: string } = {}): Promise<Record<string, number>> {
  const { openTimedView, startHarness } = await import('../test/ui/webview/harness');
  const harness = await startHarness(files);
  const results: Record<string, number> = {};
  try {
    for (const shape of ['code', 'mixed'] as const) {
      const text = answer(shape);
      const { view: v, busy } = await openTimedView(harness);
      await v.send({ type: 'streamStart', requestId: 'b', messageId: 'b' });
      const frames: number[] = [];
      for (let i = 0; i < text.length; i += WEBVIEW_DELTA) {
        const before = await busy();
        await v.page.evaluate(async (t) => {
          window.dispatchEvent(new MessageEvent('message', { data: { type: 'streamDelta', requestId: 'b', text: t } }));
          await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        }, text.slice(i, i + WEBVIEW_DELTA));
        frames.push((await busy()) - before);
      }
      // The end is measured like a frame (the view renders it when the message arrives), not by polling the DOM: a
      // selector polled over a 1 MB answer's elements costs more than the render.
      const beforeEnd = await busy();
      await v.page.evaluate(async () => {
        window.dispatchEvent(new MessageEvent('message', { data: { type: 'streamEnd', requestId: 'b', stopReason: 'stop' } }));
        await new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      });
      const finalMs = (await busy()) - beforeEnd;
      if (!(await v.page.$('.message.assistant:not(.streaming) .code-block'))) throw new Error(`${label}, ${shape}: the answer did not end`);
      await v.page.close();
      const total = frames.reduce((a, b) => a + b, 0);
      const key = `${label}_${shape}`;
      results[`${key}_frames`] = frames.length;
      results[`${key}_busy_total_ms`] = Math.round(total);
      results[`${key}_busy_ms_per_frame`] = Number((total / frames.length).toFixed(1));
      results[`${key}_worst_frame_ms`] = Math.round(Math.max(...frames));
      results[`${key}_worst_frame_index`] = frames.indexOf(Math.max(...frames));
      results[`${key}_p95_frame_ms`] = Math.round([...frames].sort((a, b) => a - b)[Math.floor(frames.length * 0.95)]);
      results[`${key}_final_render_ms`] = Math.round(finalMs);
      console.log(`${label}, ${shape}: ${frames.length} frames, busy ${total.toFixed(0)} ms (${(total / frames.length).toFixed(1)} ms/frame, p95 ${results[`${key}_p95_frame_ms`]} ms, worst ${Math.max(...frames).toFixed(0)} ms at frame ${results[`${key}_worst_frame_index`]}), final render ${finalMs.toFixed(0)} ms`);
    }
  } finally {
    await harness.close();
  }
  return results;
}

/** Streams the answer through a redraw policy on a virtual clock; the redraw work is real and timed. */
function diffRun(text: string, original: string, due: (now: number, size: number) => boolean, drew: (start: number, end: number) => void) {
  let clock = 0;
  let raw = '';
  let draws = 0;
  let work = 0;
  let worst = 0;
  const draw = (final: boolean) => {
    const t0 = performance.now();
    const replacement = extractCode(raw, { original, partial: !final }) || original;
    const proposed = spliceText(original, { start: 0, end: original.length }, replacement);
    const ms = performance.now() - t0;
    if (proposed.length < 0) throw new Error('unreachable');
    draws++;
    work += ms;
    if (!final) worst = Math.max(worst, ms);
    return ms;
  };
  for (let i = 0; i < text.length; i += DIFF_CHUNK) {
    raw += text.slice(i, i + DIFF_CHUNK);
    clock += (DIFF_CHUNK / DIFF_CHARS_PER_S) * 1000;
    if (due(clock, raw.length)) {
      const start = clock;
      clock += draw(false);
      drew(start, clock);
    }
  }
  const final = draw(true);
  return { draws, work, worst, final, streamMs: clock };
}

function diffPart(): Record<string, number> {
  const text = answer('code');
  const original = 'export function mean(values: number[]): number {\n  return values.reduce((a, b) => a + b, 0) / values.length;\n}\n';
  let last = -Infinity;
  const fixed = diffRun(text, original, (now) => now - last >= 100, (_s, end) => (last = end));
  const pacer = new RedrawPacer(DIFF_PREVIEW_PACING);
  const paced = diffRun(text, original, (now, size) => pacer.due(now, size), (s, e) => pacer.drew(s, e));
  // What the preview does now: paced redraws up to LIVE_PREVIEW_LIMIT, then progress reports only (no transform).
  const live = new LiveRedraws(DIFF_PREVIEW_PACING);
  const bounded = diffRun(text, original, (now, size) => live.step(now, size) === 'redraw', (s, e) => live.drew(s, e));
  const results: Record<string, number> = {};
  for (const [name, r] of [['fixed_100ms', fixed], ['paced', paced], ['live_limit', bounded]] as const) {
    results[`diff_${name}_redraws`] = r.draws;
    results[`diff_${name}_work_ms`] = Math.round(r.work);
    results[`diff_${name}_worst_redraw_ms`] = Number(r.worst.toFixed(1));
    results[`diff_${name}_final_redraw_ms`] = Number(r.final.toFixed(1));
    console.log(`diff preview, ${name}: ${r.draws} redraws (the last is the final one), ${r.work.toFixed(0)} ms of host-thread work (worst streaming redraw ${r.worst.toFixed(1)} ms, final ${r.final.toFixed(1)} ms) over a ${(r.streamMs / 1000).toFixed(0)} s stream`);
  }
  results.diff_work_ratio_fixed_over_paced = Number((fixed.work / paced.work).toFixed(1));
  results.diff_work_ratio_paced_over_live_limit = Number((paced.work / bounded.work).toFixed(1));
  results.diff_worst_ratio_paced_over_live_limit = Number((paced.worst / bounded.worst).toFixed(1));
  return results;
}

async function main(): Promise<void> {
  const part = argValue(process.argv, 'part');
  const results: Record<string, number> = {};
  if (!part || part === 'diff') Object.assign(results, diffPart());
  if (!part || part === 'webview') {
    Object.assign(results, await webviewPart('webview'));
    const rev = argValue(process.argv, 'baseline-rev');
    if (rev) {
      Object.assign(results, await webviewPart('baseline', await buildBaseline(rev)));
      for (const shape of ['code', 'mixed']) {
        for (const m of ['busy_total_ms', 'worst_frame_ms', 'final_render_ms']) {
          results[`ratio_baseline_over_webview_${shape}_${m}`] = Number((results[`baseline_${shape}_${m}`] / Math.max(1, results[`webview_${shape}_${m}`])).toFixed(1));
        }
      }
    }
  }
  console.log(JSON.stringify({ bench: 'answer-stream-1mb', answer_bytes: ANSWER_BYTES, webview_delta_bytes: WEBVIEW_DELTA, diff_chars_per_s: DIFF_CHARS_PER_S, ...results }));
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
