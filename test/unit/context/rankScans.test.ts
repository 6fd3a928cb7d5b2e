/**
 * Per-request scans of the ranking made cheaper without changing what they find (session 13): the qualified names a
 * file writes found by a scanner instead of a regular expression's matchAll, secret-path verdicts kept per path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../../../bench/rng';
import { forEachQualified } from '../../../src/core/context/qualifiedUses';
import { isSecretPath } from '../../../src/core/trust/secrets';
import { memberCounts } from '../../../src/core/context/qualified';
import { forEachMemberAfterDot } from '../../../src/core/context/typedMembers';
import { minTokens, minTokensExceed } from '../../../src/core/tokens';

/** What the scanner replaced: the regular expression's matches, as [start, qualifier, member]. */
function regexMatches(text: string): [number, string, string][] {
  return [...text.matchAll(/([A-Za-z_$][\w$]*)(?:\.|::)([A-Za-z_$][\w$]*)/g)].map((m) => [m.index!, m[1], m[2]]);
}

function scannerMatches(text: string): [number, string, string][] {
  const out: [number, string, string][] = [];
  forEachQualified(text, (start, qEnd, mStart, mEnd) => out.push([start, text.slice(start, qEnd), text.slice(mStart, mEnd)]));
  return out;
}

test('forEachQualified: the matches of the qualified-name expression, in order, on random code-like text', () => {
  const random = rng(71);
  // Words with digits first or inside, dots and colons in every arrangement, arrows, non-ASCII letters, newlines.
  const pieces = ['a', 'Q', 'x1', '9', '12ab', '_', '$', 'Effect', 'core', '.', '..', ':', '::', ':::', '->', ' ', '\n', 'é', 'ñame', '(', ')', '"', '/', '?.', 'ß', '\u{1F600}', '\t'];
  let matches = 0;
  for (let round = 0; round < 3000; round++) {
    const text = Array.from({ length: Math.floor(random() * 40) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const expected = regexMatches(text);
    matches += expected.length;
    assert.deepEqual(scannerMatches(text), expected, JSON.stringify(text));
  }
  assert.ok(matches > 300, `the random texts held qualified names (${matches})`);
});

test('forEachQualified: a run of digits before a word, a qualifier at the end of the text, a member cut by the end', () => {
  for (const text of ['12ab.cd', 'ab.', 'ab::', 'ab.c', 'a.b.c.d', 'x::y::z', '1.5', 'a.1b', 'a:b::c', '$.x', 'a\n.b']) {
    assert.deepEqual(scannerMatches(text), regexMatches(text), text);
  }
});

test('isSecretPath: a verdict asked again is the one first given, path by path (paths sharing a base name differ)', () => {
  const paths = ['.git/config', 'src/config', 'a/.env', 'a/env.ts', 'home/.ssh/config', 'lib/ssh/config', '.aws/config', 'aws/config', 'id_rsa', 'src/id.ts'];
  const first = paths.map((p) => isSecretPath(p));
  assert.deepEqual(first, [true, false, true, false, true, false, true, false, true, false]);
  for (let round = 0; round < 3; round++) assert.deepEqual([...paths].reverse().map((p) => isSecretPath(p)), [...first].reverse());
});

/** memberCounts before session 13 (regular-expression tests per character), the reference. */
function referenceMemberCounts(text: string, q: string): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = text.indexOf(q); i >= 0; i = text.indexOf(q, i + q.length)) {
    if (i > 0 && /[\w$]/.test(text[i - 1])) continue;
    let j = i + q.length;
    if (text[j] === '.') j++;
    else if (text[j] === ':' && text[j + 1] === ':') j += 2;
    else continue;
    let k = j;
    while (k < text.length && /[\w$]/.test(text[k])) k++;
    if (k > j) out.set(text.slice(j, k), (out.get(text.slice(j, k)) ?? 0) + 1);
  }
  return out;
}

test('memberCounts: the members after `q.` / `q::`, counted and in order as the per-character expression tests found them', () => {
  const random = rng(72);
  const pieces = ['core', 'Q', 'xcore', 'core9', '9', '.', '::', ':', ' ', '\n', 'map', '$x', '_', 'é', 'flatMapWithAVeryLongName', '(', '\u{1F600}', 'core.', 'Q::', ' core.map', '$x.a'];
  let found = 0;
  for (let round = 0; round < 2000; round++) {
    const text = Array.from({ length: Math.floor(random() * 50) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    for (const q of ['core', 'Q', '$x']) {
      const expected = [...referenceMemberCounts(text, q)];
      found += expected.length;
      assert.deepEqual([...memberCounts(text, q)], expected, JSON.stringify({ text, q }));
      assert.deepEqual([...memberCounts(text, q, true)], expected, JSON.stringify({ text, q }));
    }
  }
  assert.ok(found > 500, `the random texts held members (${found})`);
});

test('forEachMemberAfterDot: the members of the own-member-use expression, in order, on random code-like text', () => {
  const random = rng(73);
  const pieces = ['a', 'b1', '9', '$', '_', ')', ']', '?', '.', '?.', '..', ' ', '\n', 'é', 'x.y', 'a?.b', '(', '[', '\u{1F600}', 'Z'];
  let found = 0;
  for (let round = 0; round < 3000; round++) {
    const text = Array.from({ length: Math.floor(random() * 40) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const expected = [...text.matchAll(/[\w$)\]]\??\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]);
    const got: string[] = [];
    forEachMemberAfterDot(text, (start, end) => got.push(text.slice(start, end)));
    found += expected.length;
    assert.deepEqual(got, expected, JSON.stringify(text));
  }
  assert.ok(found > 1000, `the random texts held members (${found})`);
});

test('minTokensExceed: minTokens(text) > limit, for limits below, at and above the count, specials and letters of every script', () => {
  const random = rng(74);
  const pieces = ['a', 'bc', ' ', '\n', '1', 'é', 'ñame', '日本', '\u{1F600}', '<|im_end|>', '<|', '_', '.', 'Ω'];
  for (let round = 0; round < 2000; round++) {
    const text = Array.from({ length: Math.floor(random() * 30) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const n = minTokens(text);
    for (const limit of [-1, 0, n - 1, n, n + 1, Math.floor(random() * 20)]) assert.equal(minTokensExceed(text, limit), n > limit, JSON.stringify({ text, limit }));
  }
});
