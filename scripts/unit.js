#!/usr/bin/env node
// Runs every test/unit/**/*.test.ts with node's test runner (node 20 does not expand globs itself).
// Extra arguments are passed through (e.g. --test-name-pattern=...).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

function find(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) find(p, out);
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
let files = find(path.join(__dirname, '..', 'test', 'unit')).sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
// The context benchmark's oracle tests run the real Universal Ctags and gopls (golang-go): on a fresh Debian machine
// `npm test` installs them itself when run as root, as the e2e tier does for its packages (a filtered run does not).
if (!filters.length) {
  const { ensureAptPackages } = require('./setup-e2e');
  ensureAptPackages(['universal-ctags', 'golang-go', 'gopls'], 'the context oracle tests run Universal Ctags and gopls');
}
// A test that hangs (a wait that never ends: a regression in a timeout, a promise never settled) fails with its name after
// five minutes instead of holding the whole run; the slowest test takes ~10 s on a loaded machine.
if (!flags.some((f) => f.startsWith('--test-timeout'))) flags.push('--test-timeout=300000');
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...flags, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
