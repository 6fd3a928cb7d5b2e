/**
 * What the cursor's code uses, read through TypeScript's type-level rules (src/core/context/{typeParameters,valueTypes,
 * typedMembers}.ts): a type parameter stands for its constraint (`schema: S` with `S extends Shape` has Shape's
 * members), a type named through namespaces (`Api.Config.Retry.Options`) is the one nested there, not a same-named top-level
 * type, and an indexed access (`Shape["label"]`) puts the indexed type's members in use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packedAtCursor, tempWorkspaces } from './tempWorkspace';
import { typeParameterConstraints } from '../../../src/core/context/typeParameters';
import { qualifiersOf } from '../../../src/core/context/valueTypes';
import { declaredTypeOf } from '../../../src/core/context/typeSignatures';
import type { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';

test('the constraints of the type parameters declared around the cursor; comparisons and conditional types are none', () => {
  const text = [
    'export interface Param<Name extends string, S extends Schema.Constraint> extends',
    '  Base<S["ast"], Param<Name, S>>',
    'for (let i = 0; i < n && j > 2; i++) {}',
    'const f = <A extends Box<B>, B = C>(x: A) => x',
    'type X<T> = T extends string ? A : B',
    'type Y = Foo<U extends string ? A : B>',
    'function g<in out K extends keyof Options = "a">(k: K) {}',
    '',
  ].join('\n');
  assert.deepEqual(Object.fromEntries(typeParameterConstraints(text, text.length)), {
    Name: 'string',
    S: 'Schema.Constraint',
    A: 'Box<B>',
    K: 'keyof Options',
  });
  // Declared again after the cursor: the declaration before it is the one in scope.
  const twice = 'function a<T extends First>() { |}\nfunction b<T extends Second>() {}';
  assert.equal(typeParameterConstraints(twice.replace('|', ''), twice.indexOf('|')).get('T'), 'First');
  const onlyAfter = '|\nfunction b<T extends Second>() {}\nfunction c<T extends Third>() {}';
  assert.equal(typeParameterConstraints(onlyAfter.replace('|', ''), 0).get('T'), 'Second');
});

test('the qualifiers written before a name in a type expression', () => {
  assert.deepEqual(qualifiersOf('Schema.Annotations.Filter<A> | undefined', 'Filter'), ['Schema', 'Annotations']);
  assert.deepEqual(qualifiersOf('type Pattern = Schema.ToArbitrary.Pattern', 'Pattern'), ['Schema', 'ToArbitrary']);
  assert.deepEqual(qualifiersOf('Options', 'Options'), []);
  // A member named by a string has its annotation read past the closing quote.
  assert.equal(declaredTypeOf('readonly "Type": Struct.Type<Fields>', 'Type'), 'Struct.Type<Fields>');
});

const workspace = tempWorkspaces('type-parameters-');

/** A library: one shape with members, many other exports (more than a small budget holds), a namespace-nested type. */
function library(): Record<string, string> {
  return {
    'src/shape.ts': [
      'export interface Shape {',
      '  readonly label: string;',
      '  readonly encodedForm: unknown;',
      '  readonly decodedForm: unknown;',
      '  readonly "~type.mutability": Mutability;',
      '  readonly "~encoded.mutability": Mutability;',
      '}',
      'export type Mutability = "readonly" | "mutable";',
      ...Array.from({ length: 40 }, (_, i) => `export function helper${i}(value: number, other: string): number {\n  return value;\n}`),
      '',
    ].join('\n'),
    'src/api.ts': [
      '/** A top-level type of the same name as the nested one: not what `Api.Config.Options` names. */',
      'export interface Options {',
      '  readonly verbose: boolean;',
      '}',
      '/** Two namespaces down, in a declaration: its members sit deeper in the syntax tree than a class method\'s. */',
      'export declare namespace Config {',
      '  export namespace Retry {',
      '    export interface Options {',
      '      readonly retryLimit: number;',
      '      readonly backoffMillis: number;',
      '    }',
      '  }',
      '}',
      ...Array.from({ length: 40 }, (_, i) => `export function call${i}(value: number, other: string): number {\n  return value;\n}`),
      '',
    ].join('\n'),
  };
}

const packedAt = (root: string, index: WorkspaceIndex, lines: string[], budgetTokens?: number) => packedAtCursor(root, index, 'src/use.ts', lines, budgetTokens);

test('`encode<S extends Shape>(schema: S)`: the members of the constraint are offered for the value typed S', async () => {
  const { root, index } = await workspace(library());
  const packed = await packedAt(root, index, [
    "import * as lib from './shape';",
    'export function encode<S extends lib.Shape>(schema: S, count: number) {',
    '  const total = lib.helper1(count, "x") + lib.helper2(count, "y");',
    '  const encoded = schema.label;',
    '  CURSOR',
    '}',
  ]);
  const item = packed.items.find((i) => i.path === 'src/shape.ts' && i.text.includes('readonly encodedForm: unknown;'));
  assert.match(item?.reason ?? '', /a member of Shape/, packed.text);
});

test('`Api.Config.Retry.Options`: the interface nested in the namespaces, not the top-level one of the same name', async () => {
  const { root, index } = await workspace(library());
  const packed = await packedAt(root, index, [
    "import * as Api from './api';",
    'export function connect(options: Api.Config.Retry.Options, count: number) {',
    '  const value = options.',
    '  CURSOR',
    '}',
  ], 600);
  const nested = packed.items.find((i) => i.path === 'src/api.ts' && i.text.includes('readonly retryLimit: number;'));
  assert.match(nested?.reason ?? '', /a member of Options/, packed.text);
  assert.ok(!packed.items.some((i) => i.text.includes('readonly verbose: boolean;') && /a member of Options/.test(i.reason)), packed.text);
});

test('`Shape["label"]` in a type near the cursor: the indexed type\'s other members are offered', async () => {
  const { root, index } = await workspace(library());
  const packed = await packedAt(root, index, [
    "import type { Shape } from './shape';",
    "import * as lib from './shape';",
    'export interface Encoded {',
    '  readonly total: ReturnType<typeof lib.helper1>;',
    '  readonly label: Shape["label"];',
    '  CURSOR',
    '}',
  ]);
  const item = packed.items.find((i) => i.path === 'src/shape.ts' && i.text.includes('readonly encodedForm: unknown;'));
  assert.match(item?.reason ?? '', /a member of Shape/, packed.text);
});

test('a member named by a string (`readonly "~encoded.mutability": M`) is a member: offered for `S["~type.mutability"]`', async () => {
  const { root, index } = await workspace(library());
  const packed = await packedAt(root, index, [
    "import type { Shape } from './shape';",
    'export interface Wrapped<S extends Shape> extends Base<',
    '  S["decodedForm"],',
    '  S["~type.mutability"],',
    '  CURSOR',
    '> {}',
  ], 250);
  const item = packed.items.find((i) => i.path === 'src/shape.ts' && i.text.includes('readonly "~encoded.mutability": Mutability;'));
  assert.match(item?.reason ?? '', /field ~encoded\.mutability: a member of Shape/, packed.text);
});
