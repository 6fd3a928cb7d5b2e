/**
 * A line diff (Myers' O(ND) greedy algorithm, with the common prefix and suffix trimmed first): the changed blocks
 * ("hunks") that turn one list of lines into another. Lines are compared as strings; the caller decides whether line
 * terminators are part of them.
 */

export interface LineHunk {
  /** First old line the hunk replaces (0-based) and how many it replaces (0: a pure insertion before oldStart). */
  oldStart: number;
  oldCount: number;
  /** First new line of the hunk and how many (0: a pure deletion). */
  newStart: number;
  newCount: number;
}

/** Beyond this many differences the diff stops searching and reports the changed middle as one hunk. */
export const MAX_EDIT_DISTANCE = 4000;

/**
 * The hunks turning `a` into `b`, in order, non-overlapping and non-adjacent (a hunk never touches the next one).
 * Between hunks, lines are equal.
 */
export function diffLines(a: readonly string[], b: readonly string[]): LineHunk[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const n = a.length - prefix - suffix;
  const m = b.length - prefix - suffix;
  if (n === 0 && m === 0) return [];
  if (n === 0 || m === 0) return [{ oldStart: prefix, oldCount: n, newStart: prefix, newCount: m }];
  const matches = myersMatches(a, b, prefix, n, m);
  if (!matches) return [{ oldStart: prefix, oldCount: n, newStart: prefix, newCount: m }];
  // Walk the matched pairs; the gaps between them are the hunks.
  const hunks: LineHunk[] = [];
  let i = 0;
  let j = 0;
  for (const [mi, mj] of [...matches, [n, m] as const]) {
    if (mi > i || mj > j) hunks.push({ oldStart: prefix + i, oldCount: mi - i, newStart: prefix + j, newCount: mj - j });
    i = mi + 1;
    j = mj + 1;
  }
  return hunks;
}

/**
 * Matched (old, new) index pairs of the middle parts a[off..off+n), b[off..off+m), relative to `off`, in order;
 * undefined when the edit distance exceeds MAX_EDIT_DISTANCE.
 */
function myersMatches(a: readonly string[], b: readonly string[], off: number, n: number, m: number): [number, number][] | undefined {
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const size = 2 * max + 1;
  const v = new Int32Array(size);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!);
      let x = down ? v[max + k + 1]! : v[max + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[off + x] === b[off + y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return undefined;
  // Backtrack through the saved frontiers, collecting the diagonal (matching) moves.
  const pairs: [number, number][] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && vd[max + k - 1]! < vd[max + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = vd[max + prevK]!;
    const prevY = prevX - prevK;
    const startX = down ? prevX : prevX + 1;
    const startY = startX - k;
    while (x > startX && y > startY) pairs.push([--x, --y]);
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) pairs.push([--x, --y]);
  return pairs.reverse();
}
