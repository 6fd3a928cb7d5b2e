/** Path containment by real path (symbolic links resolved). Pure: node's fs and path only. */
import * as fs from 'fs';
import * as path from 'path';

/** True when `child` is `parent` or inside it (both absolute, normalised). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** The real path of `p` (links resolved); for a path that does not exist yet, its nearest existing parent's, joined. */
export function realPath(p: string): string | undefined {
  let rest = '';
  let cur = path.resolve(p);
  for (let i = 0; i < 64; i++) {
    try {
      const real = fs.realpathSync.native(cur);
      return rest ? path.join(real, rest) : real;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
      const parent = path.dirname(cur);
      if (parent === cur) return undefined;
      rest = rest ? path.join(path.basename(cur), rest) : path.basename(cur);
      cur = parent;
    }
  }
  return undefined;
}
