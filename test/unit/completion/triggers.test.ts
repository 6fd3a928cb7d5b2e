import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, type TriggerInput } from '../../../src/core/completion/triggers';

const base: TriggerInput = {
  path: '/w/src/app.ts',
  text: 'const x = ',
  offset: 10,
  languageId: 'typescript',
  trigger: 'automatic',
  enabled: true,
  disabledLanguages: [],
  snoozed: false,
  suggestWidgetActive: false,
};

test('an ordinary line end may be completed', () => {
  assert.equal(skipReason(base), undefined);
});

test('secret-looking files are never completed, even on a manual trigger', () => {
  for (const path of ['/w/.env', '/w/.env.production', '/w/certs/server.pem', '/home/u/.ssh/id_rsa', '/w/keys/private.key']) {
    assert.equal(skipReason({ ...base, path, text: 'API_KEY=', offset: 8, languageId: 'dotenv' }), 'secret-looking file', path);
    assert.equal(skipReason({ ...base, path, trigger: 'manual' }), 'secret-looking file', path);
  }
  assert.equal(skipReason({ ...base, path: '/w/src/environment.ts' }), undefined);
});

test('disabled, per-language off, snoozed, and mid-word are skipped', () => {
  assert.equal(skipReason({ ...base, enabled: false }), 'completions disabled');
  assert.equal(skipReason({ ...base, disabledLanguages: ['typescript'] }), 'disabled for typescript');
  assert.equal(skipReason({ ...base, snoozed: true }), 'snoozed');
  assert.equal(skipReason({ ...base, snoozed: true, trigger: 'manual' }), undefined);
  assert.equal(skipReason({ ...base, text: 'const value', offset: 8 }), 'cursor inside a word');
});
