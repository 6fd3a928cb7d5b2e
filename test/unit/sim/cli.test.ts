// `npm run sim` (test/sim/cli.ts): starts the simulator test double, prints the URL and the settings to use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { until } from '../backends/helpers';

test('the CLI prints its URL and the extension settings, answers requests, and stops on SIGTERM', async () => {
  const cli = path.join(__dirname, '..', '..', 'sim', 'cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--kind', 'llamacpp', '--port', '0', '--time-scale', '0', '--reply', 'scripted'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 15000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    // The banner may come in later chunks than the "listening" line: wait for its last line, not for a fixed time.
    await until(() => /"phiCoder.backend"/.test(out), 30_000);
    assert.match(out, /TEST DOUBLE/);
    assert.match(out, new RegExp(`"phiCoder.endpoint": "${url}"`));
    assert.match(out, /"phiCoder.backend": "llamacpp"/);
    const res = await fetch(`${url}/completion`, { method: 'POST', body: JSON.stringify({ prompt: 'x' }) });
    assert.equal((await res.json()).content, 'scripted');
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});
