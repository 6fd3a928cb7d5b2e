/**
 * Where commands' syntax tasks (tasks.ts) run. By default in this process; the extension points this at the context
 * engine's process (EngineClient.syntax), so that an action or a commit summary on a large file never parses it on the
 * extension host's thread, nor grows the host's memory with a grammar's compiled code. A runner that cannot answer (the
 * engine restarting) answers in this process instead: the command still works.
 */
import { runSyntaxTask, type SyntaxResult, type SyntaxTask } from './tasks';

export interface SyntaxRunner {
  run<T extends SyntaxTask>(task: T): Promise<SyntaxResult<T>>;
}

const inProcess: SyntaxRunner = { run: runSyntaxTask };
let current: SyntaxRunner = inProcess;

/** Run syntax tasks with `runner` from now on (undefined: in this process again). */
export function setSyntaxRunner(runner: SyntaxRunner | undefined): void {
  current = runner ?? inProcess;
}

/** Answer a syntax task where tasks run now. */
export function syntaxTask<T extends SyntaxTask>(task: T): Promise<SyntaxResult<T>> {
  return current.run(task);
}
