// bench:typing --server: the prompt accounting read from a llama-server stream, and the reuse figure built from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addTimings, emptyTally, finalTimings, reuseOf } from '../../../bench/typing/serverReplay';

test('finalTimings reads prompt_n / cache_n from the final event; a stream without one, or with an error, throws', () => {
  const sse = 'data: {"content":"a","stop":false}\n\ndata: {"content":"","stop":true,"timings":{"prompt_n":12,"cache_n":988}}\n\n';
  assert.deepEqual(finalTimings(sse), { promptN: 12, cacheN: 988 });
  assert.throws(() => finalTimings('data: {"content":"a","stop":false}\n\n'), /no final event/);
  assert.throws(() => finalTimings('data: {"error":{"code":500,"message":"boom"}}\n\n'), /server error: boom/);
});

test('reuse = 1 - prefilled / prompt tokens over all requests (token-weighted)', () => {
  const t = emptyTally();
  assert.equal(reuseOf(t), 0);
  addTimings(t, { promptN: 1000, cacheN: 0 });
  addTimings(t, { promptN: 10, cacheN: 990 });
  assert.equal(t.requests, 2);
  assert.equal(t.promptTokens, 2000);
  assert.equal(reuseOf(t), 1 - 1010 / 2000);
});
