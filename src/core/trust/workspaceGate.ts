/**
 * The one check every path passes before its text may enter a prompt: it must be inside a workspace folder (by its
 * real path: symbolic links are resolved, so a link to ~/.ssh or to another folder's secret does not pass), and no
 * exclusion rule may apply to it (skipped folders, secret-looking names, .gitignore, `files.exclude`,
 * `phiCoder.context.exclude`). Also the check for `@file` mentions, which must be plain relative paths.
 * Pure: node's fs only, usable from the extension host and from a worker thread.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ExclusionRules } from '../context/exclude';
import { isSecretPath } from './secrets';
import { isInside, realPath } from './paths';

export { isInside, realPath } from './paths';

export interface GateFolder {
  /** The folder's name (first segment of paths in a multi-root workspace). */
  name: string;
  /** Absolute local path. */
  path: string;
}

export type GateVerdict = { ok: true; relPath: string; realPath: string } | { ok: false; reason: string };

export interface GateOptions {
  /** Paths are `<folder name>/<path>` (a multi-root workspace), as the index writes them. Default: more than one folder. */
  multiRoot?: boolean;
  /** How long a verdict is reused (it is asked on every keystroke for the edited document). */
  ttlMs?: number;
  now?: () => number;
}

const MAX_CACHED = 500;

/**
 * A mention's path as typed, made safe: forward slashes, no `./`. Undefined when it is absolute (`/x`, `C:\x`,
 * `\\server\x`, `~/x`), climbs (`..`), or holds control characters.
 */
export function plainRelativePath(p: string): string | undefined {
  if (!p || /[\u0000-\u001f]/.test(p) || p.length > 1024) return undefined;
  const posix = p.replace(/\\/g, '/');
  if (posix.startsWith('/') || posix.startsWith('~') || /^[a-zA-Z]:/.test(posix) || /^[a-z][a-z0-9+.-]*:\/\//i.test(posix)) return undefined;
  const parts = posix.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}

export class WorkspaceGate {
  private readonly multiRoot: boolean;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, { at: number; verdict: GateVerdict }>();
  private realRoots: string[] | undefined;

  constructor(
    private readonly folders: readonly GateFolder[],
    private rules: ExclusionRules = new ExclusionRules(),
    options: GateOptions = {},
  ) {
    this.multiRoot = options.multiRoot ?? folders.length > 1;
    this.ttlMs = options.ttlMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  get hasFolders(): boolean {
    return this.folders.length > 0;
  }

  /** New exclusion rules (settings or a .gitignore changed): every verdict is decided again. */
  setRules(rules: ExclusionRules): void {
    this.rules = rules;
    this.forget();
  }

  /** Drop cached verdicts (files or links changed). */
  forget(): void {
    this.cache.clear();
    this.realRoots = undefined;
  }

  /**
   * May the file at `absPath` enter a prompt? Cached for a few seconds (it is asked per keystroke); `fresh` decides
   * again, for a file about to be read or written (a mention, a test file).
   */
  check(absPath: string, fresh = false): GateVerdict {
    const key = path.resolve(absPath);
    const hit = this.cache.get(key);
    const now = this.now();
    if (hit && !fresh && now - hit.at < this.ttlMs) return hit.verdict;
    const verdict = this.decide(key);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { at: now, verdict });
    return verdict;
  }

  /**
   * The file an `@file:` mention names, if it may be attached: a plain relative path (in a multi-root workspace it may
   * start with a folder's name), an existing regular file, passing check().
   */
  resolveMention(mention: string): GateVerdict {
    const rel = plainRelativePath(mention);
    if (!rel) return { ok: false, reason: 'not a relative path inside the workspace' };
    let last: GateVerdict = { ok: false, reason: 'no such file in the workspace' };
    for (const folder of this.folders) {
      const inner = rel.startsWith(`${folder.name}/`) ? rel.slice(folder.name.length + 1) : undefined;
      for (const candidate of inner !== undefined ? [inner, rel] : [rel]) {
        const abs = path.join(folder.path, ...candidate.split('/'));
        if (!isRegularFile(abs)) continue;
        last = this.check(abs, true);
        if (last.ok) return last;
      }
    }
    return last;
  }

  /** The index path of `absPath` when it lies (lexically) inside a folder. */
  relPathOf(absPath: string): { folder: GateFolder; relPath: string } | undefined {
    for (const folder of this.folders) {
      if (!isInside(folder.path, absPath)) continue;
      const inner = path.relative(folder.path, absPath).split(path.sep).join('/');
      if (!inner) return undefined;
      return { folder, relPath: this.multiRoot ? `${folder.name}/${inner}` : inner };
    }
    return undefined;
  }

  /**
   * Why the rules keep the path `absPath` out of prompts, judged by its name alone (outside the folders, excluded,
   * secret-looking), or undefined. For text that does not come from that file on disk, e.g. a staged diff from git,
   * whose file may be deleted or differ from the index.
   */
  excludedPath(absPath: string): string | undefined {
    if (!path.isAbsolute(absPath)) return 'not a local file';
    const lexical = this.relPathOf(path.resolve(absPath));
    if (!lexical) return 'outside the workspace folders';
    return this.excluded(lexical.relPath, lexical.folder);
  }

  private decide(absPath: string): GateVerdict {
    const why = this.excludedPath(absPath);
    if (why) return { ok: false, reason: why };
    const lexical = this.relPathOf(absPath)!;
    const real = realPath(absPath);
    if (real === undefined) return { ok: false, reason: 'unreadable path' };
    const roots = this.roots();
    const index = roots.findIndex((root) => isInside(root, real));
    if (index < 0) return { ok: false, reason: 'a link to outside the workspace folders' };
    if (real !== absPath) {
      // A link inside the workspace to a file that is itself excluded (e.g. notes.txt -> .env) does not pass either.
      const folder = this.folders[index];
      const inner = path.relative(roots[index], real).split(path.sep).join('/');
      if (inner) {
        const relPath = this.multiRoot ? `${folder.name}/${inner}` : inner;
        const linked = this.excluded(relPath, folder);
        if (linked) return { ok: false, reason: `a link to ${linked}` };
      }
    }
    return { ok: true, relPath: lexical.relPath, realPath: real };
  }

  private excluded(relPath: string, folder: GateFolder): string | undefined {
    if (isSecretPath(relPath)) return 'a secret-looking file';
    this.rules.loadGitignores(relPath, (gitignore) => readSmallText(this.absOf(gitignore, folder)));
    return this.rules.excludes(relPath) ? 'an excluded file (skipped folder, .gitignore, files.exclude or phiCoder.context.exclude)' : undefined;
  }

  private absOf(relPath: string, folder: GateFolder): string {
    const inner = this.multiRoot ? relPath.slice(folder.name.length + 1) : relPath;
    return path.join(folder.path, ...inner.split('/').filter(Boolean));
  }

  private roots(): string[] {
    this.realRoots ??= this.folders.map((f) => realPath(f.path) ?? path.resolve(f.path));
    return this.realRoots;
  }
}

function isRegularFile(abs: string): boolean {
  try {
    return fs.statSync(abs).isFile();
  } catch {
    return false;
  }
}

/** A .gitignore's text (at most 1 MB; a bigger one, or a link, is not read). */
function readSmallText(abs: string): string | undefined {
  try {
    const s = fs.lstatSync(abs);
    if (!s.isFile() || s.size > 1_000_000) return undefined;
    return fs.readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}
