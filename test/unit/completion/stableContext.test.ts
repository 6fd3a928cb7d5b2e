import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StableContext, REGION_LINES } from '../../../src/core/completion/stableContext';
import { nullLogger } from '../../../src/core/log';
import type { ContextEngine, ContextRequest } from '../../../src/core/context/types';
import { snapshot } from './fakes';

function engine(delayMs = 0) {
  const calls: ContextRequest[] = [];
  const e: ContextEngine = {
    async assemble(req) {
      calls.push(req);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const text = `// context ${calls.length}\n`;
      return { items: [], text, tokens: 4, dropped: [], elapsedMs: 0 };
    },
  };
  return { e, calls };
}

test('context stays the same while the cursor stays in its region, so the prompt prefix is stable', async () => {
  const { e, calls } = engine();
  const sc = new StableContext(e, nullLogger);
  const doc = snapshot('let a = 1;\n');
  const first = await sc.get(doc, 3, 1024);
  assert.equal(first.text, '// context 1\n');
  for (let line = 4; line < REGION_LINES; line++) assert.equal((await sc.get(doc, line, 1024)).text, first.text);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].purpose, 'completion');
  assert.equal(calls[0].budgetTokens, 1024);
});

test('another region: the old context is served at once and a refresh runs in the background', async () => {
  // The second assembly finishes only when the test lets it: the state is waited for, not a timer (a 20 ms
  // assembly against the 40 ms first wait was flaky on a loaded machine).
  const calls: ContextRequest[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let done!: () => void;
  const refreshed = new Promise<void>((r) => (done = r));
  const e: ContextEngine = {
    async assemble(req) {
      calls.push(req);
      const n = calls.length;
      if (n === 2) await gate;
      if (n === 2) setImmediate(done);
      return { items: [], text: `// context ${n}\n`, tokens: 4, dropped: [], elapsedMs: 0 };
    },
  };
  const sc = new StableContext(e, nullLogger);
  const doc = snapshot('x');
  assert.equal((await sc.get(doc, 0, 512)).text, '// context 1\n');
  const moved = await sc.get(doc, REGION_LINES * 2, 512);
  assert.equal(moved.text, '// context 1\n');
  assert.equal(moved.fresh, false);
  release();
  await refreshed;
  assert.equal((await sc.get(doc, REGION_LINES * 2, 512)).text, '// context 2\n');
  assert.equal(calls.length, 2);
});

test('a slow first assembly is not waited for beyond a few tens of ms; failures leave the prompt without context', async () => {
  // The assembly never finishes until the test lets it: if get() waited for it, the test would hang.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let finished = false;
  const slow: ContextEngine = {
    async assemble() {
      await gate;
      finished = true;
      return { items: [], text: '// late\n', tokens: 3, dropped: [], elapsedMs: 0 };
    },
  };
  const r = await new StableContext(slow, nullLogger).get(snapshot('y'), 0, 512);
  assert.equal(r.text, '');
  assert.equal(finished, false, 'answered before the assembly finished');
  release();
  const failing = new StableContext({ assemble: async () => { throw new Error('boom'); } }, nullLogger);
  assert.equal((await failing.get(snapshot('z'), 0, 512)).text, '');
  assert.equal((await new StableContext(undefined, nullLogger).get(snapshot('z'), 0, 512)).text, '');
});

test('invalidate (new language-server hints): the next request serves the old context and refreshes it; other files keep theirs', async () => {
  const { e, calls } = engine();
  const sc = new StableContext(e, nullLogger);
  const doc = snapshot('let a = 1;\n');
  const other = { ...snapshot('let b = 2;\n'), path: '/other.ts' };
  assert.equal((await sc.get(doc, 3, 1024)).text, '// context 1\n');
  assert.equal((await sc.get(other, 3, 1024)).text, '// context 2\n');
  sc.invalidate(doc.path);
  sc.invalidate('/never-asked.ts');
  const stale = await sc.get(doc, 3, 1024);
  assert.deepEqual([stale.text, stale.fresh], ['// context 1\n', false]);
  await new Promise((r) => setImmediate(r));
  assert.equal(calls.length, 3, 'one refresh, for the invalidated file only');
  assert.equal((await sc.get(doc, 3, 1024)).text, '// context 3\n');
  assert.equal((await sc.get(other, 3, 1024)).text, '// context 2\n');
  assert.equal(calls.length, 3);
});
