/**
 * Import paths of Go and Rust (src/core/context/resolveImports.ts). Go: a path names a whole directory, matched by
 * the whole path (a GOPATH tree, or a module's directory by its path from the module root); only a remote path (a
 * domain first) may match by its last elements. A standard-library path never resolves to a folder that merely ends
 * the same way, testdata folders are no packages, and `_test.go` files belong to the package's own tests only. Rust: self::/super:: paths from the module's folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImportResolver } from '../../../src/core/context/resolveImports';

const resolver = new ImportResolver([
  'go/ssa/ssa.go',
  'go/ssa/builder.go',
  'go/ssa/builder_test.go',
  'go/types/typeutil/map.go',
  'internal/lsp/protocol/types/types.go',
  'go/ssa/interp/testdata/src/errors/errors.go',
  'go/ssa/interp/testdata/src/a/a.go',
  'gopath/src/github.com/o/r/pkg/a.go',
  'gopath/src/github.com/o/r/pkg/b.go',
]);
const go = (from: string, source: string) => resolver.resolve(from, 'go', source).sort();

test('Go: standard-library paths resolve to nothing, not to a folder ending the same way or to testdata', () => {
  assert.deepEqual(go('go/ssa/builder.go', 'go/types'), []);
  assert.deepEqual(go('go/ssa/builder.go', 'types'), []);
  assert.deepEqual(go('go/ssa/builder.go', 'errors'), []);
});

test('Go: a module path resolves by the directory path from the module root, a GOPATH path by its whole path', () => {
  assert.deepEqual(go('cmd/x/main.go', 'golang.org/x/tools/go/ssa'), ['go/ssa/builder.go', 'go/ssa/ssa.go']);
  assert.deepEqual(go('cmd/x/main.go', 'golang.org/x/tools/go/types/typeutil'), ['go/types/typeutil/map.go']);
  assert.deepEqual(go('gopath/src/github.com/o/r/main.go', 'github.com/o/r/pkg'), ['gopath/src/github.com/o/r/pkg/a.go', 'gopath/src/github.com/o/r/pkg/b.go']);
});

test('Go: a package\'s _test.go files are seen only by its own tests, not by importers or its other files', () => {
  assert.deepEqual(go('cmd/x/main.go', 'golang.org/x/tools/go/ssa'), ['go/ssa/builder.go', 'go/ssa/ssa.go']);
  assert.deepEqual(go('cmd/x/main_test.go', 'golang.org/x/tools/go/ssa'), ['go/ssa/builder.go', 'go/ssa/ssa.go']);
  assert.deepEqual(go('go/ssa/ssa_test.go', 'golang.org/x/tools/go/ssa'), ['go/ssa/builder.go', 'go/ssa/builder_test.go', 'go/ssa/ssa.go']);
  assert.deepEqual(resolver.siblings('go/ssa/ssa.go'), ['go/ssa/builder.go']);
  assert.deepEqual(resolver.siblings('go/ssa/ssa_test.go').sort(), ['go/ssa/builder.go', 'go/ssa/builder_test.go', 'go/ssa/ssa.go']);
});

test('Go: a file inside a testdata tree sees that tree\'s packages', () => {
  assert.deepEqual(go('go/ssa/interp/testdata/src/a/a.go', 'errors'), ['go/ssa/interp/testdata/src/errors/errors.go']);
});

test('Rust: self:: and super:: paths resolve from the current module\'s folder; a tail match prefers the nearest file', () => {
  const rust = new ImportResolver([
    'src/runtime/task/mod.rs',
    'src/runtime/task/inject.rs',
    'src/runtime/scheduler/inject.rs',
    'src/fs/file.rs',
    'src/fs/file/tests.rs',
    'src/runtime/scheduler/multi_thread/worker.rs',
  ]);
  const r = (from: string, source: string) => rust.resolve(from, 'rust', source);
  assert.deepEqual(r('src/runtime/task/mod.rs', 'self::inject::Inject'), ['src/runtime/task/inject.rs']);
  // worker.rs is the module worker; its super is multi_thread (folder multi_thread/), whose super is scheduler.
  assert.deepEqual(r('src/runtime/scheduler/multi_thread/worker.rs', 'super::super::inject::Shared'), ['src/runtime/scheduler/inject.rs']);
  assert.deepEqual(r('src/fs/file/tests.rs', 'super::*'), ['src/fs/file.rs']);
  // `crate::…::inject` names one of two inject.rs files: the one nearer the importing file comes first.
  assert.equal(r('src/runtime/scheduler/multi_thread/worker.rs', 'crate::runtime::inject::Inject')[0], 'src/runtime/scheduler/inject.rs');
  assert.equal(r('src/runtime/task/mod.rs', 'crate::inject')[0], 'src/runtime/task/inject.rs');
});
