/** Line-comment syntax per VS Code language id, for path headers in FIM prompts. */
const HASH = new Set(['python', 'ruby', 'shellscript', 'perl', 'r', 'yaml', 'toml', 'dockerfile', 'makefile', 'powershell', 'elixir', 'julia', 'coffeescript', 'nim']);
const DASH = new Set(['sql', 'lua', 'haskell', 'elm', 'ada']);
const SEMI = new Set(['clojure', 'lisp', 'scheme']);
const PERCENT = new Set(['erlang', 'latex', 'tex', 'matlab']);

export function lineComment(languageId: string): string {
  if (HASH.has(languageId)) return '#';
  if (DASH.has(languageId)) return '--';
  if (SEMI.has(languageId)) return ';;';
  if (PERCENT.has(languageId)) return '%';
  return '//';
}
