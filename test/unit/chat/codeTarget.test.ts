import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declaredName, languageIdForFence } from '../../../src/core/chat/codeTarget';

test('finds the first declared name in many languages', () => {
  const cases: [string, string | undefined][] = [
    ['export async function loadUser(id: string) {\n  return db.get(id);\n}', 'loadUser'],
    ['// helper\nconst add = (a: number, b: number): number => a + b;', 'add'],
    ['export class Parser {\n  parse() {}\n}', 'Parser'],
    ['interface Options { a: number }', 'Options'],
    ['def mean(xs):\n    return sum(xs) / len(xs)', 'mean'],
    ['async def fetch(url):\n    pass', 'fetch'],
    ['pub fn area(&self) -> f64 {\n    self.w * self.h\n}', 'area'],
    ['func (s *Server) Handle(w http.ResponseWriter) {\n}', 'Handle'],
    ['public static int Sum(int[] xs) {\n  return 0;\n}', 'Sum'],
    ['static int clamp(int v, int lo, int hi) {\n  return v;\n}', 'clamp'],
    ['x = 1\nprint(x)', undefined],
  ];
  for (const [code, name] of cases) assert.equal(declaredName(code), name, code);
});

test('maps fence tags to VS Code language ids', () => {
  assert.equal(languageIdForFence('ts'), 'typescript');
  assert.equal(languageIdForFence('Python'), 'python');
  assert.equal(languageIdForFence('sh'), 'shellscript');
  assert.equal(languageIdForFence('klingon'), 'plaintext');
  assert.equal(languageIdForFence(''), 'plaintext');
});
