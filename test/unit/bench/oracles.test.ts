/**
 * The context benchmark's precise oracles on small fixtures: each resolves an imported name to its definition in
 * another file, and rejects a type parameter, a local shadowing an import, and a builtin. The language servers are the
 * real ones: the `typescript` package's language service, pyright (npm), gopls (Debian's `gopls` + `golang-go`,
 * installed by .ci/run); the Rust case runs the scope-filtered ctags oracle over Universal Ctags' real output.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TypeScriptOracle, sourceConditions } from '../../../bench/oracles/typescript';
import { TypeScriptOracleProcess } from '../../../bench/oracles/typescriptChild';
import { goplsAvailable, goplsOracle, pyrightOracle, pythonImportRoots } from '../../../bench/oracles/languageServers';
import { ScopeFilteredCtagsOracle, inImportStatement } from '../../../bench/oracles/scope';
import { checkCtags, ctagsDefinitions } from '../../../bench/contextOracle';
import type { PreciseOracle, Verdict } from '../../../bench/oracles/types';

const roots: string[] = [];
after(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function fixture(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oracle-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** Ask `oracle` about the `nth` (0-based) whole-word occurrence of `name` on the first line containing `lineHas`. */
async function ask(oracle: PreciseOracle, root: string, file: string, lineHas: string, name: string, nth = 0): Promise<Verdict> {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(lineHas));
  assert.ok(line >= 0, `fixture line "${lineHas}"`);
  const hits = [...lines[line].matchAll(new RegExp(`\\b${name}\\b`, 'g'))];
  assert.ok(hits[nth], `occurrence ${nth} of ${name} on "${lines[line]}"`);
  const defs = ctagsDefinitions(root, Object.keys(filesOf(root)));
  return oracle.resolve({ file, line, column: hits[nth].index!, name, text, ctags: defs.get(name) ?? [], definedInRepo: (n) => defs.has(n) });
}

function filesOf(root: string): Record<string, true> {
  const out: Record<string, true> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(root, p).split(path.sep).join('/')] = true;
    }
  };
  walk(root);
  return out;
}

const goldOf = (v: Verdict) => ('gold' in v ? `${v.gold.file}:${v.gold.line}` : `rejected ${v.reject}`);
const rejectOf = (v: Verdict) => ('reject' in v ? v.reject : `gold ${v.gold.file}:${v.gold.line}`);

test('typescript oracle: import resolved across files; type parameter, shadowing local and lib builtin rejected', async () => {
  const root = fixture({
    'util.ts': 'export function helper(x: number): number {\n  return x + 1;\n}\nexport interface Box {\n  R: string;\n}\n',
    'main.ts': [
      "import { helper } from './util';",
      'export function run<R>(value: R): R {',
      '  const n: number = helper(1);',
      '  const list = new Array<number>(n);',
      '  return value;',
      '}',
      'export function shadow(): number {',
      '  const helper = (y: number) => y * 2;',
      '  return helper(3);',
      '}',
      '',
    ].join('\n'),
  });
  const oracle = new TypeScriptOracle(root, new Set(Object.keys(filesOf(root))));
  try {
    assert.equal(goldOf(await ask(oracle, root, 'main.ts', 'helper(1)', 'helper')), 'util.ts:0');
    // `R` is also a property of Box in util.ts: a name search would score it there.
    assert.equal(rejectOf(await ask(oracle, root, 'main.ts', 'run<R>', 'R', 1)), 'type-parameter');
    assert.equal(rejectOf(await ask(oracle, root, 'main.ts', 'return helper(3)', 'helper')), 'same-file');
    assert.equal(rejectOf(await ask(oracle, root, 'main.ts', 'new Array', 'Array')), 'builtin');
  } finally {
    await oracle.close();
  }
});

test('typescript oracle with the compiler bundled into the running script finds the standard library as unbundled', async () => {
  // The benchmark runs bundled (scripts/bench-context.js); bundling the compiler in once made the oracle look for
  // lib.*.d.ts beside the bundle, find none and run without the standard library: a use through a lib type resolved to
  // nothing instead of the repository's definition, a builtin was never rejected as such, and the same seed drew
  // another sample set. Here a runner bundled with the compiler inside must answer as the oracle does unbundled.
  const root = fixture({
    'util.ts': 'export interface Opts {\n  retries: number;\n  label: string;\n}\n',
    'main.ts': [
      "import type { Opts } from './util';",
      "declare const o: Omit<Opts, 'label'>;",
      'export const r = o.retries;',
      'export const list = new Array<number>(2);',
      '',
    ].join('\n'),
  });
  const indexed = [...Object.keys(filesOf(root))];
  const text = fs.readFileSync(path.join(root, 'main.ts'), 'utf8');
  const at = (lineHas: string, name: string) => {
    const line = text.split('\n').findIndex((l) => l.includes(lineHas));
    return { file: 'main.ts', line, column: text.split('\n')[line].lastIndexOf(name), name };
  };
  const queries = [at('o.retries', 'retries'), at('new Array', 'Array')];
  const unbundled = new TypeScriptOracle(root, new Set(indexed));
  const expected: Verdict[] = [];
  try {
    for (const q of queries) expected.push(await unbundled.resolve({ ...q, text, ctags: [] }));
  } finally {
    await unbundled.close();
  }
  assert.deepEqual(expected.map((v) => ('gold' in v ? goldOf(v) : rejectOf(v))), ['util.ts:1', 'builtin']);

  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'oracle-bundle-'));
  roots.push(out);
  const runner = path.join(out, 'runner.ts');
  const oracleModule = path.resolve(__dirname, '../../../bench/oracles/typescript').split(path.sep).join('/');
  fs.writeFileSync(runner, [
    `import { TypeScriptOracle } from ${JSON.stringify(oracleModule)};`,
    'const [root, indexed, queries] = process.argv.slice(2).map((a) => JSON.parse(a));',
    'const oracle = new TypeScriptOracle(root, new Set(indexed));',
    "Promise.all(queries.map((q) => oracle.resolve({ ...q, text: '', ctags: [] }))).then((v) => console.log(JSON.stringify(v)));",
    '',
  ].join('\n'));
  // typescript is not external: the compiler is inside runner.js, in a folder without lib.*.d.ts; NODE_PATH is how a
  // script outside the project reaches the project's node_modules, as dist/bench/ does by its place.
  (await import('esbuild')).buildSync({ entryPoints: [runner], outfile: path.join(out, 'runner.js'), bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
  const run = spawnSync(process.execPath, [path.join(out, 'runner.js'), JSON.stringify(root), JSON.stringify(indexed), JSON.stringify(queries)], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: path.resolve(__dirname, '../../../node_modules') },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout) as Verdict[], expected);
});

test('typescript oracle in a child process (the benchmark\'s RSS is the engine\'s): a package importing itself by name resolves to its source', async () => {
  // The corpus is the package's src/ folder; its package.json (above it) maps `pkg/sub` to the source by a condition
  // and to built files beside src/ (outside the corpus) by the usual ones: without that condition the gold would be
  // the built .d.cts, outside the corpus, and the sample lost.
  const pkg = fixture({
    'package.json': JSON.stringify({
      name: 'pkg',
      type: 'module',
      exports: { './sub': { 'pkg-source': './src/sub/index.ts', types: './sub/index.d.cts', import: './sub/index.js', require: './sub/index.cjs' } },
    }),
    'sub/index.d.cts': 'export declare function shared(n: number): number;\n',
    'src/sub/index.ts': 'export function shared(n: number): number {\n  return n;\n}\n',
    'src/main.ts': "import { shared } from 'pkg/sub';\nexport const v = shared(2);\n",
  });
  const root = path.join(pkg, 'src');
  const indexed = new Set(Object.keys(filesOf(root)));
  assert.deepEqual(sourceConditions(root, indexed), ['pkg-source']);
  const oracle = await TypeScriptOracleProcess.start(root, indexed);
  try {
    assert.equal(goldOf(await ask(oracle, root, 'main.ts', 'shared(2)', 'shared')), 'sub/index.ts:0');
    assert.equal(rejectOf(await ask(oracle, root, 'main.ts', 'shared(2)', 'v')), 'same-file');
  } finally {
    await oracle.close();
  }
});

test('pyright oracle: import resolved across files; TypeVar, shadowing local and builtin rejected', async () => {
  const root = fixture({
    'src/pkg/__init__.py': '',
    'src/pkg/util.py': 'def helper(x):\n    return x + 1\n\n\nT = 3\n',
    'src/pkg/main.py': [
      'from typing import TypeVar',
      'from pkg.util import helper',
      '',
      'T = TypeVar("T")',
      '',
      '',
      'def run(value: T) -> T:',
      '    n = helper(1)',
      '    return len([value]) + n',
      '',
      '',
      'def shadow():',
      '    helper = lambda y: y * 2',
      '    return helper(3)',
      '',
    ].join('\n'),
  });
  assert.deepEqual(pythonImportRoots(root, Object.keys(filesOf(root))), [root, path.join(root, 'src')].sort());
  // The test waits for the answers however loaded the machine (the runner's own timeout still ends a hung server).
  const oracle = await pyrightOracle(root, new Set(Object.keys(filesOf(root))), { timeoutMs: 240_000 });
  try {
    // Absolute import through the import root src/ (pkg.util), not a file beside the test.
    assert.equal(goldOf(await ask(oracle, root, 'src/pkg/main.py', 'n = helper(1)', 'helper')), 'src/pkg/util.py:0');
    // `T` is also a module-level name of util.py: the TypeVar of this file binds it.
    assert.equal(rejectOf(await ask(oracle, root, 'src/pkg/main.py', 'def run', 'T')), 'same-file');
    assert.equal(rejectOf(await ask(oracle, root, 'src/pkg/main.py', 'return helper(3)', 'helper')), 'same-file');
    assert.equal(rejectOf(await ask(oracle, root, 'src/pkg/main.py', 'return len', 'len')), 'builtin');
  } finally {
    await oracle.close();
  }
});

const goMissing = goplsAvailable();
test('gopls oracle: import resolved across packages; type parameter, shadowing local and builtin rejected', { skip: goMissing }, async () => {
  const root = fixture({
    'src/example.com/m/util/util.go': 'package util\n\nfunc Helper(x int) int { return x + 1 }\n\ntype T struct{}\n\nfunc (T) error() string { return "" }\n',
    'src/example.com/m/main.go': [
      'package main',
      '',
      'import "example.com/m/util"',
      '',
      'func Map[T any](xs []T) []T {',
      '\tn := util.Helper(1)',
      '\t_ = n',
      '\treturn xs',
      '}',
      '',
      'func shadow() error {',
      '\tutil := 3',
      '\t_ = util',
      '\treturn nil',
      '}',
      '',
      'func main() {}',
      '',
    ].join('\n'),
  });
  const oracle = await goplsOracle(root, new Set(Object.keys(filesOf(root))));
  try {
    assert.equal(goldOf(await ask(oracle, root, 'src/example.com/m/main.go', 'util.Helper', 'Helper')), 'src/example.com/m/util/util.go:2');
    // `T` is also a type of package util, `error` a method there: the type parameter and the builtin win.
    assert.equal(rejectOf(await ask(oracle, root, 'src/example.com/m/main.go', 'func Map', 'T', 2)), 'same-file');
    assert.equal(rejectOf(await ask(oracle, root, 'src/example.com/m/main.go', '_ = util', 'util')), 'same-file');
    assert.equal(rejectOf(await ask(oracle, root, 'src/example.com/m/main.go', 'func shadow', 'error')), 'builtin');
  } finally {
    await oracle.close();
  }
});

test('scope-filtered ctags oracle (Rust): unique definition kept; type parameter, shadowing local and prelude name rejected', async () => {
  checkCtags();
  const root = fixture({
    'src/util.rs': 'pub fn helper(x: u32) -> u32 {\n    x + 1\n}\n\npub struct T;\n\npub struct Wrapper;\n\nimpl Wrapper {\n    pub fn clone(&self) -> Wrapper {\n        Wrapper\n    }\n}\n\npub fn bind_all() {}\n\npub struct Listener;\n',
    'src/lib.rs': [
      'mod util;',
      'use crate::util::helper;',
      '',
      'pub fn run<T: Copy>(x: T, w: &util::Wrapper) -> T {',
      '    let n = helper(1);',
      '    let _ = w.clone();',
      '    let _ = n;',
      '    let _ = std::net::bind_all();',
      '    let _ = other::net::Listener::new();',
      '    let _ = crate::util::bind_all();',
      '    x',
      '}',
      '',
      'pub fn shadow() -> u32 {',
      '    let helper = |y: u32| y * 2;',
      '    helper(3)',
      '}',
      '',
    ].join('\n'),
  });
  const oracle = new ScopeFilteredCtagsOracle();
  assert.equal(goldOf(await ask(oracle, root, 'src/lib.rs', 'let n = helper(1)', 'helper')), 'src/util.rs:0');
  // ctags defines T once, in util.rs (a struct); here T is the function's type parameter.
  assert.equal(rejectOf(await ask(oracle, root, 'src/lib.rs', 'pub fn run', 'T', 2)), 'type-parameter');
  assert.equal(rejectOf(await ask(oracle, root, 'src/lib.rs', '    helper(3)', 'helper')), 'local');
  assert.equal(rejectOf(await ask(oracle, root, 'src/lib.rs', 'w.clone()', 'clone')), 'builtin');
  // Paths: rooted in the standard library, or in a crate the repository does not define, they lead elsewhere.
  assert.equal(rejectOf(await ask(oracle, root, 'src/lib.rs', 'std::net::bind_all', 'bind_all')), 'builtin');
  assert.equal(rejectOf(await ask(oracle, root, 'src/lib.rs', 'other::net::Listener', 'Listener')), 'outside');
  assert.equal(goldOf(await ask(oracle, root, 'src/lib.rs', 'crate::util::bind_all', 'bind_all')), 'src/util.rs:14');
});

test('names inside import and re-export statements are imports, not uses (continuation lines included)', async () => {
  const cases: [string, string, string, boolean][] = [
    ['a.py', 'from pkg.util import (\n    helper,\n    other,\n)\nhelper(1)\n', 'helper', true],
    ['a.ts', "export { zipWith } from './zipWith';\nexport const zipWith2 = zipWith;\n", 'zipWith', true],
    ['a.go', 'package a\n\nimport (\n\t"example.com/m/util"\n)\n\nvar x = util.Helper\n', 'util', true],
    ['a.rs', 'use crate::util::{\n    helper,\n};\nfn f() { helper(1); }\n', 'helper', true],
  ];
  for (const [file, text, name, first] of cases) {
    const lines = text.split('\n');
    const at = (from: number) => {
      for (let l = from; l < lines.length; l++) {
        const c = lines[l].search(new RegExp(`\\b${name}\\b`));
        if (c >= 0) return { l, c };
      }
      throw new Error(`${name} not in ${file}`);
    };
    const imp = at(0);
    assert.equal(await inImportStatement(file, text, imp.l, imp.c), first, `${file}: ${lines[imp.l]}`);
    const use = at(imp.l + 1);
    assert.equal(await inImportStatement(file, text, use.l, use.c), false, `${file}: ${lines[use.l]}`);
  }
});

test('scope-filtered ctags oracle (Ruby): block parameters, words in strings and declarations themselves are not uses', async () => {
  checkCtags();
  const root = fixture({
    'lib/helper.rb': 'module Helper\n  def self.assist(x)\n    x\n  end\n\n  def slot\n    1\n  end\n\n  def warn(msg)\n  end\nend\n',
    'lib/runner.rb': [
      'class Runner',
      '  def run(items, assist)',
      '    items.each do |slot|',
      '      puts slot',
      '    end',
      '    label = "a slot here"',
      '    Helper.assist(label)',
      '    warn "deprecated"',
      '  end',
      '',
      '  def page',
      '    <<-HTML',
      '      <div id="traceback">',
      '        <p class="slot">#{Helper.assist(1)}</p>',
      '      </div>',
      '    HTML',
      '  end',
      'end',
      '',
    ].join('\n'),
  });
  const oracle = new ScopeFilteredCtagsOracle();
  assert.equal(goldOf(await ask(oracle, root, 'lib/runner.rb', 'Helper.assist', 'assist')), 'lib/helper.rb:1');
  assert.equal(rejectOf(await ask(oracle, root, 'lib/runner.rb', 'puts slot', 'slot')), 'parameter');
  assert.equal(rejectOf(await ask(oracle, root, 'lib/runner.rb', 'a slot here', 'slot')), 'literal');
  // A string over many lines (a heredoc, a template): its words are text too, the code it interpolates is not.
  assert.equal(rejectOf(await ask(oracle, root, 'lib/runner.rb', '<p class="slot">', 'slot')), 'literal');
  assert.equal(goldOf(await ask(oracle, root, 'lib/runner.rb', '<p class="slot">', 'assist')), 'lib/helper.rb:1');
  // Kernel#warn: which `warn` a call reaches cannot be told without types.
  assert.equal(rejectOf(await ask(oracle, root, 'lib/runner.rb', 'warn "deprecated"', 'warn')), 'builtin');
  assert.equal(rejectOf(await ask(oracle, root, 'lib/runner.rb', 'def run', 'assist')), 'parameter');
  await oracle.close();
});

test('scope-filtered ctags oracle (Ruby): a member of a value is kept only when the file says the value\'s class', async () => {
  checkCtags();
  const root = fixture({
    'lib/auth/basic.rb': 'module Auth\n  class Basic\n    class Request\n      def username\n        @name\n      end\n    end\n  end\nend\n',
    'lib/auth/digest.rb': [
      'module Auth',
      '  class Digest',
      '    class Request',
      '      def method_missing(name)',
      '        @params[name]',
      '      end',
      '    end',
      '',
      '    def call(env)',
      '      auth = Request.new(env)',
      '      auth.username',
      '    end',
      '',
      '    def valid?(auth)',
      '      auth.username == "admin"',
      '    end',
      '  end',
      'end',
      '',
    ].join('\n'),
    'lib/app.rb': [
      'class App',
      '  def basic(env)',
      '    auth = Auth::Basic::Request.new(env)',
      '    auth.username',
      '  end',
      '',
      '  def digest(env)',
      '    cred = Auth::Digest::Request.new(env)',
      '    cred.username',
      '  end',
      '',
      '  def given(request)',
      '    request.username',
      '  end',
      'end',
      '',
    ].join('\n'),
  });
  const oracle = new ScopeFilteredCtagsOracle();
  // The file builds the receiver from the class defining the method: that definition is the binding.
  assert.equal(goldOf(await ask(oracle, root, 'lib/app.rb', '    auth.username', 'username')), 'lib/auth/basic.rb:3');
  // Another class of the same last name (its `method_missing` answers), and a parameter of unknown class: a name match only.
  assert.equal(rejectOf(await ask(oracle, root, 'lib/app.rb', 'cred.username', 'username')), 'ambiguous');
  assert.equal(rejectOf(await ask(oracle, root, 'lib/app.rb', 'request.username', 'username')), 'ambiguous');
  // `Request` written inside `class Digest` is Digest's own; a parameter named like a value assigned in another method is untyped.
  assert.equal(rejectOf(await ask(oracle, root, 'lib/auth/digest.rb', '      auth.username', 'username')), 'ambiguous');
  assert.equal(rejectOf(await ask(oracle, root, 'lib/auth/digest.rb', 'auth.username == "admin"', 'username')), 'ambiguous');
  await oracle.close();
});

test('scope-filtered ctags oracle (Rust): names imported from std or globbed from it, local items, attribute keys, members and associated functions are not the crate\'s items', async () => {
  checkCtags();
  const root = fixture({
    'src/io.rs': [
      'pub struct Ready(pub u8);',
      'pub struct SocketAddr;',
      'pub struct Guard;',
      'pub mod file {}',
      '#[macro_export]',
      'macro_rules! feature { () => {} }',
      '',
    ].join('\n'),
    'Cargo.toml': '[package]\nname = "my-crate"\nedition = "2018"\n',
    'src/builder.rs': 'pub struct Builder;\npub fn model() {}\npub fn is_ready() -> bool { true }\npub mod loom {}\n',
    'tests/support.rs': 'pub fn new_multi_thread() {}\n',
    'tests/it.rs': 'use my_crate::io::SocketAddr;\n\nfn t() {\n    let _ = SocketAddr;\n    let _ = my_crate::io::Guard;\n    loom::model();\n}\n',
    'src/poll.rs': [
      'use std::task::Poll::{Pending, Ready};',
      'use std::net::SocketAddr;',
      'use std::task::Poll;',
      'use crate::builder::Builder;',
      '',
      '/// use crate::io::Guard;',
      '#[cfg(feature = "net")]',
      'pub fn check(p: Poll<u8>, loc: &Location) -> Vec<SocketAddr> {',
      '    let _ = Poll::Ready(1u8);',
      '    let _ = Builder::new_multi_thread();',
      '    let _ = loc.file();',
      '    match p { Ready(x) => {}, Pending => {} }',
      '    struct Guard { n: u8 }',
      '    impl Drop for Guard { fn drop(&mut self) {} }',
      '    let _g = Guard { n: 1 };',
      '    vec![]',
      '}',
      '',
      'cfg_net! {',
      '    #[cfg_attr(docsrs, doc(cfg(feature = "net")))]',
      '    pub struct Waiter { is_ready: bool }',
      '}',
      '',
    ].join('\n'),
    'src/glob.rs': [
      'use std::task::Poll::*;',
      'use crate::io::SocketAddr;',
      'use crate::io::Guard;',
      'pub fn g() -> Guard { let _ = Ready(1); let _ = SocketAddr; Guard }',
      '',
    ].join('\n'),
  });
  const oracle = new ScopeFilteredCtagsOracle(root);
  // `use std::task::Poll::{Pending, Ready}`: the std variant, not the crate's `struct Ready`; likewise a type from std.
  assert.equal(rejectOf(await ask(oracle, root, 'src/poll.rs', 'Ready(x) =>', 'Ready')), 'builtin');
  assert.equal(rejectOf(await ask(oracle, root, 'src/poll.rs', '-> Vec<SocketAddr>', 'SocketAddr')), 'builtin');
  // A path rooted in a name imported from std (`Poll::Ready`) leads into std.
  assert.equal(rejectOf(await ask(oracle, root, 'src/poll.rs', 'Poll::Ready(1u8)', 'Ready')), 'builtin');
  // Not imported by name, with glob imports from std only: it came through the glob.
  assert.equal(rejectOf(await ask(oracle, root, 'src/glob.rs', 'Ready(1)', 'Ready')), 'builtin');
  // Imported from the crate: kept (a doc comment's `use` in another file does not count there either).
  assert.equal(goldOf(await ask(oracle, root, 'src/glob.rs', 'let _ = SocketAddr', 'SocketAddr')), 'src/io.rs:1');
  assert.equal(goldOf(await ask(oracle, root, 'src/glob.rs', 'pub fn g', 'Guard')), 'src/io.rs:2');
  // An item declared inside the function's block is a local, before and after its declaration.
  assert.equal(rejectOf(await ask(oracle, root, 'src/poll.rs', 'impl Drop for Guard', 'Guard')), 'local');
  assert.equal(rejectOf(await ask(oracle, root, 'src/poll.rs', 'let _g = Guard', 'Guard')), 'local');
  // `feature = "net"` inside an attribute is a setting's key, not the crate's `feature!` macro.
  assert.equal(rejectOf(await ask(oracle, root, 'src/poll.rs', '#[cfg(feature', 'feature')), 'literal');
  // `loc.file()` is a method of a value, not the module `file`; `Builder::new_multi_thread` an associated function of
  // Builder, not the free function of that name in tests/.
  assert.equal(rejectOf(await ask(oracle, root, 'src/poll.rs', 'loc.file()', 'file')), 'ambiguous');
  assert.equal(rejectOf(await ask(oracle, root, 'src/poll.rs', 'Builder::new_multi_thread', 'new_multi_thread')), 'ambiguous');
  // Inside a macro's tokens (unparsed): an attribute's key, a field declaration.
  assert.equal(rejectOf(await ask(oracle, root, 'src/poll.rs', 'doc(cfg(feature', 'feature')), 'literal');
  assert.equal(rejectOf(await ask(oracle, root, 'src/poll.rs', 'is_ready: bool', 'is_ready')), 'ambiguous');
  // The crate's own name (Cargo.toml's `my-crate`) in its integration tests is the crate, not another one; a path
  // root neither imported nor declared in the file (`loom::`, although the crate has a module `loom`) is another crate.
  assert.equal(goldOf(await ask(oracle, root, 'tests/it.rs', 'let _ = SocketAddr', 'SocketAddr')), 'src/io.rs:1');
  assert.equal(goldOf(await ask(oracle, root, 'tests/it.rs', 'my_crate::io::Guard', 'Guard')), 'src/io.rs:2');
  assert.equal(rejectOf(await ask(oracle, root, 'tests/it.rs', 'loom::model', 'model')), 'outside');
  await oracle.close();
});
