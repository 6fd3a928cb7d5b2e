/**
 * File windows built off the extension host's thread (the context engine's worker answers a WindowSource request):
 * the prompt is the one built on the host, exactly counted, with the worker's line counts taken instead of tokenizing
 * the window again; a worker that does not answer in time or cannot answer leaves the host to build the window (logged
 * once, and once when it answers again). The worker itself is tested in test/unit/context/engineWorker.test.ts.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { CompletionPipeline, DEFAULT_PIPELINE_SETTINGS, type CompletionTarget } from '../../../src/core/completion/pipeline';
import { remoteWindow, windowAndMode, windowAndModeAround, type RemoteWindow, type WindowSource } from '../../../src/core/completion/cursorWindow';
import { LocalTrees } from '../../../src/core/completion/localTrees';
import { TEXT_RULES } from '../../../src/core/completion/mode';
import { fileWindow } from '../../../src/core/completion/promptWindow';
import { loadLanguage } from '../../../src/core/context/parser';
import { cursorText, linesAroundIn } from '../../../src/core/context/cursorText';
import type { DocumentSnapshot } from '../../../src/core/context/types';
import type { Backend } from '../../../src/core/backends/types';
import { countTokens, forgetCounts } from '../../../src/core/tokens';
import { MemoryLogger, nullLogger } from '../../../src/core/log';
import { rng } from '../../../bench/rng';

const target: CompletionTarget = { backend: { kind: 'llamacpp' } as Backend, backendKind: 'llamacpp', model: 'phi4', info: { name: 'phi4', family: 'phi3', fim: false, contextLength: 16384 }, contextWindow: 16384 };
const indent = { insertSpaces: true, tabSize: 2 };
const FILES: [string, string][] = [
  ['typescript', path.join(__dirname, '..', '..', '..', 'src', 'core', 'completion', 'scheduler.ts')],
  ['python', path.join(__dirname, '..', '..', 'fixtures', 'context', 'lang', 'sample.py')],
];

before(async () => {
  await loadLanguage('typescript');
  await loadLanguage('python');
  // A first parse compiles the parser's code: not within the mode's 20 ms budget on a loaded machine.
  for (const [languageId, file] of FILES) windowAndMode({ text: '\n' + fs.readFileSync(file, 'utf8'), offset: 0, languageId }, DEFAULT_PIPELINE_SETTINGS.window, new LocalTrees());
});

/** Another thread's answer, simulated in this one: remoteWindow over its own copy of the text, with its own trees. */
function sourceOver(text: string, edit: (w: RemoteWindow) => RemoteWindow = (w) => w): WindowSource & { calls: number; last?: RemoteWindow } {
  const trees = new LocalTrees();
  const source: WindowSource & { calls: number; last?: RemoteWindow } = {
    calls: 0,
    async window(doc, budget) {
      source.calls++;
      // Structured clone, as postMessage does: nothing is shared with the host's objects.
      source.last = structuredClone(edit(remoteWindow({ text, offset: doc.offset, line: doc.line, languageId: doc.languageId }, budget, trees)));
      return source.last;
    },
  };
  return source;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length - 1;
}

test('a window from the worker gives the prompt built here, mode included, exactly counted', async () => {
  const random = rng(11);
  let sameMode = 0;
  let cases = 0;
  for (const [languageId, file] of FILES) {
    const original = fs.readFileSync(file, 'utf8');
    for (let i = 0; i < 25; i++) {
      // A new blank line at a random place (a multi-line request, whose mode needs the syntax tree), or a line's end.
      const at = original.indexOf('\n', Math.floor(random() * original.length));
      if (at < 0) continue;
      const text = i % 2 ? original : original.slice(0, at) + '\n' + original.slice(at);
      const offset = i % 2 ? at : at + 1;
      const doc: DocumentSnapshot = { path: file, relPath: path.basename(file), languageId, text, version: i + 1, offset, line: lineOf(text, offset) };
      const here = await new CompletionPipeline(undefined, DEFAULT_PIPELINE_SETTINGS).prepare({ ...doc, line: undefined }, target, indent);
      const source = sourceOver(text);
      const there = await new CompletionPipeline(undefined, DEFAULT_PIPELINE_SETTINGS, undefined, { source, logger: nullLogger }).prepare(doc, target, indent);
      assert.equal(source.calls, 1);
      assert.deepEqual(there.window, here.window, `${file} @${offset}`);
      // The worker's mode is the one used. It is this thread's too, but for a syntax check that gave up on its 20 ms
      // CPU budget on one side (the text rules then decide): rare, on a loaded machine.
      const answered = source.last!;
      assert.deepEqual([there.mode, there.modeBySyntax, there.post.scope], [answered.mode, answered.bySyntax, answered.scope]);
      cases++;
      if (there.mode === here.mode && there.modeBySyntax === here.modeBySyntax && there.post.scope === here.post.scope) {
        sameMode++;
        assert.deepEqual(there.prompt, here.prompt);
      }
      assert.ok(there.prompt.kind === 'raw');
      assert.equal(there.prompt.promptTokens, countTokens(there.prompt.prompt));
    }
  }
  assert.ok(sameMode >= cases - 3, `the same mode in ${sameMode} of ${cases} places`);
});

test("the host counts the prompt from the worker's line counts instead of tokenizing the window's lines", async () => {
  // Lines no one has counted yet; the worker's counts are made 5 too high per line so their use shows in the total.
  const tag = `u${Date.now().toString(36)}`;
  const text = Array.from({ length: 60 }, (_, i) => `const ${tag}_${i} = compute_${tag}(${i}, "${'x'.repeat(i % 7)}");`).join('\n') + '\n\n';
  const doc: DocumentSnapshot = { path: '/w/n.ts', relPath: 'n.ts', languageId: 'typescript', text, version: 1, offset: text.length - 1, line: 60 };
  // In this test the "worker" shares this thread's caches: they are emptied after it counted, as another thread's would be.
  const source = sourceOver(text, (w) => (forgetCounts(), { ...w, counts: w.counts.map(([chunk, n]) => [chunk, n + 5]) }));
  const there = await new CompletionPipeline(undefined, DEFAULT_PIPELINE_SETTINGS, undefined, { source, logger: nullLogger }).prepare(doc, target, indent);
  assert.ok(there.prompt.kind === 'raw');
  const exact = countTokens(there.prompt.prompt);
  // The window holds as many lines as its budget allows (how many depends on how the random tag tokenizes); every line
  // above the cursor but the last (the worker counted it with the blank cursor line after it) is one inflated chunk.
  const lines = there.window.cursorLine - there.window.firstLine;
  assert.ok(lines >= 30, `the window holds ${lines} lines`);
  assert.ok(there.prompt.promptTokens >= exact + 5 * (lines - 1), `the worker's counts were used: ${there.prompt.promptTokens} vs exact ${exact}, ${lines} lines`);
});

test("native FIM prompts (Ollama, llama.cpp /infill, OpenAI-compatible) are counted exactly, from the worker's line counts", async () => {
  const qwen = { name: 'qwen2.5-coder:1.5b', family: 'qwen2', fim: true, contextLength: 32768 };
  for (const backendKind of ['ollama', 'llamacpp', 'openai'] as const) {
    const fim: CompletionTarget = { backend: { kind: backendKind } as Backend, backendKind, model: qwen.name, info: qwen, contextWindow: 32768 };
    const tag = `f${backendKind}${Date.now().toString(36)}`;
    // Lines no one has counted, blank lines and indentation among them, and the cursor inside a line.
    const text = Array.from({ length: 120 }, (_, i) => (i % 9 === 4 ? '' : `${'  '.repeat(i % 3)}const ${tag}_${i} = compute_${tag}(${i}, "${'y'.repeat(i % 5)}");`)).join('\n') + '\n';
    const offset = text.indexOf(`${tag}_80`) + 4;
    const doc: DocumentSnapshot = { path: `/w/${tag}.ts`, relPath: `${tag}.ts`, languageId: 'typescript', text, version: 1, offset, line: 80 };
    const exact = await new CompletionPipeline(undefined, DEFAULT_PIPELINE_SETTINGS, undefined, { source: sourceOver(text), logger: nullLogger }).prepare(doc, fim, indent);
    const p = exact.prompt;
    if (p.kind === 'raw') assert.equal(p.promptTokens, countTokens(p.prompt), backendKind);
    else if (backendKind === 'ollama') assert.equal(p.promptTokens, countTokens(p.prefix) + countTokens(p.suffix) + 3, backendKind);
    else assert.equal(p.promptTokens, 1 + countTokens(p.prefix) + 1 + countTokens(p.suffix) + 1, backendKind);
    // The worker's counts, made 5 too high per line, show in the total: the window's lines were not tokenized here.
    forgetCounts();
    const inflated = sourceOver(text, (w) => (forgetCounts(), { ...w, counts: w.counts.map(([chunk, n]) => [chunk, n + 5]) }));
    const there = await new CompletionPipeline(undefined, DEFAULT_PIPELINE_SETTINGS, undefined, { source: inflated, logger: nullLogger }).prepare({ ...doc, version: 2 }, fim, indent);
    const lines = exact.window.lastLine - exact.window.firstLine;
    // (Blank lines are counted with the line before them: ~one chunk in nine lines here has none of its own.)
    assert.ok(there.prompt.promptTokens >= p.promptTokens + 5 * Math.floor(lines * 0.8), `${backendKind}: the worker's counts were used (${there.prompt.promptTokens} vs exact ${p.promptTokens}, ${lines} lines)`);
  }
});

test('a worker that is slow or cannot answer: the window is built here, logged once, and once when it answers again', async () => {
  const text = fs.readFileSync(FILES[0][1], 'utf8');
  const logger = new MemoryLogger();
  let mode: 'hang' | 'none' | 'answer' = 'hang';
  const answering = sourceOver(text);
  const source: WindowSource = {
    window: (doc, budget) => (mode === 'hang' ? new Promise(() => undefined) : mode === 'none' ? Promise.resolve(undefined) : answering.window(doc, budget)),
  };
  const pipeline = new CompletionPipeline(undefined, DEFAULT_PIPELINE_SETTINGS, undefined, { source, logger, waitMs: 20 });
  const local = (offset: number) => windowAndMode({ text, offset, languageId: 'typescript' }, DEFAULT_PIPELINE_SETTINGS.window, new LocalTrees()).window;
  const doc = (version: number, offset: number): DocumentSnapshot => ({ path: '/w/s.ts', relPath: 's.ts', languageId: 'typescript', text, version, offset, line: lineOf(text, offset) });
  const at = [text.indexOf('\n', 3000), text.indexOf('\n', 6000), text.indexOf('\n', 9000), text.indexOf('\n', 12000)];
  const t0 = performance.now();
  const slow = await pipeline.prepare(doc(1, at[0]), target, indent);
  assert.ok(performance.now() - t0 >= 15, 'it waited for the worker');
  assert.deepEqual(slow.window, local(at[0]));
  mode = 'none';
  assert.deepEqual((await pipeline.prepare(doc(2, at[1]), target, indent)).window, local(at[1]));
  assert.equal(logger.lines.filter((l) => l.includes('completion window')).length, 1, logger.lines.join('\n'));
  mode = 'answer';
  assert.deepEqual((await pipeline.prepare(doc(3, at[2]), target, indent)).window, local(at[2]));
  assert.deepEqual((await pipeline.prepare(doc(4, at[3]), target, indent)).window, local(at[3]));
  assert.equal(answering.calls, 2);
  assert.deepEqual(logger.lines.filter((l) => l.includes('completion window')).map((l) => /answers again/.test(l)), [false, true], logger.lines.join('\n'));
});

test('the window with the cursor line from the editor equals the one that counts it from the top', () => {
  const text = fs.readFileSync(FILES[0][1], 'utf8');
  const random = rng(5);
  for (let i = 0; i < 40; i++) {
    const offset = Math.floor(random() * text.length);
    assert.deepEqual(fileWindow(text, offset, undefined, lineOf(text, offset)), fileWindow(text, offset));
  }
});

test("a warm-up waits for the worker's window however late (no window built here) and the request takes the same one", async () => {
  const text = fs.readFileSync(FILES[0][1], 'utf8');
  const offset = text.indexOf('\n', 5000);
  let reads = 0;
  const near = cursorText({ text, offset });
  const doc: DocumentSnapshot = {
    path: '/w/s.ts', relPath: 's.ts', languageId: 'typescript', version: 1, offset, line: lineOf(text, offset), near,
    get text() {
      reads++;
      return text;
    },
  };
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const answering = sourceOver(text);
  const source: WindowSource = { window: (d, budget) => held.then(() => answering.window(d, budget)) };
  const logger = new MemoryLogger();
  const pipeline = new CompletionPipeline(undefined, DEFAULT_PIPELINE_SETTINGS, undefined, { source, logger, waitMs: 20 });
  const warm = pipeline.prepare(doc, target, indent, { warmUp: true });
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(reads, 0, 'the warm-up did not build the window here after the request wait');
  release();
  const warmed = await warm;
  const request = await pipeline.prepare(doc, target, indent);
  assert.equal(request.prompt, warmed.prompt, 'the request reuses the warm-up prompt');
  assert.equal(answering.calls, 1);
  assert.equal(reads, 0);
  assert.deepEqual(logger.lines, []);
});

/** A snapshot as the editor gives it: the lines around the cursor readable apart, the whole text never read. */
function editorSnapshot(text: string, offset: number, languageId: string, version = 1): DocumentSnapshot {
  return {
    path: '/w/s', relPath: 's', languageId, version, offset, line: lineOf(text, offset),
    near: cursorText({ text, offset }),
    linesAround: (above, below) => linesAroundIn(text, offset, above, below),
    get text(): string {
      throw new Error('the whole text was read');
    },
  };
}

test('the window built here from the lines around the cursor equals the whole text\'s, and never reads the whole text', () => {
  const random = rng(11);
  // Real files, and texts of blank lines and one-token lines (the fewest tokens per line: where the slice is tightest).
  const texts: [string, string][] = FILES.map(([id, f]) => [id, fs.readFileSync(f, 'utf8')]);
  texts.push(['typescript', Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? '' : i % 3 === 1 ? '}' : 'x')).join('\n')]);
  texts.push(['python', '\n'.repeat(2500) + 'def f():\n    return 1\n' + '\n'.repeat(2500)]);
  let checked = 0;
  for (const [languageId, text] of texts) {
    for (let i = 0; i < 30; i++) {
      const offset = Math.floor(random() * (text.length + 1));
      const scale = [1, 0.25, 0.02][i % 3];
      const budget = { ...DEFAULT_PIPELINE_SETTINGS.window };
      budget.aboveTokens = Math.max(1, Math.floor(budget.aboveTokens * scale));
      budget.belowTokens = Math.max(1, Math.floor(budget.belowTokens * scale));
      const whole = windowAndMode({ text, offset, line: lineOf(text, offset), languageId }, budget, new LocalTrees());
      const around = windowAndModeAround(editorSnapshot(text, offset, languageId), budget, new LocalTrees());
      assert.deepEqual(around, whole, `${languageId} offset ${offset} budget ${budget.aboveTokens}/${budget.belowTokens}`);
      checked++;
    }
  }
  assert.equal(checked, 120);
});

test('linesAroundIn gives the lines asked for, clamped to the text, with the cursor at the same place', () => {
  const text = 'a\nbb\nccc\ndddd\ne';
  const at = text.indexOf('cc') + 1;
  assert.deepEqual(linesAroundIn(text, at, 1, 1), { text: 'bb\nccc\ndddd', offset: 4 });
  assert.deepEqual(linesAroundIn(text, at, 0, 0), { text: 'ccc', offset: 1 });
  assert.deepEqual(linesAroundIn(text, at, 9, 9), { text, offset: at });
  assert.deepEqual(linesAroundIn(text, 0, 1, 0), { text: 'a', offset: 0 });
  assert.deepEqual(linesAroundIn(text, text.length, 1, 3), { text: 'dddd\ne', offset: 6 });
  assert.deepEqual(linesAroundIn('x\n', 2, 1, 1), { text: 'x\n', offset: 2 });
  assert.deepEqual(linesAroundIn('\nx\ny', 3, 1, 0), { text: 'x\ny', offset: 2 });
  assert.deepEqual(linesAroundIn('\nx\ny', 3, 2, 0), { text: '\nx\ny', offset: 3 });
});

test('a late worker: the window built here reads only the lines around the cursor (an editor snapshot\'s whole text is not read)', async () => {
  const text = fs.readFileSync(FILES[0][1], 'utf8');
  const source: WindowSource = { window: () => new Promise(() => undefined) };
  const pipeline = new CompletionPipeline(undefined, DEFAULT_PIPELINE_SETTINGS, undefined, { source, logger: nullLogger, waitMs: 20 });
  const offset = text.indexOf('\n', 6000);
  const prepared = await pipeline.prepare(editorSnapshot(text, offset, 'typescript'), target, indent);
  assert.deepEqual(prepared.window, windowAndMode({ text, offset, languageId: 'typescript' }, DEFAULT_PIPELINE_SETTINGS.window, new LocalTrees()).window);
});

test('a late worker: the mode of the window built here comes from the text rules, not from a parse on this thread', async () => {
  // A blank line inside a function body: with the grammar (loaded in this process) the mode is decided by syntax.
  const text = 'export function total(xs: number[]): number {\n  let sum = 0;\n  \n  return sum;\n}\n';
  const offset = text.indexOf('\n  \n') + 3;
  const withSyntax = windowAndMode({ text, offset, languageId: 'typescript' }, DEFAULT_PIPELINE_SETTINGS.window, new LocalTrees());
  assert.equal(withSyntax.bySyntax, true, 'the grammar could decide here');
  const source: WindowSource = { window: () => new Promise(() => undefined) };
  const pipeline = new CompletionPipeline(undefined, DEFAULT_PIPELINE_SETTINGS, undefined, { source, logger: nullLogger, waitMs: 20 });
  const prepared = await pipeline.prepare(editorSnapshot(text, offset, 'typescript'), target, indent);
  assert.equal(prepared.modeBySyntax, false);
  assert.equal(prepared.mode, windowAndMode({ text, offset, languageId: 'typescript' }, DEFAULT_PIPELINE_SETTINGS.window, TEXT_RULES).mode);
  assert.deepEqual(prepared.window, withSyntax.window);
});
