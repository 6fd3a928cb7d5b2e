/**
 * Types of values read from declarations (src/core/context/{typeSignatures,valueTypes,typedMembers}.ts): return types,
 * annotations and bases out of signatures, and the engine offering the members of the type a value near the cursor has
 * — through the declared return type of the function that made it, inherited members included, one member type
 * further where the file's own use leads (`result.error.issues`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { tempWorkspaces } from './tempWorkspace';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { basesOf, declaredTypeOf, returnTypeOf, typeNames } from '../../../src/core/context/typeSignatures';
import { readChain } from '../../../src/core/context/chains';


test('return types, annotations and bases are read from signatures', () => {
  assert.equal(returnTypeOf('export function string(params?: string | core.$ZodStringParams): ZodString', 'string'), 'ZodString');
  assert.equal(returnTypeOf('export function make<A extends Map<string, number>>(a: (x: A) => void): Box<A>', 'make'), 'Box<A>');
  assert.equal(returnTypeOf('safeParse(data: unknown, params?: core.ParseContext<core.$ZodIssue>): parse.ZodSafeParseResult<core.output<this>>;', 'safeParse'), 'parse.ZodSafeParseResult<core.output<this>>');
  assert.equal(returnTypeOf('min(n: number): this;', 'min'), 'this');
  assert.equal(returnTypeOf('export const succeed = <A>(value: A): Effect<A> =>', 'succeed'), 'Effect<A>');
  assert.equal(returnTypeOf('export const safeParse: <T extends core.$ZodType>(schema: T) => ZodSafeParseResult<T> = core._safeParse(ZodRealError)', 'safeParse'), 'ZodSafeParseResult<T>');
  assert.equal(returnTypeOf('def get(self, url: str) -> Response:', 'get'), undefined, 'only the TypeScript form is read');
  assert.equal(returnTypeOf('export function noType(a: number) {', 'noType'), undefined);
  assert.equal(declaredTypeOf('export const globalConfig: $ZodConfig = {}', 'globalConfig'), '$ZodConfig');
  assert.equal(declaredTypeOf('readonly error?: ZodError<T>;', 'error'), 'ZodError<T>');
  assert.deepEqual(basesOf('export interface _ZodString<T extends core.$ZodStringInternals<unknown> = core.$ZodStringInternals<unknown>> extends _ZodType<T>', '_ZodString'), ['_ZodType']);
  assert.deepEqual(basesOf('export class Impl<out A> extends Base<A> implements Pipeable, Other<A>', 'Impl'), ['Base', 'Pipeable', 'Other']);
  assert.deepEqual(basesOf('export type ZodSafeParseResult<T> = ZodSafeParseSuccess<T> | ZodSafeParseError<T>;', 'ZodSafeParseResult'), ['ZodSafeParseSuccess', 'ZodSafeParseError']);
  assert.deepEqual(basesOf('export interface Plain {', 'Plain'), []);
  // Names only: which are types is the index's to say (`true` is none).
  assert.deepEqual(typeNames('{ success: true; data: T; error?: ZodError<T> }'), ['true', 'T', 'ZodError']);
  assert.deepEqual(typeNames('Promise<core.output<this>>', true), ['Promise']);
});

test('a chain is read step by step, over line breaks before a `.` and past call arguments', () => {
  const text = 'const s = z\n    .object({ a: z.string() })\n    .refine((v) => v.a.length > 0, { message: "(" })\n  ; other';
  const { steps } = readChain(text, text.indexOf('z'));
  assert.deepEqual(steps.map((s) => `${s.name}${s.call ? '()' : ''}`), ['z', 'object()', 'refine()']);
  assert.deepEqual(readChain('new Box(1).open().lid', 0).steps.map((s) => [s.name, s.call, s.isNew ?? false]), [['Box', true, true], ['open', true, false], ['lid', false, false]]);
});

const workspace = tempWorkspaces('value-types-');

/** A schema library: many builder functions (more than a small budget holds), a base type, a parse result. */
function library(): Record<string, string> {
  const builders = Array.from({ length: 40 }, (_, i) => `export function kind${i}(options?: { label?: string; strict?: boolean }): KindSchema${i} {\n  return new Impl() as never;\n}\n`);
  return {
    'src/base.ts': [
      'export interface BaseSchema<Out = unknown> {',
      '  describe(text: string): this;',
      '  check(data: unknown): Out;',
      '  safeCheck(data: unknown): CheckResult<Out>;',
      '}',
      'export type CheckResult<T> = CheckSuccess<T> | CheckFailure;',
      'export type CheckSuccess<T> = { ok: true; value: T; failure?: never };',
      'export interface CheckFailure { ok: false; failure: Failure }',
      'export interface Failure {',
      '  problems: string[];',
      '  first(): string;',
      '}',
      '',
    ].join('\n'),
    'src/schemas.ts': [
      "import type { BaseSchema } from './base';",
      'export interface TextSchema extends BaseSchema<string> {',
      '  min(length: number): this;',
      '  max(length: number): this;',
      '}',
      ...Array.from({ length: 40 }, (_, i) => `export interface KindSchema${i} extends BaseSchema<number> { kind${i}: true }`),
      'export function text(options?: { label?: string }): TextSchema {',
      '  return new Impl() as never;',
      '}',
      'class Impl {}',
      ...builders,
    ].join('\n'),
    'src/index.ts': "export * from './schemas';\nexport * from './base';\n",
  };
}

test('`const s = lib.text()`: the members of text()\'s declared return type, inherited ones too, are offered', async () => {
  const { root, index } = await workspace(library());
  // The file never names the member: the type says it exists, the function's name that it is wanted.
  const text = ["import * as lib from './index';", 'export function validateSafely(input: unknown) {', '  const name = lib.text().min(2);', '  CURSOR', '}', ''].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const offset = text.indexOf('CURSOR');
  const packed = await engine.assemble({ doc: { path: path.join(root, 'src/t.test.ts'), relPath: 'src/t.test.ts', languageId: 'typescript', text: text.replace('CURSOR', ''), version: 1, offset }, budgetTokens: 300, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'src/base.ts' && i.text.includes('safeCheck(data: unknown): CheckResult<Out>;'));
  assert.ok(item, packed.text);
  assert.match(item.reason, /method safeCheck: a member of TextSchema/);
  engine.dispose();
});

test('a value\'s member the file uses most is followed one type further (`result.failure.` offers Failure\'s members)', async () => {
  const { root, index } = await workspace(library());
  const text = [
    "import * as lib from './index';",
    // The file's habit, far above (beyond the lines whose chains are followed): `.failure` of its results.
    ...Array.from({ length: 5 }, (_, i) => `const seen${i} = check${i}(${i}).failure;`),
    ...Array.from({ length: 80 }, (_, i) => `const filler${i} = ${i};`),
    'test("failure", () => {',
    '  const schema = lib.text();',
    '  const result = schema.safeCheck(1);',
    '  if (result.ok) return;',
    '  CURSOR',
    '});',
    '',
  ].join('\n');
  const engine = new TreeSitterContextEngine({ index });
  const offset = text.indexOf('CURSOR');
  const packed = await engine.assemble({ doc: { path: path.join(root, 'src/f.test.ts'), relPath: 'src/f.test.ts', languageId: 'typescript', text: text.replace('CURSOR', ''), version: 1, offset }, budgetTokens: 300, purpose: 'completion' });
  const item = packed.items.find((i) => i.path === 'src/base.ts' && i.text.includes('problems: string[];'));
  assert.ok(item, packed.text);
  assert.match(item.reason, /a member of Failure/);
  engine.dispose();
});
