/**
 * Text from outside the extension (a model server's error messages and model ids, a workspace's settings) before it
 * is shown to a person. VS Code renders `[label](command:id)` in notification text as a link that runs the command,
 * and markdown in hovers; none of that may come from a server or a workspace.
 */

/** Longest server message a notification shows; the full text goes to the log. */
export const NOTIFICATION_MAX_CHARS = 300;

/** Longest server message kept in an error at all (a server can send megabytes). */
export const SERVER_MESSAGE_MAX_CHARS = 2000;

/** Cut `text` to `max` characters, saying so. */
export function capText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * `text` as inert, single-line, capped notification text: no link syntax VS Code would turn into a clickable
 * command or URL (`[x](command:...)`, `[x](https://...)`), no control characters or line breaks.
 */
export function inertText(text: string, max = NOTIFICATION_MAX_CHARS): string {
  // Cap first (linear in `max`, not in a megabyte message), then neutralise.
  const head = text.length > max * 4 ? text.slice(0, max * 4) : text;
  const flat = head
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim()
    // `[label](target)` becomes `[label] (target)`: VS Code's linkified text needs `](` adjacent.
    .replace(/\]\s*\(/g, '] (');
  return capText(flat, max);
}

/**
 * A model id as servers name them: `phi4`, `phi4:14b-q8_0`, `qwen2.5-coder:1.5b`, `hf.co/org/model:Q4_K_M`,
 * `meta-llama/Llama-3-8B-Instruct`, a gguf file name. No spaces, markup or control characters; at most 200 characters.
 */
export function isValidModelId(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._:/@+-]{0,199}$/.test(name) && !name.includes('..') && !name.includes('//');
}

/**
 * `text` as a markdown inline code span that shows it literally: the fence is longer than any run of backticks
 * inside, so nothing in `text` can close the span and become markdown (links, images, HTML, theme icons).
 */
export function markdownCode(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
