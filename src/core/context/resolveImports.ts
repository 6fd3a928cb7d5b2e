/**
 * Import sources -> workspace files, without a compiler: relative paths (JS/TS, Python dots, Ruby require_relative,
 * C includes) are joined with the importing file's folder and tried with the language's extensions; other sources
 * ("a.b.C", "crate::x::y", "github.com/o/r/pkg", "App\\Models\\User") are matched against the tail of indexed paths.
 * Go files see their own package (the files of their folder) as imported.
 */
import type { LanguageName } from './languages';
import { OUTPUT_EXTENSIONS, packageTargets, type PackageManifest } from './packageManifests';
import { detach } from '../strings';

const TRY_EXTENSIONS: Partial<Record<LanguageName, string[]>> = {
  typescript: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '/index.ts', '/index.tsx', '/index.js', '/index.d.ts'],
  tsx: ['.tsx', '.ts', '.d.ts', '.js', '/index.tsx', '/index.ts', '/index.js'],
  javascript: ['.js', '.mjs', '.cjs', '.jsx', '.ts', '/index.js', '/index.mjs'],
  python: ['.py', '.pyi', '/__init__.py'],
  ruby: ['.rb'],
  php: ['.php'],
  rust: ['.rs', '/mod.rs', '/lib.rs'],
  java: ['.java'],
  csharp: ['.cs'],
  go: [],
  c: [''],
  cpp: [''],
};

/** Go test files (`x_test.go`). */
const GO_TEST = /_test\.go$/;

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function stripExt(p: string): string {
  const slash = p.lastIndexOf('/');
  const dot = p.lastIndexOf('.');
  return dot > slash + 0 && dot > 0 ? p.slice(0, dot) : p;
}

/** `paths` ordered by how much of their folder path they share with `fromPath` (nearest first; stable otherwise). */
function nearestFirst(paths: readonly string[], fromPath: string): string[] {
  const shared = (p: string) => {
    let i = 0;
    while (i < p.length && i < fromPath.length && p[i] === fromPath[i]) i++;
    return p.lastIndexOf('/', i);
  };
  return paths.map((p, i) => ({ p, i, s: shared(p) })).sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.p);
}

/** Resolutions kept per resolver (an entry is a key of ~100 characters and a few paths). */
const MAX_ANSWERS = 50_000;

/** Resolves import sources against a set of workspace paths. Rebuild (cheap) when the set changes a lot. */
export class ImportResolver {
  private readonly paths: Set<string>;
  /** Path without extension (and folder paths) by their last 1..3 segments. */
  private readonly byTail = new Map<string, string[]>();
  private readonly byDir = new Map<string, string[]>();
  /**
   * Answers by (file, language, source): the context engine resolves the same imports several times per request (the
   * cursor's file's, and every barrel's each time a namespace's files are expanded). Exact: the resolver never changes
   * after construction (a new index revision or package manifests make a new one).
   */
  private readonly answers = new Map<string, readonly string[]>();

  /** `manifests`: the workspace's package.json files, through which a package imported by its own name resolves. */
  constructor(paths: Iterable<string>, private readonly manifests: readonly PackageManifest[] = []) {
    this.paths = new Set(paths);
    for (const p of this.paths) {
      const dir = dirOf(p);
      const list = this.byDir.get(dir);
      if (list) list.push(p);
      else this.byDir.set(dir, [p]);
      const noExt = stripExt(p).split('/');
      for (let n = 1; n <= 3 && n <= noExt.length; n++) this.addTail(noExt.slice(-n).join('/'), p);
      // index.ts / __init__.py / mod.rs stand for their folder
      const base = noExt[noExt.length - 1];
      if (base === 'index' || base === '__init__' || base === 'mod' || base === 'lib') {
        const folder = noExt.slice(0, -1);
        for (let n = 1; n <= 3 && n <= folder.length; n++) this.addTail(folder.slice(-n).join('/'), p);
      }
      // with extension, for C includes ("buffer.h")
      const withExt = p.split('/');
      for (let n = 1; n <= 2 && n <= withExt.length; n++) this.addTail('=' + withExt.slice(-n).join('/'), p);
    }
  }

  private addTail(key: string, p: string): void {
    const list = this.byTail.get(key);
    if (list) {
      if (list.length < 16) list.push(p);
    } else this.byTail.set(key, [p]);
  }

  /** Files of the same folder (Go packages; a Go file that is no test does not see the package's `_test.go` files). */
  siblings(relPath: string): string[] {
    const test = GO_TEST.test(relPath) || !relPath.endsWith('.go');
    return (this.byDir.get(dirOf(relPath)) ?? []).filter((p) => p !== relPath && (test || !GO_TEST.test(p)));
  }

  /** Files an import source most likely names (best first, at most a few). */
  resolve(fromPath: string, language: LanguageName, source: string): string[] {
    const key = `${fromPath}\u0000${language}\u0000${source}`;
    let answer = this.answers.get(key);
    if (answer === undefined) {
      if (this.answers.size >= MAX_ANSWERS) this.answers.clear();
      this.answers.set(detach(key), (answer = this.resolveNow(fromPath, language, source)));
    }
    return [...answer]; // callers may change their copy
  }

  private resolveNow(fromPath: string, language: LanguageName, source: string): string[] {
    if (!source) return [];
    const exts = TRY_EXTENSIONS[language] ?? [];
    const fromDir = dirOf(fromPath);
    // Relative: ./x, ../x (JS/TS, Ruby require_relative, C "x.h"), Python leading dots.
    if (source.startsWith('.') && language !== 'python') {
      const base = normalize(`${fromDir}/${source}`);
      const hits = this.tryExtensions(base, exts);
      if (hits.length) return hits;
      return this.tryExtensions(stripExt(base), exts); // "./x.js" written for x.ts
    }
    if (language === 'python' && source.startsWith('.')) {
      const dots = source.match(/^\.+/)![0].length;
      let dir = fromDir;
      for (let i = 1; i < dots; i++) dir = dirOf(dir);
      const rest = source.slice(dots).replace(/\./g, '/');
      return this.tryExtensions(normalize(`${dir}/${rest}`), exts);
    }
    if (language === 'c' || language === 'cpp' || language === 'ruby' || language === 'php') {
      const local = this.tryExtensions(normalize(`${fromDir}/${source}`), exts);
      if (local.length) return local;
    }
    if (language === 'go') return this.resolveGo(fromPath, source);
    if (language === 'typescript' || language === 'tsx' || language === 'javascript') {
      const own = this.resolvePackage(source, exts);
      if (own.length) return own;
    }
    // Qualified names: try the longest tail of the path that names a file.
    const segs = source.replace(/\\/g, '/').replace(/::|\./g, '/').split('/').filter((s) => s && !/^(crate|self|super|\{.*)$/.test(s));
    if (language === 'c' || language === 'cpp') {
      return this.byTail.get('=' + source.split('/').slice(-2).join('/')) ?? this.byTail.get('=' + source.split('/').pop()) ?? [];
    }
    if (language === 'rust') {
      const local = this.resolveRustRelative(fromPath, source);
      if (local.length) return local;
    }
    for (let end = segs.length; end >= 1; end--) {
      for (let n = Math.min(3, end); n >= 1; n--) {
        const hit = this.byTail.get(segs.slice(end - n, end).join('/'));
        if (hit) return nearestFirst(hit, fromPath).slice(0, 4);
      }
    }
    return [];
  }

  /**
   * A Rust path relative to the current module (`self::inject::Inject`, `super::task::Id`): the module's folder is the
   * file's own (`mod.rs`, `lib.rs`, `main.rs`) or the folder named after it (`task.rs` -> `task/`); the longest prefix
   * of the path that is a module file there wins (the rest names items inside it).
   */
  private resolveRustRelative(fromPath: string, source: string): string[] {
    const parts = source.split('::').map((p) => p.trim());
    if (parts[0] !== 'self' && parts[0] !== 'super') return [];
    const file = fromPath.slice(fromPath.lastIndexOf('/') + 1);
    let dir = /^(mod|lib|main)\.rs$/.test(file) ? dirOf(fromPath) : stripExt(fromPath);
    let i = 0;
    for (; parts[i] === 'self' || parts[i] === 'super'; i++) if (parts[i] === 'super') dir = dirOf(dir);
    const rest = parts.slice(i).filter((p) => /^\w+$/.test(p));
    // `use super::*;` (a tests.rs next to its module): the module file itself.
    for (let k = rest.length; k >= 0; k--) {
      const hit = this.tryExtensions(normalize([dir, ...rest.slice(0, k)].join('/')), ['.rs', '/mod.rs']);
      if (hit.length) return hit;
    }
    return [];
  }

  /**
   * A Go import path names a whole directory: <gopath>/src/<path> or a vendor/<path> folder, or, in a module, the
   * directory whose path from the module root ends the import path. Only a path whose
   * first element is a domain (`github.com/…`, `golang.org/x/…`) may also match by its last elements (the workspace
   * may hold a part of the module): a standard-library path (`errors`, `go/types`) is never some folder that happens
   * to end the same way. Directories named testdata are not packages to the go tool, unless the importing file is in
   * the same testdata tree.
   */
  private resolveGo(fromPath: string, source: string): string[] {
    const remote = source.split('/')[0].includes('.');
    const testdata = /(^|\/)testdata\//.exec(fromPath);
    const fromTestdata = testdata ? fromPath.slice(0, testdata.index + testdata[0].length) : undefined;
    const dirs = [...this.byDir.keys()].filter((d) => !/(^|\/)testdata(\/|$)/.test(d) || (fromTestdata !== undefined && (d + '/').startsWith(fromTestdata)));
    // A package's `_test.go` files are compiled only into its own tests: an importer sees them only when it is one.
    const ownTests = GO_TEST.test(fromPath) ? dirOf(fromPath) : undefined;
    const filesOf = (ds: string[]) => ds.flatMap((d) => (this.byDir.get(d) ?? []).filter((f) => d === ownTests || !GO_TEST.test(f))).slice(0, 64);
    const whole = dirs.filter(
      (d) =>
        d === source ||
        d.endsWith('/src/' + source) ||
        d.endsWith('/vendor/' + source) ||
        (remote && (d.endsWith('/' + source) || (d.includes('/') && source.endsWith('/' + d)))),
    );
    if (whole.length) return filesOf(whole);
    if (!remote) return [];
    const segs = source.split('/');
    for (let n = Math.min(3, segs.length - 1); n >= 1; n--) {
      const tail = segs.slice(-n).join('/');
      const hit = dirs.filter((d) => d === tail || d.endsWith('/' + tail));
      if (hit.length) return filesOf(hit);
    }
    return [];
  }

  /**
   * A package of the workspace imported by its name (see packageManifests.ts): the first export target that is a
   * workspace file, or whose source is (`./index.js` or `./index.d.cts` -> `./index.ts`).
   */
  private resolvePackage(source: string, exts: string[]): string[] {
    for (const { manifest, targets } of packageTargets(this.manifests, source)) {
      for (const target of targets) {
        const base = normalize(`${manifest.dir}/${target}`);
        const hits = this.tryExtensions(base, exts);
        if (hits.length) return hits;
        const emitted = base.replace(OUTPUT_EXTENSIONS, '');
        if (emitted !== base) {
          const sources = this.tryExtensions(emitted, exts);
          if (sources.length) return sources;
        }
      }
    }
    return [];
  }

  private tryExtensions(base: string, exts: string[]): string[] {
    if (this.paths.has(base)) return [base];
    for (const e of exts) if (this.paths.has(base + e)) return [base + e];
    return [];
  }
}
