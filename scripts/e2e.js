#!/usr/bin/env node
// `npm run test:e2e`: the extension in a real VS Code. Takes an exclusive lock (/tmp/phi-e2e.lock: code-server and
// chromium need ~2.5 GB and most of the CPU, so two runs never overlap), installs what is missing
// (scripts/setup-e2e.js), builds the extension (`npm run build`, or `npm run package` with --vsix), then runs
// test/e2e/runner/main.ts: the mocha suite in code-server's extension host and the Playwright UI tier.
// Options: see test/e2e/README.md (--vsix, --desktop, --no-ui, --ui-only, --grep <re>, --ui <name>, --keep,
// --timeout <s>, --no-setup, --no-build).
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const LOCK = '/tmp/phi-e2e.lock';
const args = process.argv.slice(2);
const log = (msg) => console.log(`[e2e] ${msg}`);

function relaunchUnderLock() {
  const self = [__filename, ...args];
  const env = { ...process.env, PHI_E2E_LOCKED: '1' };
  const opts = { stdio: 'inherit', env };
  let r = spawnSync('flock', ['--close', '--nonblock', '--conflict-exit-code', '75', LOCK, process.execPath, ...self], opts);
  if (r.status === 75) {
    log(`another e2e run holds ${LOCK}; waiting for it (up to 30 min)…`);
    const t0 = Date.now();
    r = spawnSync('flock', ['--close', '--timeout', '1800', LOCK, process.execPath, ...self], opts);
    log(`waited ${((Date.now() - t0) / 1000).toFixed(0)} s for the lock`);
  }
  if (r.error) {
    console.error(`[e2e] could not run flock (util-linux): ${r.error.message}`);
    process.exit(1);
  }
  process.exit(r.status ?? 1);
}

function timedStep(label, fn) {
  const t0 = Date.now();
  const result = fn();
  log(`${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return result;
}

function npmRun(script) {
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[e2e] npm run ${script} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

async function main() {
  const t0 = Date.now();
  const desktop = args.includes('--desktop');
  let tools = { node: '', codeServerEntry: '', chromium: '' };
  if (!desktop && !args.includes('--no-setup')) {
    const { setup } = require('./setup-e2e');
    const t = Date.now();
    tools = await setup();
    log(`set-up: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } else if (!desktop) {
    const { CODE_SERVER_VERSION, NODE_VERSION } = require('./setup-e2e');
    const cache = path.join(ROOT, '.cache', 'e2e');
    tools = {
      node: path.join(cache, `node-${NODE_VERSION}`, 'bin', 'node'),
      codeServerEntry: path.join(cache, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
      chromium: process.env.PHI_E2E_CHROMIUM || '/usr/bin/chromium',
    };
  }
  if (!args.includes('--no-build')) timedStep(`build (npm run ${args.includes('--vsix') ? 'package' : 'build'})`, () => npmRun(args.includes('--vsix') ? 'package' : 'build'));
  // The runner is TypeScript: run it under tsx (a child in our process group; it stops what it starts itself).
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'e2e', 'runner', 'cli.ts'), ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, PHI_E2E_TOOLS: JSON.stringify(tools) },
  });
  const code = r.status ?? 1;
  log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s (set-up, build and run)`);
  return code;
}

if (!process.env.PHI_E2E_LOCKED) relaunchUnderLock();
else
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`[e2e] ${err && err.stack ? err.stack : err}`);
      process.exit(1);
    },
  );
