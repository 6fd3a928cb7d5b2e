/** When not to ask the model at all: rules that run on every keystroke before anything else (cheap, pure). */
import { isClosersOnly } from './mode';
import { isSecretPath } from '../context/exclude';

export interface TriggerInput {
  /** The document's path: secret-looking files (.env, *.pem, id_rsa, ...) are never sent to a model. */
  path: string;
  /** The document's text, or only the part around the cursor (then `length` is the whole document's). */
  text: string;
  offset: number;
  length?: number;
  languageId: string;
  trigger: 'automatic' | 'manual';
  enabled: boolean;
  disabledLanguages: readonly string[];
  snoozed: boolean;
  /** VS Code's suggest widget has a selection that is changing the text (InlineCompletionContext.selectedCompletionInfo). */
  suggestWidgetActive: boolean;
}

/** Files past this size are not completed (generated bundles, logs). */
export const MAX_FILE_CHARS = 4_000_000;
/** A cursor line this long is minified or data. */
export const MAX_LINE_CHARS = 2_000;

const WORD = /[\p{L}\p{N}_$]/u;

/** Why no request should be made, or undefined when one may be. */
export function skipReason(i: TriggerInput): string | undefined {
  if (!i.enabled) return 'completions disabled';
  if (isSecretPath(i.path)) return 'secret-looking file';
  if (i.disabledLanguages.includes(i.languageId)) return `disabled for ${i.languageId}`;
  if (i.snoozed && i.trigger === 'automatic') return 'snoozed';
  if (i.suggestWidgetActive && i.trigger === 'automatic') return 'suggest widget selection';
  if ((i.length ?? i.text.length) > MAX_FILE_CHARS) return 'file too large';
  const lineStart = i.text.lastIndexOf('\n', i.offset - 1) + 1;
  let lineEnd = i.text.indexOf('\n', i.offset);
  if (lineEnd < 0) lineEnd = i.text.length;
  if (lineEnd - lineStart > MAX_LINE_CHARS) return 'line too long (minified?)';
  if (i.trigger === 'manual') return undefined;
  const next = i.text[i.offset] ?? '';
  const prev = i.text[i.offset - 1] ?? '';
  if (WORD.test(next) && WORD.test(prev)) return 'cursor inside a word';
  if (!isClosersOnly(i.text.slice(i.offset, lineEnd))) return 'code after the cursor on this line';
  return undefined;
}
