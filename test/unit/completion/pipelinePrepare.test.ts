import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionPipeline, type CompletionTarget } from '../../../src/core/completion/pipeline';
import type { Backend } from '../../../src/core/backends/types';
import { snapshot } from './fakes';

const target: CompletionTarget = { backend: { kind: 'llamacpp' } as Backend, backendKind: 'llamacpp', model: 'phi4', info: { name: 'phi4', family: 'phi3', fim: false, contextLength: 16384 }, contextWindow: 16384 };
const indent = { insertSpaces: true, tabSize: 2 };

test('prepare: a second prepare of the same document version (warm-up, then the request) reuses the prompt; any change makes a new one', async () => {
  const pipeline = new CompletionPipeline(undefined);
  const text = 'function add(a, b) {\n  return a\n}\n';
  const at = text.indexOf('a\n}');
  const doc = { ...snapshot(text), offset: at + 1 };
  const first = await pipeline.prepare(doc, target, indent);
  const again = await pipeline.prepare({ ...doc }, target, indent);
  assert.equal(again.prompt, first.prompt);
  assert.equal(again.window, first.window);
  // Another version (an edit), another offset, or another text length: built again, from that document.
  const edited = await pipeline.prepare({ ...doc, version: doc.version + 1, text: text.replace('return a', 'return b') }, target, indent);
  assert.notEqual(edited.prompt, first.prompt);
  assert.ok(edited.prompt.kind === 'raw' && edited.prompt.prompt.includes('return b<HOLE>'));
  const moved = await pipeline.prepare({ ...doc, offset: at }, target, indent);
  assert.ok(moved.prompt.kind === 'raw' && moved.prompt.prompt.includes('return <HOLE>a'));
});
