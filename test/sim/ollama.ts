/**
 * TEST DOUBLE: Ollama's HTTP API as documented (docs/api.md) and as its server answers (server/routes.go):
 * NDJSON streaming (`application/x-ndjson`), final `done` line with durations in nanoseconds, `{"error": "..."}`
 * bodies, 404 for a missing model, 400 "<model> does not support insert" for `suffix` to a model without the
 * insert capability, silent prompt truncation when the prompt exceeds num_ctx (keeps num_keep=4 tokens and the
 * tail; the limit leaves half of the rest free, as llm/llama_server.go's contextShiftPromptLimit), model reloads
 * when num_ctx changes, pull progress, and no final line when the client disconnects. Nothing, not even headers, is
 * written before the first line (llm/server.go streams only once the prompt is evaluated and a token is out). The
 * runner's repeated-token cut-off: more than 30 pieces in a row equal after trimming end the stream with no `done`
 * line (llm/server.go Completion returns ctx.Err(), nil, without a final response).
 */
import { renderPhi4 } from '../../src/core/prompt/phi4';
import type { ChatMessage } from '../../src/core/backends/types';
import { sameModel, type GenResult, type GenSink } from './engine';
import { beginStream, parseKeepAlive, sendJson, sendText, write, type Ctx } from './http';
import { simTokenize } from './tokens';
import type { SimModel, SimRequest } from './types';

const NDJSON = 'application/x-ndjson';
const NS = 1e6;

/** The phi4 template exactly as `ollama show --modelfile phi4` prints it. */
export const PHI4_OLLAMA_TEMPLATE = `{{- range $i, $_ := .Messages }}
{{- $last := eq (len (slice $.Messages $i)) 1 -}}
<|im_start|>{{ .Role }}<|im_sep|>
{{ .Content }}{{ if not $last }}<|im_end|>
{{ end }}
{{- if and (ne .Role "assistant") $last }}<|im_end|>
<|im_start|>assistant<|im_sep|>
{{ end }}
{{- end }}`;

const MODELFILE_STOP = ['<|im_start|>', '<|im_end|>', '<|im_sep|>'];

/** qwen2.5-coder's template (abridged to what a generate request uses): FIM only when .Suffix is set, else a chat turn. */
const FIM_TEMPLATE = '{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>{{- else }}<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\n{{ .Prompt }}<|im_end|>\n<|im_start|>assistant\n{{ end }}';

/** FIM_TEMPLATE rendered: Ollama's `if .Suffix` is false for an empty string, so suffix "" gives the chat turn. */
function renderFimTemplate(prompt: string, suffix: string): string {
  const m = /^\{\{- if \.Suffix \}\}(.*)\{\{- else \}\}(.*)\{\{ end \}\}$/s.exec(FIM_TEMPLATE)!;
  const branch = suffix ? m[1] : m[2];
  return branch.replace('{{ .Prompt }}', prompt).replace('{{ .Suffix }}', suffix);
}

function tagged(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

function digestOf(name: string): string {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return (h.toString(16).padStart(8, '0')).repeat(8);
}

function details(m: SimModel) {
  return { parent_model: '', format: 'gguf', family: m.family, families: [m.family], parameter_size: m.name.startsWith('phi4-mini') ? '3.8B' : m.name.startsWith('phi4') ? '14.7B' : '1.5B', quantization_level: 'Q4_K_M' };
}

function error(c: Ctx, status: number, message: string): void {
  sendJson(c.ex.res, status, { error: message });
}

/** Ollama truncation (context shift enabled): keep num_keep tokens and the tail, up to the limit. */
export function truncatePrompt(ids: number[], numCtx: number, numKeep: number): { ids: number[]; truncated: boolean } {
  if (ids.length <= numCtx - 1) return { ids, truncated: false };
  const keep = Math.max(0, Math.min(numKeep, numCtx - 1));
  const limit = numCtx - Math.max(Math.floor((numCtx - keep) / 2), 1);
  const discard = ids.length - limit;
  return { ids: ids.slice(0, keep).concat(ids.slice(keep + discard)), truncated: true };
}

export async function handleOllama(c: Ctx): Promise<boolean> {
  const { method, path } = c;
  if (method === 'GET' && (path === '/' || path === '')) return sendText(c.ex.res, 200, 'Ollama is running'), true;
  if (method === 'GET' && path === '/api/version') return sendJson(c.ex.res, 200, { version: c.opts.version ?? '0.12.3' }), true;
  if (method === 'GET' && path === '/api/tags') return tags(c), true;
  if (method === 'GET' && path === '/api/ps') return ps(c), true;
  if (method === 'POST' && path === '/api/show') return show(c), true;
  if (method === 'POST' && path === '/api/pull') return pull(c).then(() => true);
  if (method === 'POST' && (path === '/api/generate' || path === '/api/chat')) return generate(c).then(() => true);
  return false;
}

function tags(c: Ctx): void {
  sendJson(c.ex.res, 200, {
    models: c.engine.models.map((m) => ({ name: tagged(m.name), model: tagged(m.name), modified_at: '2026-11-01T10:00:00.000000000Z', size: 9_053_116_391, digest: digestOf(m.name), details: details(m) })),
  });
}

function ps(c: Ctx): void {
  sendJson(c.ex.res, 200, {
    models: [...c.engine.loaded.values()].map((l) => ({ name: tagged(l.model.name), model: tagged(l.model.name), size: 11_000_000_000, digest: digestOf(l.model.name), details: details(l.model), expires_at: new Date(Math.min(l.expiresAt, 8.64e15)).toISOString(), size_vram: 11_000_000_000, context_length: l.numCtx })),
  });
}

function show(c: Ctx): void {
  const name = String(c.body?.model ?? c.body?.name ?? '');
  const m = c.engine.findModel(name);
  if (!m) return error(c, 404, `model '${name}' not found`);
  sendJson(c.ex.res, 200, {
    license: 'MIT License',
    modelfile: `FROM ${tagged(m.name)}`,
    parameters: 'stop                           "<|im_start|>"\nstop                           "<|im_end|>"\nstop                           "<|im_sep|>"',
    template: m.capabilities.includes('insert') ? FIM_TEMPLATE : PHI4_OLLAMA_TEMPLATE,
    details: details(m),
    model_info: {
      'general.architecture': m.family,
      'general.parameter_count': 14_659_507_200,
      [`${m.family}.context_length`]: m.contextLength,
      [`${m.family}.embedding_length`]: 5120,
      [`${m.family}.block_count`]: 40,
    },
    capabilities: m.capabilities,
    modified_at: '2026-11-01T10:00:00.000000000Z',
  });
}

async function pull(c: Ctx): Promise<void> {
  const name = String(c.body?.model ?? c.body?.name ?? '');
  const stream = c.body?.stream !== false;
  const registry = c.opts.registry ?? [];
  const found = registry.find((m) => sameModel(m.name, name));
  const res = c.ex.res;
  beginStream(res, stream ? NDJSON : 'application/json; charset=utf-8');
  const line = (o: unknown) => stream && write(c.ex, JSON.stringify(o) + '\n');
  line({ status: 'pulling manifest' });
  await c.engine.sleep(50);
  if (c.opts.registryOffline) {
    const url = `https://registry.ollama.ai/v2/library/${name.split(':')[0]}/manifests/${name.split(':')[1] ?? 'latest'}`;
    write(c.ex, JSON.stringify({ error: `pull model manifest: Get "${url}": dial tcp: lookup registry.ollama.ai on 127.0.0.53:53: no such host` }) + '\n');
    return void res.end();
  }
  if (!found) {
    write(c.ex, JSON.stringify({ error: 'pull model manifest: file does not exist' }) + '\n');
    return void res.end();
  }
  const digest = `sha256:${digestOf(found.name)}`;
  const total = 9_053_116_391;
  const steps = 5;
  for (let i = 0; i <= steps; i++) {
    if (c.ex.closed) return;
    line({ status: `pulling ${digestOf(found.name).slice(0, 12)}`, digest, total, completed: Math.round((total * i) / steps) });
    await c.engine.sleep(100);
  }
  if (c.ex.closed) return;
  line({ status: 'verifying sha256 digest' });
  line({ status: 'writing manifest' });
  if (!c.engine.findModel(found.name)) c.engine.models.push(found);
  if (stream) line({ status: 'success' });
  else write(c.ex, JSON.stringify({ status: 'success' }));
  res.end();
}

function renderGenerate(body: Ctx['body'], m: SimModel): string {
  const prompt = String(body.prompt ?? '');
  if (body.raw) return prompt;
  if (m.capabilities.includes('insert')) return renderFimTemplate(prompt, String(body.suffix ?? ''));
  const msgs: ChatMessage[] = [];
  if (body.system) msgs.push({ role: 'system', content: String(body.system) });
  msgs.push({ role: 'user', content: prompt });
  return renderPhi4(msgs);
}

async function generate(c: Ctx): Promise<void> {
  const chat = c.path === '/api/chat';
  const body = c.body ?? {};
  if (c.badJson) return error(c, 400, 'invalid character in request body');
  const name = String(body.model ?? '');
  if (!name) return error(c, 400, 'model is required');
  const m = c.engine.findModel(name);
  if (!m) return error(c, 404, `model '${name}' not found`);
  if (!chat && body.raw && (body.template || body.system || (Array.isArray(body.context) && body.context.length))) return error(c, 400, 'raw mode does not support template, system, or context');
  if (!chat && body.suffix !== undefined && body.suffix !== '' && !m.capabilities.includes('insert')) return error(c, 400, `registry.ollama.ai/library/${tagged(m.name)} does not support insert`);
  const keepAliveMs = parseKeepAlive(body.keep_alive);
  if (Number.isNaN(keepAliveMs)) return error(c, 400, /^-?\d+(\.\d+)?$/.test(String(body.keep_alive)) ? `time: missing unit in duration "${body.keep_alive}"` : `time: invalid duration "${body.keep_alive}"`);
  const options = body.options ?? {};
  const numCtx = Number(options.num_ctx ?? c.opts.defaultNumCtx ?? 4096);
  const stream = body.stream !== false;
  const messages: { role: string; content: string }[] | undefined = chat ? (body.messages ?? []) : undefined;
  const createdAt = () => new Date().toISOString();

  await c.engine.untilLoaded(c.ex);
  if (c.ex.closed) return;
  // An empty request loads (or, with keep_alive 0, unloads) the model.
  if (!chat && !body.prompt && !body.suffix) {
    if (keepAliveMs === 0) {
      c.engine.unload(m);
      return sendJson(c.ex.res, 200, { model: name, created_at: createdAt(), response: '', done: true, done_reason: 'unload' });
    }
    await c.engine.ensureLoaded(m, numCtx, keepAliveMs);
    return sendJson(c.ex.res, 200, { model: name, created_at: createdAt(), response: '', done: true, done_reason: 'load' });
  }

  const rendered = chat ? renderPhi4((messages ?? []).map((x) => ({ role: x.role as ChatMessage['role'], content: String(x.content ?? '') }))) : renderGenerate(body, m);
  const { ids, truncated } = truncatePrompt(simTokenize(rendered), numCtx, Number(options.num_keep ?? 4));
  const simReq: SimRequest = { kind: 'ollama', endpoint: c.path, model: name, prompt: chat ? undefined : body.prompt, suffix: chat ? undefined : body.suffix, messages, body, headers: c.req.headers, promptTokens: ids.length, truncated, rendered };
  c.engine.requests.push(simReq);
  c.engine.track(c.ex);
  const reply = await c.engine.reply(simReq);
  if (reply.status !== undefined) return error(c, reply.status, reply.error ?? 'error');

  const loadMs = await c.engine.ensureLoaded(m, numCtx, keepAliveMs);
  if (c.ex.closed) return;
  if (c.opts.splitChunks !== undefined) splitWrites(c.ex.res, c.opts.splitChunks);
  const cutAt = repeatCutoff(reply.pieces);
  const cutOff = cutAt !== undefined ? { ...reply, pieces: reply.pieces.slice(0, cutAt), truncateStream: true } : reply;
  // Headers go out with the first line, never before (Ollama writes nothing until the prompt is evaluated).
  const line = (text: string) => {
    beginStream(c.ex.res, stream ? NDJSON : 'application/json; charset=utf-8');
    write(c.ex, text);
  };
  const piece = (text: string) => (chat ? { message: { role: 'assistant', content: text } } : { response: text });
  const sink: GenSink = {
    begin: () => {},
    comment: () => {},
    chunk: (text) => stream && line(JSON.stringify({ model: name, created_at: createdAt(), ...piece(text), done: false }) + '\n'),
    error: (message) => line(JSON.stringify({ error: message }) + '\n'),
    malformedLine: () => line('{"model":"' + name + '","created_at":\n'),
  };
  const maxTokens = Number(options.num_predict ?? -1);
  // Without `stop` in the request, the Modelfile's stop parameters apply (phi4: <|im_start|>, <|im_end|>, <|im_sep|>).
  const stop = Array.isArray(options.stop) ? options.stop.map(String) : MODELFILE_STOP;
  const result: GenResult | null = await c.engine.generate(c.ex, { promptIds: ids, maxTokens, stop }, cutOff, sink);
  if (!result) return; // closed by the client, or ended without a `done` line (cut-off, truncated)
  if (keepAliveMs === 0) c.engine.unload(m);
  const final = {
    model: name,
    created_at: createdAt(),
    ...piece(stream ? '' : result.content),
    done: true,
    done_reason: result.stopType === 'limit' ? 'length' : 'stop',
    total_duration: Math.round((loadMs + result.promptMs + result.predictedMs) * NS) + 1,
    load_duration: Math.round(loadMs * NS) + 1,
    prompt_eval_count: result.promptTokens,
    prompt_eval_duration: Math.round(result.promptMs * NS),
    eval_count: result.completionTokens,
    eval_duration: Math.round(result.predictedMs * NS),
  };
  line(JSON.stringify(final) + (stream ? '\n' : ''));
  c.ex.res.end();
}

/**
 * Where Ollama's repeated-token guard stops a stream (llm/server.go): each piece is compared, trimmed, with the last
 * different one (initially ""); more than 30 repeats in a row and the piece is not sent, nor anything after it.
 */
export function repeatCutoff(pieces: readonly string[]): number | undefined {
  let last = '';
  let repeat = 0;
  for (let i = 0; i < pieces.length; i++) {
    const t = pieces[i].trim();
    if (t === last) repeat++;
    else {
      last = t;
      repeat = 0;
    }
    if (repeat > 30) return i;
  }
  return undefined;
}

/** Make `res` write every piece of text in 1-7 byte slices, one per event-loop turn (seeded); end() waits for them. */
function splitWrites(res: import('node:http').ServerResponse, seed: number): void {
  let state = seed >>> 0 || 1;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0), 1 + (state % 7));
  let queue = Promise.resolve();
  const write = res.write.bind(res) as (b: Buffer) => boolean;
  const end = res.end.bind(res) as () => void;
  const turn = () => new Promise<void>((r) => setImmediate(r));
  res.write = ((data: string | Buffer) => {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(String(data), 'utf8');
    for (let i = 0; i < bytes.length; ) {
      const slice = bytes.subarray(i, (i += next()));
      queue = queue.then(turn).then(() => void (res.destroyed || write(slice)));
    }
    return true;
  }) as typeof res.write;
  res.end = (() => {
    queue = queue.then(turn).then(() => void (res.destroyed || end()));
    return res;
  }) as typeof res.end;
}
