import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionScheduler, type CompletionAnswer } from '../../../src/core/completion/scheduler';
import { AdaptiveDebounce, PAUSE_MS } from '../../../src/core/completion/debounce';
import { FakeClock, FakeRunner, flush, snapshot } from './fakes';

const indent = { insertSpaces: true, tabSize: 4 };

function setup(debounceMs = 100) {
  const clock = new FakeClock();
  const runner = new FakeRunner();
  const sched = new CompletionScheduler({ runner, clock, debounceMs });
  let current: AbortController | undefined;
  /** Like VS Code: each new query cancels the previous one's token. */
  const type = (text: string, trigger: 'automatic' | 'manual' = 'automatic') => {
    current?.abort();
    current = new AbortController();
    const answer: { value?: CompletionAnswer; done: boolean } = { done: false };
    void sched.provide({ doc: snapshot(text), trigger, indent, signal: current.signal }).then((v) => {
      answer.value = v;
      answer.done = true;
    });
    return answer;
  };
  return { clock, runner, sched, type };
}

test('debounce: keystrokes closer together than the delay send one request, after the last one', async () => {
  const { clock, runner, type } = setup(100);
  const a = type('const x = f');
  await clock.advance(40);
  const b = type('const x = fo');
  await clock.advance(40);
  const c = type('const x = foo');
  await clock.advance(30);
  assert.equal(runner.calls.length, 0, 'no request while typing');
  await clock.advance(1000);
  assert.equal(runner.calls.length, 1);
  assert.equal(runner.calls[0].prefix, 'const x = foo');
  assert.ok(a.done && a.value === undefined && b.done && b.value === undefined, 'superseded queries answer nothing');
  runner.calls[0].emit('(1);');
  runner.calls[0].finish();
  await flush();
  assert.deepEqual(c.value && { text: c.value.text, source: c.value.source }, { text: '(1);', source: 'request' });
});

test('abort: a keystroke that contradicts the streamed text aborts the request (one in flight at most)', async () => {
  const { clock, runner, sched, type } = setup(100);
  type('let total = ');
  await clock.advance(500);
  assert.equal(runner.calls.length, 1);
  runner.calls[0].emit('sum(');
  type('let total = x');
  await flush();
  assert.ok(runner.calls[0].signal.aborted, 'stale request aborted');
  assert.equal(sched.stats.cancelled, 1);
  await clock.advance(500);
  assert.equal(runner.calls.length, 2);
  assert.ok(!runner.calls[1].signal.aborted);
});

test('reuse: typing what the in-flight request is producing waits for it instead of a new request', async () => {
  const { clock, runner, sched, type } = setup(100);
  type('items.');
  await clock.advance(500);
  runner.calls[0].emit('redu');
  const later = type('items.re');
  await clock.advance(500);
  assert.equal(runner.calls.length, 1, 'no second request');
  assert.ok(!runner.calls[0].signal.aborted);
  runner.calls[0].emit('ce((a, b) => a + b, 0)');
  runner.calls[0].finish();
  await flush();
  assert.equal(later.value?.text, 'duce((a, b) => a + b, 0)');
  assert.equal(later.value?.source, 'reuse');
  assert.equal(sched.stats.reused, 1);
});

test('cache: typing the suggestion and going back are served without a request', async () => {
  const { clock, runner, sched, type } = setup(100);
  type('const id = crypto.');
  await clock.advance(500);
  runner.calls[0].emit('randomUUID();');
  runner.calls[0].finish();
  await flush();
  const typed = type('const id = crypto.rand');
  await flush();
  assert.equal(typed.value?.text, 'omUUID();');
  assert.equal(typed.value?.source, 'cache');
  const back = type('const id = crypto.');
  await flush();
  assert.equal(back.value?.text, 'randomUUID();');
  assert.equal(runner.calls.length, 1);
  assert.equal(sched.stats.cacheHits, 2);
});

test('cache: a model change (namespace) invalidates cached completions', async () => {
  const { clock, runner, type } = setup(100);
  type('x = ');
  await clock.advance(500);
  runner.calls[0].emit('1');
  runner.calls[0].finish();
  await flush();
  runner.namespace = 'other-model';
  type('x = ');
  await clock.advance(500);
  assert.equal(runner.calls.length, 2);
});

test('no request mid-word, before code on the line, or while the suggest widget changes the text', async () => {
  const { clock, runner, sched } = setup(100);
  const ask = (text: string, extra: { suggestWidgetActive?: boolean } = {}) =>
    sched.provide({ doc: snapshot(text), trigger: 'automatic', indent, signal: new AbortController().signal, ...extra });
  const answers = [ask('const fo█o = 1;'), ask('call(█x, y);'), ask('const a = █', { suggestWidgetActive: true })];
  await clock.advance(1000);
  assert.deepEqual(await Promise.all(answers), [undefined, undefined, undefined]);
  assert.equal(runner.calls.length, 0);
  assert.equal(sched.stats.skipped, 3);
  // Closers after the cursor are fine.
  void ask('foo(█);');
  await clock.advance(1000);
  assert.equal(runner.calls.length, 1);
});

test('manual trigger skips the debounce', async () => {
  const { runner, type } = setup(300);
  type('const y = ', 'manual');
  await flush();
  assert.equal(runner.calls.length, 1);
});

test('manual trigger asks again where the cached answer was empty; automatic queries use the cache', async () => {
  const { clock, runner, sched, type } = setup(100);
  type('let total = ');
  await clock.advance(500);
  assert.equal(runner.calls.length, 1);
  runner.calls[0].finish();
  await flush();
  assert.equal(sched.cache.get('let total = ', '')?.text, '', 'the empty answer is cached');
  type('let total = ');
  await clock.advance(500);
  assert.equal(runner.calls.length, 1, 'automatic: served by the cached empty answer');
  type('let total = ', 'manual');
  await clock.advance(10);
  assert.equal(runner.calls.length, 2, 'manual: a new request');
});

test('disabled language and snooze stop automatic requests', async () => {
  const clock = new FakeClock();
  const runner = new FakeRunner();
  let gate = { enabled: true, disabledLanguages: ['typescript'], snoozed: false };
  const sched = new CompletionScheduler({ runner, clock, debounceMs: 50, isEnabled: () => gate });
  void sched.provide({ doc: snapshot('let a = '), trigger: 'automatic', indent, signal: new AbortController().signal });
  await clock.advance(500);
  gate = { enabled: true, disabledLanguages: [], snoozed: true };
  void sched.provide({ doc: snapshot('let b = '), trigger: 'automatic', indent, signal: new AbortController().signal });
  await clock.advance(500);
  assert.equal(runner.calls.length, 0);
  gate = { enabled: true, disabledLanguages: [], snoozed: false };
  void sched.provide({ doc: snapshot('let c = '), trigger: 'automatic', indent, signal: new AbortController().signal });
  await clock.advance(500);
  assert.equal(runner.calls.length, 1);
});

test('adaptive debounce: short after a pause, follows the rhythm in a burst, shorter at word boundaries', () => {
  const d = new AdaptiveDebounce(120);
  d.noteKeystroke(0);
  assert.equal(d.delay('a'), 60, 'first key after a pause');
  let t = 0;
  for (let i = 0; i < 10; i++) {
    t += 150;
    d.noteKeystroke(t);
  }
  const inWord = d.delay('a');
  const atBoundary = d.delay(' ');
  assert.ok(atBoundary >= 150 && atBoundary < 300, `after a word boundary: about the typing gap (${atBoundary})`);
  assert.ok(inWord > 2 * 150 && inWord <= 6 * 120, `inside a word: well past the typing gap (${inWord})`);
  t += PAUSE_MS + 1;
  d.noteKeystroke(t);
  assert.equal(d.delay('a'), 60);
});

test('hot streak: the lines the model wrote after the ghost serve the next line without a request', async () => {
  const { clock, runner, sched, type } = setup(100);
  type('function f() {\n  const a = █\n}');
  await clock.advance(500);
  runner.calls[0].emit('load();');
  runner.calls[0].finish(['  return a;', '}']);
  await flush();
  // The user types the suggestion, Enter, and the editor auto-indents.
  const next = type('function f() {\n  const a = load();\n  █\n}');
  await flush();
  assert.equal(next.value?.text, 'return a;');
  assert.equal(next.value?.source, 'cache');
  assert.equal(runner.calls.length, 1);
  assert.equal(sched.stats.cacheHits, 1);
});

test('an answer is shown as soon as it is complete, while the stream goes on', async () => {
  const clock = new FakeClock();
  let onAnswer: ((t: string) => void) | undefined;
  let finish: (() => void) | undefined;
  const runner = new FakeRunner();
  runner.run = (_p, signal, hooks) => {
    hooks.onWire?.();
    onAnswer = hooks.onAnswer;
    return new Promise((resolve) => {
      finish = () => resolve({ text: 'x + 1;', raw: 'x + 1;\nmore', stopReason: 'stop', endedEarly: false, following: ['more'] });
      signal.addEventListener('abort', () => resolve({ text: '', raw: '', stopReason: 'abort', endedEarly: false, following: [] }));
    });
  };
  const sched = new CompletionScheduler({ runner, clock, debounceMs: 50 });
  const answer = sched.provide({ doc: snapshot('let y = '), trigger: 'automatic', indent, signal: new AbortController().signal });
  await clock.advance(200);
  onAnswer!('x + 1;');
  assert.equal((await answer)?.text, 'x + 1;', 'resolved before the stream finished');
  finish!();
});

test('the prompt is warmed up during the debounce, not for cache hits or manual triggers', async () => {
  const { clock, runner, type } = setup(100);
  const warmed: string[] = [];
  runner.warm = (doc) => warmed.push(doc.text.slice(0, doc.offset));
  type('let a = b');
  await flush();
  assert.deepEqual(warmed, ['let a = b']);
  type('let a = c', 'manual');
  await flush();
  assert.equal(warmed.length, 1);
  await clock.advance(500);
});
