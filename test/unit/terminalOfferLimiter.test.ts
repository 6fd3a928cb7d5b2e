import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OfferLimiter } from '../../src/core/terminal/offerLimiter';

const MIN = 60_000;
const limits = { perCommandMs: 5 * MIN, visibleMs: 20_000, maxTracked: 3 };

/** Offers the failure when the limiter lets it, as the terminal feature does; returns the close function or undefined. */
function fail(l: OfferLimiter, command: string, now: number): (() => void) | undefined {
  return l.verdict(command, now) === 'offer' ? l.shown(command, now) : undefined;
}

test('the same failing command is offered once per 5 minutes, whitespace differences included', () => {
  const l = new OfferLimiter(limits);
  const close = fail(l, 'npm test', 0);
  assert.ok(close);
  close();
  assert.equal(l.verdict('npm test', 1_000), 'recently-offered');
  assert.equal(l.verdict('  npm   test ', 4 * MIN), 'recently-offered');
  assert.equal(l.verdict('npm test', 5 * MIN), 'offer');
});

test('a command failing in a loop raises one notification in ten minutes of failures every 2 seconds, then one more', () => {
  const l = new OfferLimiter(limits);
  let offers = 0;
  for (let t = 0; t < 10 * MIN; t += 2_000) {
    const close = fail(l, 'make', t);
    if (close) {
      offers++;
      close(); // answered at once: only the per-command limit holds it back
    }
  }
  assert.equal(offers, 2); // at 0 and at 5 minutes
});

test('never more than one visible: while one is shown other commands are not offered, until it is closed or hidden', () => {
  const l = new OfferLimiter(limits);
  const close = fail(l, 'cargo build', 0)!;
  assert.equal(l.verdict('go vet ./...', 1_000), 'one-visible');
  assert.equal(l.verdict('pytest', 19_999), 'one-visible');
  close();
  assert.equal(l.verdict('pytest', 2_000), 'offer');
  // Never answered: after visibleMs VS Code has hidden the toast into the notification centre.
  const l2 = new OfferLimiter(limits);
  fail(l2, 'cargo build', 0);
  assert.equal(l2.verdict('pytest', 20_000), 'offer');
});

test('closing an older offer does not free the slot a newer one holds', () => {
  const l = new OfferLimiter(limits);
  const closeOld = fail(l, 'a', 0)!;
  const closeNew = fail(l, 'b', 25_000)!; // the old one was hidden by then
  closeOld();
  assert.equal(l.verdict('c', 26_000), 'one-visible');
  closeNew();
  assert.equal(l.verdict('c', 26_000), 'offer');
});

test('remembers a bounded number of command lines, the oldest offered forgotten first', () => {
  const l = new OfferLimiter(limits);
  for (const [i, c] of ['a', 'b', 'c', 'd'].entries()) fail(l, c, i * 30_000)?.();
  assert.equal(l.verdict('a', 2 * MIN), 'offer'); // forgotten: 4 > maxTracked 3
  assert.equal(l.verdict('b', 2 * MIN), 'recently-offered');
  assert.equal(l.verdict('d', 2 * MIN), 'recently-offered');
});
