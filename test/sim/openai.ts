/**
 * TEST DOUBLE: the OpenAI-compatible API (vLLM, LM Studio, llama.cpp's /v1): `/v1/chat/completions` and
 * `/v1/completions` streamed as SSE `data: {...}` events ending with `data: [DONE]`, `/v1/models`,
 * `stream_options.include_usage` (a last chunk with `choices: []` and `usage`), OpenAI error bodies
 * `{"error":{"message","type","param","code"}}` (llama.cpp flavour: `{"error":{"code","message","type"}}` and
 * `timings` in the final chunk), 400 `context_length_exceeded`, 401 without the bearer key.
 */
import { renderPhi4 } from '../../src/core/prompt/phi4';
import type { ChatMessage } from '../../src/core/backends/types';
import type { GenSink } from './engine';
import { beginStream, sendJson, write, type Ctx } from './http';
import { simTokenize } from './tokens';
import type { SimModel, SimRequest } from './types';

export type Flavour = 'openai' | 'llamacpp';

export function openaiError(c: Ctx, flavour: Flavour, status: number, message: string, type: string, code?: string): void {
  if (flavour === 'llamacpp') return sendJson(c.ex.res, status, { error: { code: status, message, type } });
  sendJson(c.ex.res, status, { error: { message, type, param: null, code: code ?? null } });
}

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 404) return 'not_found_error';
  if (status === 501) return 'not_supported_error';
  if (status === 503) return 'unavailable_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * `/v1/models` as each server lists it. llama-server: one entry, the GGUF path as id, `meta.n_ctx` (the served window,
 * per slot) beside `meta.n_ctx_train`; vLLM: `max_model_len`; LM Studio: no window at all.
 */
export function modelsList(models: SimModel[], flavour: Flavour | 'lmstudio', nCtx?: number) {
  return {
    object: 'list',
    data: models.map((m) =>
      flavour === 'llamacpp'
        ? { id: `/models/${m.name}.gguf`, aliases: [`/models/${m.name}.gguf`], tags: [], object: 'model', created: 1_762_000_000, owned_by: 'llamacpp', meta: { vocab_type: 2, n_vocab: 100352, n_ctx: nCtx ?? m.contextLength, n_ctx_train: m.contextLength, n_embd: 5120, n_params: 14_659_507_200, size: 9_053_116_391 } }
        : flavour === 'lmstudio'
          ? { id: m.name, object: 'model', owned_by: 'organization_owner' }
          : { id: m.name, object: 'model', created: 1_762_000_000, owned_by: 'vllm', root: m.name, max_model_len: m.contextLength },
    ),
  };
}

/** LM Studio's own `/api/v0/models`: architecture, state and context lengths (the loaded one only for loaded models). */
function lmStudioModels(models: SimModel[]) {
  return {
    object: 'list',
    data: models.map((m, i) => ({ id: m.name, object: 'model', type: 'llm', publisher: 'lmstudio-community', arch: m.family, compatibility_type: 'gguf', quantization: 'Q4_K_M', state: i === 0 ? 'loaded' : 'not-loaded', max_context_length: m.contextLength, ...(i === 0 ? { loaded_context_length: Math.min(m.contextLength, 8192) } : {}) })),
  };
}

/** Handle /v1/chat/completions and /v1/completions. The model is the server's model (first in the list) for llama.cpp. */
export async function handleOpenAICompletions(c: Ctx, flavour: Flavour): Promise<void> {
  const chat = c.path === '/v1/chat/completions';
  const body = c.body ?? {};
  if (c.badJson) return openaiError(c, flavour, 400, 'Failed to parse the request body as JSON', 'invalid_request_error');
  const name = String(body.model ?? '');
  const m = flavour === 'llamacpp' ? c.engine.models[0] : c.engine.findModel(name);
  if (!m) return openaiError(c, flavour, 404, `The model \`${name}\` does not exist.`, 'NotFoundError', 'model_not_found');
  if (chat && !Array.isArray(body.messages)) return openaiError(c, flavour, 400, "'messages' is required", 'invalid_request_error');
  const messages: { role: string; content: string }[] | undefined = chat ? body.messages : undefined;
  const rendered = chat ? renderPhi4(messages!.map((x) => ({ role: x.role as ChatMessage['role'], content: String(x.content ?? '') }))) : String(body.prompt ?? '');
  const ids = simTokenize(rendered);
  const maxTokens = Number(body.max_tokens ?? body.max_completion_tokens ?? -1);
  if (flavour === 'llamacpp' ? ids.length >= m.contextLength : ids.length + Math.max(0, maxTokens) > m.contextLength) {
    if (flavour === 'llamacpp') return sendJson(c.ex.res, 400, { error: { code: 400, message: `request (${ids.length} tokens) exceeds the available context size (${m.contextLength} tokens), try increasing it`, type: 'exceed_context_size_error', n_prompt_tokens: ids.length, n_ctx: m.contextLength } });
    return openaiError(c, flavour, 400, `This model's maximum context length is ${m.contextLength} tokens. However, you requested ${ids.length + Math.max(0, maxTokens)} tokens (${ids.length} in the messages, ${Math.max(0, maxTokens)} in the completion). Please reduce the length of the messages or completion.`, 'invalid_request_error', 'context_length_exceeded');
  }
  const simReq: SimRequest = { kind: flavour, endpoint: c.path, model: name || m.name, prompt: chat ? undefined : String(body.prompt ?? ''), messages, body, headers: c.req.headers, promptTokens: ids.length };
  c.engine.requests.push(simReq);
  c.engine.track(c.ex);
  const reply = await c.engine.reply(simReq);
  if (reply.status !== undefined) return openaiError(c, flavour, reply.status, reply.error ?? 'error', errorType(reply.status));

  const stream = body.stream === true;
  const id = `${chat ? 'chatcmpl' : 'cmpl'}-sim${c.engine.stats.requests}`;
  const created = Math.floor(Date.now() / 1000);
  const object = chat ? 'chat.completion.chunk' : 'text_completion';
  const model = name || m.name;
  const event = (o: unknown) => write(c.ex, `data: ${JSON.stringify(o)}\n\n`);
  const choice = (text: string | undefined, finish: string | null, first = false) =>
    chat ? { index: 0, delta: text === undefined ? {} : first ? { role: 'assistant', content: text } : { content: text }, logprobs: null, finish_reason: finish } : { index: 0, text: text ?? '', logprobs: null, finish_reason: finish };
  const sink: GenSink = {
    begin: () => {
      if (!stream) return;
      beginStream(c.ex.res, 'text/event-stream');
      if (chat) event({ id, object, created, model, choices: [choice('', null, true)] });
    },
    comment: () => stream && write(c.ex, ': ping\n\n'),
    chunk: (text) => stream && event({ id, object, created, model, choices: [choice(text, null)] }),
    error: (message, style) => {
      const err = flavour === 'llamacpp' ? { code: 500, message, type: 'server_error' } : { message, type: 'server_error', param: null, code: null };
      write(c.ex, style === 'old' ? `error: ${JSON.stringify(err)}\n\n` : `data: ${JSON.stringify({ error: err })}\n\n`);
    },
    malformedLine: () => write(c.ex, 'data: {"id":"' + id + '","choices":[{\n\n'),
  };
  const stop = Array.isArray(body.stop) ? body.stop.map(String) : typeof body.stop === 'string' ? [body.stop] : [];
  const result = await c.engine.generate(c.ex, { promptIds: ids, maxTokens, stop, nCtx: flavour === 'llamacpp' ? (c.opts.nCtx ?? m.contextLength) : undefined }, reply, sink);
  if (!result) return;
  const finish = result.stopType === 'limit' ? 'length' : 'stop';
  const usage = { prompt_tokens: result.promptTokens, completion_tokens: result.completionTokens, total_tokens: result.promptTokens + result.completionTokens, prompt_tokens_details: { cached_tokens: result.cacheN } };
  const timings = { cache_n: result.cacheN, prompt_n: result.promptN, prompt_ms: result.promptMs, predicted_n: result.completionTokens, predicted_ms: result.predictedMs };
  const extra = flavour === 'llamacpp' ? { usage, timings } : {};
  if (!stream) {
    const full = chat
      ? { index: 0, message: { role: 'assistant', content: result.content }, logprobs: null, finish_reason: finish }
      : { index: 0, text: result.content, logprobs: null, finish_reason: finish };
    return sendJson(c.ex.res, 200, { id, object: chat ? 'chat.completion' : 'text_completion', created, model, choices: [full], usage, ...(flavour === 'llamacpp' ? { timings } : {}) });
  }
  event({ id, object, created, model, choices: [choice(chat ? undefined : '', finish)], ...extra });
  if (flavour === 'openai' && body.stream_options?.include_usage) event({ id, object, created, model, choices: [], usage });
  write(c.ex, 'data: [DONE]\n\n');
  c.ex.res.end();
}

export async function handleOpenAI(c: Ctx): Promise<boolean> {
  const lmstudio = c.opts.openaiFlavour === 'lmstudio';
  if (c.method === 'GET' && c.path === '/v1/models') return sendJson(c.ex.res, 200, modelsList(c.engine.models, lmstudio ? 'lmstudio' : 'openai')), true;
  if (lmstudio && c.method === 'GET' && c.path === '/api/v0/models') return sendJson(c.ex.res, 200, lmStudioModels(c.engine.models)), true;
  if (c.method === 'POST' && (c.path === '/v1/chat/completions' || c.path === '/v1/completions')) {
    await handleOpenAICompletions(c, 'openai');
    return true;
  }
  return false;
}
