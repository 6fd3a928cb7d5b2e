/**
 * Inline secrets in text that is about to enter a prompt (terminal output, a staged diff): private key blocks, the
 * token shapes of well-known services, credentials in URLs and auth headers, and quoted or env-style assignments to
 * names that say "secret". Each is replaced by a marker naming what was removed; the text around it is kept. Pure.
 */

export const REDACTED = '[REDACTED]';

interface Rule {
  name: string;
  re: RegExp;
  /** Replacement for a match (default: the marker). */
  replace?: (match: string, ...groups: string[]) => string;
}

const SECRET_NAME = String.raw`[A-Za-z0-9_.-]*(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|credentials?)[A-Za-z0-9_.-]*`;

const RULES: Rule[] = [
  { name: 'private key', re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g, replace: () => `-----BEGIN PRIVATE KEY----- ${REDACTED}` },
  { name: 'GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b/g },
  { name: 'GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { name: 'Stripe key', re: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { name: 'AWS access key', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b/g },
  { name: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { name: 'Google API key', re: /\bAIza[A-Za-z0-9_-]{35}\b/g },
  { name: 'OpenAI-style key', re: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b/g },
  { name: 'npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { name: 'JSON Web Token', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g },
  { name: 'auth header', re: /\b(Authorization|Proxy-Authorization)(["']?\s*[:=]\s*["']?)(Bearer|Basic|Token|Bot)\s+[A-Za-z0-9._~+/=-]{6,}/gi, replace: (_m, h, sep, scheme) => `${h}${sep}${scheme} ${REDACTED}` },
  { name: 'URL credentials', re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:)[^\s@/'"]+@/gi, replace: (_m, head) => `${head}${REDACTED}@` },
  // name = "value" / name: 'value' (any language), with a name that says secret.
  { name: 'quoted secret', re: new RegExp(String.raw`\b(${SECRET_NAME})(["']?\s*[:=]>?\s*)(["'\x60])([^"'\x60\s]{4,})\3`, 'gi'), replace: (_m, n, sep, q) => `${n}${sep}${q}${REDACTED}${q}` },
  // NAME=value as shells, .env files and `env` print it (upper-case names only: code's `token = next()` is left alone).
  { name: 'env secret', re: new RegExp(String.raw`(^|[\s;'"])((?:export\s+)?[A-Z0-9_]*(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Z0-9_]*=)([^\s'"]{4,})`, 'g'), replace: (_m, pre, name) => `${pre}${name}${REDACTED}` },
];

export interface Redaction {
  text: string;
  /** How many secrets were removed, by kind. */
  found: Record<string, number>;
}

/** `text` with inline secrets replaced by markers. */
export function redactSecrets(text: string): Redaction {
  const found: Record<string, number> = {};
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.re, (match: string, ...rest: unknown[]) => {
      // A value already redacted by an earlier rule is not counted twice.
      if (match.includes(REDACTED) && rule.name !== 'private key') return match;
      found[rule.name] = (found[rule.name] ?? 0) + 1;
      return rule.replace ? rule.replace(match, ...(rest.filter((r) => typeof r === 'string' || r === undefined) as string[])) : REDACTED;
    });
  }
  return { text: out, found };
}

/** "2 GitHub tokens, 1 auth header" for logs; empty when nothing was found. */
export function describeRedaction(found: Record<string, number>): string {
  return Object.entries(found)
    .map(([name, n]) => `${n} ${name}${n === 1 ? '' : 's'}`)
    .join(', ');
}
