/**
 * Secrets: files that look like they hold credentials (by name, or by a directory-qualified path such as
 * `.kube/config`), and keys written inline in ordinary source (`ghp_…`, `sk_live_…`, `AKIA…`, PEM private keys),
 * which are redacted wherever workspace text is kept or leaves the machine. Pure: used by the host and the index workers.
 */
import picomatch from 'picomatch';

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

/** True for files that look like they hold secrets: by base name, or by the folders they sit in. */
export function isSecretPath(p: string): boolean {
  const posix = p.replace(/\\/g, '/');
  const base = posix.slice(posix.lastIndexOf('/') + 1);
  if (isSecretBase(base)) return true;
  // Only the last few segments matter: the longest SECRET_PATHS entry has three.
  const tail = posix.split('/').filter(Boolean).slice(-4).join('/');
  return isSecretTail(`/${tail}`) || isSecretTail(tail);
}

/** What stands in for a redacted key. */
export const REDACTED = '[redacted secret]';

/**
 * Keys with a recognisable shape. Each needs enough random characters after its prefix that ordinary identifiers
 * (`sk_live_mode`, `AKIA` in a word) do not match.
 */
const KEY_PATTERNS = [
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/, // GitHub fine-grained tokens
  /\bglpat-[A-Za-z0-9_-]{20,}\b/, // GitLab
  /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b/, // Stripe
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, // AWS access key ids
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/, // Slack
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API keys
  /\bnpm_[A-Za-z0-9]{36}\b/, // npm
  /\bsk-(?:proj-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{32,}\b/, // OpenAI / Anthropic style
  /\bhf_[A-Za-z0-9]{34,}\b/, // Hugging Face
];
const KEY_RE = new RegExp(KEY_PATTERNS.map((r) => r.source).join('|'), 'g');
/** PEM private keys: the BEGIN and END lines stay (and the line count), the body goes. */
const PEM_RE = /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----)([\s\S]*?)(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g;

/** True when `text` holds something redactSecrets would replace. */
export function hasInlineSecret(text: string): boolean {
  KEY_RE.lastIndex = 0;
  PEM_RE.lastIndex = 0;
  return KEY_RE.test(text) || PEM_RE.test(text);
}

/**
 * `text` with inline keys replaced by REDACTED. Line structure is kept (a PEM body keeps its line breaks), so line
 * numbers around it stay true. Returns the same string when there is nothing to redact.
 */
export function redactSecrets(text: string): string {
  if (!hasInlineSecret(text)) return text;
  return text
    .replace(PEM_RE, (_m, begin: string, _b, body: string, end: string) => `${begin}${body.replace(/[^\r\n]+/g, (line) => (line.trim() ? REDACTED : line))}${end}`)
    .replace(KEY_RE, REDACTED);
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
