/**
 * Secrets: files that look like they hold credentials (by name, or by a directory-qualified path such as
 * `.kube/config`), and keys written inline in ordinary source (`ghp_…`, `sk_live_…`, `AKIA…`, PEM private keys),
 * which are redacted wherever workspace text is kept or leaves the machine. Pure: used by the host and the index workers.
 */
import picomatch from 'picomatch';
import { detach } from '../strings';

/** Base names (case-insensitive globs) of files that may hold credentials. Never read, never indexed, never sent. */
export const SECRET_GLOBS = [
  '.env', '.env.*', '*.env', '.envrc', '*.pem', '*.key', '*.crt', '*.cer', '*.der', '*.p12', '*.pfx', '*.p8', '*.ppk',
  '*.jks', '*.keystore', '*.kdbx', '*.gpg', '*.asc', '*.ovpn', 'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*',
  'credentials*', '*credentials.json', '*.secret', '*.secrets', 'secrets.*', '.npmrc', '.yarnrc.yml', '.pypirc', '.netrc',
  '_netrc', '.git-credentials', '.htpasswd', '.pgpass', '.my.cnf', '.dockercfg', '.s3cfg', '.boto', '.vault-token',
  '.terraformrc', 'terraform.rc', 'kubeconfig', '*.kubeconfig', 'gradle.properties', 'wp-config.php', 'appsettings.*.json',
  'service-account*.json', 'firebase-adminsdk-*.json', 'google-services.json', 'GoogleService-Info.plist', '*.tfvars',
  '*.tfstate', '*.tfstate.*', 'known_hosts', 'authorized_keys',
];

/**
 * Paths whose base name alone is ordinary (`config`, `config.json`, `settings.xml`) but which hold credentials in the
 * folder they sit in. Matched against the end of a path, case-insensitively, so they apply at any depth and to paths
 * outside the workspace (a home folder) alike.
 */
export const SECRET_PATHS = [
  '.git/config', '.kube/config', '.docker/config.json', '.config/gh/hosts.yml', '.config/hub', '.m2/settings.xml',
  '.aws/config', '.ssh/config', '.gnupg/*', '.password-store/*', '.config/gcloud/*.json', '.config/gcloud/*.db',
  '.azure/*.json', '.cargo/credentials.toml', '.gem/credentials', '.composer/auth.json',
];

const isSecretBase = picomatch(SECRET_GLOBS, { nocase: true, dot: true });
const isSecretTail = picomatch(SECRET_PATHS.map((p) => `**/${p}`), { nocase: true, dot: true });

/**
 * Verdicts by path: the context engine asks about every open document and candidate file on each request, and the
 * globs cost ~15 µs a path (1 ms of a request with 20 open documents). Bounded; a pure function of the path, so never stale.
 */
const secretVerdicts = new Map<string, boolean>();
const MAX_VERDICTS = 10_000;

/** True for files that look like they hold secrets: by base name, or by the folders they sit in. */
export function isSecretPath(p: string): boolean {
  let verdict = secretVerdicts.get(p);
  if (verdict === undefined) {
    if (secretVerdicts.size >= MAX_VERDICTS) secretVerdicts.clear();
    secretVerdicts.set(detach(p), (verdict = matchesSecretPath(p))); // a path cut from a longer text must not keep it alive
  }
  return verdict;
}

function matchesSecretPath(p: string): boolean {
  const posix = p.replace(/\\/g, '/');
  const base = posix.slice(posix.lastIndexOf('/') + 1);
  if (isSecretBase(base)) return true;
  // Only the last few segments matter: the longest SECRET_PATHS entry has three.
  const tail = posix.split('/').filter(Boolean).slice(-4).join('/');
  return isSecretTail(`/${tail}`) || isSecretTail(tail);
}

/** What stands in for a redacted secret. */
export const REDACTED = '[REDACTED]';

interface Rule {
  /** What was removed, for logs ("2 GitHub tokens"). */
  name: string;
  re: RegExp;
  /** Replacement for a match (default: the marker). */
  replace?: (match: string, ...groups: string[]) => string;
}

/** A name that says it holds a secret (`DB_PASSWORD`, `apiKey`, `client_secret`). */
const SECRET_NAME = String.raw`[A-Za-z0-9_.-]*(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|credentials?)[A-Za-z0-9_.-]*`;

/**
 * Every inline secret shape, in order. Keys need enough random characters after their prefix that ordinary
 * identifiers (`sk_live_mode`, `AKIA` in a word) do not match; assignments need a name that says secret and a quoted
 * value (or an upper-case NAME=value as shells and .env files write it), so code's `token = next()` stays.
 */
const RULES: Rule[] = [
  // PEM private keys: the BEGIN and END lines stay (and the line count), the body goes.
  {
    name: 'private key',
    re: /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----)([\s\S]*?)(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g,
    replace: (_m, begin, _b, body, end) => `${begin}${body.replace(/[^\r\n]+/g, (line) => (line.trim() ? REDACTED : line))}${end ?? ''}`,
  },
  { name: 'GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b/g },
  { name: 'GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { name: 'Stripe key', re: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { name: 'AWS access key', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g },
  { name: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { name: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: 'npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { name: 'OpenAI-style key', re: /\bsk-(?:proj-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{32,}\b/g },
  { name: 'Hugging Face token', re: /\bhf_[A-Za-z0-9]{34,}\b/g },
  { name: 'JSON Web Token', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g },
  { name: 'auth header', re: /\b(Authorization|Proxy-Authorization)(["']?\s*[:=]\s*["']?)(Bearer|Basic|Token|Bot)\s+[A-Za-z0-9._~+/=-]{6,}/gi, replace: (_m, h, sep, scheme) => `${h}${sep}${scheme} ${REDACTED}` },
  { name: 'URL credentials', re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:)[^\s@/'"]+@/gi, replace: (_m, head) => `${head}${REDACTED}@` },
  // name = "value" / name: 'value' (any language), with a name that says secret.
  { name: 'quoted secret', re: new RegExp(String.raw`\b(${SECRET_NAME})(["']?\s*[:=]>?\s*)(["'\x60])([^"'\x60\s]{4,})\3`, 'gi'), replace: (_m, n, sep, q) => `${n}${sep}${q}${REDACTED}${q}` },
  // NAME=value as shells, .env files and `env` print it (upper-case names only: code's `token = next()` is left alone).
  { name: 'env secret', re: new RegExp(String.raw`(^|[\s;'"])((?:export\s+)?[A-Z0-9_]*(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Z0-9_]*=)([^\s'"]{4,})`, 'g'), replace: (_m, pre, name) => `${pre}${name}${REDACTED}` },
];

/** True when `text` holds something redactSecrets would replace. */
export function hasInlineSecret(text: string): boolean {
  return RULES.some((rule) => {
    rule.re.lastIndex = 0;
    return rule.re.test(text);
  });
}

export interface Redaction {
  text: string;
  /** How many secrets were removed, by kind. */
  found: Record<string, number>;
}

/**
 * `text` with inline secrets replaced by REDACTED, and what was removed. Line structure is kept (a PEM body keeps its
 * line breaks), so line numbers around it stay true. The one redaction of the extension: index snippets, packed
 * context, prompts to an endpoint off this machine, terminal output and staged diffs all pass through it.
 */
export function redactSecretsCounted(text: string): Redaction {
  const found: Record<string, number> = {};
  if (!hasInlineSecret(text)) return { text, found };
  let out = text;
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    out = out.replace(rule.re, (match: string, ...rest: unknown[]) => {
      // A value an earlier rule already redacted is not counted twice.
      if (match.includes(REDACTED) && rule.name !== 'private key') return match;
      found[rule.name] = (found[rule.name] ?? 0) + 1;
      return rule.replace ? rule.replace(match, ...(rest.filter((r) => typeof r === 'string' || r === undefined) as string[])) : REDACTED;
    });
  }
  return { text: out, found };
}

/** `text` with inline secrets replaced by REDACTED; the same string when there is nothing to redact. */
export function redactSecrets(text: string): string {
  return redactSecretsCounted(text).text;
}

/** "2 GitHub tokens, 1 auth header" for logs; empty when nothing was found. */
export function describeRedaction(found: Record<string, number>): string {
  return Object.entries(found)
    .map(([name, n]) => `${n} ${name}${n === 1 ? '' : 's'}`)
    .join(', ');
}

interface CountedText {
  text: string;
  tokens: number;
}

/**
 * Redact packed context in place (its items and its whole text), keeping token counts exact: counts are redone only
 * when something was redacted, which is rare, so the usual cost is one scan of the packed text.
 */
export function redactPacked<T extends CountedText & { items: CountedText[] }>(packed: T, count: (text: string) => number): T {
  if (!hasInlineSecret(packed.text)) return packed;
  for (const item of packed.items) {
    const redacted = redactSecrets(item.text);
    if (redacted === item.text) continue;
    item.tokens += count(redacted) - count(item.text);
    item.text = redacted;
  }
  packed.text = redactSecrets(packed.text);
  packed.tokens = count(packed.text);
  return packed;
}
