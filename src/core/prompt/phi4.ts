/**
 * Phi-4's chat format, rendered exactly as Ollama's phi4 template renders it (see shared/docs/backends.md):
 * <|im_start|>system<|im_sep|>\nS<|im_end|>\n<|im_start|>user<|im_sep|>\nU<|im_end|>\n<|im_start|>assistant<|im_sep|>\n
 */
import type { ChatMessage } from '../backends/types';

export const PHI4_STOP = ['<|im_start|>', '<|im_end|>', '<|im_sep|>', '<|endoftext|>'];

export function renderPhi4Message(m: ChatMessage): string {
  return `<|im_start|>${m.role}<|im_sep|>\n${m.content}<|im_end|>\n`;
}

/**
 * Render a conversation for raw mode. Ends with the open assistant turn so the model answers;
 * `assistantPrefix` (optional) is text the answer must start with.
 * As in Ollama's phi4 template, a conversation that already ends with an assistant message leaves that message
 * open (no <|im_end|>) so the model continues it (test/unit/backends/phi4-template.test.ts checks against the template).
 */
export function renderPhi4(messages: ChatMessage[], assistantPrefix = ''): string {
  const last = messages[messages.length - 1];
  if (!assistantPrefix && last?.role === 'assistant') {
    return messages.slice(0, -1).map(renderPhi4Message).join('') + `<|im_start|>assistant<|im_sep|>\n${last.content}`;
  }
  return messages.map(renderPhi4Message).join('') + '<|im_start|>assistant<|im_sep|>\n' + assistantPrefix;
}
