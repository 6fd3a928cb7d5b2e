/**
 * A repository's commit style, learned from its recent subjects (the last 20): conventional commits or not, which
 * types and scopes it uses, capitalisation, a trailing full stop, ticket prefixes, typical length. Turned into
 * instructions and examples for the prompt, so the message reads like the repository's own. Pure.
 */

export interface CommitStyle {
  /** Subjects considered (merge and revert subjects left out). */
  sample: number;
  /** Most subjects are `type(scope)!: description`. */
  conventional: boolean;
  /** Conventional types by use, most used first. */
  types: string[];
  /** Conventional scopes by use, most used first. */
  scopes: string[];
  /** The description (after any type or ticket prefix) starts with a capital letter in most subjects. */
  capitalized: boolean;
  /** Most subjects end with a full stop. */
  trailingPeriod: boolean;
  /** A ticket reference most subjects start with, e.g. "ABC-" of "ABC-123: ..." or "#" of "#12 ...". */
  ticketPrefix?: string;
  /** Median subject length in characters (72 when nothing was learned). */
  medianLength: number;
  /** The most recent subjects, newest first, to show as examples. */
  examples: string[];
}

const CONVENTIONAL_RE = /^([a-z]+)(?:\(([^)\s]+)\))?!?: \S/;
const TICKET_RE = /^(?:\[?([A-Z][A-Z0-9]+-)\d+\]?|(#)\d+)[:\s]/;
const MAX_EXAMPLES = 8;

function byUse(values: string[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v]) => v);
}

/** The part of a subject a human wrote as the description: after a conventional prefix or a ticket reference. */
function description(subject: string): string {
  const conv = /^[a-z]+(?:\([^)\s]+\))?!?: (.*)$/.exec(subject);
  if (conv) return conv[1];
  return subject.replace(/^\[?[A-Z][A-Z0-9]+-\d+\]?:?\s*|^#\d+:?\s*/, '');
}

/** Learn the style from subjects, newest first (`git log` order). Empty input gives a neutral style. */
export function learnCommitStyle(subjectsNewestFirst: readonly string[]): CommitStyle {
  const subjects = subjectsNewestFirst
    .map((s) => s.split('\n')[0].trim())
    .filter((s) => s && !/^(Merge (branch|pull request|remote-tracking)|Revert ")/.test(s));
  const n = subjects.length;
  if (n === 0) return { sample: 0, conventional: false, types: [], scopes: [], capitalized: true, trailingPeriod: false, medianLength: 72, examples: [] };
  const conv = subjects.map((s) => CONVENTIONAL_RE.exec(s)).filter((m): m is RegExpExecArray => !!m);
  const conventional = conv.length / n >= 0.5;
  const descriptions = subjects.map(description).filter((d) => /^[A-Za-z]/.test(d));
  const capitalized = descriptions.filter((d) => /^[A-Z]/.test(d)).length > descriptions.length / 2;
  const trailingPeriod = subjects.filter((s) => s.endsWith('.')).length > n / 2;
  const tickets = subjects.map((s) => TICKET_RE.exec(s)).filter((m): m is RegExpExecArray => !!m).map((m) => m[1] ?? m[2]);
  const topTicket = byUse(tickets)[0];
  const ticketPrefix = topTicket && tickets.filter((t) => t === topTicket).length > n / 2 ? topTicket : undefined;
  const lengths = subjects.map((s) => s.length).sort((a, b) => a - b);
  return {
    sample: n,
    conventional,
    types: conventional ? byUse(conv.map((m) => m[1])) : [],
    scopes: conventional ? byUse(conv.map((m) => m[2]).filter((s): s is string => !!s)) : [],
    capitalized,
    trailingPeriod,
    ticketPrefix,
    medianLength: lengths[Math.floor(lengths.length / 2)],
    examples: subjects.slice(0, MAX_EXAMPLES),
  };
}

/** Instructions that make the model follow `style`, one per line. */
export function styleInstructions(style: CommitStyle): string[] {
  const out: string[] = [];
  const limit = Math.min(100, Math.max(50, Math.round(style.medianLength * 1.25)));
  if (style.conventional) {
    const types = style.types.slice(0, 8).join(', ');
    out.push(`Use the Conventional Commits form this repository uses: "type(scope): description"${types ? `; types used here: ${types}` : ''}.`);
    if (style.scopes.length) out.push(`Scopes used here: ${style.scopes.slice(0, 10).join(', ')}; add a scope only when one fits.`);
  } else {
    out.push('Do not use a "type:" or "type(scope):" prefix; this repository writes plain subjects.');
  }
  if (style.ticketPrefix) out.push(`Most subjects start with a ticket reference (${style.ticketPrefix}…); keep one only if the changes name it, never invent a number.`);
  out.push(style.capitalized ? 'Start the description with a capital letter.' : 'Start the description with a lower-case letter.');
  out.push(style.trailingPeriod ? 'End the subject with a full stop.' : 'Do not end the subject with a full stop.');
  out.push(`Keep the subject under ${limit} characters, in the imperative mood ("Add", not "Added").`);
  return out;
}
