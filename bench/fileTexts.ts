/**
 * File texts of a repository, read from disk when asked and kept for the last few files only: a harness's own memory is
 * not the engine's (all of zod's files were ~7 MB of the ~53 MB live heap after sampling when every text was kept).
 */
import * as fs from 'fs';
import * as path from 'path';

/** A reader of `repo`'s files by relative path (undefined when unreadable) that keeps the `keep` most recently read. */
export function recentFileTexts(repo: string, keep: number): (relPath: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (relPath) => {
    if (cache.has(relPath)) {
      const hit = cache.get(relPath);
      cache.delete(relPath);
      cache.set(relPath, hit);
      return hit;
    }
    let text: string | undefined;
    try {
      text = fs.readFileSync(path.join(repo, relPath), 'utf8');
    } catch {
      text = undefined;
    }
    cache.set(relPath, text);
    if (cache.size > keep) cache.delete(cache.keys().next().value as string);
    return text;
  };
}
