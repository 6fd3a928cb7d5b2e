import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRulePath, parseFrontMatter, parseRuleFile, RULE_FILE_GLOB, RULE_PLACES, rulesFor } from '../../../src/core/rules/rules';
import { compactRules, renderRules, rulesAsComment, COMPLETION_RULES_TOKENS } from '../../../src/core/rules/render';
import { countTokens } from '../../../src/core/tokens';

test('discovery: the rules files other tools use, and Phi Coder\'s own', () => {
  for (const p of ['AGENTS.md', 'pkg/api/AGENTS.md', '.github/copilot-instructions.md', '.github/instructions/py.instructions.md', '.phicoder/rules/style.md']) {
    assert.ok(isRulePath(p), p);
  }
  for (const p of ['README.md', '.github/instructions/py.md', '.phicoder/rules/sub/x.md', 'docs/copilot-instructions.md', '.phicoder/rules/x.txt']) {
    assert.ok(!isRulePath(p), p);
  }
});

test('front matter: quoted, comma-separated, inline and block lists; the body without it', () => {
  const { data, body } = parseFrontMatter('---\napplyTo: "**/*.ts,**/*.{js,jsx}"\nfeatures: [chat, completions]\ntags:\n  - a\n  - b\n---\nUse tabs.\n');
  assert.deepEqual(data.applyTo, ['**/*.ts', '**/*.{js,jsx}']);
  assert.deepEqual(data.features, ['chat', 'completions']);
  assert.deepEqual(data.tags, ['a', 'b']);
  assert.equal(body, 'Use tabs.\n');
  assert.deepEqual(parseFrontMatter('No front matter.').data, {});
  assert.equal(parseFrontMatter('---\r\napplyTo: "*.py"\r\n---\r\nx').data.applyTo?.[0], '*.py');
});

test('applyTo globs: bare patterns match at any depth, "**" means every file, nested AGENTS.md covers its directory', () => {
  const py = parseRuleFile('.github/instructions/py.instructions.md', '---\napplyTo: "*.py"\n---\nUse type hints.');
  const all = parseRuleFile('.phicoder/rules/all.md', '---\napplyTo: "**"\n---\nBe brief.');
  const nested = parseRuleFile('services/api/AGENTS.md', 'Return errors, never throw.');
  const rules = [py, all, nested];
  const names = (path: string) => rulesFor(rules, { folder: '', path }, 'chat').map((r) => r.path);
  assert.deepEqual(names('src/deep/mod.py'), ['services/api/AGENTS.md', '.github/instructions/py.instructions.md', '.phicoder/rules/all.md'].filter((p) => p !== 'services/api/AGENTS.md'));
  assert.deepEqual(names('services/api/handler.ts'), ['services/api/AGENTS.md', '.phicoder/rules/all.md']);
  assert.equal(all.applyTo, undefined);
  assert.deepEqual(nested.applyTo, ['services/api/**']);
  // Without a file (e.g. chat with no editor) only rules without applyTo apply.
  assert.deepEqual(rulesFor(rules, undefined, 'chat').map((r) => r.path), ['.phicoder/rules/all.md']);
});

test('features: a rule limited to some features stays out of the others; folders keep their rules to themselves', () => {
  const r = parseRuleFile('.phicoder/rules/c.md', '---\nfeatures: completions, EDIT, bogus\n---\nPrefer const.', 'web');
  assert.deepEqual(r.features, ['completions', 'edit']);
  assert.equal(rulesFor([r], { folder: 'web', path: 'a.ts' }, 'chat').length, 0);
  assert.equal(rulesFor([r], { folder: 'web', path: 'a.ts' }, 'completions').length, 1);
  assert.equal(rulesFor([r], { folder: 'api', path: 'a.ts' }, 'completions').length, 0, 'another folder');
  const user = parseRuleFile('user rules', 'I like short names.');
  assert.equal(rulesFor([user], { folder: 'api', path: 'a.ts' }, 'chat').length, 1, 'user rules apply everywhere');
  assert.equal(rulesFor([r, user], { folder: 'web', path: 'a.ts' }, 'completions').at(-1), user, 'user rules come last');
});

test('budget: rules fit in exact tokens; the one that does not is cut at a line and marked, later ones dropped and reported', () => {
  const long = parseRuleFile('AGENTS.md', Array.from({ length: 80 }, (_, i) => `- rule number ${i}: keep functions small and name things well`).join('\n'));
  const short = parseRuleFile('.phicoder/rules/s.md', 'Use tabs.');
  const whole = renderRules([short, long], 10_000);
  assert.equal(whole.tokens, countTokens(whole.text));
  assert.ok(whole.sources.every((s) => !s.cut && !s.dropped));
  for (const budget of [40, 200, 500]) {
    const r = renderRules([short, long, parseRuleFile('.phicoder/rules/z.md', 'Last.')], budget);
    assert.ok(r.tokens <= budget, `${r.tokens} <= ${budget}`);
    assert.ok(r.text.startsWith('From .phicoder/rules/s.md:\nUse tabs.'));
    const agents = r.sources.find((s) => s.path === 'AGENTS.md')!;
    assert.ok(agents.cut || agents.dropped);
    if (agents.cut) assert.match(r.text, /rules cut to fit/);
    assert.ok(r.sources.find((s) => s.path === '.phicoder/rules/z.md')!.dropped);
  }
});

test('completions: the compact form is capped, cut at a line, stable, and renders as a leading comment', () => {
  const rules = [parseRuleFile('AGENTS.md', '# Style\n\n' + Array.from({ length: 200 }, (_, i) => `- convention ${i}: prefer early returns`).join('\n'))];
  const a = compactRules(rules);
  assert.ok(countTokens(a) <= COMPLETION_RULES_TOKENS, `${countTokens(a)} tokens`);
  assert.ok(countTokens(a) > COMPLETION_RULES_TOKENS - 30, 'uses most of the cap');
  assert.ok(a.startsWith('Style\n- convention 0'));
  assert.ok(/prefer early returns$/.test(a), 'cut at a line');
  assert.equal(compactRules(rules), a, 'same rules, same bytes');
  assert.equal(rulesAsComment('Use tabs.\nNo any.', '#'), '# Project rules:\n# Use tabs.\n# No any.\n');
  assert.equal(rulesAsComment('', '//'), '');
});

test('locations: the file-search glob, the fixed places and the path test describe the same files', () => {
  // Every fixed place and a file in every rules folder is a rules path, and the glob names each of them.
  for (const file of RULE_PLACES.files) {
    assert.ok(isRulePath(file), file);
    assert.ok(RULE_FILE_GLOB.includes(file), file);
  }
  for (const { path, suffix } of RULE_PLACES.folders) {
    assert.ok(isRulePath(`${path}/style${suffix}`), path);
    assert.ok(!isRulePath(`${path}/deeper/style${suffix}`), `${path}: one level only`);
    assert.ok(RULE_FILE_GLOB.includes(`${path}/*${suffix}`), path);
  }
  assert.ok(isRulePath('packages/app/AGENTS.md'), 'nested AGENTS.md');
  assert.ok(!isRulePath('packages/app/.github/copilot-instructions.md'), 'only at the folder root');
  assert.ok(!isRulePath('.github/copilot-instructionsXmd'), 'dots are literal');
});
