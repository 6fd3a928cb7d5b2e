/**
 * What the context engine may read. Secret-looking files, binaries and vendored/generated folders are never read;
 * .gitignore files (nested ones too), `files.exclude` and `phiCoder.context.exclude` globs are honoured.
 * Paths are workspace-relative with forward slashes.
 */
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { isSecretPath } from '../trust/secrets';

export { SECRET_GLOBS, SECRET_PATHS, isSecretPath } from '../trust/secrets';

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

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return p.slice(i + 1);
}

/**
 * Paths deeper than this many folders are never read: a repository of nested folders (each with its own .gitignore)
 * would otherwise cost every walk time that grows with the cube of its depth.
 */
export const MAX_PATH_DEPTH = 40;

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
  /** Folders whose .gitignore is known (registered, or looked for and absent): see loadGitignores. */
  private readonly gitignoreKnown = new Set<string>();
  /** Each folder's own verdict (ignored by an ancestor's .gitignore or not), decided once. */
  private readonly folderVerdicts = new Map<string, boolean>();
  private readonly globs: picomatch.Matcher | undefined;
  /** How many .gitignore matchers were consulted (a diagnostic: the walk's cost grows with it). */
  gitignoreChecks = 0;

  constructor(options: ExclusionOptions = {}) {
    const patterns = [...(options.filesExclude ?? []), ...(options.userExclude ?? [])].filter((p) => p.trim().length > 0);
    // VS Code globs match from the workspace root; a bare name (e.g. "secret.txt") matches at any depth there too.
    const expanded = patterns.flatMap((p) => (p.includes('/') ? [p] : [p, `**/${p}`]));
    this.globs = expanded.length ? picomatch(expanded, { dot: true }) : undefined;
  }

  /** Register the content of `<dir>/.gitignore` (dir '' for the root). */
  addGitignore(dir: string, content: string): void {
    const key = dir.replace(/\/+$/, '');
    this.gitignores.set(key, ignore().add(content));
    this.gitignoreKnown.add(key);
    this.forgetVerdictsUnder(key);
  }

  removeGitignore(dir: string): void {
    const key = dir.replace(/\/+$/, '');
    this.gitignores.delete(key);
    this.forgetVerdictsUnder(key);
  }

  /** A .gitignore in `dir` can change the verdicts of folders below it only (a walk adds it before going there). */
  private forgetVerdictsUnder(dir: string): void {
    if (!dir) return this.folderVerdicts.clear();
    for (const folder of this.folderVerdicts.keys()) if (folder.startsWith(`${dir}/`)) this.folderVerdicts.delete(folder);
  }

  /**
   * Make sure the .gitignore of every folder above `relPath` is registered, reading the ones not seen yet with `read`
   * (undefined: there is none). For paths that did not come from a walk (an open document, a mention).
   */
  loadGitignores(relPath: string, read: (gitignoreRelPath: string) => string | undefined): void {
    const parts = normalise(relPath).split('/');
    for (let i = 0; i < Math.min(parts.length, MAX_PATH_DEPTH + 1); i++) {
      const dir = parts.slice(0, i).join('/');
      if (this.gitignoreKnown.has(dir)) continue;
      this.gitignoreKnown.add(dir);
      if (i > 0 && this.excludes(dir, true)) return;
      const content = read(dir ? `${dir}/.gitignore` : '.gitignore');
      if (content !== undefined) this.addGitignore(dir, content);
    }
  }

  /** True when `relPath` must not be read. `isDir` for folders (so whole trees are skipped). */
  excludes(relPath: string, isDir = false): boolean {
    const p = normalise(relPath);
    if (!p) return false;
    const parts = p.split('/');
    if (parts.includes('..')) return true;
    const dirs = isDir ? parts : parts.slice(0, -1);
    if (dirs.length > MAX_PATH_DEPTH) return true;
    if (dirs.some((d) => SKIPPED_DIRS.has(d))) return true;
    if (!isDir && (isSecretPath(p) || isBinaryPath(p))) return true;
    if (this.globs && (this.globs(p) || (isDir && this.globs(p + '/')))) return true;
    if (this.gitignores.size === 0) return false;
    if (isDir) return this.folderIgnored(parts);
    return (parts.length > 1 && this.folderIgnored(parts.slice(0, -1))) || this.ignoredByGit(parts, false);
  }

  /** A folder is ignored when its parent is, or when a .gitignore above it names it. Decided once per folder. */
  private folderIgnored(parts: string[]): boolean {
    const key = parts.join('/');
    let verdict = this.folderVerdicts.get(key);
    if (verdict === undefined) {
      verdict = (parts.length > 1 && this.folderIgnored(parts.slice(0, -1))) || this.ignoredByGit(parts, true);
      this.folderVerdicts.set(key, verdict);
    }
    return verdict;
  }

  /** Whether a .gitignore above names the path itself (its folders are decided by folderIgnored). */
  private ignoredByGit(parts: string[], isDir: boolean): boolean {
    for (let i = 0; i < parts.length; i++) {
      const ig = this.gitignores.get(parts.slice(0, i).join('/'));
      if (!ig) continue;
      this.gitignoreChecks++;
      if (ig.ignores(parts.slice(i).join('/') + (isDir ? '/' : ''))) return true;
    }
    return false;
  }
}

function normalise(relPath: string): string {
  return relPath.replace(/\\/g, '/').replace(/^\.\/+/, '');
}
