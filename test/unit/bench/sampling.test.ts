/**
 * The context benchmark's sampling: the fallback of a language-server oracle that stops answering (a consecutive-failure
 * rule, not only the first queries), and Ruby names ending in `?`/`!` kept whole (ctags tags `empty?`, not `empty`).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OracleSet, drawSamples, serverFailed } from '../../../bench/oracles/sampling';
import { checkCtags, identifiers, wholeWord } from '../../../bench/contextOracle';
import { drawSamplesInChild } from '../../../bench/oracles/samplerChild';

const roots: string[] = [];
after(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

test('a language server that fails 5 queries in a row is replaced, even after it has answered; an answer resets the count', async () => {
  const logs: string[] = [];
  const set = new OracleSet('/nonexistent', new Set(), (l) => logs.push(l));
  set.noteResult('pkg/a.py', false); // answered its first query
  for (let i = 0; i < OracleSet.MAX_CONSECUTIVE_FAILURES - 1; i++) set.noteResult('pkg/a.py', true);
  set.noteResult('pkg/b.py', false); // an answer between failures: the count starts again
  for (let i = 0; i < OracleSet.MAX_CONSECUTIVE_FAILURES - 1; i++) set.noteResult('pkg/a.py', true);
  assert.deepEqual(set.fallbacks, [], 'no run of 5 failures yet');
  set.noteResult('pkg/a.py', true);
  assert.equal(set.fallbacks.length, 1);
  assert.match(set.fallbacks[0], /pyright oracle failed 5 queries in a row \(after answering earlier ones\)/);
  // The replacement serves Python files from now on (no pyright is started: this would fail on the fake repo).
  assert.equal((await set.get('pkg/c.py')).name, 'ctags+scope');
  // Other languages are unaffected; a Rust file is served by the scope oracle anyway.
  for (let i = 0; i < 10; i++) set.noteResult('src/x.rs', true);
  assert.equal(set.fallbacks.length, 1);
  await set.close();
});

test('only timeouts and crashes count as failures, not an error the server answered with', () => {
  assert.equal(serverFailed({ reject: 'error', detail: 'textDocument/definition timed out after 20000 ms' }), true);
  assert.equal(serverFailed({ reject: 'error', detail: 'gopls exited (1): ...' }), true);
  assert.equal(serverFailed({ reject: 'error', detail: 'LSP error: {"code":0,"message":"no identifier found"}' }), false);
  assert.equal(serverFailed({ reject: 'none' }), false);
});

test('Ruby identifiers keep a trailing ? or ! (not an operator or a ternary); other languages do not', () => {
  const names = (file: string, line: string) => [...identifiers(file, line)].map((m) => m[0]);
  assert.deepEqual(names('lib/a.rb', 'x.empty? && merge!(h) if a!= b'), ['x', 'empty?', 'merge!', 'h', 'if', 'a', 'b']);
  assert.deepEqual(names('lib/a.rb', 'ok = c?d:e; f !~ g'), ['ok', 'c', 'd', 'e', 'f', 'g']);
  assert.deepEqual(names('src/a.ts', 'const v = x!.y ?? z?.w'), ['const', 'v', 'x', 'y', 'z', 'w']);
  assert.ok(wholeWord('empty?', 'lib/a.rb').test('  def empty?'));
  assert.ok(!wholeWord('empty', 'lib/a.rb').test('  def empty?'), 'another Ruby method');
  assert.ok(wholeWord('name', 'src/a.ts').test('  name?: string;'), 'an optional property keeps its name');
});

test('sampling (Ruby): a use of `ready?` is scored against `def ready?`, never against another method `ready`', async () => {
  checkCtags();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sampling-'));
  roots.push(root);
  const files: Record<string, string> = {
    'lib/a.rb': 'module Alpha\n  def self.ready?(x)\n    x\n  end\nend\n',
    'lib/c.rb': 'module Gamma\n  def self.ready\n    1\n  end\nend\n',
    'lib/b.rb': 'class Runner\n  def go(x)\n    Alpha.ready?(x)\n  end\nend\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  const readText = (f: string) => files[f];
  const drawn = await drawSamples(root, Object.keys(files).sort(), readText, 5, 7, () => undefined);
  const uses = drawn.precise.filter((s) => s.file === 'lib/b.rb' && s.line === 2);
  assert.deepEqual(uses.map((s) => `${s.name} -> ${s.gold.file}:${s.gold.line}`), ['ready? -> lib/a.rb:1']);
  assert.ok(!drawn.ctags.some((s) => s.name === 'ready'), 'the ctags sample set has no truncated name either');
});

test('samples drawn in the child process equal the in-process draw, with the imports of each masked text', async () => {
  checkCtags();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sampler-'));
  roots.push(root);
  const files: Record<string, string> = {
    'lib/alpha.rb': 'module Alpha\n  def self.ready?(x)\n    x\n  end\n  def self.go(y)\n    y\n  end\nend\n',
    'lib/runner.rb': "require_relative 'alpha'\nrequire 'json'\nclass Runner\n  def go(x)\n    Alpha.ready?(x)\n    Alpha.go(x)\n  end\nend\n",
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  const list = Object.keys(files).sort();
  const here = await drawSamples(root, list, (f) => files[f], 5, 7, () => undefined);
  const child = await drawSamplesInChild({ repo: root, files: list, cursorFiles: list, count: 5, seed: 7, budgetMs: 60_000 });
  // (Compared as JSON: what crosses the IPC channel is plain data.)
  assert.deepEqual(child.drawn, JSON.parse(JSON.stringify(here)));
  assert.ok(here.precise.length + here.ctags.length > 0, 'something was sampled');
  for (const s of [...here.precise, ...here.ctags]) {
    const imports = child.maskedImports[`${s.file}:${s.line}`];
    assert.ok(imports, `imports of ${s.file}:${s.line}`);
    // The masked line is hidden: its import (if it was one) is gone, the others are there.
    const expected = s.file === 'lib/runner.rb' ? ['alpha', 'json'].filter((_, i) => i !== s.line) : [];
    assert.deepEqual(imports.map((i) => i.source), expected);
  }
  assert.ok(child.peakRssMb > 0);
});
