import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../../../bench/rng';
import { diffLines } from '../../../src/core/edit/lineDiff';
import { applyDecisions, computeVerticalDiff, normaliseProposal, renderView, splitKeepingEol, type HunkState } from '../../../src/core/edit/hunks';

const WORDS = ['a', 'b', 'c', 'd', 'return x;', '}', '  if (x) {', '   ', 'const y = 1;'];

function randomLines(next: () => number, max: number): string[] {
  const n = Math.floor(next() * max);
  return Array.from({ length: n }, () => WORDS[Math.floor(next() * WORDS.length)]!);
}

/** A proposal derived from the original by random edits (so hunks mix with unchanged lines, as real rewrites do). */
function mutate(next: () => number, lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const r = next();
    if (r < 0.15) continue; // deleted
    if (r < 0.3) out.push(WORDS[Math.floor(next() * WORDS.length)]!); // replaced
    else out.push(l);
    if (next() < 0.15) out.push(`new ${Math.floor(next() * 5)}`); // inserted
  }
  if (next() < 0.3) out.unshift('// added on top');
  return out;
}

function join(lines: string[], trailing: boolean): string {
  return lines.length ? lines.join('\n') + (trailing ? '\n' : '') : '';
}

test('diffLines: applying every hunk turns a into b, and hunks never touch', () => {
  const next = rng(7);
  for (let iter = 0; iter < 500; iter++) {
    const a = randomLines(next, 12);
    const b = next() < 0.5 ? mutate(next, a) : randomLines(next, 12);
    const hunks = diffLines(a, b);
    const out: string[] = [];
    let at = 0;
    for (const h of hunks) {
      assert.ok(h.oldStart >= at, 'hunks are ordered');
      if (out.length) assert.ok(h.oldStart > at || h.oldCount + h.newCount > 0);
      out.push(...a.slice(at, h.oldStart), ...b.slice(h.newStart, h.newStart + h.newCount));
      at = h.oldStart + h.oldCount;
    }
    out.push(...a.slice(at));
    assert.deepEqual(out, b, JSON.stringify({ a, b, hunks }));
    for (let i = 1; i < hunks.length; i++) assert.ok(hunks[i]!.oldStart > hunks[i - 1]!.oldStart + hunks[i - 1]!.oldCount, 'hunks are separated by equal lines');
  }
});

test('diffLines: the diff is minimal for a single changed line', () => {
  assert.deepEqual(diffLines(['a', 'b', 'c'], ['a', 'x', 'c']), [{ oldStart: 1, oldCount: 1, newStart: 1, newCount: 1 }]);
  assert.deepEqual(diffLines(['a', 'b'], ['a', 'b']), []);
  assert.deepEqual(diffLines([], ['a']), [{ oldStart: 0, oldCount: 0, newStart: 0, newCount: 1 }]);
});

test('property: accept all = proposal, reject all = original, any mix = applying exactly those hunks', () => {
  const next = rng(16);
  for (let iter = 0; iter < 600; iter++) {
    const oldLines = ['first', ...randomLines(next, 14)];
    const trailing = next() < 0.7;
    const original = join(oldLines, trailing);
    const newLines = mutate(next, oldLines);
    const proposal = join(newLines, trailing);
    const diff = computeVerticalDiff(original, proposal, true);
    const ctx = JSON.stringify({ original, proposal });
    assert.equal(applyDecisions(diff, () => true, original, '\n'), normaliseProposal(proposal, original, '\n'), ctx);
    if (newLines.length && newLines.at(-1) !== '') assert.equal(applyDecisions(diff, () => true, original, '\n'), proposal, ctx);
    assert.equal(applyDecisions(diff, () => false, original, '\n'), original, ctx);
    // A random mix against an independent construction: walk the raw diff and take each hunk's side.
    const pick = diff.hunks.map(() => next() < 0.5);
    const raw = diffLines(oldLines, newLines);
    const expected: string[] = [];
    let at = 0;
    raw.forEach((h, i) => {
      expected.push(...oldLines.slice(at, h.oldStart));
      expected.push(...(pick[i] ? newLines.slice(h.newStart, h.newStart + h.newCount) : oldLines.slice(h.oldStart, h.oldStart + h.oldCount)));
      at = h.oldStart + h.oldCount;
    });
    expected.push(...oldLines.slice(at));
    assert.equal(applyDecisions(diff, (i) => pick[i]!, original, '\n'), join(expected, trailing), ctx);
  }
});

test('property: while streaming, rejecting everything shows the original, and the final diff agrees with the streamed one', () => {
  const next = rng(99);
  for (let iter = 0; iter < 300; iter++) {
    const oldLines = randomLines(next, 10);
    const original = join(oldLines, true);
    const proposal = join(mutate(next, oldLines), true);
    for (let cut = 0; cut <= proposal.length; cut += 1 + Math.floor(next() * 6)) {
      const diff = computeVerticalDiff(original, proposal.slice(0, cut), false);
      assert.equal(applyDecisions(diff, () => false, original, '\n'), original, JSON.stringify({ original, partial: proposal.slice(0, cut) }));
      // The pending view holds every original line, in order, plus the proposed ones.
      const view = renderView(diff, diff.hunks.map((): HunkState => 'pending'), original, '\n');
      const kept = splitKeepingEol(view.text).filter((_, i) => view.tags[i] !== 'added').join('');
      assert.equal(kept, original);
    }
  }
});

test('CRLF and a missing final newline are kept exactly when rejecting, and proposed lines get the document EOL', () => {
  const original = 'function f() {\r\n  return 1;\r\n}';
  const diff = computeVerticalDiff(original, 'function f() {\n  return 2;\n}', true);
  assert.equal(diff.hunks.length, 1);
  assert.equal(applyDecisions(diff, () => false, original, '\r\n'), original);
  assert.equal(applyDecisions(diff, () => true, original, '\r\n'), 'function f() {\r\n  return 2;\r\n}');
  const view = renderView(diff, ['pending'], original, '\r\n');
  assert.equal(view.text, 'function f() {\r\n  return 1;\r\n  return 2;\r\n}');
  assert.deepEqual(view.tags, ['same', 'removed', 'added', 'same']);
  assert.deepEqual(view.hunkLines, [1]);
});

test('decided hunks show only their chosen side and their position in the view', () => {
  const original = 'a\nb\nc\nd\n';
  const diff = computeVerticalDiff(original, 'a\nB\nc\nD\nE\n', true);
  assert.equal(diff.hunks.length, 2);
  const view = renderView(diff, ['accepted', 'pending'], original, '\n');
  assert.equal(view.text, 'a\nB\nc\nd\nD\nE\n');
  assert.deepEqual(view.tags, ['same', 'same', 'same', 'removed', 'added', 'added']);
  assert.deepEqual(view.hunkLines, [1, 3]);
});

test('streaming: original lines not reached yet are a tail, not removals', () => {
  const original = 'one\ntwo\nthree\n';
  const diff = computeVerticalDiff(original, 'one\nTWO\nthr', false);
  const view = renderView(diff, diff.hunks.map((): HunkState => 'pending'), original, '\n');
  assert.equal(view.text, 'one\nTWO\ntwo\nthree\n');
  assert.deepEqual(view.tags, ['same', 'added', 'same', 'same']);
  const done = computeVerticalDiff(original, 'one\nTWO\nthree\n', true);
  assert.deepEqual(renderView(done, ['pending'], original, '\n').tags, ['same', 'removed', 'added', 'same']);
});
