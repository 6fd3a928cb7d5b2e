/**
 * The TypeScript oracle in a child process. A language service over a whole repository holds every file's AST and
 * the checker's tables (~900 MB on a 570-file functional-style library): in the benchmark's own process that memory
 * would be counted as the engine's (`rss_mb`). The parent (TypeScriptOracleProcess) forks this script and sends one
 * query at a time over the IPC channel; the child answers with the verdict.
 *
 * Bundled (scripts/bench-context.js) the child is dist/bench/typescriptOracleWorker.js next to the benchmark; under
 * tsx (unit tests, `npx tsx bench/context.ts`) it is this file, loaded with tsx.
 */
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { OracleQuery, PreciseOracle, Verdict } from './types';

interface Init {
  kind: 'init';
  repo: string;
  indexed: string[];
}
interface Query {
  kind: 'query';
  id: number;
  q: Pick<OracleQuery, 'file' | 'line' | 'column' | 'name'>;
}
type Reply = { kind: 'ready' } | { kind: 'verdict'; id: number; verdict: Verdict } | { kind: 'failed'; message: string };

/** The child's script: the bundled worker beside the bundled benchmark, else this source file under tsx. */
function childScript(): { script: string; execArgv: string[] } {
  const bundled = path.join(__dirname, 'typescriptOracleWorker.js');
  if (!__filename.endsWith('.ts') && fs.existsSync(bundled)) return { script: bundled, execArgv: [] };
  return { script: path.join(__dirname, 'typescriptWorker.ts'), execArgv: ['--import', 'tsx'] };
}

export class TypeScriptOracleProcess implements PreciseOracle {
  readonly name = 'typescript';
  private readonly pending = new Map<number, (v: Verdict) => void>();
  private nextId = 1;
  private exited: string | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: Reply) => {
      if (m.kind !== 'verdict') return;
      this.pending.get(m.id)?.(m.verdict);
      this.pending.delete(m.id);
    });
    child.on('exit', (code, signal) => {
      this.exited = `typescript oracle process exited (${signal ?? code})`;
      for (const done of this.pending.values()) done({ reject: 'error', detail: this.exited });
      this.pending.clear();
    });
  }

  static start(repo: string, indexed: ReadonlySet<string>): Promise<TypeScriptOracleProcess> {
    const { script, execArgv } = childScript();
    const child = fork(script, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], cwd: process.cwd() });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`typescript oracle process exited before it was ready (${code})`));
      child.once('exit', onExit);
      child.once('message', (m: Reply) => {
        child.off('exit', onExit);
        if (m.kind === 'ready') resolve(new TypeScriptOracleProcess(child));
        else {
          child.kill();
          reject(new Error(m.kind === 'failed' ? m.message : 'unexpected first message'));
        }
      });
      child.send({ kind: 'init', repo, indexed: [...indexed] } satisfies Init);
    });
  }

  resolve(q: OracleQuery): Promise<Verdict> {
    if (this.exited) return Promise.resolve({ reject: 'error', detail: this.exited });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ kind: 'query', id, q: { file: q.file, line: q.line, column: q.column, name: q.name } } satisfies Query);
    });
  }

  close(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.disconnect();
    });
  }
}

export type { Init as TypeScriptChildInit, Query as TypeScriptChildQuery, Reply as TypeScriptChildReply };
