import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenPieces, simTokenize } from '../../../test/sim/tokens';

test('streamed pieces join back to the text, never splitting a multi-byte character', () => {
  for (const text of [
    'अमान्य इनपुट: अपेक्षित {{expected}}, प्राप्त {{received}}',
    '日本語のテキスト 🎉👍 emoji and ascii',
    'plain code: const x = 1;<|im_end|>',
  ]) {
    const pieces = tokenPieces(text);
    assert.equal(pieces.join(''), text);
    assert.ok(pieces.every((p) => !p.includes('\uFFFD')), `no replacement characters in ${JSON.stringify(pieces)}`);
    assert.ok(pieces.length > 1 && pieces.length <= simTokenize(text).length);
  }
});

test('Phi-4 specials are single tokens with their ids', () => {
  assert.deepEqual(simTokenize('<|im_start|><|im_sep|><|im_end|>'), [100264, 100266, 100265]);
});
