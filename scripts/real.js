#!/usr/bin/env node
// The real llama-server test tier (test/real): runs when a llama-server and a model are available, at ../shared/llama
// beside the project (as CI has it) or where PHI_LLAMA_SERVER / PHI_LLAMA_MODEL point; otherwise says plainly that it
// was skipped and why, and succeeds.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const dir = path.resolve(root, '..', 'shared', 'llama');
const server = process.env.PHI_LLAMA_SERVER || path.join(dir, 'llama-server');
const model = process.env.PHI_LLAMA_MODEL || path.join(dir, 'tiny-phi4.gguf');
const missing = [server, model].filter((p) => !fs.existsSync(p));
if (missing.length) {
  console.log(`real llama-server tier SKIPPED: not found: ${missing.join(', ')} (set PHI_LLAMA_SERVER and PHI_LLAMA_MODEL, or put ../shared/llama beside the project)`);
  process.exit(0);
}
console.log(`real llama-server tier: ${server} with ${model}`);
const files = fs.readdirSync(path.join(root, 'test', 'real')).filter((f) => f.endsWith('.real.test.ts')).map((f) => path.join(root, 'test', 'real', f));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...process.argv.slice(2), ...files], { stdio: 'inherit', env: { ...process.env, PHI_LLAMA_SERVER: server, PHI_LLAMA_MODEL: model } });
process.exit(r.status ?? 1);
