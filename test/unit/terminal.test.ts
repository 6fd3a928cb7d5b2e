import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanTerminalOutput, OutputTail, tailWithinTokens } from '../../src/core/terminal/output';
import { describeRun, explainQuestion, fixMessages, parseFixAnswer, sanitizeCommandLine, terminalBlock, type TerminalRun } from '../../src/core/terminal/prompts';
import { renderBlock } from '../../src/core/chat/prompt';
import { parseMentions } from '../../src/core/chat/mentions';
import { countTokens } from '../../src/core/tokens';

const token = 'ghp_' + 'Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8';

test('cleans colours, cursor moves, shell-integration marks, progress overwrites and backspaces', () => {
  const raw = '\x1b]633;C\x07\x1b[31merror\x1b[0m: not found\r\n50%\r100%\r\nab\bc\n\x1b]0;title\x1b\\done\x1b[2K\x1b[1G';
  assert.equal(cleanTerminalOutput(raw), 'error: not found\n100%\nac\ndone');
});

test('keeps a bounded tail of streamed output', () => {
  const tail = new OutputTail(10);
  for (const c of ['aaaa', 'bbbb', 'cccc', 'dddd']) tail.append(c);
  assert.deepEqual(tail.text(), { text: 'bbccccdddd', truncated: true });
  const small = new OutputTail(100);
  small.append('x');
  assert.deepEqual(small.text(), { text: 'x', truncated: false });
});

test('the output tail fits its token budget on line boundaries and says what was left out', () => {
  const text = Array.from({ length: 500 }, (_, i) => `line ${i}: something happened here`).join('\n');
  const out = tailWithinTokens(text, 200);
  assert.ok(countTokens(out.text) <= 200, `${countTokens(out.text)} tokens`);
  assert.match(out.text, /^\[… \d+ earlier lines not shown\]\n/);
  assert.match(out.text, /line 499: something happened here$/);
  assert.equal(out.text.split('\n').length - 1 + out.omittedLines, 500);
});

const run: TerminalRun = {
  commandLine: `GITHUB_TOKEN=${token} npm publish`,
  exitCode: 1,
  cwd: '/work/app',
  output: `\x1b[31mnpm ERR!\x1b[0m code E403\nnpm ERR! 403 Forbidden - PUT https://registry.npmjs.org/app - token ${token} lacks publish rights\n`,
  truncated: false,
  shell: 'bash',
};

test('the chat block and the fix prompt carry the command, exit code and output, with secrets redacted', () => {
  const block = terminalBlock(run);
  assert.equal(block.kind, 'terminal');
  assert.match(block.label, /^@terminal: GITHUB_TOKEN=\[REDACTED\] npm publish$/);
  const rendered = renderBlock(block);
  assert.match(rendered, /^A command run in the terminal[^\n]*\n\$ GITHUB_TOKEN=\[REDACTED\] npm publish\n\(exit code 1, in \/work\/app\)\nOutput \(last lines\):\n```text\nnpm ERR! code E403\n/);
  assert.ok(!rendered.includes(token));
  assert.equal(describeRun(run).redacted, 2);
  const fix = fixMessages(run, 'Linux 6.1');
  assert.match(fix[1].content, /Shell: bash on Linux 6\.1, working directory \/work\/app\.\nThis command failed with exit code 1:/);
  assert.ok(!fix[1].content.includes(token));
  assert.equal(explainQuestion(run), 'Why did this terminal command fail, and how do I fix it?');
  assert.match(explainQuestion({ ...run, exitCode: 0 }), /^Explain what this terminal command did/);
});

test('a fix answer becomes one command line; never a newline or an escape sequence', () => {
  assert.deepEqual(parseFixAnswer('```sh\n$ npm publish --access public\n```\nAdded --access public.'), { command: 'npm publish --access public', note: 'Added --access public.' });
  assert.deepEqual(parseFixAnswer('git push -u origin main'), { command: 'git push -u origin main', note: '' });
  assert.equal(parseFixAnswer('```bash\n# switch branch first\ngit switch main\ngit pull\n```').command, 'git switch main', 'the first command line only');
  assert.equal(parseFixAnswer('NO_FIX: the test itself fails.').command, undefined);
  assert.match(parseFixAnswer('NO_FIX: the test itself fails.').note, /the test itself fails/);
  assert.equal(parseFixAnswer('```sh\n\n```').command, undefined);
  assert.equal(sanitizeCommandLine('rm -rf build\rreboot'), 'rm -rf build', 'a carriage return would run the line: cut there');
  assert.equal(sanitizeCommandLine('ls\x1b[201~; echo pwned'), 'ls [201~; echo pwned', 'no escape sequence reaches the terminal');
  assert.equal(sanitizeCommandLine('echo\u2028rm -rf /'), 'echo');
  assert.equal(sanitizeCommandLine('x'.repeat(5000)), undefined);
});

test('@terminal is a mention', () => {
  assert.deepEqual(parseMentions('why did @terminal fail? not @terminals').map((m) => m.kind), ['terminal']);
});
