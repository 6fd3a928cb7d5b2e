/**
 * Go's types read from the index (src/core/context/{goTypes,goValues}.ts): result types after the parameter list,
 * field and variable types after the name, receivers, embedded types; and the engine offering the members of the type
 * a Go value near the cursor has — its struct fields and the methods declared with it as receiver in any file of its
 * package — whether the value is a parameter, the first result of a call, a range variable or a type-switch case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { tempWorkspaces } from './tempWorkspace';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { goDeclaredType, goEmbedded, goReceiverType, goResultType, goSeesUnexported } from '../../../src/core/context/goTypes';
import { goLiteralKeys, goLiteralType } from '../../../src/core/context/goValues';

test('Go result types, declared types, receivers and embedded types are read from signatures', () => {
  assert.equal(goResultType('func NewProgram(fset *token.FileSet, mode BuilderMode) *Program', 'NewProgram'), '*Program');
  assert.equal(goResultType('func (prog *Program) Package(pkg *types.Package) (*Package, error) {', 'Package'), '*Package');
  assert.equal(goResultType('func (l *loader) load(n int) (pkg *Package, err error)', 'load'), '*Package');
  assert.equal(goResultType('func Map[K comparable, V any](m map[K]V) []V', 'Map'), '[]V');
  assert.equal(goResultType('Pos() token.Pos // position of the node', 'Pos'), 'token.Pos');
  assert.equal(goResultType('func (a *Analyzer) Validate()', 'Validate'), undefined);
  assert.equal(goDeclaredType('Fset *token.FileSet', 'Fset'), '*token.FileSet');
  assert.equal(goDeclaredType('Name, Doc string', 'Doc'), 'string');
  assert.equal(goDeclaredType('Files []*ast.File `json:"files"`', 'Files'), '[]*ast.File');
  assert.equal(goDeclaredType('Default = NewConfig()', 'Default'), undefined, 'a value, not a type');
  assert.equal(goReceiverType('func (v *Function) Name() string'), 'Function');
  assert.equal(goReceiverType('func (s set[T]) Has(x T) bool'), 'set');
  assert.equal(goReceiverType('func Name() string'), undefined);
  assert.deepEqual(goEmbedded('type Pass struct {\n\t*Base\n\tio.Reader // reads\n\tName string\n\tsync.Mutex `x:"y"`\n}'), ['Base', 'Reader', 'Mutex']);
  assert.deepEqual(goEmbedded('type Reader interface {\n\tCloser\n\tRead(p []byte) (int, error)\n}'), ['Closer']);
  assert.deepEqual(goEmbedded('type ID int'), []);
});

test('Go: the composite literal around the cursor, its elements included; blocks are no literals', () => {
  const at = (text: string) => goLiteralType(text.replace('|', ''), text.indexOf('|'));
  assert.equal(at('cfg := &packages.Config{\n\tMode: packages.NeedName,\n\t|\n}'), 'packages.Config');
  assert.equal(at('edits := []analysis.TextEdit{{\n\tPos: p,\n\t|'), '[]analysis.TextEdit');
  assert.equal(at('m := map[string]*Module{\n\t"a": {\n\t\tName: "a",\n\t\t|'), 'map[string]*Module');
  assert.equal(at('x := T{A: f(Inner{B: 1}), |'), 'T', 'a closed inner literal is skipped');
  assert.equal(at('if ok {\n\t|'), undefined);
  assert.equal(at('func run(pass *Pass) error {\n\tx := 1\n\t|'), undefined);
  assert.equal(at('names := []string{\n\t|'), undefined, 'the elements of a slice of strings are values, not fields');
  // The keys set already, above and below the cursor, at the literal's own level (not those of a nested literal).
  const text = 'cfg := &Config{\n\tDir: d, Mode: m,\n\tInner: Inner{Env: e},\n\t\n\tTests: true,\n}\nnext := x';
  assert.deepEqual([...goLiteralKeys(text, text.indexOf('{'))].sort(), ['Dir', 'Inner', 'Mode', 'Tests']);
});

const workspace = tempWorkspaces('go-types-');

/**
 * A package `ir` whose types' methods live in files other than the types' own, next to more exported functions than a
 * small budget holds (so what is packed must be chosen).
 */
function module(): Record<string, string> {
  const helpers = Array.from({ length: 60 }, (_, i) => `// Helper${i} does step ${i} of the lowering.\nfunc Helper${i}(prog *Program, level int) (int, error) {\n\treturn level + ${i}, nil\n}\n`);
  return {
    'go.mod': 'module example.com/tool\n',
    'ir/types.go': [
      'package ir',
      '',
      'type Program struct {',
      '\tFuncs map[*Function]bool',
      '\tmode  int',
      '}',
      '',
      'type Function struct {',
      '\tName   string',
      '\tParams []*Value',
      '}',
      '',
      'type BasicBlock struct {',
      '\tIndex  int',
      '\tInstrs []Instruction',
      '}',
      '',
      'type Instruction interface {',
      '\tString() string',
      '}',
      '',
      'type Call struct {',
      '\tCallee *Function',
      '}',
      '',
    ].join('\n'),
    'ir/func.go': [
      'package ir',
      '',
      'func (f *Function) Blocks() []*BasicBlock { return nil }',
      'func (f *Function) RelString(from *Program) string { return "" }',
      'func (b *BasicBlock) Dominates(other *BasicBlock) bool { return false }',
      'func (b *BasicBlock) Successors() []*BasicBlock { return nil }',
      'func (p *Program) FuncValue(name string) *Function { return nil }',
      'func (c *Call) StaticCallee() *Function { return nil }',
      '',
    ].join('\n'),
    'ir/helpers.go': ['package ir', '', ...helpers].join('\n'),
  };
}

/** The first lines of every file of the tests: a package importing `ir`. */
const HEADER = ['package check', '', 'import "example.com/tool/ir"', ''];

async function packedAt(root: string, index: ConstructorParameters<typeof TreeSitterContextEngine>[0]['index'], rel: string, text: string, budget = 350) {
  const engine = new TreeSitterContextEngine({ index });
  const offset = text.indexOf('CURSOR');
  const packed = await engine.assemble({ doc: { path: path.join(root, rel), relPath: rel, languageId: 'go', text: text.replace('CURSOR', ''), version: 1, offset }, budgetTokens: budget, purpose: 'completion' });
  engine.dispose();
  return packed;
}

test('Go: a range variable over a method\'s result offers the element type\'s methods, declared in another file', async () => {
  const { root, index } = await workspace(module());
  const text = [
    ...HEADER,
    'func visit(fn *ir.Function) int {',
    '\tn := 0',
    '\tfor _, b := range fn.Blocks() {',
    '\t\tCURSOR',
    '\t}',
    '\treturn n',
    '}',
    '',
  ].join('\n');
  const packed = await packedAt(root, index, 'check/visit.go', text);
  const item = packed.items.find((i) => i.path === 'ir/func.go' && i.text.includes('func (b *BasicBlock) Successors()'));
  assert.ok(item, packed.text);
  assert.match(item.reason, /a member of BasicBlock/);
});

test('Go: a type-switch case types its value, and the first result of its method types the next value', async () => {
  const { root, index } = await workspace(module());
  const text = [
    ...HEADER,
    'func lookup(prog *ir.Program, x ir.Instruction) {',
    '\tswitch x := x.(type) {',
    '\tcase *ir.Call:',
    '\t\tcallee := x.StaticCallee()',
    '\t\tCURSOR',
    '\t}',
    '}',
    '',
  ].join('\n');
  const packed = await packedAt(root, index, 'check/lookup.go', text, 1500);
  // `x` is a *ir.Call in this clause, `callee` the *Function its method returns: Function's methods.
  const reasons = packed.items.map((i) => `${i.score.toFixed(2)} ${i.reason}`).join('\n');
  const method = packed.items.find((i) => i.path === 'ir/func.go' && i.text.includes('func (f *Function) RelString'));
  assert.match(method?.reason ?? '', /a member of Function/, reasons);
});

test('Go: inside a composite literal, the fields of its type are offered, those it does not set yet first', async () => {
  const { root, index } = await workspace(module());
  const text = [
    ...HEADER,
    'func build() *ir.Function {',
    '\treturn &ir.Function{',
    '\t\tName: "main",',
    '\t\tCURSOR',
    '\t}',
    '}',
    '',
  ].join('\n');
  const packed = await packedAt(root, index, 'check/build.go', text, 800);
  const reasons = packed.items.map((i) => `${i.score.toFixed(2)} ${i.reason}`).join('\n');
  const unset = packed.items.find((i) => /^field Params: a member of Function.*does not set yet/.test(i.reason));
  const set = packed.items.find((i) => /^field Name\b/.test(i.reason) && i.path === 'ir/types.go');
  assert.ok(unset && set, reasons);
  // `Name:` is written already (its word is even next to the cursor): Go allows a key once, so `Params` comes first.
  assert.ok(unset.score > set.score, reasons);
});

test('Go: another package\'s unexported members are not offered (they cannot be named there)', async () => {
  const { root, index } = await workspace(module());
  const text = [...HEADER, 'func count(prog *ir.Program) int {', '\tfuncs := prog.Funcs', '\tCURSOR', '}', ''].join('\n');
  const packed = await packedAt(root, index, 'check/count.go', text, 250);
  assert.ok(packed.items.some((i) => /a member of Program/.test(i.reason)), packed.text);
  assert.ok(!packed.items.some((i) => /field mode: a member of Program/.test(i.reason)), packed.text);
});

test('Go: an external test package (`package x_test`) is another package: it is not offered its folder\'s unexported members', async () => {
  const { root, index } = await workspace(module());
  const body = ['func TestCount(t *testing.T, prog *ir.Program) {', '\tfuncs := prog.Funcs', '\tCURSOR', '}', ''];
  const external = await packedAt(root, index, 'ir/count_test.go', ['package ir_test', '', 'import "example.com/tool/ir"', '', ...body].join('\n'), 250);
  assert.ok(external.items.some((i) => /a member of Program/.test(i.reason)), external.text);
  assert.ok(!external.items.some((i) => /field mode: a member of Program/.test(i.reason)), external.text);
  // By the package clause: the same folder's own files, in-package tests included, may name them; other folders may not.
  const at = (relPath: string, clause: string) => ({ relPath, text: `// Copyright\n\n${clause}\n\nimport "fmt"\n` });
  assert.equal(goSeesUnexported(at('ir/count_test.go', 'package ir'), 'ir/types.go'), true);
  assert.equal(goSeesUnexported(at('ir/count.go', 'package ir'), 'ir/types.go'), true);
  assert.equal(goSeesUnexported(at('ir/count_test.go', 'package ir_test'), 'ir/types.go'), false);
  assert.equal(goSeesUnexported(at('ir/count_test.go', 'package ir_test'), 'ir/helpers_test.go'), true);
  assert.equal(goSeesUnexported(at('check/count.go', 'package check'), 'ir/types.go'), false);
});
