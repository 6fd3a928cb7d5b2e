/**
 * Request deadlines, in one place for every backend (and every later cap on a request's time):
 *  - first byte: from sending the request until the server's answer starts (status line and headers). Servers write
 *    nothing until the model is loaded and the whole prompt is read: Ollama on a laptop CPU can take minutes, so
 *    this deadline is generous and separate from
 *  - idle: the longest silence once the answer has started (between streamed tokens);
 *  - total (optional): the longest a request may run in all.
 * `RequestControl` owns one request's abort: the caller's signal plus these deadlines; aborting closes the socket.
 */
import { BackendError } from './errors';

export interface Deadlines {
  /** Longest silence between streamed pieces once the answer started. */
  idleMs: number;
  /** Longest wait for the answer to start (headers); defaults to `idleMs` when not given. */
  firstByteMs?: number;
  /** Longest a request may run in all (0 or undefined: no limit). */
  totalMs?: number;
}

/** The first-byte deadline when the user sets none: long enough for a cold model load plus a long prompt on a CPU. */
export const DEFAULT_FIRST_BYTE_MS = 600_000;

/** Waiting longer than this for the first byte is worth telling the user about ("loading model / reading prompt"). */
export const SLOW_START_MS = 2_500;

/** The longest delay setTimeout honours (longer ones fire after 1 ms). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The deadlines of a streamed generation request: the backend options' idle limit and first-byte deadline. */
export function streamDeadlines(o: { idleTimeoutMs: number; firstByteTimeoutMs?: number }): Deadlines {
  return { idleMs: o.idleTimeoutMs, firstByteMs: Math.max(o.idleTimeoutMs, o.firstByteTimeoutMs ?? DEFAULT_FIRST_BYTE_MS) };
}

/** The slowest generation a streamed answer is given time for: one token per second. */
const MIN_TOKENS_PER_SECOND = 1;

/**
 * `d` with a total limit for an answer of at most `maxTokens` tokens, however often the server sends something
 * (`: ping` comments and a byte drip reset the idle watchdog, not this): the first-byte allowance plus one second per
 * token. With the defaults a 160-token completion gets 12.7 min, a 2,048-token chat answer 44 min; never forever.
 */
export function withAnswerDeadline(d: Deadlines, maxTokens: number): Deadlines {
  const start = d.firstByteMs ?? d.idleMs;
  return { ...d, totalMs: Math.min(MAX_TIMER_MS, start + (Math.max(0, maxTokens) * 1000) / MIN_TOKENS_PER_SECOND) };
}

type Reason = 'aborted' | 'first-byte' | 'idle' | 'total';

/** Owns the abort of one request: caller signal + first-byte, idle and total deadlines. */
export class RequestControl {
  readonly controller = new AbortController();
  private reason: Reason | undefined;
  /** Set once the answer's headers arrived: later network failures happened mid-stream, and the idle limit applies. */
  private startedFlag = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private totalTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onCallerAbort = () => this.fire('aborted');
  private readonly listeners: (() => void)[] = [];
  private readonly d: Required<Deadlines>;

  constructor(
    private readonly caller: AbortSignal | undefined,
    deadlines: Deadlines | number,
  ) {
    const d = typeof deadlines === 'number' ? { idleMs: deadlines } : deadlines;
    this.d = { idleMs: d.idleMs, firstByteMs: d.firstByteMs ?? d.idleMs, totalMs: d.totalMs ?? 0 };
    if (caller?.aborted) this.fire('aborted');
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
    if (!this.reason && this.d.totalMs > 0) this.totalTimer = setTimeout(() => this.fire('total'), Math.min(this.d.totalMs, MAX_TIMER_MS));
    this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get started(): boolean {
    return this.startedFlag;
  }

  /** The answer started (headers arrived): from now on the idle limit applies. */
  markStarted(): void {
    this.startedFlag = true;
    this.arm();
  }

  /** Something arrived: restart the idle watchdog. */
  touch(): void {
    this.arm();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.reason) return;
    const ms = this.startedFlag ? this.d.idleMs : this.d.firstByteMs;
    if (!(ms > 0)) return;
    // setTimeout treats anything above 2^31-1 ms as 1 ms.
    this.timer = setTimeout(() => this.fire(this.startedFlag ? 'idle' : 'first-byte'), Math.min(ms, MAX_TIMER_MS));
  }

  /** Run `fn` when the request is aborted for any reason (e.g. the ollama client's iterator.abort()). */
  onAbort(fn: () => void): void {
    if (this.reason) fn();
    else this.listeners.push(fn);
  }

  private fire(reason: Reason): void {
    if (this.reason) return;
    this.reason = reason;
    this.clearTimers();
    this.controller.abort();
    for (const fn of this.listeners.splice(0)) fn();
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.totalTimer) clearTimeout(this.totalTimer);
  }

  /** The BackendError for an abort we caused, or undefined when we did not abort. */
  abortError(what: string): BackendError | undefined {
    const s = (ms: number) => `${Math.round(ms / 1000)} s`;
    switch (this.reason) {
      case 'aborted':
        return new BackendError('aborted', `${what}: cancelled`);
      case 'first-byte':
        return new BackendError('timeout', `${what}: the server did not start answering within ${s(this.d.firstByteMs)} (still loading the model or reading the prompt?); the request was abandoned`);
      case 'idle':
        return new BackendError('timeout', `${what}: nothing received for ${s(this.d.idleMs)}; the request was abandoned`);
      case 'total':
        return new BackendError('timeout', `${what}: the answer took longer than ${s(this.d.totalMs)} in all; the request was abandoned`);
      default:
        return undefined;
    }
  }

  /** Stop the watchdogs; aborts the request (closing its socket) if it is still running. */
  dispose(): void {
    this.clearTimers();
    this.caller?.removeEventListener('abort', this.onCallerAbort);
    if (!this.controller.signal.aborted) this.controller.abort();
  }
}
