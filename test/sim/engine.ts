/**
 * TEST DOUBLE: the simulated inference engine behind every protocol of the LLM-server simulator.
 * It owns the models, the scripted replies, the statistics and the timing model: model load time,
 * prefill and decode speed, and per-slot KV-cache prefix reuse (only the prompt tokens after the longest
 * common prefix with the slot's cached tokens are "prefilled", as llama.cpp and Ollama do).
 */
import type { ServerResponse } from 'node:http';
import { commonPrefix, simTokenize, tokenPieces } from './tokens';
import type { Responder, SimKind, SimModel, SimReply, SimRequest, SimStats, SimTiming } from './types';
import { defaultResponder } from './replies';

/** One HTTP exchange; `closed` turns true when the client goes away or the answer is finished. */
export interface Exchange {
  res: ServerResponse;
  closed: boolean;
  /** Resolves when the connection closes. */
  whenClosed: Promise<void>;
}

export interface NormalizedReply {
  pieces: string[];
  status?: number;
  error?: string;
  errorAfterChunks: number;
  errorStyle: 'old' | 'new';
  hang: boolean;
  truncateStream: boolean;
  malformed: boolean;
  comments: number;
}

export interface GenPlan {
  promptIds: number[];
  /** Most tokens to generate; negative = until the reply ends. */
  maxTokens: number;
  stop: string[];
  /** End-of-generation tokens of the model: generation ends there (stop_type "eos"), whatever `stop` says. */
  eos?: string[];
  /** llama.cpp id_slot; undefined or -1 = pick the slot with the longest common prefix. */
  idSlot?: number;
  /** The slot's window: generation also stops when prompt + answer fill it (llama.cpp: stop_type "limit", truncated). */
  nCtx?: number;
}

/** How a protocol frames what the engine produces. */
export interface GenSink {
  begin(): void;
  comment(): void;
  chunk(text: string, index: number): void;
  error(message: string, style: 'old' | 'new'): void;
  malformedLine(): void;
}

export interface GenResult {
  content: string;
  completionTokens: number;
  stopType: 'eos' | 'limit' | 'word';
  stoppingWord: string;
  promptTokens: number;
  /** Prompt tokens reused from the slot's KV cache. */
  cacheN: number;
  /** Prompt tokens evaluated. */
  promptN: number;
  promptMs: number;
  predictedMs: number;
  slot: number;
  /** Tokens in the slot's KV cache at the end (llama.cpp tokens_cached). */
  nPast: number;
  /** Generation stopped because prompt + answer filled the window (before maxTokens). */
  windowFull: boolean;
}

interface LoadedModel {
  numCtx: number;
  expiresAt: number;
  model: SimModel;
  /** Set while the model is loading: concurrent requests wait for the same load. */
  pending?: Promise<number>;
}

interface Slot {
  tokens: number[];
  busy: boolean;
  lastUsed: number;
}

export function emptyStats(): SimStats {
  return { requests: 0, aborted: 0, open: 0, maxOpen: 0, promptTokens: 0, prefilledTokens: 0, cachedTokens: 0, loads: 0, completed: 0 };
}

/** Ollama accepts "phi4" for "phi4:latest". */
export function sameModel(a: string, b: string): boolean {
  const norm = (s: string) => (s.includes(':') ? s : `${s}:latest`);
  return norm(a) === norm(b);
}

export class SimEngine {
  models: SimModel[];
  responder: Responder;
  readonly stats: SimStats = emptyStats();
  requests: SimRequest[] = [];
  readonly timing: Required<SimTiming>;
  private slots: Slot[];
  private waiters: (() => void)[] = [];
  private loadingFlag = false;
  private loadingWaiters: (() => void)[] = [];
  private useCounter = 0;
  /** Ollama: loaded models with the num_ctx they were loaded with and when they expire. */
  readonly loaded = new Map<string, LoadedModel>();

  constructor(
    readonly kind: SimKind,
    models: SimModel[],
    reply: Responder | SimReply | undefined,
    timing: SimTiming = {},
  ) {
    this.models = models;
    this.responder = toResponder(reply);
    this.timing = {
      loadMs: timing.loadMs ?? 0,
      prefillTokPerSec: timing.prefillTokPerSec ?? 2500,
      decodeTokPerSec: timing.decodeTokPerSec ?? 45,
      timeScale: timing.timeScale ?? 1,
      slots: Math.max(1, timing.slots ?? 1),
    };
    this.slots = Array.from({ length: this.timing.slots }, () => ({ tokens: [], busy: false, lastUsed: 0 }));
  }

  setReply(r: Responder | SimReply): void {
    this.responder = toResponder(r);
  }

  findModel(name: string): SimModel | undefined {
    return this.models.find((m) => sameModel(m.name, name));
  }

  get loading(): boolean {
    return this.loadingFlag;
  }

  setLoading(loading: boolean): void {
    this.loadingFlag = loading;
    if (!loading) for (const w of this.loadingWaiters.splice(0)) w();
  }

  /** Resolves when the server is no longer loading (Ollama holds requests while a model loads). */
  async untilLoaded(ex: Exchange): Promise<void> {
    if (!this.loadingFlag) return;
    await Promise.race([new Promise<void>((r) => this.loadingWaiters.push(r)), ex.whenClosed]);
  }

  /** Zero the counters in place (references stay valid); requests still in flight stay counted as open. */
  resetStats(): void {
    const open = this.stats.open;
    Object.assign(this.stats, emptyStats(), { open, maxOpen: open });
    this.requests.length = 0;
  }

  /** Sleep `ms` of simulated time (scaled); with timeScale 0 just yields to the event loop. */
  sleep(ms: number): Promise<void> {
    const scaled = ms * this.timing.timeScale;
    if (!(scaled > 0)) return new Promise((r) => setImmediate(r));
    return new Promise((r) => setTimeout(r, scaled));
  }

  async reply(req: SimRequest): Promise<NormalizedReply> {
    return normalize(await this.responder(req));
  }

  /**
   * Ollama model scheduling: load on first use, reload when num_ctx differs from the loaded runner's,
   * or after keep_alive expired. Returns the load time spent (simulated ms).
   */
  async ensureLoaded(model: SimModel, numCtx: number, keepAliveMs: number): Promise<number> {
    const expiresAt = () => (keepAliveMs === Infinity ? Number.MAX_SAFE_INTEGER : Date.now() + keepAliveMs);
    const cur = this.loaded.get(model.name);
    if (cur && cur.numCtx === numCtx && cur.expiresAt >= Date.now()) {
      const spent = cur.pending ? await cur.pending : 0;
      cur.expiresAt = Math.max(cur.expiresAt, expiresAt());
      return spent;
    }
    this.stats.loads++;
    for (const s of this.slots) s.tokens = [];
    const loadMs = this.timing.loadMs;
    const entry: LoadedModel = { numCtx, model, expiresAt: Number.MAX_SAFE_INTEGER, pending: this.sleep(loadMs).then(() => loadMs) };
    this.loaded.set(model.name, entry);
    await entry.pending;
    entry.pending = undefined;
    entry.expiresAt = expiresAt();
    return loadMs;
  }

  unload(model: SimModel): void {
    this.loaded.delete(model.name);
  }

  /** Count a generation request as open; returns a function that closes it (once). */
  track(ex: Exchange): void {
    this.stats.requests++;
    this.stats.open++;
    this.stats.maxOpen = Math.max(this.stats.maxOpen, this.stats.open);
    ex.res.once('close', () => {
      this.stats.open--;
      if (!ex.res.writableFinished) this.stats.aborted++;
    });
  }

  private async acquireSlot(promptIds: number[], idSlot: number | undefined, ex: Exchange): Promise<number | undefined> {
    for (;;) {
      if (ex.closed) return undefined;
      const pick = this.pickSlot(promptIds, idSlot);
      if (pick !== undefined) {
        this.slots[pick].busy = true;
        this.slots[pick].lastUsed = ++this.useCounter;
        return pick;
      }
      await Promise.race([new Promise<void>((r) => this.waiters.push(r)), ex.whenClosed]);
    }
  }

  private pickSlot(promptIds: number[], idSlot: number | undefined): number | undefined {
    if (idSlot !== undefined && idSlot >= 0 && idSlot < this.slots.length) return this.slots[idSlot].busy ? undefined : idSlot;
    let best: number | undefined;
    let bestLen = -1;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (s.busy) continue;
      const len = commonPrefix(s.tokens, promptIds);
      if (len > bestLen || (len === bestLen && best !== undefined && s.lastUsed < this.slots[best].lastUsed)) {
        best = i;
        bestLen = len;
      }
    }
    return best;
  }

  private releaseSlot(i: number): void {
    this.slots[i].busy = false;
    // Wake every waiter (in arrival order); each re-checks for a free slot. A waiter whose client left just returns.
    for (const w of this.waiters.splice(0)) w();
  }

  /** Run one generation: queue for a slot, prefill the uncached tail, stream the reply's tokens. Null when it did not finish normally. */
  async generate(ex: Exchange, plan: GenPlan, reply: NormalizedReply, sink: GenSink): Promise<GenResult | null> {
    const slot = await this.acquireSlot(plan.promptIds, plan.idSlot, ex);
    if (slot === undefined) return null;
    try {
      const cached = this.slots[slot].tokens;
      // llama.cpp always evaluates at least the last prompt token to get logits.
      const cacheN = Math.min(commonPrefix(cached, plan.promptIds), Math.max(0, plan.promptIds.length - 1));
      const promptN = plan.promptIds.length - cacheN;
      this.stats.promptTokens += plan.promptIds.length;
      this.stats.prefilledTokens += promptN;
      this.stats.cachedTokens += cacheN;
      // The slot's cache now holds the prompt (whatever happens next, the prefill was done).
      this.slots[slot].tokens = plan.promptIds.slice();
      const promptMs = (promptN / this.timing.prefillTokPerSec) * 1000;
      await this.sleep(promptMs);
      if (ex.closed) return null;
      sink.begin();
      for (let i = 0; i < reply.comments; i++) sink.comment();

      const room = plan.nCtx === undefined ? Infinity : Math.max(0, plan.nCtx - plan.promptIds.length);
      const limit = plan.maxTokens >= 0 ? Math.min(plan.maxTokens, room) : room;
      const { pieces, stopType, stoppingWord } = applyLimits(reply.pieces, Number.isFinite(limit) ? limit : -1, plan.stop, plan.eos ?? PHI4_EOS);
      const windowFull = stopType === 'limit' && pieces.length >= room && (plan.maxTokens < 0 || room < plan.maxTokens);
      const tokenMs = 1000 / this.timing.decodeTokPerSec;
      let content = '';
      for (let i = 0; i < pieces.length; i++) {
        if (reply.error !== undefined && reply.status === undefined && i === reply.errorAfterChunks) {
          sink.error(reply.error, reply.errorStyle);
          ex.res.end();
          return null;
        }
        await this.sleep(tokenMs);
        if (ex.closed) return null;
        sink.chunk(pieces[i], i);
        content += pieces[i];
      }
      if (reply.error !== undefined && reply.status === undefined) {
        sink.error(reply.error, reply.errorStyle);
        ex.res.end();
        return null;
      }
      if (reply.hang) {
        await ex.whenClosed;
        return null;
      }
      if (reply.truncateStream) {
        ex.res.end();
        return null;
      }
      if (reply.malformed) sink.malformedLine();
      const genIds = simTokenize(content);
      this.slots[slot].tokens = plan.promptIds.concat(genIds);
      this.stats.completed++;
      return {
        content,
        completionTokens: pieces.length,
        stopType,
        stoppingWord,
        promptTokens: plan.promptIds.length,
        cacheN,
        promptN,
        promptMs,
        predictedMs: pieces.length * tokenMs,
        slot,
        nPast: plan.promptIds.length + genIds.length,
        windowFull,
      };
    } finally {
      this.releaseSlot(slot);
    }
  }
}

/** Phi-4's end-of-generation tokens (<|im_end|> is the chat EOS in its GGUF, <|endoftext|> the base EOS). */
export const PHI4_EOS = ['<|im_end|>', '<|endoftext|>'];

/**
 * Cut the streamed pieces at the first EOS token or stop string (neither is sent, as servers do) and at maxTokens.
 */
export function applyLimits(pieces: string[], maxTokens: number, stop: string[], eos: string[] = []): { pieces: string[]; stopType: GenResult['stopType']; stoppingWord: string } {
  const full = pieces.join('');
  let cut = full.length;
  let word = '';
  let type: GenResult['stopType'] = 'eos';
  for (const [list, kind] of [[eos, 'eos'], [stop, 'word']] as const) {
    for (const s of list) {
      if (!s) continue;
      const at = full.indexOf(s);
      if (at >= 0 && at < cut) {
        cut = at;
        word = kind === 'word' ? s : '';
        type = kind;
      }
    }
  }
  const out: string[] = [];
  let pos = 0;
  for (const p of pieces) {
    if (maxTokens >= 0 && out.length >= maxTokens) return { pieces: out, stopType: 'limit', stoppingWord: '' };
    if (cut < full.length && pos + p.length >= cut) {
      if (cut > pos) out.push(p.slice(0, cut - pos));
      return { pieces: out, stopType: type, stoppingWord: word };
    }
    out.push(p);
    pos += p.length;
  }
  return { pieces: out, stopType: 'eos', stoppingWord: '' };
}

/** A responder from a function, a fixed text, or one fixed SimReply object. */
export function toResponder(r: Responder | SimReply | undefined): Responder {
  if (r === undefined) return defaultResponder;
  if (typeof r === 'function') return r;
  return () => r;
}

function normalize(r: SimReply): NormalizedReply {
  const o = typeof r === 'string' ? { text: r } : r;
  return {
    pieces: o.chunks ? o.chunks.slice() : tokenPieces(o.text ?? ''),
    status: o.status,
    error: o.error,
    errorAfterChunks: o.errorAfterChunks ?? 0,
    errorStyle: o.errorStyle ?? 'new',
    hang: o.hang ?? false,
    truncateStream: o.truncateStream ?? false,
    malformed: o.malformed ?? false,
    comments: o.comments ?? 0,
  };
}
