/**
 * The per-keystroke steps read only the text near the cursor (DocumentSnapshot.near), so an editor snapshot's whole
 * text (a copy of the document that VS Code makes on the first read after each edit) is read only when a step needs it:
 * the scheduler (trigger rules, cache, the request in flight) and the pipeline with the worker's window never read it,
 * and they behave as with the whole text in documents far longer than that neighbourhood.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { CompletionScheduler, type CompletionAnswer, type CompletionRunner } from '../../../src/core/completion/scheduler';
import { CompletionPipeline, DEFAULT_PIPELINE_SETTINGS, type CompletionTarget, type PreparedCompletion } from '../../../src/core/completion/pipeline';
import { StableContext } from '../../../src/core/completion/stableContext';
import { remoteWindow, type WindowSource } from '../../../src/core/completion/cursorWindow';
import { LocalTrees } from '../../../src/core/completion/localTrees';
import { MAX_TYPED_AHEAD, PREFIX_KEY_CHARS } from '../../../src/core/completion/cache';
import { NEAR_CURSOR_CHARS, cursorText } from '../../../src/core/context/cursorText';
import { loadLanguage } from '../../../src/core/context/parser';
import type { DocumentSnapshot } from '../../../src/core/context/types';
import type { Backend } from '../../../src/core/backends/types';
import { nullLogger } from '../../../src/core/log';
import { FakeClock, FakeRunner, flush } from './fakes';

const indent = { insertSpaces: true, tabSize: 4 };
const FILLER_ABOVE = Array.from({ length: 900 }, (_, i) => `const filler${i} = ${i};`).join('\n') + '\n';
const FILLER_BELOW = '\n' + Array.from({ length: 600 }, (_, i) => `export const tail${i} = ${i};`).join('\n');

before(async () => {
  await loadLanguage('typescript');
});

/** An editor-like snapshot: `near` given, `text` counted when read. */
function lazy(text: string, offset: number, version: number, reads: { n: number }): DocumentSnapshot {
  const near = cursorText({ text, offset });
  return {
    path: '/w/big.ts', relPath: 'big.ts', languageId: 'typescript', version, offset, line: text.slice(0, offset).split('\n').length - 1, near: { ...near },
    get text() {
      reads.n++;
      return text;
    },
  };
}

function plain(text: string, offset: number, version: number): DocumentSnapshot {
  return { path: '/w/big.ts', relPath: 'big.ts', languageId: 'typescript', version, offset, text };
}

/** The FakeRunner, reading only the text near the cursor. */
class NearRunner extends FakeRunner {
  override async prepare(doc: DocumentSnapshot): Promise<PreparedCompletion> {
    const near = cursorText(doc);
    // Field by field: a spread would read `text`.
    return super.prepare({ path: doc.path, relPath: doc.relPath, languageId: doc.languageId, version: doc.version, text: near.before + near.after, offset: near.before.length });
  }
}

/** Typing in the middle of a long document: reuse, a contradiction, the cache typed ahead and going back, the hot streak. */
async function session(snap: (text: string, offset: number, version: number) => DocumentSnapshot) {
  const clock = new FakeClock();
  const runner = new NearRunner();
  const sched = new CompletionScheduler({ runner: runner as CompletionRunner, clock, debounceMs: 100 });
  let version = 0;
  let current: AbortController | undefined;
  const answers: (CompletionAnswer | undefined)[] = [];
  const type = (line: string) => {
    current?.abort();
    current = new AbortController();
    const text = FILLER_ABOVE + line + FILLER_BELOW;
    const at = answers.push(undefined) - 1;
    void sched.provide({ doc: snap(text, FILLER_ABOVE.length + line.length, ++version), trigger: 'automatic', indent, signal: current.signal }).then((a) => (answers[at] = a && { text: a.text, source: a.source }));
  };
  type('const items = list.');
  await clock.advance(500);
  runner.calls[0].emit('redu');
  type('const items = list.re');
  await clock.advance(500);
  runner.calls[0].emit('ce((a, b) => a + b, 0);');
  runner.calls[0].finish(['const next = items;']);
  await flush();
  type('const items = list.reduce(');
  await flush();
  type('const items = list.');
  await flush();
  // Mid-word keys wait longer (up to 6x the base debounce).
  type('const items = list.x');
  await clock.advance(1000);
  runner.calls.at(-1)!.emit('y');
  type('const items = list.xz');
  await clock.advance(1000);
  runner.calls.at(-1)!.emit('abc');
  runner.calls.at(-1)!.finish();
  await flush();
  return { answers, calls: runner.calls.map((c) => [c.prefix.slice(-40), c.signal.aborted]), stats: sched.stats };
}

test('the scheduler reads only the text near the cursor and answers as with the whole text, in a long document', async () => {
  assert.ok(NEAR_CURSOR_CHARS >= PREFIX_KEY_CHARS + MAX_TYPED_AHEAD, 'the cache reads no further than the text near the cursor');
  const reads = { n: 0 };
  const near = await session((text, offset, version) => lazy(text, offset, version, reads));
  const whole = await session(plain);
  assert.equal(reads.n, 0, 'the whole text was never read');
  assert.deepEqual(near, whole);
  assert.equal(whole.stats.reused, 1);
  assert.ok(whole.stats.cacheHits >= 2 && whole.stats.cancelled >= 1, JSON.stringify(whole.stats));
});

test("a request with the worker's window reads no whole text; building the window here does", async () => {
  const target: CompletionTarget = { backend: { kind: 'llamacpp' } as Backend, backendKind: 'llamacpp', model: 'phi4', info: { name: 'phi4', family: 'phi3', fim: false, contextLength: 16384 }, contextWindow: 16384 };
  const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'src', 'core', 'completion', 'scheduler.ts'), 'utf8');
  const offset = text.indexOf('\n', 8000);
  const engine = { assemble: async () => ({ items: [], text: 'ctx', tokens: 1, dropped: [], elapsedMs: 0, budgetTokens: 1024 }) };
  const trees = new LocalTrees();
  const answering: WindowSource = { window: async (d, budget) => remoteWindow({ text, offset: d.offset, line: d.line, languageId: d.languageId }, budget, trees) };
  const silent: WindowSource = { window: async () => undefined };
  for (const [source, expectReads] of [[answering, false], [silent, true]] as const) {
    const reads = { n: 0 };
    const pipeline = new CompletionPipeline(new StableContext(engine, nullLogger), DEFAULT_PIPELINE_SETTINGS, undefined, { source, logger: nullLogger });
    const p = await pipeline.prepare(lazy(text, offset, 1, reads), target, indent);
    assert.ok(p.prompt.kind === 'raw' && p.prompt.prompt.includes('<HOLE>'));
    assert.equal(reads.n > 0, expectReads, `reads: ${reads.n}`);
  }
});
