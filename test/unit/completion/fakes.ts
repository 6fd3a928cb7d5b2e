/** Test doubles for the scheduler: a manual clock and a runner whose answers the test controls. */
import type { Clock } from '../../../src/core/completion/clock';
import type { CompletionRunner } from '../../../src/core/completion/scheduler';
import type { PreparedCompletion, RunHooks, RunResult } from '../../../src/core/completion/pipeline';
import type { DocumentSnapshot } from '../../../src/core/context/types';

export class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; resolve: (v: boolean) => void; signal?: AbortSignal }[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const timer = { at: this.t + ms, resolve, signal };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((x) => x !== timer);
        resolve(false);
      }, { once: true });
    });
  }
  /** Move time forward, firing due timers in order and letting promise chains run between them. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.t = due.at;
      this.timers = this.timers.filter((x) => x !== due);
      due.resolve(true);
    }
    this.t = end;
    await flush();
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

export interface FakeCall {
  prefix: string;
  signal: AbortSignal;
  /** Stream some text (raw model output so far grows by `chunk`). */
  emit(chunk: string): void;
  finish(following?: string[]): void;
  raw: string;
}

export class FakeRunner implements CompletionRunner {
  calls: FakeCall[] = [];
  namespace = 'fake';
  warm?: (doc: DocumentSnapshot) => void;
  cacheNamespace(): string {
    return this.namespace;
  }
  async prepare(doc: DocumentSnapshot): Promise<PreparedCompletion> {
    const lineStart = doc.text.lastIndexOf('\n', doc.offset - 1) + 1;
    return {
      post: { linePrefix: doc.text.slice(lineStart, doc.offset), lineSuffix: '', linesAbove: [], linesBelow: [], languageId: doc.languageId, mode: 'single-line', indent: { insertSpaces: true, tabSize: 4 }, maxLines: 10 },
      prefixForTest: doc.text.slice(0, doc.offset),
    } as unknown as PreparedCompletion;
  }
  run(p: PreparedCompletion, signal: AbortSignal, hooks: RunHooks): Promise<RunResult> {
    hooks.onWire?.();
    return new Promise((resolve) => {
      const call: FakeCall = {
        prefix: (p as unknown as { prefixForTest: string }).prefixForTest,
        signal,
        raw: '',
        emit(chunk) {
          call.raw += chunk;
          hooks.onText?.(call.raw);
        },
        finish(following = []) {
          resolve({ text: call.raw, raw: call.raw, stopReason: 'stop', endedEarly: false, following });
        },
      };
      signal.addEventListener('abort', () => resolve({ text: '', raw: call.raw, stopReason: 'abort', endedEarly: false, following: [] }), { once: true });
      this.calls.push(call);
    });
  }
}

export function snapshot(text: string, languageId = 'typescript'): DocumentSnapshot {
  const offset = text.indexOf('█');
  const clean = text.replace('█', '');
  return { path: '/w/a.ts', relPath: 'a.ts', languageId, text: clean, version: 1, offset: offset < 0 ? clean.length : offset };
}
