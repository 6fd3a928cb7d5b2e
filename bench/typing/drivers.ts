/**
 * The two clients the typing benchmark replays the same keystrokes through:
 * - OursDriver: the extension's own CompletionScheduler + CompletionPipeline (the code the provider runs), with a
 *   scaled real-timer clock;
 * - NaiveDriver: the baseline in naive.ts.
 * Both talk to the simulator through the real llama.cpp client. Overhead is measured in real milliseconds from the
 * start of prompt building to the request being handed to the HTTP client (debounce excluded).
 */
import type { Backend, ModelInfo } from '../../src/core/backends/types';
import type { DocumentSnapshot } from '../../src/core/context/types';
import { CompletionPipeline, DEFAULT_PIPELINE_SETTINGS, type CompletionTarget, type PreparedCompletion, type RunHooks, type RunResult } from '../../src/core/completion/pipeline';
import { CompletionScheduler, type CompletionRunner } from '../../src/core/completion/scheduler';
import type { StableContext } from '../../src/core/completion/stableContext';
import type { IndentStyle } from '../../src/core/completion/types';
import { countTokens } from '../../src/core/tokens';
import { scaledClock } from './clock';
import { naiveHolePrompt, NAIVE_DEBOUNCE_MS } from './naive';

export type OnAnswer = (key: number, text: string, source: string) => void;

export interface DriverStats {
  requests: number;
  cancelled: number;
  cacheHits: number;
  overheadMs: number[];
  /** Tokens of cross-file context in each request sent. */
  contextTokens: number[];
}

export interface Driver {
  keystroke(doc: DocumentSnapshot, key: number, onAnswer: OnAnswer): void;
  drain(): Promise<void>;
  stats(): DriverStats;
}

export interface DriverEnv {
  backend: Backend;
  info: ModelInfo;
  indent: IndentStyle;
  scale: number;
  /** Called right before a request goes out, with the prompt text the simulator will see and the cursor it is for. */
  willSend(promptKey: string, doc: DocumentSnapshot): void;
  /**
   * Cross-file context, as completions send it: ours through a StableContext over the engine (what
   * src/vscode/completion/register.ts builds), the baseline by asking the engine afresh before each request.
   * Undefined: the file window only.
   */
  context?: { stable: StableContext; fresh(doc: DocumentSnapshot): Promise<string>; tokens: number };
  /** Compact project rules for our prompts ('' or absent: none). */
  rules?: string;
}

function target(env: DriverEnv): CompletionTarget {
  return { backend: env.backend, backendKind: env.backend.kind, model: env.info.name, info: env.info, contextWindow: env.info.contextLength };
}

function promptKey(p: PreparedCompletion): string {
  return p.prompt.kind === 'raw' ? p.prompt.prompt : p.prompt.prefix;
}

class BenchRunner implements CompletionRunner {
  readonly overheadMs: number[] = [];
  readonly contextTokens: number[] = [];
  private readonly docs = new WeakMap<PreparedCompletion, { doc: DocumentSnapshot; t0: number }>();
  constructor(
    private readonly env: DriverEnv,
    private readonly pipeline: CompletionPipeline,
  ) {}
  cacheNamespace(): string {
    return this.env.info.name;
  }
  async prepare(doc: DocumentSnapshot, indent: IndentStyle): Promise<PreparedCompletion> {
    const t0 = performance.now();
    const p = await this.pipeline.prepare(doc, target(this.env), indent);
    this.docs.set(p, { doc, t0 });
    return p;
  }
  warm(doc: DocumentSnapshot, indent: IndentStyle): void {
    void this.pipeline.prepare(doc, target(this.env), indent, { warmUp: true }).catch(() => undefined);
  }
  run(p: PreparedCompletion, signal: AbortSignal, hooks: RunHooks): Promise<RunResult> {
    const { doc, t0 } = this.docs.get(p)!;
    this.env.willSend(promptKey(p), doc);
    this.contextTokens.push(p.contextTokens);
    return this.pipeline.run(p, signal, {
      ...hooks,
      onWire: () => {
        this.overheadMs.push(performance.now() - t0);
        hooks.onWire?.();
      },
    });
  }
}

export class OursDriver implements Driver {
  private readonly runner: BenchRunner;
  readonly scheduler: CompletionScheduler;
  private current: AbortController | undefined;
  private pending = new Set<Promise<unknown>>();

  constructor(private readonly env: DriverEnv, debounceMs: number) {
    const settings = { ...DEFAULT_PIPELINE_SETTINGS, contextTokens: env.context?.tokens ?? 0 };
    this.runner = new BenchRunner(env, new CompletionPipeline(env.context?.stable, settings, () => env.rules ?? ''));
    this.scheduler = new CompletionScheduler({
      runner: this.runner,
      clock: scaledClock(env.scale),
      debounceMs,
      onRequestDone: process.env.PHI_BENCH_DEBUG
        ? (r) => {
            const x = r.result;
            const at = performance.now() / env.scale;
            console.error(`#${r.id} debounce=${r.debounceMs} start=${Math.round(r.startedAt)} wait+overhead=${Math.round(r.overheadMs)} ttft=${Math.round((x?.ttftMs ?? NaN) / env.scale)} total=${Math.round(at - r.startedAt)} stop=${x?.stopReason}${x?.endedEarly ? '(early)' : ''} cancelled=${r.cancelled} mode=${r.prepared.mode} text=${JSON.stringify(x?.text ?? '').slice(0, 40)}`);
          }
        : undefined,
    });
  }

  keystroke(doc: DocumentSnapshot, key: number, onAnswer: OnAnswer): void {
    this.current?.abort(); // VS Code cancels the previous provideInlineCompletionItems call
    const c = new AbortController();
    this.current = c;
    const p = this.scheduler.provide({ doc, trigger: 'automatic', indent: this.env.indent, signal: c.signal }).then((a) => {
      if (a?.text && !c.signal.aborted) onAnswer(key, a.text, a.source);
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  stats(): DriverStats {
    const s = this.scheduler.stats;
    return { requests: s.requests, cancelled: s.cancelled, cacheHits: s.cacheHits, overheadMs: this.runner.overheadMs, contextTokens: this.runner.contextTokens };
  }
}

export class NaiveDriver implements Driver {
  private readonly pipeline = new CompletionPipeline(undefined, { ...DEFAULT_PIPELINE_SETTINGS, contextTokens: 0 });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | undefined;
  private inflight: Promise<void> | undefined;
  private readonly s: DriverStats = { requests: 0, cancelled: 0, cacheHits: 0, overheadMs: [], contextTokens: [] };

  constructor(private readonly env: DriverEnv) {}

  keystroke(doc: DocumentSnapshot, key: number, onAnswer: OnAnswer): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.inflight && this.controller && !this.controller.signal.aborted) {
      this.controller.abort();
      this.s.cancelled++;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inflight = this.send(doc, key, onAnswer);
    }, NAIVE_DEBOUNCE_MS * this.env.scale);
  }

  private async send(doc: DocumentSnapshot, key: number, onAnswer: OnAnswer): Promise<void> {
    const c = new AbortController();
    this.controller = c;
    this.s.requests++;
    const t0 = performance.now();
    const base = await this.pipeline.prepare(doc, target(this.env), this.env.indent);
    const context = this.env.context ? await this.env.context.fresh(doc) : '';
    const prompt = naiveHolePrompt(doc, context);
    const prepared: PreparedCompletion = { ...base, prompt };
    this.env.willSend(promptKey(prepared), doc);
    try {
      const r = await this.pipeline.run(prepared, c.signal, { onWire: () => this.s.overheadMs.push(performance.now() - t0) });
      if (!c.signal.aborted && r.text) onAnswer(key, r.text, 'request');
    } catch {
      // aborted or failed: nothing to show
    }
    this.s.contextTokens.push(context ? countTokens(context) : 0); // counted off the timed path
  }

  async drain(): Promise<void> {
    while (this.timer || this.inflight) {
      if (this.inflight) {
        const f = this.inflight;
        await f;
        if (this.inflight === f) this.inflight = undefined;
      } else await new Promise((r) => setTimeout(r, 20));
    }
  }

  stats(): DriverStats {
    return this.s;
  }
}
