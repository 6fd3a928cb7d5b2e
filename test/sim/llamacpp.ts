/**
 * TEST DOUBLE: llama.cpp's llama-server as its README documents it (tools/server/README.md): `/completion` and
 * `/infill` streamed as SSE `data: {...}` events (no [DONE]), the final event with `stop: true`, `stop_type`,
 * `tokens_evaluated`, `tokens_cached` (tokens in the slot's KV cache) and `timings` (`cache_n` = prompt tokens
 * reused, `prompt_n` = prompt tokens evaluated); `{"error":{"code","message","type"}}` bodies; 400
 * `exceed_context_size_error` when the prompt does not fit n_ctx; 501 from /infill without FIM tokens; /health
 * 503 "Loading model" while loading; /props (`model_path`, `model_alias`, `chat_template`, per-slot n_ctx); /tokenize
 * with the loaded vocabulary; `--api-key` (401). /infill builds its prompt as the server does (see infillPrompt).
 */
import type { GenSink } from './engine';
import { authorized, beginStream, sendJson, write, type Ctx } from './http';
import { handleOpenAICompletions, modelsList, openaiError } from './openai';
import { simTokenize } from './tokens';
import { tokenize } from '../../src/core/tokens';
import type { SimModel, SimRequest } from './types';

const N_BATCH = 2048;

function err(c: Ctx, status: number, message: string, type: string, extra: Record<string, unknown> = {}): void {
  sendJson(c.ex.res, status, { error: { code: status, message, type, ...extra } });
}

const PUBLIC = new Set(['/health', '/v1/health', '/models', '/v1/models']);

export async function handleLlamaCpp(c: Ctx): Promise<boolean> {
  const { method, path } = c;
  if (!PUBLIC.has(path) && !authorized(c.req, c.opts.apiKey)) return err(c, 401, 'Invalid API Key', 'authentication_error'), true;
  if (c.engine.loading) return err(c, 503, 'Loading model', 'unavailable_error'), true;
  const m = c.engine.models[0];
  if (method === 'GET' && (path === '/health' || path === '/v1/health')) return sendJson(c.ex.res, 200, { status: 'ok' }), true;
  if (method === 'GET' && (path === '/v1/models' || path === '/models')) return sendJson(c.ex.res, 200, modelsList(c.engine.models.slice(0, 1), 'llamacpp', c.opts.nCtx)), true;
  if (!m) return err(c, 503, 'no model loaded', 'unavailable_error'), true;
  if (method === 'GET' && path === '/props') return props(c, m), true;
  if (method === 'POST' && path === '/tokenize') return sendJson(c.ex.res, 200, { tokens: vocabTokenize(m, String(c.body?.content ?? '')) }), true;
  if (method === 'POST' && (path === '/completion' || path === '/completions' || path === '/infill')) return complete(c, m).then(() => true);
  if (method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions' || path === '/v1/completions')) {
    await handleOpenAICompletions({ ...c, path: path === '/chat/completions' ? '/v1/chat/completions' : path }, 'llamacpp');
    return true;
  }
  return false;
}

/** Phi-4's vocabulary has FIM tokens (it was not trained to use them); other models have them when they can insert. */
function hasFimTokens(m: SimModel): boolean {
  return m.capabilities.includes('insert') || m.family === 'phi3';
}

/** /tokenize with the loaded vocabulary: Phi-4's specials are one token each only in a vocabulary that has them. */
function vocabTokenize(m: SimModel, text: string): number[] {
  return hasFimTokens(m) ? simTokenize(text) : tokenize(text);
}

function props(c: Ctx, m: SimModel): void {
  const path = `/models/${m.name}.gguf`;
  const phi = m.family === 'phi3';
  sendJson(c.ex.res, 200, {
    default_generation_settings: { params: { n_predict: -1, temperature: 0.8, top_k: 40, top_p: 0.95, min_p: 0.05, stop: [], n_keep: 0 }, n_ctx: c.opts.nCtx ?? m.contextLength },
    total_slots: c.engine.timing.slots,
    model_alias: path,
    model_path: path,
    chat_template: phi
      ? "{% for message in messages %}{% if (message['role'] == 'system') %}{{'<|im_start|>system<|im_sep|>' + message['content'] + '<|im_end|>'}}{% elif (message['role'] == 'user') %}{{'<|im_start|>user<|im_sep|>' + message['content'] + '<|im_end|>'}}{% elif (message['role'] == 'assistant') %}{{'<|im_start|>assistant<|im_sep|>' + message['content'] + '<|im_end|>'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant<|im_sep|>' }}{% endif %}"
      : "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}",
    bos_token: '<|endoftext|>',
    eos_token: '<|im_end|>',
    modalities: { vision: false, audio: false },
    build_info: 'b7000-simulator',
  });
}

/**
 * The /infill prompt as the server builds it (no file-separator token in the vocabulary): each extra chunk after a
 * "--- snippet ---" separator, only the last n_ctx − n_batch + 2 extra tokens kept (the server's n_predict is −1), then the FIM prefix
 * (last 3·n_batch/4 tokens), `prompt`, the FIM suffix (first n_batch/4 − 2 − |prompt| tokens) and the FIM middle.
 * Text is tokenized without parsing specials, as the server does.
 */
function infillPrompt(body: Ctx['body'], nCtx: number): number[] {
  const plain = (s: unknown) => tokenize(String(s ?? ''));
  const prefix = plain(body.input_prefix);
  const suffix = plain(body.input_suffix);
  const prompt = plain(body.prompt);
  const extra: number[] = [];
  for (const e of Array.isArray(body.input_extra) ? body.input_extra : []) extra.push(...plain('\n\n--- snippet ---\n\n'), ...plain(e.text));
  // The server's default n_predict (-1), not the request's, as measured with the real llama-server.
  const nExtra = Math.min(extra.length, Math.max(0, nCtx - N_BATCH + 2));
  const nPrefix = Math.min(prefix.length, 3 * (N_BATCH / 4));
  const nSuffix = Math.min(suffix.length, Math.max(0, N_BATCH / 4 - (2 + prompt.length)));
  const [pre, suf, mid] = simTokenize('<|fim_prefix|><|fim_suffix|><|fim_middle|>');
  return [...extra.slice(extra.length - nExtra), pre, ...prefix.slice(prefix.length - nPrefix), ...prompt, suf, ...suffix.slice(0, nSuffix), mid];
}

async function complete(c: Ctx, m: SimModel): Promise<void> {
  const infill = c.path === '/infill';
  const body = c.body ?? {};
  if (c.badJson) return err(c, 400, 'Failed to parse the request body as JSON', 'invalid_request_error');
  if (infill && !hasFimTokens(m)) return err(c, 501, 'Infill is not supported by this model: prefix token is missing.', 'not_supported_error');
  if (!infill && body.prompt === undefined) return err(c, 400, '"prompt" must be provided', 'invalid_request_error');
  const nCtx = c.opts.nCtx ?? m.contextLength;
  const ids = infill ? infillPrompt(body, nCtx) : Array.isArray(body.prompt) && body.prompt.every((x: unknown) => typeof x === 'number') ? body.prompt : simTokenize(String(body.prompt));
  if (ids.length >= nCtx) {
    return err(c, 400, `request (${ids.length} tokens) exceeds the available context size (${nCtx} tokens), try increasing it`, 'exceed_context_size_error', { n_prompt_tokens: ids.length, n_ctx: nCtx });
  }
  const simReq: SimRequest = { kind: 'llamacpp', endpoint: c.path, model: String(body.model ?? m.name), prompt: infill ? String(body.input_prefix ?? '') : typeof body.prompt === 'string' ? body.prompt : undefined, suffix: infill ? String(body.input_suffix ?? '') : undefined, body, headers: c.req.headers, promptTokens: ids.length };
  c.engine.requests.push(simReq);
  c.engine.track(c.ex);
  const reply = await c.engine.reply(simReq);
  if (reply.status !== undefined) return openaiError(c, 'llamacpp', reply.status, reply.error ?? 'error', reply.status === 503 ? 'unavailable_error' : reply.status >= 500 ? 'server_error' : 'invalid_request_error');

  const stream = body.stream === true;
  const idSlot = body.id_slot === undefined ? -1 : Number(body.id_slot);
  let predicted = 0;
  const event = (o: unknown) => write(c.ex, `data: ${JSON.stringify(o)}\n\n`);
  const sink: GenSink = {
    begin: () => stream && beginStream(c.ex.res, 'text/event-stream'),
    comment: () => stream && write(c.ex, ': ping\n\n'),
    chunk: (text) => stream && event({ index: 0, content: text, tokens: [], stop: false, id_slot: idSlot, tokens_predicted: ++predicted, tokens_evaluated: ids.length }),
    error: (message, style) => {
      const e = { code: 500, message, type: 'server_error' };
      write(c.ex, style === 'old' ? `error: ${JSON.stringify(e)}\n\n` : `data: ${JSON.stringify({ error: e })}\n\n`);
    },
    malformedLine: () => write(c.ex, 'data: {"index":0,"content":\n\n'),
  };
  const stop = Array.isArray(body.stop) ? body.stop.map(String) : [];
  const result = await c.engine.generate(c.ex, { promptIds: ids, maxTokens: Number(body.n_predict ?? -1), stop, idSlot, nCtx }, reply, sink);
  if (!result) return;
  const final = {
    index: 0,
    content: stream ? '' : result.content,
    tokens: [],
    id_slot: result.slot,
    stop: true,
    model: m.name,
    tokens_predicted: result.completionTokens,
    tokens_evaluated: result.promptTokens,
    generation_settings: { n_predict: Number(body.n_predict ?? -1), temperature: Number(body.temperature ?? 0.8), stop, cache_prompt: body.cache_prompt ?? true },
    prompt: typeof body.prompt === 'string' ? body.prompt : '',
    has_new_line: result.content.includes('\n'),
    truncated: result.windowFull,
    stop_type: result.stopType,
    stopping_word: result.stoppingWord,
    tokens_cached: result.nPast,
    timings: {
      cache_n: result.cacheN,
      prompt_n: result.promptN,
      prompt_ms: result.promptMs,
      prompt_per_token_ms: result.promptN ? result.promptMs / result.promptN : 0,
      prompt_per_second: result.promptMs ? (result.promptN / result.promptMs) * 1000 : 0,
      predicted_n: result.completionTokens,
      predicted_ms: result.predictedMs,
      predicted_per_token_ms: result.completionTokens ? result.predictedMs / result.completionTokens : 0,
      predicted_per_second: result.predictedMs ? (result.completionTokens / result.predictedMs) * 1000 : 0,
    },
  };
  if (!stream) return sendJson(c.ex.res, 200, final);
  event(final);
  c.ex.res.end();
}
