/**
 * What llama-server's `/infill` does with a request (tools/server, format_prompt_infill), so the extension sends
 * only what the server keeps and counts the prompt as the server will. With the default n_batch of 2048 it keeps the
 * last 3·n_batch/4 = 1536 prefix tokens and the first n_batch/4 − 2 = 510 suffix tokens (with an empty `prompt`);
 * `input_extra` chunks go before the FIM prefix, each after a "--- snippet ---" separator (vocabularies without a
 * file-separator token, Phi-4's and most others), and only the last n_ctx − n_batch − 2·n_predict of their tokens
 * are kept, with the server's default n_predict (−1), not the request's: on a 2,048-token window, two tokens.
 * Measured against the real server in test/real.
 */
import { countTokens, countTokensByLines } from '../tokens';
import type { WindowBudget } from './promptWindow';

export const LLAMA_N_BATCH = 2048;
export const INFILL_PREFIX_KEEP = 3 * (LLAMA_N_BATCH / 4);
export const INFILL_SUFFIX_KEEP = LLAMA_N_BATCH / 4 - 2;
/** The separator the server puts before each extra chunk. */
export const INFILL_SNIPPET_SEPARATOR = '\n\n--- snippet ---\n\n';
/** Tokens kept for the `// Path: ...` line at the start of the prefix. */
const PATH_LINE_TOKENS = 48;

/** Shrink a window budget so the prefix and suffix it gives fit what /infill keeps: the server then cuts nothing. */
export function fitInfillWindow(w: WindowBudget): WindowBudget {
  const linePrefixTokens = Math.min(w.linePrefixTokens, INFILL_PREFIX_KEEP / 4);
  const lineSuffixTokens = Math.min(w.lineSuffixTokens, INFILL_SUFFIX_KEEP / 4);
  return {
    aboveTokens: Math.min(w.aboveTokens, INFILL_PREFIX_KEEP - linePrefixTokens - PATH_LINE_TOKENS),
    belowTokens: Math.min(w.belowTokens, INFILL_SUFFIX_KEEP - lineSuffixTokens - 1),
    linePrefixTokens,
    lineSuffixTokens,
  };
}

export interface InfillShape {
  prefix: string;
  suffix: string;
  extra: { text: string }[];
  /** The slot's window (/props n_ctx). */
  contextWindow: number;
}

/** The server's own n_predict (−1 unless started with -n): its infill budget for extra context uses it. */
const SERVER_N_PREDICT = -1;

/** Prompt tokens the server evaluates for this /infill request (FIM prefix, suffix and middle tokens included). */
export function infillPromptTokens(r: InfillShape): number {
  const separator = countTokens(INFILL_SNIPPET_SEPARATOR);
  const extra = r.extra.reduce((n, e) => n + separator + countTokensByLines(e.text, true), 0);
  const extraKept = Math.min(extra, Math.max(0, r.contextWindow - LLAMA_N_BATCH - 2 * SERVER_N_PREDICT));
  // Prefix and suffix line by line (exact): their lines were counted by the worker that built the window, or before.
  return extraKept + 1 + Math.min(countTokensByLines(r.prefix), INFILL_PREFIX_KEEP) + 1 + Math.min(countTokensByLines(r.suffix, true), INFILL_SUFFIX_KEEP) + 1;
}
