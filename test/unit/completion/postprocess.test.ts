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
