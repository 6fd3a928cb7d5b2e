/** A random edit of a text for the incremental-parse tests: an insertion from `inserts`, a deletion, or a replacement. */
export function randomEdit(text: string, r: () => number, inserts: readonly string[]): string {
  const at = Math.floor(r() * (text.length + 1));
  const kind = r();
  if (kind < 0.5) return text.slice(0, at) + inserts[Math.floor(r() * inserts.length)] + text.slice(at);
  const len = Math.floor(r() * 40);
  if (kind < 0.8) return text.slice(0, at) + text.slice(at + len);
  return text.slice(0, at) + inserts[Math.floor(r() * inserts.length)] + text.slice(at + len);
}
