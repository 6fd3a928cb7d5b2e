/** One log line per completion request and answer, and the "Show Last Completion Prompt" document. */
import type { AnswerSource, RequestRecord } from '../../core/completion/scheduler';

/** One line per request when it ends (answers served from the cache make no request and are logged at debug level). */
export function requestLogLine(r: RequestRecord, source: AnswerSource | 'none'): string {
  const p = r.prepared;
  const res = r.result;
  const u = res?.usage;
  const parts = [
    `completion #${r.id}`,
    `trigger=${r.trigger}`,
    `source=${source}`,
    `cache_hit=${source === 'cache'}`,
    `model=${p.target.model}`,
    `style=${p.prompt.template}`,
    `mode=${p.mode}${p.modeBySyntax ? '(syntax)' : ''}`,
    `prompt_tokens=${u?.promptTokens || p.prompt.promptTokens}`,
    `reused_prefix_tokens=${u?.cachedTokens ?? 'n/a'}`,
    `context_tokens=${p.contextTokens}`,
    `debounce_ms=${Math.round(r.debounceMs)}`,
    `overhead_ms=${r.overheadMs.toFixed(1)}`,
    `ttft_ms=${res?.ttftMs !== undefined ? Math.round(res.ttftMs) : 'n/a'}`,
    `result_chars=${res?.text.length ?? 0}`,
    `stop=${res ? (res.endedEarly ? 'complete' : res.stopReason) : r.error ? 'error' : 'pending'}`,
  ];
  if (r.cancelled) parts.push('cancelled=true');
  if (res?.note) parts.push(`rejected="${res.note}"`);
  return parts.join(' ');
}

export function lastPromptDocument(r: RequestRecord | undefined): string {
  if (!r) return 'No completion request has been made yet in this session.\n';
  const p = r.prepared;
  const meta = [
    `# Last inline completion request (#${r.id})`,
    `backend: ${p.target.backendKind} ${p.target.backend.endpoint}`,
    `model: ${p.target.model} (context window ${p.target.contextWindow})`,
    `prompt style: ${p.prompt.template}, sent as ${p.prompt.kind === 'raw' ? 'a raw prompt' : 'native infill (prefix + suffix)'}`,
    `mode: ${p.mode}${p.modeBySyntax ? ' (from syntax)' : ' (from the line text)'}`,
    `prompt tokens: ${p.prompt.promptTokens} (cross-file context ${p.contextTokens}), max answer tokens ${p.maxTokens}`,
    `stop sequences: ${JSON.stringify(p.prompt.stop)}`,
    `file window: lines ${p.window.firstLine + 1}-${p.window.lastLine + 1}, cursor on line ${p.window.cursorLine + 1}`,
    `overhead: ${r.overheadMs.toFixed(1)} ms after a ${Math.round(r.debounceMs)} ms debounce`,
  ];
  const res = r.result;
  if (res) {
    meta.push(`time to first token: ${res.ttftMs !== undefined ? Math.round(res.ttftMs) + ' ms' : 'n/a'}`);
    if (res.usage) meta.push(`server: ${res.usage.promptTokens} prompt tokens, ${res.usage.cachedTokens ?? 'n/a'} reused from its KV cache, ${res.usage.completionTokens} generated`);
    meta.push(`stop: ${res.endedEarly ? 'closed early (answer complete)' : res.stopReason}${res.note ? `, rejected: ${res.note}` : ''}`);
  } else if (r.error) meta.push(`error: ${r.error instanceof Error ? r.error.message : String(r.error)}`);
  else meta.push(r.cancelled ? 'cancelled by a newer keystroke' : 'still running');
  const body =
    p.prompt.kind === 'raw'
      ? ['', '## Prompt (exact text sent)', '', p.prompt.prompt]
      : ['', '## Prefix (exact text sent)', '', p.prompt.prefix, '', '## Suffix (exact text sent)', '', p.prompt.suffix];
  const tail = res ? ['', '## Raw model output', '', res.raw, '', '## Ghost text shown', '', res.text] : [];
  return [...meta, ...body, ...tail].join('\n') + '\n';
}
