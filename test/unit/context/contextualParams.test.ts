/**
 * A function literal typed by where it is written (src/core/context/contextualParams.ts): returned from a function
 * whose return type is declared, or assigned to an annotated variable, its unannotated parameters take the types of
 * that type's call signature (a function type, an alias of one, an interface with a call signature); and a type alias's
 * own type parameter, unsupplied, stands for its default (typeSignatures.ts basesOf), so such a parameter typed
 * `Raw<T>` with `type Raw<T extends Base = Issue> = T extends any ? Wrapped<T> : never` reaches the union Issue, which
 * a `switch` on its tag narrows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packedAtCursor, tempWorkspaces } from './tempWorkspace';
import { callSignatureOf } from '../../../src/core/context/contextualParams';
import { basesOf } from '../../../src/core/context/typeSignatures';
import type { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';

test('an interface\'s call signature; a type alias\'s unsupplied parameter stands for its default, else its constraint', () => {
  assert.deepEqual(callSignatureOf('export interface ErrorMap<T = Issue> {\n  // a comment\n  (issue: Raw<T>, ctx?: Ctx): string;\n}')?.map((p) => [p.name, p.type]), [['issue', 'Raw<T>'], ['ctx', 'Ctx']]);
  assert.equal(callSignatureOf('export interface Plain {\n  run(x: number): string;\n}'), undefined, 'a method is no call signature');
  assert.deepEqual(basesOf('export type Raw<T extends Base = Issue> = T extends any ? Wrapped<T> : never;', 'Raw'), ['Issue', 'any', 'Wrapped', 'never']);
  assert.deepEqual(basesOf('export type Bound<T extends Base> = T & Extra;', 'Bound'), ['Base', 'Extra']);
  assert.deepEqual(basesOf('export type Free<T> = T | null;', 'Free'), ['null']);
});

const workspace = tempWorkspaces('contextual-params-');

/** An issue union (each member a field of its own), a raw issue alias over it, an error map interface with a call signature. */
function library(): Record<string, string> {
  return {
    'src/errors.ts': [
      'export interface IssueBase { readonly code: string; readonly path: string[] }',
      'export interface TooBig extends IssueBase {',
      '  readonly code: "too_big";',
      '  readonly maximum: number;',
      '}',
      'export interface TooSmall extends IssueBase {',
      '  readonly code: "too_small";',
      '  readonly minimum: number;',
      '}',
      'export type Issue = TooBig | TooSmall;',
      'export type RawIssue<T extends IssueBase = Issue> = T extends any ? Flat<T> : never;',
      'type Flat<T> = { [K in keyof T]: T[K] };',
      'export interface ErrorMap<T extends IssueBase = Issue> {',
      '  (issue: RawIssue<T>): string | undefined;',
      '}',
      ...Array.from({ length: 40 }, (_, i) => `export function util${i}(value: number, other: string): number {\n  return value;\n}`),
      '',
    ].join('\n'),
  };
}

const packedAt = (root: string, index: WorkspaceIndex, lines: string[], budgetTokens?: number) => packedAtCursor(root, index, 'src/locale.ts', lines, budgetTokens);

test('`return (issue) => { switch (issue.code) { case "too_big":` under a function returning ErrorMap: the narrowed member\'s field', async () => {
  const { root, index } = await workspace(library());
  const body = (head: string[]) => [
    "import type * as errors from './errors';",
    "import * as e from './errors';",
    ...head,
    '    switch (issue.code) {',
    '      case "too_big": {',
    '        const total = e.util1(1, "a") + e.util2(2, "b");',
    '        CURSOR',
    '      }',
    '    }',
    '  };',
    '};',
  ];
  const returned = await packedAt(root, index, body(['const error: () => errors.ErrorMap = () => {', '  const unused = 1;', '  return (issue) => {']));
  const item = returned.items.find((i) => i.path === 'src/errors.ts' && i.text.includes('readonly maximum: number;'));
  assert.match(item?.reason ?? '', /narrowed to/, returned.text);
  // Assigned to a variable annotated with the interface.
  const assigned = await packedAt(root, index, body(['const make = () => {', '  const map: errors.ErrorMap = (issue) => {']));
  const again = assigned.items.find((i) => i.path === 'src/errors.ts' && i.text.includes('readonly maximum: number;'));
  assert.match(again?.reason ?? '', /narrowed to/, assigned.text);
});
