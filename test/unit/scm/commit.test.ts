import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUnifiedDiff, sanitizeDiff } from '../../../src/core/scm/diff';
import { learnCommitStyle, styleInstructions } from '../../../src/core/scm/commitStyle';
import { cleanCommitMessage, commitMessages, diffBudget, streamingCommitMessage } from '../../../src/core/scm/commitPrompt';
import { diffForPrompt, changedDefinitions } from '../../../src/core/scm/diffSummary';
import { countTokens } from '../../../src/core/tokens';

const DIFF = `diff --git a/src/math.ts b/src/math.ts
index 1111111..2222222 100644
--- a/src/math.ts
+++ b/src/math.ts
@@ -1,3 +1,7 @@ export function add
 export function add(a: number, b: number): number {
-  return b + a;
+  return a + b;
 }
+
+export function sub(a: number, b: number): number {
+  return a - b;
+}
diff --git a/notes/old.txt b/notes/old.txt
deleted file mode 100644
index 3333333..0000000
--- a/notes/old.txt
+++ /dev/null
@@ -1,2 +0,0 @@
-first
-second
diff --git a/img.png b/img.png
new file mode 100644
index 0000000..4444444
Binary files /dev/null and b/img.png differ
diff --git a/a.txt b/b.txt
similarity index 90%
rename from a.txt
rename to b.txt
`;

test('parses files, kinds, counts and the changed line numbers of each side', () => {
  const files = parseUnifiedDiff(DIFF);
  assert.deepEqual(files.map((f) => [f.path, f.kind, f.added, f.removed]), [
    ['src/math.ts', 'modified', 5, 1],
    ['notes/old.txt', 'deleted', 0, 2],
    ['img.png', 'binary', 0, 0],
    ['b.txt', 'renamed', 0, 0],
  ]);
  const [math] = files;
  assert.equal(math.hunks.length, 1);
  assert.deepEqual(math.hunks[0].addedLines, [2, 4, 5, 6, 7]);
  assert.deepEqual(math.hunks[0].removedLines, [2]);
  assert.equal(files[3].oldPath, 'a.txt');
  assert.match(math.hunks[0].text, /^@@ -1,3 \+1,7 @@ export function add\n export function add[\s\S]*\+}$/);
});

test('learns conventional commits: types, scopes, case, full stop, length', () => {
  const style = learnCommitStyle([
    'feat(parser): support decorators',
    'fix(cli): exit 1 on a bad flag',
    'Merge branch \'main\' of x',
    'fix: handle empty input',
    'docs: explain the cache',
    'feat(parser)!: drop node 16',
    'chore: bump deps',
  ]);
  assert.equal(style.sample, 6, 'merge subjects left out');
  assert.equal(style.conventional, true);
  assert.deepEqual(style.types.slice(0, 2), ['feat', 'fix']);
  assert.deepEqual(style.scopes, ['parser', 'cli']);
  assert.equal(style.capitalized, false);
  assert.equal(style.trailingPeriod, false);
  const text = styleInstructions(style).join('\n');
  assert.match(text, /Conventional Commits[\s\S]*types used here: feat, fix/);
  assert.match(text, /lower-case/);
});

test('learns a plain style with ticket prefixes and full stops', () => {
  const style = learnCommitStyle(['ABC-12: Add the export button.', 'ABC-9: Fix the crash on save.', 'Tidy the README.', 'ABC-7 Make tests faster.']);
  assert.equal(style.conventional, false);
  assert.equal(style.ticketPrefix, 'ABC-');
  assert.equal(style.capitalized, true);
  assert.equal(style.trailingPeriod, true);
  const text = styleInstructions(style).join('\n');
  assert.match(text, /Do not use a "type:"/);
  assert.match(text, /ticket reference \(ABC-…\)[^\n]*never invent/);
  assert.match(text, /End the subject with a full stop/);
  assert.equal(learnCommitStyle([]).sample, 0);
});

test('the prompt carries the style, the recent subjects and the diff within the window', () => {
  const style = learnCommitStyle(['fix: a', 'feat: b']);
  const budget = diffBudget(16384, { style });
  assert.equal(budget, 6000, 'capped in a big window');
  assert.ok(diffBudget(2048, { style }) < 2048 - 400);
  const msgs = commitMessages({ style, diff: 'DIFF-TEXT', branch: 'topic' });
  assert.equal(msgs[0].role, 'system');
  assert.match(msgs[1].content, /- fix: a\n- feat: b[\s\S]*Branch: topic[\s\S]*Staged changes:\nDIFF-TEXT$/);
});

test('cleans fences, preambles, quotes and blank lines, also mid-stream', () => {
  assert.equal(cleanCommitMessage('Here is the commit message:\n```\nfeat: add sub\n\n\n\nAdds sub().  \n```\nExtra chatter'), 'feat: add sub\n\nAdds sub().');
  assert.equal(cleanCommitMessage('"Fix the add order"'), 'Fix the add order');
  assert.equal(cleanCommitMessage('Subject: Fix the add order\nBody line'), 'Fix the add order\n\nBody line');
  assert.equal(cleanCommitMessage('``'), '');
  assert.equal(cleanCommitMessage('```'), '');
  assert.equal(cleanCommitMessage('```text\nfeat: par'), 'feat: par');
});

test('while streaming, only whole lines are shown, so chatter and fences never reach the input box', () => {
  const answer = 'Here is the commit message:\n```\nfeat(math): add a sub helper\n\nAdds sub() beside add().\n```\nHope this helps!';
  const shown = new Set<string>();
  for (let i = 1; i <= answer.length; i++) shown.add(streamingCommitMessage(answer.slice(0, i)));
  assert.deepEqual([...shown], ['', 'feat(math): add a sub helper', 'feat(math): add a sub helper\n\nAdds sub() beside add().']);
  assert.equal(streamingCommitMessage('fix: partial'), '', 'a line still being written is held back');
  assert.equal(streamingCommitMessage('fix: partial\nmore'), 'fix: partial');
});

test('a diff that fits is sent whole; one that does not is summarised with tree-sitter, whole hunks only', async () => {
  const files = parseUnifiedDiff(DIFF);
  const fits = await diffForPrompt(files, 10_000, async () => assert.fail('no texts needed when it fits'));
  assert.equal(fits.summarised, false);
  assert.equal(fits.hunksShown, fits.hunksTotal);

  // A big change: many functions edited in one TypeScript file, plus a small Python change.
  const oldTs = Array.from({ length: 60 }, (_, i) => `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`).join('\n');
  const newTs = oldTs.replace(/return x \+ (\d+);/g, (_, n) => (Number(n) % 2 === 0 ? `return x * ${n};` : `return x + ${n};`)) + '\nexport class Added {\n  run(): void {}\n}\n';
  const tsDiff = makeDiff('src/big.ts', oldTs, newTs);
  const pyOld = 'class Shape:\n    def area(self):\n        return 0\n\ndef helper():\n    return 1\n';
  const pyNew = 'class Shape:\n    def area(self):\n        return 1\n';
  const pyDiff = makeDiff('py/shape.py', pyOld, pyNew);
  const big = parseUnifiedDiff(tsDiff + pyDiff);
  const texts: Record<string, { oldText: string; newText: string }> = { 'src/big.ts': { oldText: oldTs, newText: newTs }, 'py/shape.py': { oldText: pyOld, newText: pyNew } };
  const budget = 400;
  const out = await diffForPrompt(big, budget, async (f) => texts[f.path]);
  assert.equal(out.summarised, true);
  assert.ok(out.tokens <= budget, `${out.tokens} tokens > ${budget}`);
  assert.equal(out.tokens, countTokens(out.text));
  assert.match(out.text, /src\/big\.ts: modified, \+\d+ -\d+; added class Added, changed function f0, changed function f2/);
  assert.doesNotMatch(out.text, /changed function f1\b/, 'untouched functions are not named');
  assert.doesNotMatch(out.text, /Added\.run/, 'members of a definition added whole are not listed again');
  assert.match(out.text, /changed function f20 and \d+ more definitions\n/, 'long lists are capped');
  assert.match(out.text, /py\/shape\.py: modified, \+1 -4; changed (function|method) Shape\.area, removed function helper/);
  assert.ok(out.hunksShown > 0 && out.hunksShown < out.hunksTotal);
  // Every hunk shown is whole: its header's line counts match its lines.
  for (const file of parseUnifiedDiff(out.text.slice(out.text.indexOf('diff --git')))) {
    for (const h of file.hunks) {
      const body = h.text.split('\n').slice(1);
      assert.equal(body.filter((l) => !l.startsWith('+')).length, h.oldLines, 'old-side lines of a shown hunk');
      assert.equal(body.filter((l) => !l.startsWith('-')).length, h.newLines, 'new-side lines of a shown hunk');
    }
  }
});

test('without a grammar, git\'s hunk context names the place; binary files are listed', async () => {
  const files = parseUnifiedDiff(DIFF);
  const out = await diffForPrompt(files, 120, async () => ({}));
  assert.match(out.text, /notes\/old\.txt: deleted, \+0 -2/);
  assert.match(out.text, /img\.png: binary/);
  assert.match(out.text, /src\/math\.ts: modified, \+5 -1; near: export function add/);
  assert.equal(await changedDefinitions(files[1], { oldText: 'first\nsecond\n' }), undefined);
});

/** A unified diff of two texts with one hunk per changed region (3 lines of context), as `git diff` writes it. */
function makeDiff(path: string, oldText: string, newText: string): string {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  // LCS table on lines (small inputs).
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { op: ' ' | '-' | '+'; text: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ op: ' ', text: a[i++], ai: i, bi: ++j });
    else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) ops.push({ op: '+', text: b[j++], ai: i, bi: j });
    else ops.push({ op: '-', text: a[i++], ai: i, bi: j });
  }
  const out = [`diff --git a/${path} b/${path}`, 'index 1111111..2222222 100644', `--- a/${path}`, `+++ b/${path}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k].op === ' ') {
      k++;
      continue;
    }
    let start = Math.max(0, k - 3);
    let end = k;
    while (end < ops.length) {
      if (ops[end].op !== ' ') {
        end++;
        continue;
      }
      let run = 0;
      while (end + run < ops.length && ops[end + run].op === ' ') run++;
      if (end + run >= ops.length || run > 6) {
        end = Math.min(ops.length, end + 3);
        break;
      }
      end += run;
    }
    const slice = ops.slice(start, end);
    const oldStart = slice[0].op === '+' ? slice[0].ai : slice[0].ai;
    const oldCount = slice.filter((o) => o.op !== '+').length;
    const newCount = slice.filter((o) => o.op !== '-').length;
    const firstOld = slice.find((o) => o.op !== '+');
    const firstNew = slice.find((o) => o.op !== '-');
    out.push(`@@ -${firstOld ? firstOld.ai : oldStart},${oldCount} +${firstNew ? firstNew.bi : 0},${newCount} @@`);
    for (const o of slice) out.push(`${o.op}${o.text}`);
    k = end;
    start = end;
  }
  return `${out.join('\n')}\n`;
}

test('the commit box keeps no ghost text: scminput stays among the languages without completions', async () => {
  const { SETTING_DEFAULTS } = await import('../../../src/core/config');
  assert.ok((SETTING_DEFAULTS['completions.disabledLanguages'] as readonly string[]).includes('scminput'));
});

test('a staged file the gate keeps out of prompts is named without content and never read; other hunks lose their inline secrets', async () => {
  const key = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
  const diff = [
    'diff --git a/.env b/.env', 'new file mode 100644', 'index 0000000..1111111', '--- /dev/null', '+++ b/.env', '@@ -0,0 +1 @@', '+API_KEY=do-not-send-this',
    'diff --git a/secret/plan.ts b/secret/plan.ts', 'index 1111111..2222222 100644', '--- a/secret/plan.ts', '+++ b/secret/plan.ts', '@@ -1 +1 @@', '-export const v = 1;', '+export function hiddenPlan(): number { return 2; }',
    'diff --git a/src/math.ts b/src/math.ts', 'index 1111111..2222222 100644', '--- a/src/math.ts', '+++ b/src/math.ts', '@@ -1 +1 @@', '-const token = "old-value";', `+const client = connect("${key}");`,
    '',
  ].join('\n');
  const asked: string[] = [];
  const gate = (p: string) => {
    asked.push(p);
    return p === '.env' ? 'a secret-looking file' : p.startsWith('secret/') ? 'an excluded file' : undefined;
  };
  const { files, secretFiles, redacted } = sanitizeDiff(parseUnifiedDiff(diff), gate);
  assert.deepEqual(secretFiles, ['.env', 'secret/plan.ts']);
  assert.deepEqual(asked, ['.env', 'secret/plan.ts', 'src/math.ts'], 'every file is asked once');
  assert.equal(redacted, 2, 'the token and the quoted secret');
  const read: string[] = [];
  const out = await diffForPrompt(files, 10, async (f) => {
    read.push(f.path);
    return {};
  });
  assert.deepEqual(read, ['src/math.ts'], 'only a file with hunks is read for its definitions');
  for (const text of [out.text, files.map((f) => f.header + f.hunks.map((h) => h.text).join('')).join('\n')]) {
    assert.ok(!text.includes('do-not-send-this') && !text.includes('hiddenPlan') && !text.includes(key), text);
  }
  assert.match(files[0].header, /\(a secret-looking file: content not shown\)$/);
});
