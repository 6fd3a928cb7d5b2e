/**
 * A conversation as a Markdown document (export to an editor or a file, or the clipboard): a title, then each question
 * with the context it was sent with listed under it, then its answer. Pure: no `vscode` import.
 */
import type { Conversation, StoredMessage } from './types';

export interface ExportOptions {
  /** When the export was made (shown under the title); default: now. */
  exportedAt?: Date;
}

/** A heading-safe single line: no newlines, no leading `#`. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/^#+\s*/, '') || 'Conversation';
}

/** Text inside inline code, with a fence longer than any backtick run it contains. */
function inlineCode(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function stamp(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '';
}

function answerNote(m: StoredMessage): string | undefined {
  if (m.error) return `> **Error:** ${oneLine(m.error)}`;
  if (m.stopReason === 'abort') return '> *(stopped before the answer was complete)*';
  if (m.stopReason === 'length') return '> *(cut off at the answer token limit)*';
  if (m.stopReason === 'window') return "> *(cut off: the model's context window was full)*";
  return undefined;
}

/** The whole conversation as Markdown. Messages are written as they were (they are Markdown already). */
export function conversationToMarkdown(conv: Conversation, opts: ExportOptions = {}): string {
  const out: string[] = [`# ${oneLine(conv.title)}`, ''];
  const exported = (opts.exportedAt ?? new Date()).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const questions = conv.messages.filter((m) => m.role === 'user').length;
  out.push(`*Phi Coder conversation · ${questions} question${questions === 1 ? '' : 's'} · started ${stamp(conv.createdAt) || 'unknown'} · exported ${exported}*`, '');
  let turn = 0;
  for (const m of conv.messages) {
    if (m.role === 'user') {
      turn++;
      out.push('---', '', `## ${turn}. You${m.createdAt ? ` · ${stamp(m.createdAt)}` : ''}`, '', m.content.trim(), '');
      if (m.attachments?.length) {
        out.push('**Context sent with this question:**', '');
        for (const label of m.attachments) out.push(`- ${inlineCode(label)}`);
      } else {
        out.push('**Context sent with this question:** none');
      }
      out.push('');
    } else {
      out.push(`### Phi Coder`, '');
      if (m.content.trim()) out.push(m.content.trim(), '');
      const note = answerNote(m);
      if (note) out.push(note, '');
    }
  }
  if (turn === 0) out.push('*(no messages yet)*', '');
  return out.join('\n');
}

/** A file name for the exported conversation: its title, filesystem-safe, at most 60 characters. */
export function exportFileName(conv: Conversation): string {
  const base = oneLine(conv.title)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${base || 'conversation'}.md`;
}
