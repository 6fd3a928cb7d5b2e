import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { SETTING_DEFAULTS, SETTING_LIMITS, MACHINE_LEVEL_SETTINGS, readSettings, type SettingKey } from '../../src/core/config';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const props: Record<string, { default: unknown; scope?: string; type: string; enum?: string[] }> = pkg.contributes.configuration.properties;

test('every package.json setting has the same default in the typed reader, and vice versa', () => {
  const fromPackage = Object.keys(props).map((k) => k.replace(/^phiCoder\./, '')).sort();
  const fromCode = Object.keys(SETTING_DEFAULTS).sort();
  assert.deepEqual(fromPackage, fromCode);
  for (const key of fromCode) {
    assert.deepEqual(props[`phiCoder.${key}`].default, SETTING_DEFAULTS[key as SettingKey], `default of phiCoder.${key}`);
  }
});

test('settings that decide where code is sent cannot be set by a workspace', () => {
  assert.ok(MACHINE_LEVEL_SETTINGS.includes('backend') && MACHINE_LEVEL_SETTINGS.includes('endpoint'));
  for (const key of MACHINE_LEVEL_SETTINGS) {
    assert.ok(['application', 'machine'].includes(String(props[`phiCoder.${key}`].scope)), `phiCoder.${key} must be application/machine scoped`);
  }
  // No API key lives in settings: keys are in SecretStorage.
  assert.ok(!Object.keys(props).some((k) => /key|token|secret/i.test(k) && !/maxTokens|maxAnswerTokens/.test(k)));
});

test('the reader returns the package defaults when nothing is set', () => {
  const s = readSettings((_k, fallback) => fallback);
  assert.equal(s.backend, props['phiCoder.backend'].default);
  assert.equal(s.chatModel, 'phi4');
  assert.equal(s.completions.debounceMs, props['phiCoder.completions.debounceMs'].default);
  assert.deepEqual(s.completions.disabledLanguages, props['phiCoder.completions.disabledLanguages'].default);
  assert.equal(s.chat.maxAnswerTokens, props['phiCoder.chat.maxAnswerTokens'].default);
});

test('the reader reads values and rejects bad ones', () => {
  const values: Record<string, unknown> = {
    backend: 'llamacpp',
    endpoint: ' http://10.0.0.5:8080 ',
    chatModel: 'phi4:14b-q8_0',
    contextWindow: 8192.7,
    'completions.enabled': false,
    'completions.disabledLanguages': ['markdown'],
    temperature: 'nonsense',
  };
  const s = readSettings((k, fallback) => (k in values ? values[k] : fallback) as typeof fallback);
  assert.equal(s.backend, 'llamacpp');
  assert.equal(s.endpoint, 'http://10.0.0.5:8080');
  assert.equal(s.chatModel, 'phi4:14b-q8_0');
  assert.equal(s.contextWindow, 8192);
  assert.equal(s.completions.enabled, false);
  assert.deepEqual(s.completions.disabledLanguages, ['markdown']);
  assert.equal(s.temperature, SETTING_DEFAULTS.temperature);
  const bad = readSettings((k, fallback) => (k === 'backend' ? 'somewhere-else' : fallback) as typeof fallback);
  assert.equal(bad.backend, 'auto');
  assert.deepEqual(props['phiCoder.backend'].enum, ['auto', 'ollama', 'llamacpp', 'openai']);
});

test('numeric settings carry the schema bounds, and the reader clamps to them (issue 14, finding 9)', () => {
  const numeric = Object.entries(props).filter(([, p]) => p.type === 'integer' || p.type === 'number').map(([k]) => k.replace(/^phiCoder\./, ''));
  assert.deepEqual(numeric.sort(), Object.keys(SETTING_LIMITS).sort(), 'every numeric setting has limits in the reader');
  for (const key of numeric) {
    const p = props[`phiCoder.${key}`] as unknown as { minimum?: number; maximum?: number };
    assert.deepEqual([p.minimum, p.maximum], [...SETTING_LIMITS[key as keyof typeof SETTING_LIMITS]], `bounds of phiCoder.${key}`);
  }
  const huge: Record<string, unknown> = {
    requestTimeoutSeconds: 3e9,
    'chat.maxAnswerTokens': 1e9,
    contextWindow: 10_000_000,
    temperature: 50,
    'completions.debounceMs': -5,
    'completions.maxTokens': 1e12,
  };
  const s = readSettings((k, fallback) => (k in huge ? huge[k] : fallback) as typeof fallback);
  assert.equal(s.requestTimeoutSeconds, 3600);
  assert.ok(s.requestTimeoutSeconds * 1000 < 2 ** 31 - 1, 'the idle timeout fits setTimeout');
  assert.equal(s.chat.maxAnswerTokens, 8192);
  assert.equal(s.contextWindow, 1_048_576);
  assert.equal(s.temperature, 2);
  assert.equal(s.completions.debounceMs, 0);
  assert.equal(s.completions.maxTokens, 1024);
  const tiny = readSettings((k, fallback) => (k === 'requestTimeoutSeconds' ? 0.001 : k === 'chat.maxAnswerTokens' ? -1 : fallback) as typeof fallback);
  assert.equal(tiny.requestTimeoutSeconds, 5);
  assert.equal(tiny.chat.maxAnswerTokens, 256);
});

test('Restricted Mode ignores a workspace\'s numeric limits and model choice (restrictedConfigurations)', () => {
  const restricted: string[] = pkg.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? [];
  for (const key of [...Object.keys(SETTING_LIMITS), 'chatModel', 'completionModel']) assert.ok(restricted.includes(`phiCoder.${key}`), `phiCoder.${key} is restricted`);
});
