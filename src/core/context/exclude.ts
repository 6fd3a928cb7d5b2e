/**
 * What the context engine may read. Secret-looking files, binaries and vendored/generated folders are never read;
 * .gitignore files (nested ones too), `files.exclude` and `phiCoder.context.exclude` globs are honoured.
 * Paths are workspace-relative with forward slashes.
 */
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

/** Base names (case-insensitive globs) of files that may hold credentials. Never read, never indexed, never sent. */
export const SECRET_GLOBS = [
  '.env', '.env.*', '*.env', '.envrc', '*.pem', '*.key', '*.crt', '*.cer', '*.der', '*.p12', '*.pfx', '*.jks', '*.keystore',
  '*.kdbx', '*.gpg', '*.asc', '*.ovpn', 'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*', 'credentials*', '*credentials.json',
  '*.secret', '*.secrets', 'secrets.*', '.npmrc', '.pypirc', '.netrc', '_netrc', '.git-credentials', '.htpasswd',
  '.pgpass', '.dockercfg', 'service-account*.json', '*.tfvars', '*.tfstate', '*.tfstate.*', 'known_hosts', 'authorized_keys',
];

/** Folder names skipped anywhere in the tree (vendored, generated, tooling state). */
export const SKIPPED_DIRS = new Set([
  'node_modules', 'bower_components', 'jspm_packages', 'dist', 'build', 'out', 'target', 'vendor', '.git', '.hg', '.svn',
  '.venv', 'venv', '__pycache__', '.mypy_cache', '.pytest_cache', '.tox', '.gradle', '.idea', '.vscode-test', '.next',
  '.nuxt', 'coverage', '.cache', '.corpora', 'bin', 'obj', 'Pods', '.terraform', '.dart_tool', 'site-packages',
]);

/** Extensions of files that are not text (checked before reading; content is also sniffed for NUL bytes). */
const BINARY_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'webp', 'tiff', 'psd', 'pdf', 'zip', 'gz', 'tgz', 'bz2', 'xz', '7z', 'rar', 'jar',
  'war', 'class', 'so', 'dll', 'dylib', 'exe', 'o', 'a', 'lib', 'obj', 'wasm', 'pyc', 'pyo', 'bin', 'dat', 'db', 'sqlite',
  'mp3', 'mp4', 'mov', 'avi', 'wav', 'flac', 'ogg', 'woff', 'woff2', 'ttf', 'otf', 'eot', 'deb', 'rpm', 'dmg', 'iso', 'node',
]);

const isSecretBase = picomatch(SECRET_GLOBS, { nocase: true, dot: true });

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return p.slice(i + 1);
}

/** True for files that look like they hold secrets (by name). */
export function isSecretPath(p: string): boolean {
  return isSecretBase(baseName(p));
}

/** True for files that are binary by extension. */
export function isBinaryPath(p: string): boolean {
  const b = baseName(p);
  const dot = b.lastIndexOf('.');
  return dot > 0 && BINARY_EXTENSIONS.has(b.slice(dot + 1).toLowerCase());
}

/** True when the first bytes contain a NUL: not text. */
export function looksBinary(content: string | Uint8Array): boolean {
  const n = Math.min(content.length, 8000);
  if (typeof content === 'string') return content.slice(0, n).includes('\0');
  for (let i = 0; i < n; i++) if (content[i] === 0) return true;
  return false;
}

export interface ExclusionOptions {
  /** `files.exclude` patterns whose value is true. */
  filesExclude?: readonly string[];
  /** `phiCoder.context.exclude` patterns. */
  userExclude?: readonly string[];
}

/** Decides, for workspace-relative paths, what the engine may read. */
export class ExclusionRules {
  private readonly gitignores = new Map<string, Ignore>();
  private readonly globs: picomatch.Matcher | undefined;

  constructor(options: ExclusionOptions = {}) {
    const patterns = [...(options.filesExclude ?? []), ...(options.userExclude ?? [])].filter((p) => p.trim().length > 0);
    // VS Code globs match from the workspace root; a bare name (e.g. "secret.txt") matches at any depth there too.
    const expanded = patterns.flatMap((p) => (p.includes('/') ? [p] : [p, `**/${p}`]));
    this.globs = expanded.length ? picomatch(expanded, { dot: true }) : undefined;
  }

  /** Register the content of `<dir>/.gitignore` (dir '' for the root). */
  addGitignore(dir: string, content: string): void {
    this.gitignores.set(dir.replace(/\/+$/, ''), ignore().add(content));
  }

  removeGitignore(dir: string): void {
    this.gitignores.delete(dir.replace(/\/+$/, ''));
  }

  /** True when `relPath` must not be read. `isDir` for folders (so whole trees are skipped). */
  excludes(relPath: string, isDir = false): boolean {
    const p = relPath.replace(/\\/g, '/').replace(/^\.\/+/, '');
    if (!p) return false;
    const parts = p.split('/');
    const dirs = isDir ? parts : parts.slice(0, -1);
    if (dirs.some((d) => SKIPPED_DIRS.has(d))) return true;
    if (!isDir && (isSecretPath(p) || isBinaryPath(p))) return true;
    if (this.globs && (this.globs(p) || (isDir && this.globs(p + '/')))) return true;
    return this.ignoredByGit(parts, isDir);
  }

  private ignoredByGit(parts: string[], isDir: boolean): boolean {
    if (this.gitignores.size === 0) return false;
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const ig = this.gitignores.get(dir);
      if (!ig) continue;
      const rest = parts.slice(i).join('/') + (isDir ? '/' : '');
      if (ig.ignores(rest)) return true;
    }
    return false;
  }
}
