#!/usr/bin/env node
// Runs the chat webview's headless-Chromium tests: builds the bundles first (a second; a stale dist/webview.js
// would test old code), then node:test with tsx.
// Usage: node test/ui/webview/run.js   (screenshots in test-results/ui-webview/)
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..', '..', '..');
const b = spawnSync(process.execPath, [path.join(root, 'esbuild.js')], { cwd: root, stdio: 'inherit' });
if (b.status !== 0) process.exit(b.status ?? 1);
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', path.join(__dirname, 'webview.test.ts'), path.join(__dirname, 'streamRender.test.ts')], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
