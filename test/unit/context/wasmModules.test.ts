/**
 * Compiled wasm modules shared across threads (src/core/context/wasmModules.ts). Its own file: whether a grammar is
 * linked from a compiled module is decided when the runtime first loads, once per process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { grammarLink, grammarWasmPath, parse, runtimeWasmPath } from '../../../src/core/context/parser';
import { adoptCompiledWasm, compiledWasm } from '../../../src/core/context/wasmModules';

test('grammars are linked from the shared compiled modules, and parse as from bytes', async () => {
  const tree = await parse('typescript', 'export function area(side: number): number {\n  return side * side;\n}\n');
  assert.equal(tree?.rootNode.firstChild?.type, 'export_statement');
  tree?.delete();
  // 'bytes' here means this web-tree-sitter no longer takes a compiled module: workers would compile every grammar again.
  assert.equal(grammarLink('typescript'), 'compiled');
  const py = await parse('python', 'def f(x):\n    return x\n');
  assert.equal(py?.rootNode.firstChild?.type, 'function_definition');
  py?.delete();
  assert.equal(grammarLink('python'), 'compiled');
});

test('a wasm file is compiled once: the same module for every caller', async () => {
  const file = grammarWasmPath('go');
  const [a, b] = await Promise.all([compiledWasm(file), compiledWasm(file)]);
  assert.equal(a, b);
  assert.equal(await compiledWasm(file), a);
  const dylink = WebAssembly.Module.customSections(a, 'dylink.0').length + WebAssembly.Module.customSections(a, 'dylink').length;
  assert.ok(dylink > 0, 'a grammar is a side module');
  assert.ok(fs.existsSync(runtimeWasmPath()));
});

test('an adopted module (what a worker is sent) is used without reading its file; a missing file is not cached', async () => {
  const missing = path.join(__dirname, 'no-such-grammar.wasm');
  await assert.rejects(compiledWasm(missing));
  await assert.rejects(compiledWasm(missing), 'a failed compile is tried again, not remembered');
  const module = await compiledWasm(grammarWasmPath('go'));
  adoptCompiledWasm({ [missing]: module });
  assert.equal(await compiledWasm(missing), module);
});
