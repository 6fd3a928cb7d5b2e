/** The chat's active-file excerpt read by lines from the editor equals the one cut from the whole text, and reads little. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aroundCursor, aroundCursorIn, MAX_FILE_CHARS, type LineReader } from '../../../src/core/chat/fileExcerpt';
import { rng } from '../../../bench/rng';

/** A reader over a text, as an editor holds it (lines without breaks), counting the characters it hands out. */
function readerOf(text: string, eol: '\n' | '\r\n'): LineReader & { read: number; wholeReads: number } {
  const lines = text.split(eol);
  const r = {
    read: 0,
    wholeReads: 0,
    lineCount: lines.length,
    eol,
    length: text.length,
    lineLength: (i: number) => lines[i].length,
    lines(start: number, end: number) {
      const s = lines.slice(start, end).join(eol);
      r.read += s.length;
      return s;
    },
    whole() {
      r.wholeReads++;
      r.read += text.length;
      return text;
    },
  };
  return r;
}

function randomText(random: () => number, lines: number, eol: string): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const kind = random();
    out.push(kind < 0.15 ? '' : kind < 0.2 ? 'x'.repeat(Math.floor(random() * 3000)) : '  '.repeat(Math.floor(random() * 4)) + `value_${i} = compute(${i});`);
  }
  return out.join(eol) + (random() < 0.5 ? eol : '');
}

test('aroundCursorIn (lines read from the editor) equals aroundCursor (cut from the whole text), LF and CRLF', () => {
  const random = rng(3);
  let long = 0;
  for (let t = 0; t < 60; t++) {
    const eol = t % 2 === 0 ? '\n' : '\r\n';
    const text = randomText(random, [5, 400, 3000][t % 3], eol);
    for (let k = 0; k < 8; k++) {
      const lineCount = text.split('\n').length;
      const line = Math.floor(random() * lineCount);
      const reader = readerOf(text, eol);
      assert.deepEqual(aroundCursorIn(reader, line), aroundCursor(text, line), `text ${t} (${eol === '\n' ? 'LF' : 'CRLF'}, ${text.length} chars), line ${line}`);
      if (text.length > MAX_FILE_CHARS) {
        long++;
        assert.equal(reader.wholeReads, 0, 'a long text is never read whole');
        assert.ok(reader.read <= MAX_FILE_CHARS + 2 * 3000 + 8, `read ${reader.read} characters`);
      }
    }
  }
  assert.ok(long >= 100, `long texts checked: ${long}`);
});

test('a short file is attached whole', () => {
  const reader = readerOf('a\nb\n', '\n');
  assert.deepEqual(aroundCursorIn(reader, 1), { startLine: 0, text: 'a\nb\n' });
  assert.equal(reader.wholeReads, 1);
});
