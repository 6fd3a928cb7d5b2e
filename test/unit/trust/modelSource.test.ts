// Issue 14, finding 2: a workspace cannot choose the model without the user's consent, and never a registry-qualified
// or cloud model. (The real-VS-Code check is test/e2e/suite/settings.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseModel, isRemoteModelName, modelRegistry } from '../../../src/core/modelSource';

test('registry-qualified and cloud-tagged names are remote; library names are not', () => {
  for (const n of ['registry.example/ns/model', 'hf.co/org/Phi-4-GGUF:Q4_K_M', 'localhost/x', '10.0.0.1:5000/m', 'gpt-oss:120b-cloud', 'qwen3-coder:480b-cloud', 'x:cloud']) assert.ok(isRemoteModelName(n), n);
  for (const n of ['phi4', 'phi4:14b-q8_0', 'qwen2.5-coder:1.5b', 'library-model', 'user/model']) assert.ok(!isRemoteModelName(n), n);
  assert.equal(modelRegistry('registry.example/ns/model'), 'registry.example');
  assert.equal(modelRegistry('phi4'), 'registry.ollama.ai');
});

test('a workspace model is used only once allowed; remote or malformed ones are refused; the user value otherwise', () => {
  const none = () => false;
  assert.deepEqual(chooseModel('phi4', undefined, none), { value: 'phi4' });
  assert.deepEqual(chooseModel('phi4', 'phi4', none), { value: 'phi4' });
  assert.deepEqual(chooseModel('phi4', 'qwen2.5-coder:1.5b', none), { value: 'phi4', ask: 'qwen2.5-coder:1.5b' });
  assert.deepEqual(chooseModel('phi4', 'qwen2.5-coder:1.5b', (m) => m === 'qwen2.5-coder:1.5b'), { value: 'qwen2.5-coder:1.5b' });
  assert.deepEqual(chooseModel('phi4', 'gpt-oss:120b-cloud', () => true), { value: 'phi4', refused: 'gpt-oss:120b-cloud' });
  assert.deepEqual(chooseModel(undefined, 'registry.example/ns/model', () => true), { value: undefined, refused: 'registry.example/ns/model' });
  assert.deepEqual(chooseModel('phi4', '[x](command:y)', () => true), { value: 'phi4', refused: '[x](command:y)' });
});
