import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHAT_TAIL_PACING, DIFF_PREVIEW_PACING, LIVE_PREVIEW_LIMIT, LiveRedraws, RedrawPacer } from '../../../src/shared/redrawPacer';

/** Streams `total` characters at `charsPerMs` through the pacer; a redraw costs `msPerKiB` per KiB redrawn. */
function simulate(pacer: RedrawPacer, total: number, charsPerMs: number, costMsPerKiB: number) {
  let now = 0;
  let redrawn = 0;
  let redraws = 0;
  for (let size = 64; size <= total; size += 64) {
    now += 64 / charsPerMs;
    if (!pacer.due(now, size)) continue;
    const cost = (costMsPerKiB * size) / 1024;
    pacer.drew(now, now + cost);
    now += cost;
    redrawn += size;
    redraws++;
  }
  return { redrawn, redraws, elapsed: now };
}

test('the first redraw is due at once; later ones wait for the interval, which grows with size and with the last cost', () => {
  const p = new RedrawPacer({ minIntervalMs: 100, msPerKiB: 3, costFactor: 10 });
  assert.equal(p.wait(0, 10), 0);
  p.drew(0, 2);
  assert.equal(p.wait(50, 1024), 52, 'small: the minimum interval, from the end of the last redraw');
  assert.equal(p.interval(100 * 1024), 300, 'grows with the size');
  p.drew(200, 260);
  assert.equal(p.interval(1024), 600, 'at least 10x what the last redraw took');
  assert.ok(!p.due(800, 1024) && p.due(860, 1024));
  p.reset();
  assert.ok(p.due(0, 1 << 20));
});

test('the redraws of a 1 MB stream cost O(its length) in all, where a fixed rate costs O(length^2)', () => {
  for (const opts of [DIFF_PREVIEW_PACING, CHAT_TAIL_PACING]) {
    const total = 1 << 20;
    const paced = simulate(new RedrawPacer(opts), total, 10, 0.5);
    const fixed = simulate(new RedrawPacer({ minIntervalMs: Math.max(16, opts.minIntervalMs), msPerKiB: 0, costFactor: 0 }), total, 10, 0.5);
    assert.ok(paced.redrawn < 100 * total, `paced redraws handle ${paced.redrawn} chars for a ${total}-char answer`);
    assert.ok(fixed.redrawn > 5 * paced.redrawn, `a fixed rate redraws ${fixed.redrawn} chars, paced ${paced.redrawn}`);
    // Doubling the answer roughly doubles the paced work (linear), not quadruples it.
    const twice = simulate(new RedrawPacer(opts), 2 * total, 10, 0.5);
    assert.ok(twice.redrawn < 2.6 * paced.redrawn, `2 MB: ${twice.redrawn} vs 1 MB: ${paced.redrawn}`);
  }
});

test('the diff preview never re-transforms more than the live limit while a 1 MB answer streams; above it, paced progress only', () => {
  const redraws = new LiveRedraws(DIFF_PREVIEW_PACING);
  let now = 0;
  let largest = 0;
  let transformed = 0;
  const progress: number[] = [];
  for (let size = 64; size <= 1 << 20; size += 64) {
    now += 6.4; // 10,000 characters a second
    const step = redraws.step(now, size);
    if (step === 'redraw') {
      largest = Math.max(largest, size);
      transformed += size;
      redraws.drew(now, now + size / 10_000);
    } else if (step === 'progress') progress.push(now);
  }
  assert.ok(largest > LIVE_PREVIEW_LIMIT - 4096 && largest <= LIVE_PREVIEW_LIMIT, `the largest streaming redraw handled ${largest} chars`);
  assert.ok(transformed < 40 * LIVE_PREVIEW_LIMIT, `streaming redraws handled ${transformed} chars in all for a 1 MB answer`);
  assert.ok(progress.length > 10, `progress was reported ${progress.length} times`);
  assert.ok(progress.every((t, i) => i === 0 || t - progress[i - 1] >= 250), 'progress reports are at least 250 ms apart');
  // A small answer is redrawn live at once, as before.
  assert.equal(new LiveRedraws(DIFF_PREVIEW_PACING).step(0, 100), 'redraw');
});
