/**
 * The real llama.cpp `llama-server` for the real-server test tier: found at ../shared/llama (beside the project, as
 * CI has it) or where PHI_LLAMA_SERVER / PHI_LLAMA_MODEL point, started on a free loopback port, stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export interface LlamaPaths {
  server: string;
  model: string;
}

/** The server binary and model, or a sentence saying why there are none. */
export function findLlama(root = path.resolve(__dirname, '..', '..')): LlamaPaths | string {
  const dir = path.resolve(root, '..', 'shared', 'llama');
  const server = process.env.PHI_LLAMA_SERVER || path.join(dir, 'llama-server');
  const model = process.env.PHI_LLAMA_MODEL || path.join(dir, 'tiny-phi4.gguf');
  if (!existsSync(server)) return `no llama-server at ${server} (set PHI_LLAMA_SERVER, or put ../shared/llama beside the project)`;
  if (!existsSync(model)) return `no model at ${model} (set PHI_LLAMA_MODEL)`;
  return { server, model };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface RunningLlama {
  url: string;
  port: number;
  /** `/health` answers seen while it started (503 while loading, then 200). */
  startup: number[];
  log(): string;
  stop(): Promise<void>;
}

/** Start llama-server with window `ctx` (per slot), `slots` slots and any extra `args`; resolves once /health answers 200. */
export async function startLlama(p: LlamaPaths, o: { ctx: number; slots?: number; timeoutMs?: number; args?: string[] }): Promise<RunningLlama> {
  const port = await freePort();
  const args = ['-m', p.model, '-c', String(o.ctx * (o.slots ?? 1)), '-np', String(o.slots ?? 1), '--host', '127.0.0.1', '--port', String(port), '--metrics', '-t', '1', ...(o.args ?? [])];
  const child: ChildProcess = spawn(p.server, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const startup: number[] = [];
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  const end = Date.now() + (o.timeoutMs ?? 120_000);
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`llama-server exited (${child.exitCode}):\n${out}`);
    const status = await fetch(`${url}/health`).then((r) => r.status, () => 0);
    if (status) startup.push(status);
    if (status === 200) return { url, port, startup, log: () => out, stop };
    await new Promise((r) => setTimeout(r, status === 503 ? 20 : 50));
  }
  await stop();
  throw new Error(`llama-server did not become ready in time:\n${out}`);
}
