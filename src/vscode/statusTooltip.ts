/**
 * The status bar tooltip as markdown. The chat model can come from a workspace's settings and the endpoint and
 * detail quote a server, so none of them is markdown: names are literal code spans, sentences are escaped text.
 * No runtime `vscode` import, so the unit tests render it.
 */
import { markdownCode } from '../core/untrusted';

export interface TooltipFacts {
  stateLabel: string;
  detail: string;
  /** "Ollama", "llama.cpp server", ... when a backend is known. */
  backendName?: string;
  endpoint?: string;
  chatModel: string;
  /** The model a single-model server serves whatever a request names, when it is not `chatModel`. */
  servedModel?: string;
  completionsLine: string;
}

/** Escape what markdown (and VS Code's theme icons, `$(name)`) would interpret. */
export function escapeMarkdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~$&:]/g, '\\$&');
}

export function statusTooltipMarkdown(f: TooltipFacts): string {
  const parts = [`**Phi Coder** — ${escapeMarkdownText(f.stateLabel)}`, escapeMarkdownText(f.detail)];
  if (f.backendName) parts.push(`Backend: ${escapeMarkdownText(f.backendName)} at ${markdownCode(f.endpoint ?? '')}`);
  parts.push(`Chat model: ${markdownCode(f.chatModel)}${f.servedModel ? ` (the server serves ${markdownCode(f.servedModel)})` : ''}`, `Completions: ${escapeMarkdownText(f.completionsLine)}`, 'Click for the Phi Coder menu.');
  return parts.join('\n\n');
}
