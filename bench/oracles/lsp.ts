/**
 * A minimal Language Server Protocol client over stdio (JSON-RPC 2.0 with Content-Length framing), enough for the
 * benchmark's oracles to ask a real language server (pyright, gopls) "where is the symbol at this position defined?".
 * Server-to-client requests are answered: workspace/configuration with the settings given, everything else with null.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import { pathToFileURL, fileURLToPath } from 'url';

export interface LspLocation {
  /** Absolute path of the file. */
  file: string;
  /** 0-based */
  line: number;
  character: number;
}

export interface LspOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Workspace folder (absolute). */
  root: string;
  /** Answer to workspace/configuration, by section ('' for the whole). */
  settings?: (section: string) => unknown;
  initializationOptions?: unknown;
  /** Per-request timeout (ms); a request that times out rejects and the oracle drops the sample. */
  timeoutMs?: number;
}

/**
 * Servers still running. When this process exits (the sampler child ends as soon as its samples are sent), they are
 * killed: a server being shut down after a fallback (`stop()` waits up to 8 s) would otherwise outlive it, orphaned
 * and busy (seen: pyright on a 1,500-file package kept a core for 18 minutes after its benchmark had finished).
 */
const running = new Set<ChildProcessWithoutNullStreams>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class LspClient {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly opened = new Set<string>();
  private exited = false;
  stderr = '';

  private constructor(private readonly opts: LspOptions) {
    this.proc = spawn(opts.command, opts.args, { cwd: opts.root, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(this.proc);
    this.proc.stdout.on('data', (d: Buffer) => this.onData(d));
    this.proc.stderr.on('data', (d: Buffer) => {
      if (this.stderr.length < 20_000) this.stderr += d.toString('utf8');
    });
    this.proc.on('error', (err) => this.failAll(err));
    this.proc.on('exit', (code) => {
      running.delete(this.proc);
      this.exited = true;
      this.failAll(new Error(`${opts.command} exited (${code}): ${this.stderr.slice(-400)}`));
    });
  }

  /** The server's process id. */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Start the server and complete the initialize handshake. */
  static async start(opts: LspOptions): Promise<LspClient> {
    const c = new LspClient(opts);
    const rootUri = pathToFileURL(opts.root).href;
    await c.request('initialize', {
      processId: process.pid,
      rootUri,
      rootPath: opts.root,
      workspaceFolders: [{ uri: rootUri, name: 'corpus' }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true },
        textDocument: { definition: { linkSupport: false }, synchronization: { didSave: false } },
      },
      initializationOptions: opts.initializationOptions,
    }, 120_000);
    c.notify('initialized', {});
    c.notify('workspace/didChangeConfiguration', { settings: opts.settings?.('') ?? {} });
    return c;
  }

  /** Where the symbol at (line, character) of `file` is defined (opening the file first). */
  async definition(file: string, languageId: string, text: string, line: number, character: number): Promise<LspLocation[]> {
    const uri = pathToFileURL(file).href;
    if (!this.opened.has(uri)) {
      this.opened.add(uri);
      this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    }
    const res = await this.request('textDocument/definition', { textDocument: { uri }, position: { line, character } });
    const list = (res === null || res === undefined ? [] : Array.isArray(res) ? res : [res]) as Record<string, unknown>[];
    const out: LspLocation[] = [];
    for (const l of list) {
      const u = (l.uri ?? l.targetUri) as string | undefined;
      const range = (l.targetSelectionRange ?? l.range) as { start: { line: number; character: number } } | undefined;
      if (!u || !range || !u.startsWith('file:')) continue;
      out.push({ file: fileURLToPath(u), line: range.start.line, character: range.start.character });
    }
    return out;
  }

  /** Close a file the oracle opened (keeps the server's memory bounded on big corpora). */
  close(file: string): void {
    const uri = pathToFileURL(file).href;
    if (this.opened.delete(uri)) this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await this.request('shutdown', null, 5_000);
      this.notify('exit', null);
    } catch {
      // already gone or stuck: killed below
    }
    await new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve();
      }, 3_000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private request(method: string, params: unknown, timeoutMs = this.opts.timeoutMs ?? 60_000): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error(`${this.opts.command} is not running: ${this.stderr.slice(-400)}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  private notify(method: string, params: unknown): void {
    if (!this.exited) this.send({ jsonrpc: '2.0', method, params });
  }

  private send(msg: unknown): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const m = /Content-Length: *(\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'));
      if (!m) throw new Error('LSP: a message without Content-Length');
      const len = Number(m[1]);
      if (this.buffer.length < headerEnd + 4 + len) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + len);
      this.onMessage(JSON.parse(body) as Record<string, unknown>);
    }
  }

  private onMessage(msg: Record<string, unknown>): void {
    if (typeof msg.method === 'string' && msg.id !== undefined) {
      // A request from the server.
      let result: unknown = null;
      if (msg.method === 'workspace/configuration') {
        const items = ((msg.params as { items?: { section?: string }[] })?.items ?? []);
        result = items.map((i) => this.opts.settings?.(i.section ?? '') ?? null);
      } else if (msg.method === 'workspace/workspaceFolders') {
        result = [{ uri: pathToFileURL(this.opts.root).href, name: 'corpus' }];
      }
      this.send({ jsonrpc: '2.0', id: msg.id, result });
      return;
    }
    if (typeof msg.id === 'number' && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id)!;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.error) p.reject(new Error(`LSP error: ${JSON.stringify(msg.error)}`));
      else p.resolve(msg.result);
    }
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
  }
}
