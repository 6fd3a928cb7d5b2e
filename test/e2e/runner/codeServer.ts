/**
 * code-server (VS Code 1.139.1's server and web workbench, with the real node extension host) for one e2e run:
 * a throwaway home with seeded user settings, a fresh copy of the fixture workspace, random free port.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { delay, freePort, startGroup, type OwnedProcess } from './processes';

export interface RunDirs {
  /** Everything of this run lives here; removed at the end unless --keep. */
  root: string;
  workspace: string;
  userData: string;
  extensions: string;
  logs: string;
}

/** Settings every run starts with: quiet, no telemetry, no AI features of VS Code itself, ghost text on. */
export const BASE_USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'editor.inlineSuggest.enabled': true,
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // VS Code's built-in merge-conflict extension reads the whole document on every change to look for conflict markers
  // (its decorations and code lens): in the 30,000-line typing check its `getText` took 0.5 s of the extension host's
  // thread and its garbage a share of the GC, and a loaded rehearsal crossed the 50 ms bound with no Phi Coder function
  // in the profile. Off, so that check measures what this extension adds to the thread.
  'merge-conflict.decorators.enabled': false,
  'merge-conflict.codeLens.enabled': false,
};

export function makeRunDirs(repoRoot: string): RunDirs {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-e2e-'));
  const dirs: RunDirs = {
    root,
    workspace: path.join(root, 'workspace'),
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    logs: path.join(root, 'logs'),
  };
  freshWorkspace(repoRoot, dirs, 'workspace');
  for (const d of [dirs.userData, dirs.extensions, dirs.logs]) fs.mkdirSync(d, { recursive: true });
  return dirs;
}

/** A new copy of test/e2e/fixtures/workspace under the run folder (VS Code auto-saves: tests edit copies only). */
export function freshWorkspace(repoRoot: string, dirs: RunDirs, name: string): string {
  const target = path.join(dirs.root, name);
  fs.cpSync(path.join(repoRoot, 'test', 'e2e', 'fixtures', 'workspace'), target, { recursive: true });
  return target;
}

export function writeUserSettings(dirs: RunDirs, extra: Record<string, unknown>): void {
  const userDir = path.join(dirs.userData, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({ ...BASE_USER_SETTINGS, ...extra }, null, 2));
}

export interface CodeServerOptions {
  node: string;
  entry: string;
  dirs: RunDirs;
  /** Extra environment for the server and so for the extension host (e.g. where the suite writes its results). */
  env: Record<string, string>;
  log: (msg: string) => void;
}

export interface CodeServer {
  url: string;
  port: number;
  process: OwnedProcess;
  /** The server's own output (for failure reports). */
  output(): string;
}

function serverEnv(opts: CodeServerOptions): NodeJS.ProcessEnv {
  const xdg = path.join(opts.dirs.root, 'xdg');
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
    // The extension host is a child of the server: keep it away from the runner's own node options (tsx loader).
    NODE_OPTIONS: '',
    ...opts.env,
  };
}

const COMMON_ARGS = (dirs: RunDirs) => [
  '--user-data-dir', dirs.userData,
  '--extensions-dir', dirs.extensions,
  '--disable-telemetry',
  '--disable-update-check',
];

/** `code-server --install-extension x.vsix` into this run's extensions folder (the packaged-extension mode). */
export function installVsix(opts: CodeServerOptions, vsix: string): void {
  const r = spawnSync(opts.node, [opts.entry, ...COMMON_ARGS(opts.dirs), '--install-extension', vsix], {
    env: serverEnv(opts),
    encoding: 'utf8',
    timeout: 120_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`installing ${path.basename(vsix)} failed (exit ${r.status ?? r.signal}):\n${out}`);
  }
  opts.log(out.split('\n').filter((l) => /install/i.test(l)).join('\n'));
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const port = await freePort();
  const args = [
    opts.entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    ...COMMON_ARGS(opts.dirs),
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    // Without it the workbench ignores the development/test payload in the URL.
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const proc = startGroup('code-server', opts.node, args, { env: serverEnv(opts), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const logFile = fs.createWriteStream(path.join(opts.dirs.logs, 'code-server.log'));
  for (const stream of [proc.child.stdout, proc.child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
      logFile.write(chunk);
    });
  }
  proc.exited.then(() => logFile.end());
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, proc, () => output);
  return { url, port, process: proc, output: () => output };
}

async function waitForHealth(url: string, proc: OwnedProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited: number | string | undefined;
  proc.exited.then((code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`code-server exited (${exited}) before listening:\n${output()}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error(`code-server did not answer ${url}/healthz within 60 s:\n${output()}`);
}
