/**
 * Asynchronous fs calls that a terminated worker thread cannot crash: node's callback API, promisified.
 *
 * Why not `fs.promises`: each promise-based call creates its request object in C++ (node's `FSReqPromise::New`),
 * which returns null when V8 refuses the allocation because the isolate is being terminated, and the binding then
 * aborts the whole process on `CHECK_NOT_NULL(req_wrap_async)` (seen in CI: `Assertion failed: (req_wrap_async) !=
 * nullptr` in `node::fs::RealPath`, the engine worker terminated while reading package manifests). The callback API
 * creates its request object in JavaScript before entering C++, so a terminating isolate stops in JavaScript instead.
 * Everything the context engine runs (it may run in a worker that the host terminates at any moment) reads through
 * these, never through `fs.promises` (a lint rule in eslint.config.mjs, tested in test/unit/layering.test.ts).
 */
import * as fs from 'fs';
import { promisify } from 'util';

/**
 * The system's realpath(3), one call per path (`fs.realpath.native`), as trust/paths.ts resolves the workspace root; not
 * node's JavaScript resolution, which lstat's every component of the path: the index checks each file's folder this
 * way on every stat and read, and stat-ing sympy's 1,473 files took 0.5-1.2 s of CPU that way, 0.11-0.16 s natively.
 */
export const realpath: (p: string) => Promise<string> = promisify(fs.realpath.native);
export const lstat: (p: string) => Promise<fs.Stats> = promisify(fs.lstat);
/** A whole file (by path or open descriptor) as bytes. */
export function readFile(p: string | number): Promise<Buffer<ArrayBuffer>> {
  return new Promise((resolve, reject) => fs.readFile(p, (err, data) => (err ? reject(err) : resolve(data as Buffer<ArrayBuffer>))));
}
export const open: (p: string, flags: number) => Promise<number> = promisify(fs.open) as (p: string, flags: number) => Promise<number>;
export const fstat: (fd: number) => Promise<fs.Stats> = promisify(fs.fstat) as (fd: number) => Promise<fs.Stats>;
export const close: (fd: number) => Promise<void> = promisify(fs.close);

/** A folder's entries with their types (`readdir` with `withFileTypes`). */
export function readDirEntries(p: string): Promise<fs.Dirent[]> {
  return new Promise((resolve, reject) => fs.readdir(p, { withFileTypes: true }, (err, entries) => (err ? reject(err) : resolve(entries))));
}
