import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declarationSpanFor } from '../../../src/core/chat/declaration';

const TS = `/** Helpers. */
export function add(a: number, b: number): number {
  return a + b;
}

export function mean(values: number[]): number {
  if (values.length === 0) return 0;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
`;

test('finds the declaration a TypeScript code block redefines (whole lines, with export)', async () => {
  const span = await declarationSpanFor('typescript', TS, 'export function mean(values: number[]): number {\n  return 0;\n}');
  assert.deepEqual(span, { startLine: 5, endLine: 8, name: 'mean' });
});

test('finds a Python method by name and ignores unknown names and languages', async () => {
  const py = 'class Stats:\n    def mean(self, xs):\n        return sum(xs) / len(xs)\n\n    def spread(self, xs):\n        return max(xs) - min(xs)\n';
  assert.deepEqual(await declarationSpanFor('python', py, 'def spread(self, xs):\n    return 0\n'), { startLine: 4, endLine: 5, name: 'spread' });
  assert.equal(await declarationSpanFor('python', py, 'def median(xs):\n    pass'), undefined);
  assert.equal(await declarationSpanFor('plaintext', 'mean', 'def mean(): pass'), undefined);
  assert.equal(await declarationSpanFor('typescript', TS, 'console.log(1);'), undefined);
});
