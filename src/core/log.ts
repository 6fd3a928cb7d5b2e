/** The core logs through this; src/vscode adapts it to a LogOutputChannel, tests to an array. */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

export const nullLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** A logger that keeps lines in memory (tests, benchmarks). */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  private push(level: string, message: string | Error, args: unknown[]): void {
    const text = message instanceof Error ? message.message : message;
    this.lines.push(`[${level}] ${text}${args.length ? ' ' + args.map((a) => JSON.stringify(a)).join(' ') : ''}`);
  }
  trace(m: string, ...a: unknown[]) { this.push('trace', m, a); }
  debug(m: string, ...a: unknown[]) { this.push('debug', m, a); }
  info(m: string, ...a: unknown[]) { this.push('info', m, a); }
  warn(m: string, ...a: unknown[]) { this.push('warn', m, a); }
  error(m: string | Error, ...a: unknown[]) { this.push('error', m, a); }
}
