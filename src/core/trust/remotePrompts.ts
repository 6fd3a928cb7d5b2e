/**
 * Prompts that leave the machine: when the endpoint is not on loopback (a team's GPU server, a cloud
 * OpenAI-compatible service), inline keys in the prompt (`ghp_…`, `sk_live_…`, `AKIA…`, PEM blocks) are redacted
 * before the request is built, whatever feature assembled it. Loopback servers get the prompt as it is.
 */
import type { Backend, ChatRequest, InfillRequest, RawCompletionRequest } from '../backends/types';
import { redactSecrets } from './secrets';

/** True for endpoints on this machine: localhost, 127.0.0.0/8, ::1. Anything unparsable counts as remote. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return false;
  }
  host = host.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host) || host === '::ffff:127.0.0.1';
}

/** `backend` itself on loopback; otherwise a backend whose requests carry redacted prompts. */
export function redactForRemote(backend: Backend): Backend {
  if (isLoopbackEndpoint(backend.endpoint)) return backend;
  const wrapped: Backend = {
    kind: backend.kind,
    endpoint: backend.endpoint,
    health: (model, signal) => backend.health(model, signal),
    listModels: (signal) => backend.listModels(signal),
    modelInfo: (model, signal) => backend.modelInfo(model, signal),
    complete: (req: RawCompletionRequest) => backend.complete({ ...req, prompt: redactSecrets(req.prompt) }),
    infill: (req: InfillRequest) =>
      backend.infill({
        ...req,
        prefix: redactSecrets(req.prefix),
        suffix: redactSecrets(req.suffix),
        extra: req.extra?.map((e) => ({ ...e, text: redactSecrets(e.text) })),
      }),
    chat: (req: ChatRequest) => backend.chat({ ...req, messages: req.messages.map((m) => ({ ...m, content: redactSecrets(m.content) })) }),
  };
  if (backend.pull) wrapped.pull = backend.pull.bind(backend);
  return wrapped;
}
