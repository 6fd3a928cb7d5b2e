#!/usr/bin/env node
// `npm run package`: production build, then `vsce package` into phi-coder-<version>.vsix, offline.
// README links and images are relative (media/screenshots/*.png); vsce rewrites them to absolute URLs: by itself for a
// GitHub/GitLab `repository.url`, otherwise from the base URLs passed here, derived from `repository.url` the same way
// (<repo>/raw/HEAD/ for images, <repo>/blob/HEAD/ for links). Any vsce warning fails the command: a package a publisher
// would have to fix is not a package.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const pkg = require(path.join(ROOT, 'package.json'));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  if (r.status !== 0) process.exit(r.status ?? 1);
  return `${r.stdout}\n${r.stderr}`;
}

run(process.execPath, ['esbuild.js', '--production']);
const repo = String(pkg.repository?.url ?? pkg.repository ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
const args = ['package', '--no-dependencies', '-o', `phi-coder-${pkg.version}.vsix`];
if (repo && !/^https:\/\/(github\.com|gitlab\.com)\//.test(repo)) args.push('--baseImagesUrl', `${repo}/raw/HEAD/`, '--baseContentUrl', `${repo}/blob/HEAD/`);
const output = run(path.join(ROOT, 'node_modules', '.bin', 'vsce'), args);
const warnings = output.split('\n').filter((l) => /\bWARNING\b/i.test(l));
if (warnings.length) {
  console.error(`[package] vsce warned:\n${warnings.join('\n')}`);
  process.exit(1);
}
