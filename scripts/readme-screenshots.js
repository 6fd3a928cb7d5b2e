#!/usr/bin/env node
// Copies the README's screenshots from the last UI-tier run (test-results/ui/, written by test/ui/checks/*) into
// media/screenshots/. Run the UI tier first: node scripts/e2e.js --ui-only --ui ghost-text --ui chat --ui inline-edit
// Refuses when a shot is missing or older than the others by more than an hour (screenshots of one run, one build).
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const FROM = path.join(ROOT, 'test-results', 'ui');
const TO = path.join(ROOT, 'media', 'screenshots');
/** UI-tier screenshot -> README image (README.md references media/screenshots/<name>). */
const SHOTS = { 'ghost-text.png': 'ghost-text.png', 'chat-answer.png': 'chat.png', 'inline-edit-dark.png': 'inline-edit.png' };

const missing = Object.keys(SHOTS).filter((f) => !fs.existsSync(path.join(FROM, f)));
if (missing.length) {
  console.error(`[screenshots] missing in ${path.relative(ROOT, FROM)}: ${missing.join(', ')} (run the UI checks that take them first)`);
  process.exit(1);
}
const times = Object.keys(SHOTS).map((f) => fs.statSync(path.join(FROM, f)).mtimeMs);
if (Math.max(...times) - Math.min(...times) > 3600_000) {
  console.error('[screenshots] the shots are from runs more than an hour apart; take them in one run');
  process.exit(1);
}
fs.mkdirSync(TO, { recursive: true });
for (const [from, to] of Object.entries(SHOTS)) {
  fs.copyFileSync(path.join(FROM, from), path.join(TO, to));
  console.log(`[screenshots] ${path.relative(ROOT, path.join(TO, to))} (${fs.statSync(path.join(TO, to)).size} bytes)`);
}
