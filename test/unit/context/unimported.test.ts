/**
 * What code uses without importing it (src/core/context/{retrieval,qualified}.ts): a file defining several of the
 * names the current file uses (Ruby constants of the enclosing module, no require) has its surface offered, and a
 * qualifier no import binds (`Utils.x`, `Foo::new`) stands for the class, module or type the workspace defines by
 * that name, whose members are offered; a namespace's members the file itself uses most rank first; the files
 * defining the Rust macros the code invokes; the workspace's most used classes, at the lowest score.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { tempWorkspaces } from './tempWorkspace';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import type { DocumentSnapshot } from '../../../src/core/context/types';


const workspace = tempWorkspaces('unimported-');

/** 30 filler definitions (lines of each from `lines(i)`): a container too big to fit a small budget whole. */
function filler(lines: (i: number) => string[]): string[] {
  return Array.from({ length: 30 }, (_, i) => lines(i)).flat();
}

/** `text` with its `CURSOR` marker removed, the cursor there. */
function at(root: string, rel: string, languageId: string, text: string): DocumentSnapshot {
  const offset = text.indexOf('CURSOR');
  assert.ok(offset >= 0);
  return { path: path.join(root, rel), relPath: rel, languageId, text: text.replace('CURSOR', ''), version: 1, offset };
}

test('Ruby: the constants file the code relies on (no require) is offered, its unused constants included, all 60 of them', async () => {
  // 60 more one-line constants: a file's surface is not cut at a fixed count of definitions (40) when they are short.
  const more = Array.from({ length: 60 }, (_, i) => `  HEADER_${i} = 'header.${i}'\n`).join('');
  const { root, index } = await workspace({
    'lib/app.rb': `module App\n  PATH_INFO = 'PATH_INFO'\n  QUERY_STRING = 'QUERY_STRING'\n  REQUEST_METHOD = 'REQUEST_METHOD'\n  SERVER_NAME = 'SERVER_NAME'\n${more}end\n`,
    'lib/other.rb': "module App\n  class Other\n    def call(env)\n      env\n    end\n  end\nend\n",
  });
  const text = [
    'module App',
    '  class Request',
    '    def path_info;      get_header(PATH_INFO)      end',
    '    def query_string;   get_header(QUERY_STRING)   end',
    '    def request_method; get_header(REQUEST_METHOD) end',
    '    def host',
    '      CURSOR',
    '    end',
    '  end',
    'end',
    '',
  ].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: at(root, 'lib/app/request.rb', 'ruby', text), budgetTokens: 2000, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'lib/app.rb' && i.text.includes("SERVER_NAME = 'SERVER_NAME'"));
  assert.ok(item, packed.text);
  assert.match(item.reason, /its file defines 3 names this file uses/);
  assert.ok(packed.items.some((i) => i.path === 'lib/app.rb' && i.text.includes("HEADER_59 = 'header.59'")), packed.text);
  engine.dispose();
});

test('a qualifier no import binds (`Utils.`) offers the members of the module of that name, defined in another file', async () => {
  const { root, index } = await workspace({
    'lib/app/utils.rb': [
      'module App',
      '  module Utils',
      '    def self.escape(s)',
      '      s',
      '    end',
      '',
      ...filler((i) => [`    def self.helper_${i}(value)`, `      value.to_s * ${i} + value.inspect + value.to_s.reverse`, '    end', '']),
      '    def self.secure_compare(a, b)',
      '      a == b',
      '    end',
      '  end',
      'end',
      '',
    ].join('\n'),
  });
  // The module does not fit in the budget whole: its members are offered one by one, ranked by the scope's name.
  const text = ['module App', '  class Auth', '    def secure_check(a, b)', '      x = Utils.escape(a)', '      CURSOR', '    end', '  end', 'end', ''].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: at(root, 'lib/app/auth.rb', 'ruby', text), budgetTokens: 400, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'lib/app/utils.rb' && i.text.includes('def self.secure_compare(a, b)'));
  assert.ok(item, packed.text);
  assert.match(item.reason, /a member of Utils/);
  engine.dispose();
});

test('Rust: `Config::new()` offers the other associated functions of the impl block of Config, in another file', async () => {
  const { root, index } = await workspace({
    'src/config.rs': [
      'pub struct Config {',
      '    pub name: String,',
      '}',
      '',
      'impl Config {',
      '    pub fn new() -> Self {',
      '        Config { name: String::new() }',
      '    }',
      '',
      ...filler((i) => [`    pub fn helper_${i}(&self, value: usize) -> usize {`, `        value * ${i} + self.name.len() + value.pow(2)`, '    }', '']),
      '    pub fn with_name(name: &str) -> Self {',
      '        Config { name: name.to_string() }',
      '    }',
      '}',
      '',
    ].join('\n'),
  });
  const text = ['fn configure_name(n: &str) {', '    let a = Config::new();', '    CURSOR', '}', ''].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: at(root, 'src/main.rs', 'rust', text), budgetTokens: 400, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'src/config.rs' && i.text.includes('pub fn with_name(name: &str) -> Self'));
  assert.ok(item, packed.text);
  assert.match(item.reason, /a member of Config/);
  engine.dispose();
});

test('a namespace member the file uses all over, far from the cursor, outranks members it never uses', async () => {
  const names = [...Array.from({ length: 40 }, (_, i) => `step${i}`), 'flatMap'];
  const { root, index } = await workspace({
    'src/core.ts': names.map((n) => `export function ${n}(value: number, options: { retries: number }): number {\n  return value + options.retries;\n}\n`).join('\n'),
    // Every member is named once elsewhere: workspace usage ranks none above the others.
    'src/other.ts': `import * as Core from './core';\n${names.map((n) => `Core.${n}(1, { retries: 0 });`).join('\n')}\n`,
  });
  const text = [
    "import * as Core from './core';",
    ...Array.from({ length: 5 }, (_, i) => `export const a${i} = Core.flatMap(${i}, { retries: 1 });`),
    // Far above: beyond the ~60,000 characters scanned for identifiers near the cursor (a 20,000-line module).
    ...Array.from({ length: 2500 }, (_, i) => `export const filler${i} = ${i} * 2 + 1;`),
    'export function run(): number {',
    '  const x = Core.step3(1, { retries: 2 });',
    '  return CURSOR',
    '}',
    '',
  ].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: at(root, 'src/main.ts', 'typescript', text), budgetTokens: 300, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'src/core.ts' && i.text.includes('export function flatMap('));
  assert.ok(item, packed.text);
  assert.match(item.reason, /this file uses Core\.flatMap 5 times/);
  engine.dispose();
});

test('`* as Effect` of a module defining `interface Effect`: the module\'s members are offered, even one the file defines too', async () => {
  const { root, index } = await workspace({
    'src/Effect.ts': [
      'export interface Effect<A> {',
      '  readonly value: A;',
      '  pipe(): Effect<A>;',
      '}',
      ...Array.from({ length: 30 }, (_, i) => `export const helper${i} = <A>(self: Effect<A>): Effect<A> => self;`),
      'export const flatMap = <A, B>(self: Effect<A>, f: (a: A) => Effect<B>): Effect<B> => f(self.value);',
      '',
    ].join('\n'),
  });
  const text = [
    "import * as Effect from './Effect';",
    '// This module has its own flatMap: `Effect.flatMap` is still the other module\'s.',
    'export const flatMap = <A>(self: Effect.Effect<A>) => self;',
    'export const run = <A>(self: Effect.Effect<A>) => {',
    '  const a = Effect.flatMap(self, (x) => Effect.helper1(self));',
    '  const b = Effect.flatMap(a, () => self);',
    '  return CURSOR',
    '};',
    '',
  ].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: at(root, 'src/Stream.ts', 'typescript', text), budgetTokens: 250, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'src/Effect.ts' && i.text.includes('export const flatMap = <A, B>'));
  assert.ok(item, packed.text);
  // Offered as a member of the namespace, or as the qualified name the file writes (qualifiedUses.ts): the module's.
  assert.match(item.reason, /a member of Effect|Effect\.flatMap is written in this file/);
  engine.dispose();
});

test('Go: the words of an import path near the cursor are no namespaces (`golang.org/...` offers no `golang.` members)', async () => {
  const { root, index } = await workspace({
    'internal/apidiff/report.go': 'package apidiff\n\ntype Change struct {\n\tMessage string\n}\n\nfunc Changes(a, b int) []Change {\n\treturn nil\n}\n',
    'internal/other/other.go': 'package other\n\nfunc Unrelated() int {\n\treturn 1\n}\n',
  });
  const text = [
    'package typeparams',
    '',
    'import (',
    '\t"golang.org/x/tools/internal/apidiff"',
    '\t"golang.org/x/tools/internal/other"',
    ')',
    '',
    'func check() {',
    '\t_ = other.Unrelated()',
    '\treport := apidiff.Changes(1, 2)',
    '\tCURSOR',
    '}',
    '',
  ].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: at(root, 'internal/typeparams/check.go', 'go', text), budgetTokens: 1000, purpose: 'completion' });
  assert.ok(!packed.items.some((i) => /a member of (golang|org|x|tools|internal)\b/.test(i.reason)), packed.items.map((i) => i.reason).join('\n'));
  assert.ok(packed.items.some((i) => i.path === 'internal/apidiff/report.go' && i.text.includes('type Change struct')), packed.text);
  engine.dispose();
});

test('Rust: the file defining the macro_rules! macros the code invokes (no use reaches it) has its other macros offered', async () => {
  const macro = (name: string) => [`macro_rules! ${name} {`, '    ($($item:item)*) => {', `        $( #[cfg(feature = "${name}")] $item )*`, '    }', '}', ''];
  const { root, index } = await workspace({
    'src/macros/cfg.rs': [...macro('cfg_rt'), ...macro('cfg_net'), ...macro('cfg_coop'), ...macro('cfg_fs')].join('\n'),
    'src/lib.rs': '#[macro_use]\nmod macros;\nmod coop;\n',
  });
  const text = ['cfg_rt! {', '    pub(crate) fn budget() {}', '}', '', 'cfg_net! {', '    pub(crate) fn poll() {}', '}', '', 'CURSOR', ''].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: at(root, 'src/coop.rs', 'rust', text), budgetTokens: 1000, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'src/macros/cfg.rs' && i.text.includes('macro_rules! cfg_coop'));
  assert.ok(item, packed.text);
  assert.match(item.reason, /defines macros this file invokes/);
  engine.dispose();
});

test('Ruby: a class most files of the workspace use is offered to a file that does not name it (popular.ts)', async () => {
  const files: Record<string, string> = {
    'lib/app/body_proxy.rb': 'module App\n  class BodyProxy\n    def initialize(body, &block)\n      @body = body\n    end\n  end\nend\n',
    'lib/app/rarely.rb': 'module App\n  class Rarely\n    def go\n    end\n  end\nend\n',
  };
  for (let i = 0; i < 5; i++) {
    files[`lib/app/middleware${i}.rb`] = `module App\n  class Middleware${i}\n    def call(env)\n      BodyProxy.new(@app.call(env)) { close }\n    end\n  end\nend\n`;
  }
  const { root, index } = await workspace(files);
  const text = 'module App\n  class Lock\n    def call(env)\n      CURSOR\n    end\n  end\nend\n';
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: at(root, 'lib/app/lock.rb', 'ruby', text), budgetTokens: 2000, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'lib/app/body_proxy.rb');
  assert.ok(item, packed.text);
  // Named by the five middlewares and by its own file.
  assert.match(item.reason, /most used \(6 files/);
  // Named by one file only: not "used across the workspace".
  assert.equal(packed.items.some((i) => i.path === 'lib/app/rarely.rb'), false);
  engine.dispose();
});

test('Rust: a type imported by name and used as `Type::new()`, re-exported by the module the import names, is offered', async () => {
  const { root, index } = await workspace({
    'src/lib.rs': 'mod runtime;\n',
    'src/runtime/mod.rs': 'pub(crate) mod task;\nmod tests;\n',
    'src/runtime/task/mod.rs': 'mod inject;\n\ncfg_rt! {\n    pub(crate) use self::inject::Inject;\n}\n\npub(crate) fn spawn() {}\n',
    'src/runtime/task/inject.rs': 'pub(crate) struct Inject {\n    len: usize,\n}\n\nimpl Inject {\n    pub(crate) fn new() -> Inject {\n        Inject { len: 0 }\n    }\n}\n',
  });
  const text = ['use crate::runtime::task::{self, Inject};', '', 'fn fill() {', '    let inject = Inject::new();', '    task::spawn();', '}', '', 'fn drain() {', '    CURSOR', '}', ''].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: at(root, 'src/runtime/tests.rs', 'rust', text), budgetTokens: 1000, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'src/runtime/task/inject.rs' && i.text.includes('struct Inject'));
  assert.ok(item, packed.text);
  assert.match(item.reason, /imported/);
  engine.dispose();
});

test('Rust: a type named by `impl Trait for T` in the file, imported by a path to a module re-exporting it from a submodule with look-alikes elsewhere, is offered', async () => {
  const { root, index } = await workspace({
    'Cargo.toml': '[package]\nname = "rt"\n',
    'src/lib.rs': 'pub mod sync;\n',
    'src/sync/mod.rs': 'mod notify;\n\ncfg_sync! {\n    pub use notify::Notify;\n}\n',
    'src/sync/notify.rs': 'pub struct Notify {\n    waiters: usize,\n}\n\nimpl Notify {\n    pub fn new() -> Notify {\n        Notify { waiters: 0 }\n    }\n}\n',
    // Look-alikes: other things named Notify, so the name alone is ambiguous.
    ...Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`src/other${i}.rs`, `pub enum Kind${i} {\n    Notify,\n    Wait,\n}\n`])),
  });
  const text = ['use rt::sync::Notify;', '', 'trait AssertSend: Send {}', 'impl AssertSend for Notify {}', '', '#[test]', 'fn notify_one() {', '    CURSOR', '}', ''].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const packed = await engine.assemble({ doc: at(root, 'tests/sync_notify.rs', 'rust', text), budgetTokens: 400, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'src/sync/notify.rs' && i.text.includes('pub struct Notify'));
  assert.ok(item, packed.text);
  assert.match(item.reason, /imported/);
  engine.dispose();
});
