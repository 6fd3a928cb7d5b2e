/**
 * Object literals passed to calls and parameters of callbacks typed from the callee's signature
 * (src/core/context/{callSites,literalKeys,callbackParams}.ts, typeSignatures.ts parameterTypesOf / typeParametersOf):
 * the definition of the parameter's type (its fields the literal does not set yet, inherited ones included) is packed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { tempWorkspaces } from './tempWorkspace';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { parameterTypesOf, typeParametersOf } from '../../../src/core/context/typeSignatures';
import { literalKeys } from '../../../src/core/context/literalKeys';
import type { Candidate } from '../../../src/core/context/packing';

test('parameter and type parameter lists are read from signatures of several shapes', () => {
  const types = (sig: string, name: string) => parameterTypesOf(sig, name)?.map((p) => `${p.rest ? '...' : ''}${p.name ?? '{}'}${p.optional ? '?' : ''}: ${p.type ?? '-'}`);
  assert.deepEqual(types('export function make(options: Options): Thing', 'make'), ['options: Options']);
  assert.deepEqual(types('export const build = <A extends Options = Options>(id: string, options?: A, cb?: (o: Options) => void): Thing =>', 'build'), ['id: string', 'options?: A', 'cb?: (o: Options) => void']);
  assert.deepEqual(types('constructor(readonly options: Options, private retries = 3)', 'constructor'), ['options: Options', 'retries?: -']);
  assert.deepEqual(types('export const f: <R, E = never>(self: Effect<R, E>, { a, b }: Opts<E>, ...rest: Array<string>) => Effect<R> = dual(2, x)', 'f'), ['self: Effect<R, E>', '{}: Opts<E>', '...rest: Array<string>']);
  assert.deepEqual(types('export function g<T>(this: Ctx, a: Map<string, number>, b = "x,y"): void', 'g'), ['a: Map<string, number>', 'b?: -']);
  assert.deepEqual(types('run(opts: { fast: boolean; label?: string }): void', 'run'), ['opts: { fast: boolean; label?: string }']);
  assert.equal(parameterTypesOf('export const VERSION = "1"', 'VERSION'), undefined);
  assert.deepEqual(typeParametersOf('export const build = <const A extends Options = Options, B>(a: A) =>', 'build'), [
    { name: 'A', constraint: 'Options', default: 'Options' },
    { name: 'B', constraint: undefined, default: undefined },
  ]);
  assert.deepEqual(typeParametersOf('export function h<in out K extends Map<string, (x: X) => void>>(k: K)', 'h'), [{ name: 'K', constraint: 'Map<string, (x: X) => void>', default: undefined }]);
});

test('the keys a literal sets are read at its own level only', () => {
  const text = 'make({\n  name: "a,b",\n  nested: { inner: 1, deep: [a, b] },\n  short,\n  run() {},\n  | })';
  assert.deepEqual([...literalKeys(text, text.indexOf('{'))].sort(), ['name', 'nested', 'run', 'short']);
});

const workspace = tempWorkspaces('literal-keys-');

/** A client library: an options interface (extending a base one) among many other definitions a small budget cannot hold. */
function library(): Record<string, string> {
  return {
    'src/base.ts': ['export interface BaseOptions {', '  timeoutMillis: number;', '  concurrencyLimit?: number;', '}', ''].join('\n'),
    'src/client.ts': [
      "import type { BaseOptions } from './base';",
      "import type { SubscribeEvent } from './events';",
      'export interface ClientOptions extends BaseOptions {',
      '  readonly endpointUrl: string;',
      '  retryCount?: number;',
      '}',
      'export interface Uint8Array { fake: true }',
      'export function makeClient(id: string, options: ClientOptions): Client {',
      '  return new Client(options);',
      '}',
      'export function subscribe<E extends SubscribeEvent = SubscribeEvent>(topic: string, onEvent: (event: E, index: number) => void): void {}',
      'export class Client {',
      '  constructor(readonly options: ClientOptions) {}',
      '  configure(patch: { verbose?: boolean; traceLabel?: string }): void {}',
      '}',
      ...Array.from({ length: 60 }, (_, i) => `export function helper${i}(value${i}: number, other${i}: string): string {\n  return other${i}.repeat(value${i});\n}`),
      '',
    ].join('\n'),
    // Imported by the library only: the file being written never names it.
    'src/events.ts': 'export interface SubscribeEvent { payloadBytes: number; deliveredAt: Date }\n',
    'src/bytes.ts': ['export function encode(data: Uint8Array): string {', '  return "";', '}', ''].join('\n'),
  };
}

async function packFor(files: Record<string, string>, relPath: string, text: string, budgetTokens = 350, onCandidates?: (c: readonly Candidate[]) => void) {
  const { root, index } = await workspace(files);
  const engine = new TreeSitterContextEngine({ index, onCandidates });
  const offset = text.indexOf('CURSOR');
  const packed = await engine.assemble({ doc: { path: path.join(root, relPath), relPath, languageId: 'typescript', text: text.replace('CURSOR', ''), version: 1, offset }, budgetTokens, purpose: 'completion' });
  engine.dispose();
  return packed;
}

test('an object literal passed to a call: the fields of the parameter\'s type it does not set yet are packed', async () => {
  const text = ["import { makeClient } from './client';", '', 'export const client = makeClient("main", {', '  endpointUrl: "https://example.invalid",', '  CURSOR', '});', ''].join('\n');
  const packed = await packFor(library(), 'src/app.ts', text);
  const item = packed.items.find((i) => i.path === 'src/client.ts' && i.text.includes('retryCount?: number'));
  assert.ok(item, packed.text);
  assert.match(item.reason, /a field the literal at the cursor does not set yet/);
});

test('inherited fields of the parameter\'s type are keys too (`extends BaseOptions`)', async () => {
  const text = ["import { makeClient } from './client';", '', 'export const client = makeClient("main", {', '  endpointUrl: "https://example.invalid",', '  retryCount: 2,', '  CURSOR', '});', ''].join('\n');
  const packed = await packFor(library(), 'src/app.ts', text);
  const item = packed.items.find((i) => i.path === 'src/base.ts' && i.text.includes('timeoutMillis: number'));
  assert.ok(item, packed.text);
  assert.match(item.reason, /does not set yet/);
});

test('an aliased import (`makeClient as connect`) and a constructor (`new Client({`, `new lib.Client({`) name the callee', async () => {
  const aliased = ["import { makeClient as connect } from './client';", '', 'export const client = connect("main", {', '  endpointUrl: "https://example.invalid",', '  CURSOR', '});', ''].join('\n');
  const packed = await packFor(library(), 'src/app.ts', aliased);
  assert.ok(packed.items.some((i) => i.path === 'src/client.ts' && i.text.includes('retryCount?: number') && /does not set yet/.test(i.reason)), packed.text);
  const constructed = ["import { Client } from './client';", '', 'export const client = new Client({', '  endpointUrl: "https://example.invalid",', '  CURSOR', '});', ''].join('\n');
  const packedNew = await packFor(library(), 'src/app.ts', constructed);
  assert.ok(packedNew.items.some((i) => i.path === 'src/client.ts' && i.text.includes('retryCount?: number') && /does not set yet/.test(i.reason)), packedNew.text);
  const qualified = ["import * as lib from './client';", '', 'export const client = new lib.Client({', '  endpointUrl: "https://example.invalid",', '  CURSOR', '});', ''].join('\n');
  const packedQ = await packFor(library(), 'src/app.ts', qualified);
  assert.ok(packedQ.items.some((i) => i.path === 'src/client.ts' && i.text.includes('retryCount?: number') && /does not set yet/.test(i.reason)), packedQ.text);
});

test('a parameter typed inline: the callee\'s own definition is a candidate', async () => {
  const text = ["import { Client } from './client';", '', 'export function setUp(client: Client) {', '  client.configure({', '    CURSOR', '  });', '}', ''].join('\n');
  // The method is written at the cursor (other sources pack it too): the rule's own candidate is what is checked.
  const seen: string[] = [];
  await packFor(library(), 'src/app.ts', text, 350, (c) => seen.push(...c.filter((x) => x.path === 'src/client.ts').map((x) => x.reason)));
  assert.ok(seen.some((r) => /method configure: types the object literal at the cursor inline/.test(r)), seen.join('\n'));
});

test('a callee whose head spans lines (`make = (`), imported renamed among same-named definitions', async () => {
  const files = {
    'src/entity.ts': ['export const make = (', '  id: string,', '  options: {', '    readonly shardKey: string', '    readonly entityKind: string', '  }', '): string => id + options.shardKey', ''].join('\n'),
    'src/other.ts': ['export const make = (id: number, config: {', '  readonly unrelated: number', '}): number => config.unrelated', ''].join('\n'),
  };
  const text = ["import { make as makeEntity } from './entity';", "import { make as makeOther } from './other';", '', 'export const a = makeOther(1, { unrelated: 1 });', 'export const e = makeEntity("id", {', '  CURSOR', '});', ''].join('\n');
  const seen: string[] = [];
  await packFor(files, 'src/app.ts', text, 350, (c) => seen.push(...c.filter((x) => /inline/.test(x.reason)).map((x) => `${x.path}:${x.startLine}`)));
  assert.deepEqual(seen, ['src/entity.ts:0']);
});

test('a type name in the callee\'s file resolves through that file\'s imports (a built-in is not a same-named workspace type)', async () => {
  const text = ["import { encode } from './bytes';", "import { ClientOptions } from './client';", '', 'export const out = encode({', '  CURSOR', '});', ''].join('\n');
  const reasons: string[] = [];
  await packFor(library(), 'src/app.ts', text, 2000, (c) => reasons.push(...c.map((x) => x.reason)));
  // The cursor's file reaches the workspace's `Uint8Array` (it imports client.ts), but bytes.ts does not.
  assert.ok(!reasons.some((r) => /fake: .*literal/.test(r)), reasons.filter((r) => /fake/.test(r)).join('\n'));
});

test('a callback\'s parameter is typed from the callee\'s function-typed parameter (its type param\'s constraint)', async () => {
  const text = ["import { subscribe } from './client';", '', 'subscribe("orders", (event, index) => {', '  if (index > 0) return;', '  CURSOR', '});', ''].join('\n');
  const packed = await packFor(library(), 'src/app.ts', text);
  const item = packed.items.find((i) => i.path === 'src/events.ts' && i.text.includes('interface SubscribeEvent'));
  assert.ok(item, packed.text);
  assert.match(item.reason, /types a parameter of the callback at the cursor/);
  const destructured = ["import { subscribe } from './client';", '', 'subscribe("orders", ({ deliveredAt }) => {', '  CURSOR', '});', ''].join('\n');
  const packedD = await packFor(library(), 'src/app.ts', destructured);
  assert.ok(packedD.items.some((i) => i.path === 'src/events.ts' && /types a parameter of the callback/.test(i.reason)), packedD.text);
});
