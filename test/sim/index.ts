/**
 * TEST DOUBLE: a loopback HTTP server that speaks the documented protocols of Ollama, llama.cpp's llama-server
 * and OpenAI-compatible servers, with scripted answers and a timing model. No LLM server or weights exist on the
 * machines this project is tested on; this simulator stands in for them in unit tests, UI tests and benchmarks.
 *
 * Test-only control surface (for out-of-process users: Playwright, `npm run sim`), under /__sim/:
 *   POST /__sim/reply    {text} | {reply: SimReply} | {rules: [{match, text | reply}], text?}  (match: substring or "/regex/flags")
 *   POST /__sim/loading  {loading: boolean}
 *   POST /__sim/models   {models: SimModel[]}
 *   GET  /__sim/stats    {stats, requests: SimRequest[] (without headers)}
 *   POST /__sim/reset    clears stats and the request log
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SimEngine } from './engine';
import { authorized, makeExchange, readBody, sendJson, sendText, type Ctx, type ProtocolHandler } from './http';
import { handleLlamaCpp } from './llamacpp';
import { handleOllama } from './ollama';
import { handleOpenAI, openaiError } from './openai';
import { rulesResponder, type ReplyRule } from './replies';
import { PHI4_MINI_MODEL, PHI4_MODEL, QWEN_CODER_MODEL, type SimModel, type SimOptions, type Simulator } from './types';

export * from './types';
export { defaultResponder, rulesResponder, requestText, type ReplyRule } from './replies';
export { simTokenize, tokenPieces } from './tokens';
export { truncatePrompt, PHI4_OLLAMA_TEMPLATE } from './ollama';

const HANDLERS: Record<SimOptions['kind'], ProtocolHandler> = {
  ollama: handleOllama,
  llamacpp: handleLlamaCpp,
  openai: async (c) => {
    if (!authorized(c.req, c.opts.apiKey)) return openaiError(c, 'openai', 401, 'Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'), true;
    if (c.engine.loading) return openaiError(c, 'openai', 503, 'The server is loading the model', 'server_error'), true;
    return handleOpenAI(c);
  },
};

export async function startSimulator(opts: SimOptions): Promise<Simulator> {
  const models: SimModel[] = (opts.models ?? [PHI4_MODEL]).map((m) => ({ ...m, capabilities: [...m.capabilities] }));
  const options: SimOptions = { ...opts, registry: opts.registry ?? [PHI4_MODEL, PHI4_MINI_MODEL, QWEN_CODER_MODEL] };
  const engine = new SimEngine(opts.kind, models, opts.reply, opts.timing);
  const allRequests: Simulator['allRequests'] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    void route(req, res).catch((e) => {
      if (!res.headersSent) sendText(res, 500, String(e?.stack ?? e));
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const ex = makeExchange(res);
    const raw = await readBody(req);
    let body: unknown = undefined;
    let badJson = false;
    if (raw.trim()) {
      try {
        body = JSON.parse(raw);
      } catch {
        badJson = true;
      }
    }
    if (path.startsWith('/__sim/')) return control(path, req.method ?? 'GET', body, res);
    allRequests.push({ method: req.method ?? 'GET', endpoint: path, body, headers: req.headers });
    const ctx: Ctx = { engine, opts: options, ex, req, method: req.method ?? 'GET', path, body, badJson };
    const handled = await HANDLERS[opts.kind](ctx);
    if (!handled && !res.headersSent) sendText(res, 404, '404 page not found');
  }

  function control(path: string, method: string, body: unknown, res: ServerResponse): void {
    const b = (body ?? {}) as Record<string, unknown>;
    if (method === 'POST' && path === '/__sim/reply') {
      if (Array.isArray(b.rules)) engine.setReply(rulesResponder(b.rules as ReplyRule[], b.text !== undefined ? () => String(b.text) : undefined));
      else if (b.reply !== undefined) engine.setReply(() => b.reply as never);
      else engine.setReply(String(b.text ?? ''));
      return sendJson(res, 200, { ok: true });
    }
    if (method === 'POST' && path === '/__sim/loading') return (sim.setLoading(Boolean(b.loading)), sendJson(res, 200, { ok: true }));
    if (method === 'POST' && path === '/__sim/models' && Array.isArray(b.models)) return (sim.setModels(b.models as SimModel[]), sendJson(res, 200, { ok: true }));
    if (method === 'GET' && path === '/__sim/stats') return sendJson(res, 200, { stats: engine.stats, requests: engine.requests.map(({ headers: _h, ...r }) => r) });
    if (method === 'POST' && path === '/__sim/reset') return (sim.resetStats(), sendJson(res, 200, { ok: true }));
    sendText(res, 404, 'unknown simulator control path');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const sim: Simulator = {
    url: `http://127.0.0.1:${port}`,
    port,
    kind: opts.kind,
    get stats() {
      return engine.stats;
    },
    get requests() {
      return engine.requests;
    },
    allRequests,
    setReply: (r) => engine.setReply(r),
    setModels: (m) => {
      engine.models = m.map((x) => ({ ...x, capabilities: [...x.capabilities] }));
    },
    setLoading: (l) => engine.setLoading(l),
    resetStats: () => {
      engine.resetStats();
      allRequests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        engine.setLoading(false);
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };

  // llama-server answers /health with 503 while it loads the model after start.
  if (opts.kind !== 'ollama' && (opts.timing?.loadMs ?? 0) > 0 && (opts.timing?.timeScale ?? 1) > 0) {
    engine.setLoading(true);
    setTimeout(() => engine.setLoading(false), opts.timing!.loadMs! * (opts.timing?.timeScale ?? 1)).unref();
  }
  return sim;
}
