/**
 * Compiled tree-sitter wasm modules (the runtime and the grammars), compiled once per process and shared.
 *
 * Why: V8 compiles a wasm module quickly and poorly first (Liftoff), then recompiles its hot functions in the
 * background (TurboFan). A WebAssembly.Module posted to a worker thread shares its compiled code, tiered-up functions
 * included. Measured (BENCHMARKS.md, fourth pass): a cold index build is not faster (its workers tier up the same
 * functions at the same time), but the extension host's own parses after a build run the workers' optimised code
 * at once (first parse of a 5,000-line file 58 ms instead of 113-155, then 29 ms instead of 37-44).
 *
 * How: web-tree-sitter's emscripten loader accepts a compiled module in two places. The runtime through emscripten's
 * documented `instantiateWasm` hook; a grammar through the loader's `loadWebAssemblyModule`, which takes a
 * WebAssembly.Module as well as bytes (web-tree-sitter 0.25's Language.load only lets bytes through, so
 * `linkGrammar` swaps the module in for the bytes it is given). When a later web-tree-sitter changes either path,
 * loading falls back to plain bytes: slower, never broken (test/unit/context/wasmModules.test.ts tells which).
 */
import * as safeFs from '../workerSafeFs';

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** The compiled module of a wasm file: compiled on first use, then shared. */
export function compiledWasm(file: string): Promise<WebAssembly.Module> {
  let m = compiled.get(file);
  if (!m) {
    m = safeFs.readFile(file).then((bytes) => WebAssembly.compile(bytes));
    // A failed compile (missing file) is not cached: the next load tries again and reports its own error.
    m.catch(() => compiled.delete(file));
    compiled.set(file, m);
  }
  return m;
}

/** Use modules another thread compiled (an index worker receives its parent's), keyed by the same file paths. */
export function adoptCompiledWasm(modules: Readonly<Record<string, WebAssembly.Module>>): void {
  for (const [file, module] of Object.entries(modules)) if (!compiled.has(file)) compiled.set(file, Promise.resolve(module));
}

/** The emscripten module options (and, once initialised, the emscripten Module itself: emscripten fills this object). */
export interface EmscriptenModule {
  locateFile(): string;
  instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void): object;
  loadWebAssemblyModule?: (binary: Uint8Array | WebAssembly.Module, ...rest: unknown[]) => unknown;
}

/** Bytes handed to Language.load that stand for a compiled module (see linkGrammar). */
const standIns = new WeakMap<Uint8Array, WebAssembly.Module>();

/** Options for Parser.init that instantiate the runtime from its shared compiled module. */
export function runtimeOptions(runtimeFile: string, runtime: WebAssembly.Module): EmscriptenModule {
  return {
    // The emscripten loader would otherwise look for the runtime next to the bundled script (dist/extension.js).
    locateFile: () => runtimeFile,
    instantiateWasm(imports, done) {
      void WebAssembly.instantiate(runtime, imports).then((instance) => done(instance, runtime));
      return {};
    },
  };
}

/**
 * After Parser.init(options): let the loader take a compiled grammar in place of its bytes. Returns false when this
 * web-tree-sitter has no such loader on the module object (grammars then load from bytes).
 */
export function acceptCompiledGrammars(emscripten: EmscriptenModule): boolean {
  const load = emscripten.loadWebAssemblyModule;
  if (typeof load !== 'function') return false;
  emscripten.loadWebAssemblyModule = (binary, ...rest) => load(binary instanceof Uint8Array ? (standIns.get(binary) ?? binary) : binary, ...rest);
  return true;
}

/** Bytes for Language.load that the loader (see acceptCompiledGrammars) replaces with `module`. */
export function standInFor(module: WebAssembly.Module): Uint8Array {
  const bytes = new Uint8Array(0);
  standIns.set(bytes, module);
  return bytes;
}
