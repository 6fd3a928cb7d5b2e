/**
 * The languages the context engine parses: VS Code language ids and file extensions mapped to a tree-sitter grammar
 * (a tree-sitter-wasms file stem) and to the query folder under ./queries. esbuild.js ships exactly these grammars
 * (its GRAMMARS list must name every `grammar` below).
 */

export type LanguageName =
  | 'typescript'
  | 'tsx'
  | 'javascript'
  | 'python'
  | 'go'
  | 'rust'
  | 'java'
  | 'c'
  | 'cpp'
  | 'csharp'
  | 'ruby'
  | 'php';

export interface LanguageSpec {
  name: LanguageName;
  /** tree-sitter-wasms stem: dist/wasm/tree-sitter-<grammar>.wasm */
  grammar: string;
  /** Folder under queries/ holding this language's .scm files. */
  queries: string;
  /** How a one-line comment starts (for file path headers in prompts). */
  lineComment: string;
  /** Closing text for block-comment-only languages; empty otherwise. */
  commentEnd?: string;
  extensions: readonly string[];
}

export const LANGUAGES: Readonly<Record<LanguageName, LanguageSpec>> = {
  typescript: { name: 'typescript', grammar: 'typescript', queries: 'typescript', lineComment: '//', extensions: ['.ts', '.mts', '.cts'] },
  tsx: { name: 'tsx', grammar: 'tsx', queries: 'typescript', lineComment: '//', extensions: ['.tsx'] },
  javascript: { name: 'javascript', grammar: 'javascript', queries: 'javascript', lineComment: '//', extensions: ['.js', '.mjs', '.cjs', '.jsx'] },
  python: { name: 'python', grammar: 'python', queries: 'python', lineComment: '#', extensions: ['.py', '.pyi'] },
  go: { name: 'go', grammar: 'go', queries: 'go', lineComment: '//', extensions: ['.go'] },
  rust: { name: 'rust', grammar: 'rust', queries: 'rust', lineComment: '//', extensions: ['.rs'] },
  java: { name: 'java', grammar: 'java', queries: 'java', lineComment: '//', extensions: ['.java'] },
  c: { name: 'c', grammar: 'c', queries: 'c', lineComment: '//', extensions: ['.c'] },
  cpp: { name: 'cpp', grammar: 'cpp', queries: 'cpp', lineComment: '//', extensions: ['.cc', '.cpp', '.cxx', '.c++', '.hpp', '.hh', '.hxx', '.h', '.inl'] },
  csharp: { name: 'csharp', grammar: 'c_sharp', queries: 'csharp', lineComment: '//', extensions: ['.cs'] },
  ruby: { name: 'ruby', grammar: 'ruby', queries: 'ruby', lineComment: '#', extensions: ['.rb', '.rake'] },
  php: { name: 'php', grammar: 'php', queries: 'php', lineComment: '//', extensions: ['.php'] },
};

/** VS Code language ids that differ from our names. */
const VSCODE_IDS: Record<string, LanguageName> = {
  typescriptreact: 'tsx',
  javascriptreact: 'javascript',
  'c#': 'csharp',
  cuda: 'cpp',
};

const BY_EXTENSION = new Map<string, LanguageName>();
for (const spec of Object.values(LANGUAGES)) for (const ext of spec.extensions) BY_EXTENSION.set(ext, spec.name);

/** The grammar for a VS Code language id (or one of our own names); undefined when we have none. */
export function languageForId(languageId: string): LanguageName | undefined {
  if (Object.prototype.hasOwnProperty.call(LANGUAGES, languageId)) return languageId as LanguageName;
  return VSCODE_IDS[languageId];
}

/** The grammar for a file path, by extension (case-insensitive); undefined when we have none. */
export function languageForPath(filePath: string): LanguageName | undefined {
  const slash = Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\'));
  const base = filePath.slice(slash + 1).toLowerCase();
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return BY_EXTENSION.get(base.slice(dot));
}

/** The one-line comment prefix used for path headers; `//` for languages we do not know. */
export function commentPrefix(languageId: string): string {
  const name = languageForId(languageId) ?? languageForPath(languageId);
  if (name) return LANGUAGES[name].lineComment;
  if (['shellscript', 'yaml', 'toml', 'perl', 'r', 'makefile', 'dockerfile', 'elixir', 'coffeescript', 'powershell'].includes(languageId)) return '#';
  if (['sql', 'lua', 'haskell'].includes(languageId)) return '--';
  return '//';
}
