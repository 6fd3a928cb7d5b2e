/**
 * How the core reads the workspace: a small interface (injected), a node:fs implementation rooted at a folder,
 * and a walker that applies the exclusion rules (reading .gitignore files as it descends).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ExclusionRules } from './exclude';
import { looksBinary } from './exclude';
import { isInside, realPath } from '../trust/paths';
import * as safeFs from '../workerSafeFs';

/** Open flags that refuse a symbolic link as the file itself (O_NOFOLLOW; 0 where the platform has none). */
const READ_NO_FOLLOW = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0);

export interface FileStat {
  mtimeMs: number;
  size: number;
}

export interface DirEntry {
  name: string;
  isDir: boolean;
  isFile: boolean;
}

/** Workspace-relative, forward-slash paths throughout. */
export interface WorkspaceFs {
  readDir(relDir: string): Promise<DirEntry[]>;
  stat(relPath: string): Promise<FileStat | undefined>;
  /** UTF-8 text, or undefined when missing or binary. */
  readText(relPath: string): Promise<string | undefined>;
  /**
   * The file's absolute path on the local disk, when it is a plain local file that another thread may read itself
   * (the index workers then read it: see readLocalSource). Undefined for anything else.
   */
  localPath?(relPath: string): string | undefined;
}

/** A file's stat as the index keys its entries (whole milliseconds). Shared by nodeWorkspaceFs and readLocalSource. */
function fileStat(s: fs.Stats): FileStat {
  return { mtimeMs: Math.floor(s.mtimeMs), size: s.size };
}

/** A file's content as text, or undefined when it looks binary. Shared by nodeWorkspaceFs and readLocalSource. */
function decodeText(buf: Buffer): string | undefined {
  return looksBinary(buf) ? undefined : buf.toString('utf8');
}

/** What readLocalSource found: the text with the stat of the same open file, or why there is none. */
export type LocalSource =
  | { kind: 'gone' }
  | { kind: 'too-big'; stat: FileStat }
  | { kind: 'text'; stat: FileStat; text: string };

/**
 * Read a local file as nodeWorkspaceFs's stat + readText would (gone when missing, not a regular file, or binary),
 * synchronously: for an index worker thread, which has nothing else to do meanwhile. The stat comes from the open
 * file, so it matches the text read. Files over `maxBytes` are not read.
 */
export function readLocalSource(absPath: string, maxBytes: number): LocalSource {
  let fd: number;
  try {
    fd = fs.openSync(absPath, READ_NO_FOLLOW);
  } catch {
    return { kind: 'gone' };
  }
  try {
    const s = fs.fstatSync(fd);
    if (!s.isFile()) return { kind: 'gone' };
    const stat = fileStat(s);
    if (s.size > maxBytes) return { kind: 'too-big', stat };
    const text = decodeText(fs.readFileSync(fd));
    return text === undefined ? { kind: 'gone' } : { kind: 'text', stat, text };
  } catch {
    return { kind: 'gone' };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * WorkspaceFs over the local disk. Symbolic links are not followed (no cycles, nothing outside the root): the walk
 * does not enter linked folders, and a single file's stat/read (a watcher update) refuses a link, or a file whose
 * folder resolves (through a linked folder) to somewhere other than where its path says.
 */
export function nodeWorkspaceFs(root: string): WorkspaceFs {
  const abs = (rel: string) => path.join(root, ...rel.split('/').filter(Boolean));
  let realRoot: string | undefined;
  const contained = async (file: string): Promise<boolean> => {
    realRoot ??= realPath(root) ?? path.resolve(root);
    const dir = path.dirname(file);
    try {
      const real = await safeFs.realpath(dir);
      return isInside(realRoot, real) && real === path.join(realRoot, path.relative(path.resolve(root), dir));
    } catch {
      return false;
    }
  };
  return {
    async readDir(relDir) {
      try {
        const entries = await safeFs.readDirEntries(abs(relDir));
        return entries.map((e) => ({ name: e.name, isDir: e.isDirectory(), isFile: e.isFile() }));
      } catch {
        return [];
      }
    },
    async stat(rel) {
      try {
        const file = abs(rel);
        const s = await safeFs.lstat(file);
        return s.isFile() && (await contained(file)) ? fileStat(s) : undefined;
      } catch {
        return undefined;
      }
    },
    async readText(rel) {
      let fd: number | undefined;
      try {
        const file = abs(rel);
        if (!(await contained(file))) return undefined;
        fd = await safeFs.open(file, READ_NO_FOLLOW);
        if (!(await safeFs.fstat(fd)).isFile()) return undefined;
        return decodeText(await safeFs.readFile(fd));
      } catch {
        return undefined;
      } finally {
        if (fd !== undefined) await safeFs.close(fd).catch(() => undefined);
      }
    },
    localPath: abs,
  };
}

/**
 * Several folders as one workspace (a multi-root VS Code workspace): paths are `<folder name>/<path in the folder>`,
 * as VS Code's `asRelativePath(uri, true)` writes them. The root lists the folders; folders whose name repeats an
 * earlier one are left out (their paths would be ambiguous).
 */
export function multiRootWorkspaceFs(folders: readonly { name: string; fs: WorkspaceFs }[]): WorkspaceFs {
  const byName = new Map<string, WorkspaceFs>();
  for (const f of folders) if (f.name && !f.name.includes('/') && !byName.has(f.name)) byName.set(f.name, f.fs);
  const route = (rel: string): { fs: WorkspaceFs; rest: string } | undefined => {
    const slash = rel.indexOf('/');
    const name = slash < 0 ? rel : rel.slice(0, slash);
    const target = byName.get(name);
    return target ? { fs: target, rest: slash < 0 ? '' : rel.slice(slash + 1) } : undefined;
  };
  return {
    async readDir(relDir) {
      if (!relDir) return [...byName.keys()].map((name) => ({ name, isDir: true, isFile: false }));
      const r = route(relDir);
      return r ? r.fs.readDir(r.rest) : [];
    },
    async stat(rel) {
      const r = route(rel);
      return r && r.rest ? r.fs.stat(r.rest) : undefined;
    },
    async readText(rel) {
      const r = route(rel);
      return r && r.rest ? r.fs.readText(r.rest) : undefined;
    },
    localPath(rel) {
      const r = route(rel);
      return r && r.rest ? r.fs.localPath?.(r.rest) : undefined;
    },
  };
}

/**
 * Every file under the root the rules allow, depth first, in name order. .gitignore files are registered with
 * `rules` as their folders are entered. `accept` filters files further (e.g. by language); `limit` caps the count.
 */
export async function walkWorkspace(
  wfs: WorkspaceFs,
  rules: ExclusionRules,
  options: { accept?: (relPath: string) => boolean; limit?: number; signal?: AbortSignal } = {},
): Promise<string[]> {
  const out: string[] = [];
  const limit = options.limit ?? Infinity;
  const visit = async (dir: string): Promise<void> => {
    if (options.signal?.aborted || out.length >= limit) return;
    const entries = (await wfs.readDir(dir)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (entries.some((e) => e.isFile && e.name === '.gitignore')) {
      const content = await wfs.readText(dir ? `${dir}/.gitignore` : '.gitignore');
      if (content !== undefined) rules.addGitignore(dir, content);
    }
    for (const e of entries) {
      if (out.length >= limit) return;
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDir) {
        if (!rules.excludes(rel, true)) await visit(rel);
      } else if (e.isFile && !rules.excludes(rel) && (!options.accept || options.accept(rel))) {
        out.push(rel);
      }
    }
  };
  await visit('');
  return out;
}
