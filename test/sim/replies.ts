/**
 * TEST DOUBLE: scripted answers of the LLM-server simulator.
 * The default responder gives a plausible code answer so a person running `npm run sim` can try the extension:
 * a short continuation for inline completions, a small markdown answer with a code block for chat.
 */
import type { Responder, SimReply, SimRequest } from './types';

/** All the text a request carries, for rule matching. */
export function requestText(req: SimRequest): string {
  return [req.prompt ?? '', req.suffix ?? '', ...(req.messages ?? []).map((m) => m.content)].join('\n');
}

export interface ReplyRule {
  /** Substring, or a regular expression written as "/source/flags". */
  match: string;
  text?: string;
  reply?: SimReply;
}

function matches(rule: string, text: string): boolean {
  const re = /^\/(.+)\/([a-z]*)$/s.exec(rule);
  if (re) return new RegExp(re[1], re[2]).test(text);
  return text.includes(rule);
}

/** A responder from rules (first match wins), falling back to `fallback`. */
export function rulesResponder(rules: ReplyRule[], fallback: Responder = defaultResponder): Responder {
  return (req) => {
    const text = requestText(req);
    for (const r of rules) if (matches(r.match, text)) return r.reply ?? r.text ?? '';
    return fallback(req);
  };
}

/** Looks like an inline-completion request (FIM, or a prompt that asks to fill a hole)? */
function isCompletion(req: SimRequest): boolean {
  if (req.endpoint === '/infill' || req.suffix !== undefined) return true;
  const text = requestText(req);
  return /fill|hole|<CURSOR>|complete the code|insert/i.test(text) && (req.body?.options?.num_predict ?? req.body?.n_predict ?? req.body?.max_tokens ?? 1000) <= 512;
}

export const defaultResponder: Responder = (req) => {
  if (isCompletion(req)) {
    // A single-line request (e.g. "reply with the rest of this line only") gets one line, others a small block.
    if (/rest of this line|one line|single[- ]line/i.test(requestText(req))) return 'value ?? fallback;';
    return 'if (value === undefined) {\n    return fallback;\n  }\n  return value;';
  }
  const question = (req.messages?.filter((m) => m.role === 'user').at(-1)?.content ?? req.prompt ?? '').slice(0, 80).replace(/\s+/g, ' ');
  return [
    `Here is one way to do it (simulated answer to: "${question.trim()}").`,
    '',
    '```ts',
    'export function clamp(value: number, min: number, max: number): number {',
    '  if (min > max) throw new RangeError(`min ${min} > max ${max}`);',
    '  return Math.min(max, Math.max(min, value));',
    '}',
    '```',
    '',
    'It rejects an inverted range instead of silently returning a wrong value.',
  ].join('\n');
};
