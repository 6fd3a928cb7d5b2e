/**
 * Per-language tree-sitter queries, read from `.scm` files: queries/<lang>/tags.scm (definitions) and imports.scm.
 * The folder sits next to this module: src/core/context/queries under tsx (tests, benchmarks), dist/queries in the
 * bundled extension (esbuild.js copies it). Compiled once per language and cached.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Language, Query } from 'web-tree-sitter';
import { LANGUAGES, type LanguageName } from './languages';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Query: QueryClass } = require('web-tree-sitter') as typeof import('web-tree-sitter');

export type QueryKind = 'tags' | 'imports';

let queryDir = path.join(__dirname, 'queries');
const cache = new Map<string, Query | null>();

/** Override where the .scm files are (the extension passes `<extensionPath>/dist/queries`). */
export function setQueryDirectory(dir: string): void {
  queryDir = dir;
  cache.clear();
}

export function queryDirectory(): string {
  return queryDir;
}

/** The compiled query of `kind` for `name`, or undefined when the language has none (or it fails to compile). */
export function getQuery(name: LanguageName, language: Language, kind: QueryKind): Query | undefined {
  const key = `${name}/${kind}`;
  let q = cache.get(key);
  if (q === undefined) {
    const file = path.join(queryDir, LANGUAGES[name].queries, `${kind}.scm`);
    q = fs.existsSync(file) ? new QueryClass(language, fs.readFileSync(file, 'utf8')) : null;
    cache.set(key, q);
  }
  return q ?? undefined;
}
