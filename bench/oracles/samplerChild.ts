/**
 * The context benchmark's samples, drawn in a child process: ctags' definitions, the scope oracle's parses, the
 * language servers' clients and the TypeScript oracle's process all live outside the benchmark's own process, whose
 * peak RSS is then the engine's (the index, its build, the engine's sampling) plus a small harness. The child also
 * parses each sampled file with its line hidden for the masked text's imports (which choose the editor's neighbours),
 * so that those parses do not grow the engine thread's tree-sitter memory either.
 *
 * Bundled (scripts/bench-context.js) the child is dist/bench/contextSampler.js beside the benchmark; under tsx it is
 * samplerWorker.ts, loaded with tsx.
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { DrawnSamples } from './sampling';
import type { ImportRef } from '../../src/core/context/structure';

export interface SamplerInit {
  repo: string;
  files: string[];
  cursorFiles: string[];
  count: number;
  seed: number;
  budgetMs: number;
  /** Samples drawn before (bench:context --samples-file): not drawn again, only their masked texts' imports computed. */
  drawn?: DrawnSamples;
}

export interface SamplerResult {
  drawn: DrawnSamples;
  /** The imports of each sampled file with the sampled line hidden, by `file:line`. */
  maskedImports: Record<string, ImportRef[]>;
  /** The child's own peak RSS (MB); the TypeScript oracle's process is not in it. */
  peakRssMb: number;
}

export type SamplerReply = { kind: 'done'; result: SamplerResult } | { kind: 'failed'; message: string };

function childScript(): { script: string; execArgv: string[] } {
  const bundled = path.join(__dirname, 'contextSampler.js');
  if (!__filename.endsWith('.ts') && fs.existsSync(bundled)) return { script: bundled, execArgv: ['--expose-gc'] };
  return { script: path.join(__dirname, 'samplerWorker.ts'), execArgv: ['--import', 'tsx'] };
}

/** drawSamples (sampling.ts) in a child process, with the masked texts' imports. */
export function drawSamplesInChild(init: SamplerInit): Promise<SamplerResult> {
  const { script, execArgv } = childScript();
  const child = fork(script, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], cwd: process.cwd() });
  return new Promise((resolve, reject) => {
    let settled = false;
    child.once('exit', (code, signal) => {
      if (!settled) reject(new Error(`sampler process exited (${signal ?? code})`));
    });
    child.once('message', (m: SamplerReply) => {
      settled = true;
      child.disconnect();
      if (m.kind === 'done') resolve(m.result);
      else reject(new Error(`sampler: ${m.message}`));
    });
    child.send(init);
  });
}
