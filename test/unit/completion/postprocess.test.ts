import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadLanguage, resolveLanguage } from '../../../src/core/context/parser';
import { runFixture } from './postprocess.harness';
import { FIXTURES } from './fixtures';

before(async () => {
  for (const lang of new Set(FIXTURES.map((f) => f.lang))) {
    const name = resolveLanguage(lang);
    if (name) await loadLanguage(name);
  }
});

test('fixture table covers at least 6 languages and ~100 cases', () => {
  assert.ok(new Set(FIXTURES.map((f) => f.lang)).size >= 6);
  assert.ok(FIXTURES.length >= 95, `only ${FIXTURES.length} fixtures`);
  assert.equal(new Set(FIXTURES.map((f) => `${f.lang}/${f.name}`)).size, FIXTURES.length, 'fixture names are unique');
});

for (const f of FIXTURES) {
  test(`${f.lang}: ${f.name}`, () => {
    const r = runFixture(f);
    if (f.mode) assert.equal(r.mode, f.mode, 'mode');
    assert.equal(r.text, f.expect, r.rejected ? `rejected: ${r.rejected}` : undefined);
  });
}

test('streaming: a single-line answer is complete once its line ends; a statement once it is whole', async () => {
  const { isComplete } = await import('../../../src/core/completion/postprocess');
  const base = { linePrefix: '  const x = ', lineSuffix: '', linesAbove: [], linesBelow: ['  return x;'], languageId: 'typescript', indent: { insertSpaces: true, tabSize: 2 }, maxLines: 20, truncated: false };
  assert.equal(isComplete({ ...base, mode: 'single-line', raw: 'compute(' }), false);
  assert.equal(isComplete({ ...base, mode: 'single-line', raw: 'compute(1);\n  ret' }), true);
  const stmt = { ...base, linePrefix: '  ', mode: 'multi-line' as const, scope: 'statement' as const };
  assert.equal(isComplete({ ...stmt, raw: 'const y = f(\n' }), false, 'open bracket: the statement goes on');
  assert.equal(isComplete({ ...stmt, raw: 'const y = f(1);\n' }), true, 'ends with ; and balanced');
  assert.equal(isComplete({ ...stmt, raw: 'fetch(url)\n' }), false, 'no ; yet: could be a chain');
  assert.equal(isComplete({ ...stmt, raw: 'fetch(url)\n    .then(' }), false);
  const block = { ...stmt, scope: 'block' as const };
  assert.equal(isComplete({ ...block, raw: 'const y = f(1);\n' }), false, 'block scope waits for more lines');
  assert.equal(isComplete({ ...block, raw: 'a();\n  b();\n}\nfunction z() {\n' }), true, 'block end reached');
});
