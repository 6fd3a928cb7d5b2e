/**
 * Oracles that ask a real language server over stdio for the definition at the identifier's position:
 *  - Python: pyright (npm, a dev dependency), its language server. The repository's import roots (the parents of its
 *    top-level packages) are given as extra paths, so `import pkg.mod` resolves inside the repository.
 *  - Go: gopls (Debian's `gopls`, with `golang-go`), in GOPATH mode: a tree laid out as <gopath>/src/<import path>
 *    (as Debian's golang-*-dev packages ship it) is used as it is; a module checkout is linked into a temporary
 *    GOPATH under its module path. Dependencies that are not in the tree stay unresolved (their samples are dropped).
 * A definition in the file itself (a local, a parameter, a type parameter, a shadowing name) or outside the
 * repository (a builtin, the standard library, typeshed) rejects the sample.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspClient } from './lsp';
import { classifySites, type OracleQuery, type PreciseOracle, type Verdict } from './types';

class LanguageServerOracle implements PreciseOracle {
  constructor(
    readonly name: string,
    private readonly client: LspClient,
    private readonly repo: string,
    private readonly indexed: ReadonlySet<string>,
    private readonly languageId: string,
    /** Maps a path the server reports back into the repository (gopls may report a linked GOPATH's path). */
    private readonly mapPath: (p: string) => string = (p) => p,
    private readonly cleanup: () => void = () => undefined,
    private readonly isBuiltin: (p: string) => boolean = () => false,
  ) {}

  async resolve(q: OracleQuery): Promise<Verdict> {
    const file = path.join(this.repo, q.file);
    try {
      const locs = await this.client.definition(this.serverPath(file), this.languageId, q.text, q.line, q.column);
      const sites = locs.map((l) => ({ file: this.mapPath(l.file), line: l.line }));
      return classifySites(this.repo, q, sites, this.indexed, undefined, this.isBuiltin);
    } catch (err) {
      return { reject: 'error', detail: err instanceof Error ? err.message.slice(0, 200) : String(err) };
    } finally {
      // Closed at once: an open file is analysed in the background, which would slow the next queries.
      this.client.close(this.serverPath(file));
    }
  }

  private serverPath(file: string): string {
    return this.toServer ? this.toServer(file) : file;
  }

  toServer?: (p: string) => string;

  async close(): Promise<void> {
    await this.client.stop();
    this.cleanup();
  }
}

/** The parents of the repository's top-level Python packages (directories with __init__.py whose parent has none). */
export function pythonImportRoots(repo: string, files: readonly string[]): string[] {
  const pkgDirs = new Set(files.filter((f) => /(^|\/)__init__\.pyi?$/.test(f)).map((f) => path.posix.dirname(f)));
  const roots = new Set<string>();
  for (const d of pkgDirs) {
    const parent = path.posix.dirname(d);
    if (!pkgDirs.has(parent)) roots.add(parent === '.' ? repo : path.join(repo, parent));
  }
  roots.add(repo);
  return [...roots].sort();
}

/**
 * `timeoutMs` bounds each query (a stuck one drops its sample, so a benchmark run ends); the first query also waits for
 * pyright to analyse the workspace, which a loaded machine can stretch past the default: tests pass a longer bound.
 */
export async function pyrightOracle(repo: string, indexed: ReadonlySet<string>, { timeoutMs = 20_000 } = {}): Promise<PreciseOracle> {
  const server = require.resolve('pyright/langserver.index.js', { paths: [process.cwd(), __dirname] });
  const extraPaths = pythonImportRoots(repo, [...indexed]);
  const analysis = { extraPaths, diagnosticMode: 'openFilesOnly', typeCheckingMode: 'off', autoSearchPaths: false, useLibraryCodeForTypes: true, logLevel: 'error' };
  const client = await LspClient.start({
    command: process.execPath,
    args: [server, '--stdio'],
    root: repo,
    timeoutMs,
    settings: (section) => {
      if (section === 'python.analysis') return analysis;
      if (section === 'python') return { analysis };
      if (section === 'pyright') return { disableLanguageServices: false };
      return { python: { analysis } };
    },
  });
  const typeshedStdlib = /[\\/]typeshed-fallback[\\/]stdlib[\\/]/;
  return new LanguageServerOracle('pyright', client, repo, indexed, 'python', undefined, undefined, (p) => typeshedStdlib.test(p));
}

/** Where gopls runs: a GOPATH holding the repository's Go code, and the folder to open as the workspace. */
export function goLayout(repo: string, goFiles: readonly string[]): { gopath: string; root: string; link?: { from: string; to: string } } | undefined {
  if (goFiles.length === 0) return undefined;
  // <gopath>/src/<import path>/…: the shallowest "src" segment every Go file is under.
  const parts = goFiles[0].split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] !== 'src') continue;
    const prefix = parts.slice(0, i + 1).join('/') + '/';
    if (goFiles.every((f) => f.startsWith(prefix))) {
      const gopath = path.join(repo, ...parts.slice(0, i));
      return { gopath, root: path.join(repo, commonDir(goFiles.map((f) => path.posix.dirname(f)))) };
    }
  }
  // A module checkout: link it into a temporary GOPATH under its module path.
  const modFile = ['go.mod', ...goFiles.map((f) => path.posix.join(path.posix.dirname(f), 'go.mod'))].find((m) => fs.existsSync(path.join(repo, m)));
  if (!modFile) return undefined;
  const mod = /^module\s+(\S+)/m.exec(fs.readFileSync(path.join(repo, modFile), 'utf8'))?.[1];
  if (!mod) return undefined;
  const gopath = fs.mkdtempSync(path.join(os.tmpdir(), 'gopath-'));
  const from = path.join(gopath, 'src', ...mod.split('/'));
  const to = path.join(repo, path.posix.dirname(modFile));
  fs.mkdirSync(path.dirname(from), { recursive: true });
  fs.symlinkSync(to, from);
  return { gopath, root: from, link: { from, to } };
}

function commonDir(dirs: readonly string[]): string {
  let common = dirs[0].split('/');
  for (const d of dirs) {
    const p = d.split('/');
    let i = 0;
    while (i < common.length && i < p.length && common[i] === p[i]) i++;
    common = common.slice(0, i);
  }
  return common.join('/') || '.';
}

export function goplsAvailable(): string | undefined {
  try {
    execFileSync('gopls', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    execFileSync('go', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return undefined;
  } catch (err) {
    return `gopls/go not runnable (${err instanceof Error ? err.message.split('\n')[0] : err}): apt-get install -y golang-go gopls`;
  }
}

export async function goplsOracle(repo: string, indexed: ReadonlySet<string>): Promise<PreciseOracle> {
  const layout = goLayout(repo, [...indexed].filter((f) => f.endsWith('.go')));
  if (!layout) throw new Error('no Go files, or neither a <gopath>/src layout nor a go.mod');
  const env = {
    ...process.env, GO111MODULE: 'off', GOPATH: layout.gopath, GOFLAGS: '', GOPROXY: 'off', GOTOOLCHAIN: 'local',
    GOCACHE: process.env.GOCACHE ?? path.join(os.tmpdir(), 'phi-bench-gocache'),
  };
  const client = await LspClient.start({ command: 'gopls', args: ['serve'], env, root: layout.root, timeoutMs: 120_000, settings: () => ({}) });
  const link = layout.link;
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8', env }).trim();
  const oracle = new LanguageServerOracle(
    'gopls', client, repo, indexed, 'go',
    (p) => (link && p.startsWith(link.from) ? link.to + p.slice(link.from.length) : p),
    () => {
      if (link) fs.rmSync(layout.gopath, { recursive: true, force: true });
    },
    (p) => p.startsWith(goroot + path.sep),
  );
  if (link) oracle.toServer = (p) => (p.startsWith(link.to) ? link.from + p.slice(link.to.length) : p);
  return oracle;
}
