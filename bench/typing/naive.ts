/**
 * The BASELINE of the typing benchmark: what a naive completion client does (Continue/Twinny-style scheduling):
 * a fixed 350 ms debounce after every keystroke, the previous request aborted, no cache, no reuse of an in-flight
 * answer, and a prompt rebuilt from scratch each time with the file cut by token count around the cursor and the
 * hole in place (so the prompt's beginning shifts as the user types). Same model, same post-processing as ours.
 */
import { renderPhi4 } from '../../src/core/prompt/phi4';
import { PHI4_HOLE_SYSTEM, PHI4_HOLE_STOP, HOLE } from '../../src/core/completion/phi4HolePrompt';
import { countTokens, truncateStartToTokens, truncateToTokens } from '../../src/core/tokens';
import type { DocumentSnapshot } from '../../src/core/context/types';
import type { BuiltPrompt } from '../../src/core/completion/types';

export const NAIVE_DEBOUNCE_MS = 350;

/** `context`: cross-file context retrieved for this request (put first, as context-aware clients do), or ''. */
export function naiveHolePrompt(doc: DocumentSnapshot, context = '', prefixTokens = 1920, suffixTokens = 480): BuiltPrompt {
  const prefix = truncateStartToTokens(doc.text.slice(0, doc.offset), prefixTokens);
  const suffix = truncateToTokens(doc.text.slice(doc.offset), suffixTokens);
  const intro = context ? `Code from other files of the workspace:\n${context}\n\n` : '';
  const user = `${intro}File ${doc.relPath} (${doc.languageId}):\n${prefix}${HOLE}${suffix}\n\nReply with only the code that replaces ${HOLE}.`;
  const prompt = renderPhi4([
    { role: 'system', content: PHI4_HOLE_SYSTEM },
    { role: 'user', content: user },
  ]);
  return { kind: 'raw', prompt, stop: [...PHI4_HOLE_STOP], promptTokens: countTokens(prompt), template: 'naive-hole' };
}
