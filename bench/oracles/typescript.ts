/**
 * The TypeScript/JavaScript oracle: the `typescript` package's language service over every TS/JS file of the
 * repository, asked for the definition at the identifier's position in the unmasked file (go-to-definition follows
 * imports to the declaration). Type parameters, parameters and locals are rejected by the kind the service reports;
 * definitions in lib.*.d.ts or outside the repository are builtins/dependencies.
 */
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { TS_EXTENSIONS, classifySites, type OracleQuery, type PreciseOracle, type RejectReason, type Verdict } from './types';


const REJECT_KIND = new Map<string, RejectReason>([
  [ts.ScriptElementKind.typeParameterElement, 'type-parameter'],
  [ts.ScriptElementKind.parameterElement, 'parameter'],
  [ts.ScriptElementKind.localVariableElement, 'local'],
  [ts.ScriptElementKind.localFunctionElement, 'local'],
  [ts.ScriptElementKind.localClassElement, 'local'],
  // A module path ('./internal/operators/map') resolves to the file itself: no definition to show.
  [ts.ScriptElementKind.moduleElement, 'module'],
  [ts.ScriptElementKind.scriptElement, 'module'],
]);

/**
 * Export conditions that lead to TypeScript sources (`"exports": { "./v4": { "<cond>": "./src/v4/index.ts", … } }`),
 * from the package.json files of the repository's folders and of the folders above it (a package importing itself by
 * its name resolves through its own package.json). With them, such an import resolves to the source the repository
 * holds, as the package's own build resolves it, not to built `.d.ts` files outside the corpus.
 */
export function sourceConditions(repo: string, indexed: ReadonlySet<string>): string[] {
  const dirs = new Set<string>();
  for (let d = path.resolve(repo); ; d = path.dirname(d)) {
    dirs.add(d);
    if (path.dirname(d) === d) break;
  }
  for (const f of indexed) dirs.add(path.join(repo, path.posix.dirname(f)));
  const conditions = new Set<string>();
  const visit = (v: unknown, under?: string) => {
    if (typeof v === 'string') {
      if (under && /\.(?:ts|tsx|mts|cts)$/.test(v) && !/\.d\.[mc]?ts$/.test(v)) conditions.add(under);
    } else if (Array.isArray(v)) for (const x of v) visit(x, under);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) visit(x, k.startsWith('.') ? under : k);
    }
  };
  for (const d of dirs) {
    let pkg: unknown;
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    visit((pkg as { exports?: unknown }).exports);
  }
  // Conditions TypeScript applies anyway need no listing.
  for (const c of ['default', 'types', 'import', 'require', 'node']) conditions.delete(c);
  return [...conditions].sort();
}

/**
 * The standard library's declarations (lib.*.d.ts), from the `typescript` package in node_modules. Not
 * `ts.getDefaultLibFilePath`: that looks beside the script running the compiler, so a build that bundles the compiler
 * into the benchmark's script (dist/bench/, before 1618dc3) found no lib there and the oracle ran without the standard
 * library: members reached through lib types (`Omit<T, K>`, `Promise<T>`) resolved to nothing, builtins were not
 * rejected as such, and the same seed drew another sample set (zod/src: 33 of 200 samples; recall 0.860 against 0.795
 * at one engine). Missing lib files are an error, never a silent change of the ground truth.
 */
export function typescriptLib(options: ts.CompilerOptions): string {
  let dir: string;
  try {
    // The package's main script is lib/typescript.js, beside the lib.*.d.ts files.
    dir = path.dirname(require.resolve('typescript'));
  } catch {
    dir = path.dirname(ts.getDefaultLibFilePath(options));
  }
  const file = path.join(dir, ts.getDefaultLibFileName(options));
  if (!fs.existsSync(file)) throw new Error(`typescript oracle: the standard library ${file} is missing`);
  return file;
}

/** A text that replaces a file's on disk (the benchmark's masked file), with its version. */
export interface Overlay {
  file: string;
  text: string;
  version: number;
}

/**
 * A language service over the repository's TS/JS files (the options the oracle resolves with); `overlay()`, when it
 * names a file, replaces that file's text (the masked file the user has, for the language-server hints' figure).
 */
export function repoLanguageService(repo: string, indexed: ReadonlySet<string>, overlay: () => Overlay | undefined = () => undefined): { service: ts.LanguageService; clear(): void } {
  const texts = new Map<string, string | undefined>();
  const roots = [...indexed].filter((f) => TS_EXTENSIONS.test(f)).map((f) => path.join(repo, f));
  const options: ts.CompilerOptions = {
    allowJs: true,
    checkJs: false,
    noEmit: true,
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    jsx: ts.JsxEmit.Preserve,
    esModuleInterop: true,
    skipLibCheck: true,
    types: [],
    customConditions: sourceConditions(repo, indexed),
  };
  const lib = typescriptLib(options);
  const read = (f: string) => {
    const o = overlay();
    if (o && o.file === f) return o.text;
    if (!texts.has(f)) {
      let t: string | undefined;
      try {
        t = fs.readFileSync(f, 'utf8');
      } catch {
        t = undefined;
      }
      texts.set(f, t);
    }
    return texts.get(f);
  };
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => roots,
    getScriptVersion: (f) => {
      const o = overlay();
      return o && o.file === f ? `overlay-${o.version}` : '1';
    },
    getScriptSnapshot: (f) => {
      const t = read(f);
      return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t);
    },
    getCurrentDirectory: () => repo,
    getCompilationSettings: () => options,
    getDefaultLibFileName: () => lib,
    fileExists: (f) => read(f) !== undefined,
    readFile: (f) => read(f),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  return { service: ts.createLanguageService(host, ts.createDocumentRegistry()), clear: () => texts.clear() };
}

export class TypeScriptOracle implements PreciseOracle {
  readonly name = 'typescript';
  private readonly service: ts.LanguageService;
  private readonly clearTexts: () => void;

  constructor(private readonly repo: string, private readonly indexed: ReadonlySet<string>) {
    ({ service: this.service, clear: this.clearTexts } = repoLanguageService(repo, indexed));
  }

  resolve(q: OracleQuery): Promise<Verdict> {
    const file = path.join(this.repo, q.file);
    const program = this.service.getProgram();
    const sf = program?.getSourceFile(file);
    if (!program || !sf) return Promise.resolve({ reject: 'error', detail: 'not in the program' });
    const pos = sf.getPositionOfLineAndCharacter(q.line, q.column);
    let defs: readonly ts.DefinitionInfo[] | undefined;
    try {
      defs = this.service.getDefinitionAtPosition(file, pos);
    } catch (err) {
      return Promise.resolve({ reject: 'error', detail: String(err) });
    }
    const sites = (defs ?? []).map((d) => {
      const target = program.getSourceFile(d.fileName);
      const line = target ? target.getLineAndCharacterOfPosition(d.textSpan.start).line : 0;
      const lib = program.isSourceFileDefaultLibrary(target!) || /[\\/]lib\.[^\\/]*\.d\.ts$/.test(d.fileName);
      return { file: d.fileName, line, kind: lib ? 'lib' : d.kind };
    });
    return Promise.resolve(classifySites(this.repo, q, sites, this.indexed, (k) => (k === 'lib' ? 'builtin' : REJECT_KIND.get(k ?? ''))));
  }

  close(): Promise<void> {
    this.service.dispose();
    this.clearTexts();
    return Promise.resolve();
  }
}
