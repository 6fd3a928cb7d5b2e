/**
 * Child processes the e2e runner owns: each one leads its own process group, so stopping it stops everything it
 * spawned (code-server's extension host, chromium's renderers). Also: free ports and a memory sampler.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

export interface OwnedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM the whole group, then SIGKILL whatever is left after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

/** Pids of groups started by this run, recorded so the next run can stop leftovers of a run that was killed. */
const PID_FILE = '/tmp/phi-e2e.pids';
const started = new Set<OwnedProcess>();

export function startGroup(name: string, cmd: string, args: string[], opts: SpawnOptions): OwnedProcess {
  const child = spawn(cmd, args, { ...opts, detached: true });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (err) => resolve(`spawn error: ${err.message}`));
  });
  const pgid = child.pid;
  if (pgid) fs.appendFileSync(PID_FILE, `${pgid} ${name}\n`);
  let stopping: Promise<void> | undefined;
  const owned: OwnedProcess = {
    name,
    child,
    exited,
    stop(graceMs = 3000) {
      stopping ??= (async () => {
        if (!pgid) return;
        killGroup(pgid, 'SIGTERM');
        const done = await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)]);
        // The leader may be gone while children linger: always sweep the group.
        if (!done || groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
        started.delete(owned);
      })();
      return stopping;
    },
  };
  started.add(owned);
  return owned;
}

/** Stops every group this run started (used by finally blocks and signal handlers). */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((p) => p.stop()));
  fs.rmSync(PID_FILE, { force: true });
}

/**
 * A previous run that was SIGKILLed cannot clean up: stop the groups it recorded. Only groups whose leader still
 * looks like ours (code-server or chromium command line) are touched, so a recycled pid is left alone.
 */
export function stopLeftoversOfKilledRun(log: (msg: string) => void): void {
  if (!fs.existsSync(PID_FILE)) return;
  for (const line of fs.readFileSync(PID_FILE, 'utf8').split('\n')) {
    const [pidText, name] = line.split(' ');
    const pgid = Number(pidText);
    if (!pgid || !groupAlive(pgid)) continue;
    const cmdline = readCmdline(pgid);
    if (/code-server|chromium|phi-e2e/.test(cmdline)) {
      log(`stopping leftover ${name} (process group ${pgid}) of an earlier run that was killed`);
      killGroup(pgid, 'SIGKILL');
    }
  }
  fs.rmSync(PID_FILE, { force: true });
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function readCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface MemoryPeak {
  /** Largest sum of resident set sizes seen (shared pages counted once per process: an upper bound). */
  rssMb: number;
  /** Largest sum of proportional set sizes seen (shared pages split between processes: the honest total). */
  pssMb: number;
  processes: number;
}

/** Samples the memory of every process in the owned groups (this process excluded) every `intervalMs`. */
export function sampleMemory(intervalMs = 500): { stop(): MemoryPeak } {
  const peak: MemoryPeak = { rssMb: 0, pssMb: 0, processes: 0 };
  const sample = () => {
    const groups = new Set([...started].map((p) => p.child.pid).filter((x): x is number => !!x));
    if (groups.size === 0) return;
    let rssKb = 0;
    let pssKb = 0;
    let count = 0;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        // Fields after the parenthesised command: state ppid pgrp ...
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (!groups.has(Number(fields[2]))) continue;
        const rollup = fs.readFileSync(`/proc/${entry}/smaps_rollup`, 'utf8');
        rssKb += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
        pssKb += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
        count++;
      } catch {
        // process ended between readdir and read
      }
    }
    if (rssKb / 1024 > peak.rssMb) {
      peak.rssMb = Math.round(rssKb / 1024);
      peak.processes = count;
    }
    peak.pssMb = Math.max(peak.pssMb, Math.round(pssKb / 1024));
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
