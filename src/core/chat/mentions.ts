/**
 * `@` mentions in a chat question: `@file:<path>`, `@symbol:<name>`, `@problems`, `@workspace`, `@terminal`.
 * Parsing is pure and shared by the host (to resolve them) and the webview (to autocomplete them).
 */
import type { MentionKind } from '../../shared/protocol';

export interface Mention {
  kind: MentionKind;
  /** Path or symbol name; empty for @problems / @workspace / @terminal. */
  arg: string;
  /** Offset of the '@' in the question. */
  start: number;
  end: number;
}

const MENTION_RE = /(^|[\s(])@(?:(file|symbol):([^\s]+)|(problems|workspace|terminal)(?![\w:]))/g;

/** Every mention in `text`, in order, duplicates removed (same kind and argument). */
export function parseMentions(text: string): Mention[] {
  const out: Mention[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(MENTION_RE)) {
    const kind = (m[2] ?? m[4]) as MentionKind;
    // A trailing comma or full stop ends the sentence, not the path.
    const arg = (m[3] ?? '').replace(/[.,;:!?)]+$/, '');
    if ((kind === 'file' || kind === 'symbol') && arg === '') continue;
    const key = `${kind}:${arg}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const start = m.index! + m[1].length;
    out.push({ kind, arg, start, end: start + 1 + (m[2] ? `${m[2]}:${m[3]}`.length : kind.length) });
  }
  return out;
}

/** The mentions in `edited` that `original` did not have, as text parseMentions reads back (for an edited composed question). */
export function addedMentions(original: string, edited: string): string {
  const before = new Set(parseMentions(original).map((m) => `${m.kind}:${m.arg}`));
  return parseMentions(edited)
    .filter((m) => !before.has(`${m.kind}:${m.arg}`))
    .map((m) => edited.slice(m.start, m.end))
    .join(' ');
}

export interface MentionQuery {
  /** 'any' while the user is still typing the kind (`@fi`). */
  kind: MentionKind | 'any';
  query: string;
  /** Offset of the '@'. */
  start: number;
}

/** The mention being typed just before `cursor`, if any: drives the autocomplete list. */
export function mentionAtCursor(text: string, cursor: number): MentionQuery | undefined {
  const before = text.slice(0, cursor);
  const m = /(^|[\s(])@([\w./:\-]*)$/.exec(before);
  if (!m) return undefined;
  const start = m.index + m[1].length;
  const word = m[2];
  const colon = word.indexOf(':');
  if (colon === -1) return { kind: 'any', query: word, start };
  const kind = word.slice(0, colon);
  if (kind !== 'file' && kind !== 'symbol') return undefined;
  return { kind, query: word.slice(colon + 1), start };
}

/**
 * The items of a list that answered an earlier query which still match the query typed since: while the host answers
 * the new one, the list on screen must not offer a pick the new text rules out (Enter takes the active item). Only
 * items of the query's own kind with an argument (`file:src/a.ts`, not the bare `file:` kind entry) whose argument
 * contains the query, case-insensitively, as the host's file search requires; the host's answer replaces the list.
 */
export function stillMatching<T extends { insertText: string }>(items: readonly T[], query: MentionQuery): T[] {
  if (query.kind === 'any') return [];
  const prefix = `${query.kind}:`;
  const q = query.query.toLowerCase();
  return items.filter((s) => s.insertText.startsWith(prefix) && s.insertText.length > prefix.length && s.insertText.slice(prefix.length).toLowerCase().includes(q));
}

/** Replace the mention being typed (from `start` to `cursor`) with `@insertText `; returns the text and new cursor. */
export function completeMention(text: string, start: number, cursor: number, insertText: string): { text: string; cursor: number } {
  const inserted = `@${insertText}${insertText.endsWith(':') ? '' : ' '}`;
  return { text: text.slice(0, start) + inserted + text.slice(cursor), cursor: start + inserted.length };
}
