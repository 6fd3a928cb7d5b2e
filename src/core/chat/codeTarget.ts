/**
 * Where a code block from an answer belongs: the name of the first thing it declares (to find that declaration in the
 * target file and replace only it), and the VS Code language id for a fence tag (for "new file").
 */

const DECLARATION_PATTERNS: RegExp[] = [
  /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/m, // JS/TS function
  /^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/m, // JS/TS/Java/C#/Python class
  /^\s*(?:export\s+)?(?:interface|type|enum)\s+([A-Za-z_$][\w$]*)/m, // TS types
  /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s*)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*(?::[^=]+)?=>/m, // arrow fn
  /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)/m, // Python
  /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+([A-Za-z_]\w*)/m, // Rust
  /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:struct|enum|trait)\s+([A-Za-z_]\w*)/m, // Rust types
  /^\s*func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)/m, // Go
  /^\s*type\s+([A-Za-z_]\w*)\s+(?:struct|interface)/m, // Go types
  /^\s*(?:(?:public|private|protected|internal|static|final|override|virtual|async|abstract|synchronized)\s+)+[\w<>[\],.?\s]+?\s+([A-Za-z_]\w*)\s*\(/m, // Java/C# method
  /^\s*(?:[A-Za-z_][\w:<>,*&\s]*?)\s+\**([A-Za-z_]\w*)\s*\([^;]*\)\s*(?:const\s*)?\{/m, // C/C++ function definition
];

/** The name the code block declares first, or undefined (a fragment of statements). */
export function declaredName(code: string): string | undefined {
  let best: { name: string; at: number } | undefined;
  for (const re of DECLARATION_PATTERNS) {
    const m = re.exec(code);
    if (m && (!best || m.index < best.at)) best = { name: m[1], at: m.index };
  }
  return best?.name;
}

const LANGUAGE_IDS: Record<string, string> = {
  ts: 'typescript', typescript: 'typescript', tsx: 'typescriptreact', js: 'javascript', javascript: 'javascript', jsx: 'javascriptreact',
  mjs: 'javascript', cjs: 'javascript', py: 'python', python: 'python', go: 'go', golang: 'go', rs: 'rust', rust: 'rust',
  java: 'java', c: 'c', h: 'c', cpp: 'cpp', 'c++': 'cpp', cc: 'cpp', hpp: 'cpp', cs: 'csharp', csharp: 'csharp', 'c#': 'csharp',
  rb: 'ruby', ruby: 'ruby', php: 'php', sh: 'shellscript', bash: 'shellscript', shell: 'shellscript', zsh: 'shellscript',
  json: 'json', yaml: 'yaml', yml: 'yaml', html: 'html', xml: 'xml', css: 'css', scss: 'scss', sql: 'sql', md: 'markdown',
  markdown: 'markdown', diff: 'diff', toml: 'toml', dockerfile: 'dockerfile', kotlin: 'kotlin', kt: 'kotlin', swift: 'swift',
};

/** VS Code language id for a fence tag; 'plaintext' when unknown. */
export function languageIdForFence(tag: string): string {
  return LANGUAGE_IDS[tag.trim().toLowerCase()] ?? 'plaintext';
}
