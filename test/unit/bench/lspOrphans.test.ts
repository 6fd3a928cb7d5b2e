/**
 * The oracles' language servers must not outlive the process that started them: the sampler child exits as soon as it
 * has sent its samples, possibly while a server it gave up on is still being shut down.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

/** A language server that answers `initialize` and nothing else (not `shutdown`), and never exits on its own. */
const STUCK_SERVER = `
let buf = Buffer.alloc(0);
process.stdin.on('data', (d) => {
  buf = Buffer.concat([buf, d]);
  for (;;) {
    const head = buf.indexOf('\\r\\n\\r\\n');
    if (head < 0) return;
    const len = Number(/Content-Length: (\\d+)/.exec(buf.slice(0, head).toString())[1]);
    if (buf.length < head + 4 + len) return;
    const msg = JSON.parse(buf.slice(head + 4, head + 4 + len).toString());
    buf = buf.slice(head + 4 + len);
    if (msg.method === 'initialize') {
      const body = JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { capabilities: {} } });
      process.stdout.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
    }
  }
});
process.stdin.on('end', () => undefined);
setInterval(() => undefined, 1000);
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a language server being stopped when its client process exits is killed with it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsp-orphan-'));
  const server = path.join(dir, 'server.js');
  fs.writeFileSync(server, STUCK_SERVER);
  const client = path.join(dir, 'client.ts');
  const lsp = path.join(__dirname, '..', '..', '..', 'bench', 'oracles', 'lsp.ts');
  // The client starts the server, begins stopping it (shutdown is never answered) and exits at once, as the sampler
  // child does after a fallback. It prints the server's pid.
  fs.writeFileSync(client, `
import { LspClient } from ${JSON.stringify(lsp)};
(async () => {
  const c = await LspClient.start({ command: process.execPath, args: [${JSON.stringify(server)}], root: ${JSON.stringify(dir)}, timeoutMs: 20000 });
  console.log(c.pid);
  void c.stop();
  setTimeout(() => process.exit(0), 50);
})();
`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', client], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const pid = Number(run.stdout.trim());
  assert.ok(pid > 0, `no pid printed: ${run.stdout}`);
  // The server gets the kill as its client exits; allow a loaded machine time to deliver it.
  const deadline = Date.now() + 20_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const left = alive(pid);
  if (left) process.kill(pid, 'SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(left, false, 'the language server outlived its client process');
});
