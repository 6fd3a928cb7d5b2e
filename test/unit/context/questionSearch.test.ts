import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { QuestionSearch, isTestInputPath, isTestPath, packQuestionHits, sameModule } from '../../../src/core/context/questionSearch';
import { questionTerms, stem, termForms } from '../../../src/core/context/questionTerms';
import { countTokens } from '../../../src/core/tokens';
import { Vocabulary } from '../../../src/core/context/questionVocabulary';

async function indexOf(files: Record<string, string>): Promise<WorkspaceIndex> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-question-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  const index = new WorkspaceIndex(nodeWorkspaceFs(root), new ExclusionRules(), { workers: 0 });
  await index.build();
  return index;
}

const WORKSPACE = {
  'src/http/headers.py': [
    'def parse_headers(raw):',
    '    fields = {}',
    '    for line in raw.split("\\n"):',
    '        name, _, value = line.partition(":")',
    '        fields[name.strip().lower()] = value.strip()',
    '    return fields',
    '',
    'def format_date(ts):',
    '    return ts.isoformat()',
    '',
  ].join('\n'),
  'src/auth/session.py': [
    'from http.headers import parse_headers',
    '',
    'class SessionStore:',
    '    def load_session(self, cookie):',
    '        return self.sessions.get(cookie)',
    '',
    'def refresh_token(session):',
    '    headers = parse_headers(session.raw)',
    '    return headers.get("authorization")',
    '',
  ].join('\n'),
  'src/util/retry.ts': [
    'export function retryWithBackoff(fn: () => Promise<void>, attempts: number): Promise<void> {',
    '  return fn().catch((err) => (attempts > 0 ? retryWithBackoff(fn, attempts - 1) : Promise.reject(err)));',
    '}',
    '',
  ].join('\n'),
  'test/test_headers.py': ['def test_parse_headers():', '    assert parse_headers("a: b") == {"a": "b"}', ''].join('\n'),
};

test('question terms: sub-words of identifiers, an exact term for what is written as code, no stop words, stems', () => {
  const terms = new Map(questionTerms('Where are the HTTP headers parsed by `parseHeaders`?').map((t) => [t.term, t.weight]));
  assert.ok(terms.has('=parseheaders'), 'an identifier written as code matches a definition of that exact name');
  assert.ok(terms.has('pars') && terms.has('header') && terms.has('http'));
  for (const stop of ['where', 'are', 'the', 'by']) assert.ok(!terms.has(stop), stop);
  assert.ok((terms.get('=parseheaders') ?? 0) > (terms.get('http') ?? 0));
  // A plain English word is not an identifier: no exact-name term for it.
  assert.ok(!questionTerms('where are headers parsed').some((t) => t.term.startsWith('=')));
  assert.equal(stem('parsing'), stem('parsed'));
  assert.equal(stem('parses'.replace(/s$/, '')), stem('parse'));
});

test('a question finds the definition it describes through names, paths and code, not the cursor', async () => {
  const index = await indexOf(WORKSPACE);
  const search = new QuestionSearch(index);
  const hits = await search.search('where are HTTP headers parsed into fields?');
  assert.equal(hits[0].ref.tag.name, 'parse_headers');
  assert.equal(hits[0].ref.file.path, 'src/http/headers.py');
  assert.ok(hits[0].matched.includes('header'), hits[0].matched.join(','));
  // The test file's copy of the name ranks below the implementation (the question is not about tests).
  const testHit = hits.findIndex((h) => h.ref.file.path.startsWith('test/'));
  assert.ok(testHit === -1 || testHit > 0);

  const retry = await search.search('how do we retry with exponential backoff?');
  assert.equal(retry[0].ref.tag.name, 'retryWithBackoff');
  assert.deepEqual(await search.search('the of and'), [], 'a question of stop words finds nothing');
});

test('the best hits are expanded through the definitions they use and the rest of their file', async () => {
  const index = await indexOf(WORKSPACE);
  const hits = await new QuestionSearch(index).search('how is the authorization token refreshed?');
  assert.equal(hits[0].ref.tag.name, 'refresh_token');
  const used = hits.find((h) => h.usedBy === 'refresh_token' && h.ref.tag.name === 'parse_headers');
  assert.ok(used, 'parse_headers, called by refresh_token, comes along');
  const beside = hits.find((h) => h.ref.tag.name === 'SessionStore');
  assert.equal(beside?.near, 'refresh_token', 'the rest of the best hit\'s file comes along, though the question does not match it');
  assert.ok(beside.score < hits[0].score);
});

test("a test's input (testdata/, fixtures/) ranks below the code, as tests do, unless the question is about tests", async () => {
  const body = ['def parse_headers(raw):', '    return dict(line.split(":") for line in raw)', ''].join('\n');
  const index = await indexOf({ 'pkg/testdata/headers.py': body, 'pkg/headers.py': body });
  const search = new QuestionSearch(index);
  const score = (hits: { ref: { file: { path: string } }; score: number }[], p: string) => hits.find((h) => h.ref.file.path === p)?.score ?? 0;
  const plain = await search.search('where are headers parsed?');
  assert.equal(plain[0].ref.file.path, 'pkg/headers.py');
  assert.ok(score(plain, 'pkg/testdata/headers.py') < score(plain, 'pkg/headers.py') * 0.7, JSON.stringify(plain.map((h) => [h.ref.file.path, h.score])));
  const aboutTests = await search.search('which test parses headers?');
  assert.ok(score(aboutTests, 'pkg/testdata/headers.py') > score(aboutTests, 'pkg/headers.py') * 0.8, 'not demoted when the question is about tests');
});

test('an edited file is searched as it is now', async () => {
  const index = await indexOf(WORKSPACE);
  const search = new QuestionSearch(index);
  assert.equal((await search.search('retry with backoff'))[0].ref.tag.name, 'retryWithBackoff');
  await index.updateText('src/util/retry.ts', 'export function pollUntilReady(): void {}\n');
  const after = await search.search('retry with backoff');
  assert.ok(!after.some((h) => h.ref.tag.name === 'retryWithBackoff'));
});

test('packing: exact token count within the budget, and what was found says why', async () => {
  const index = await indexOf(WORKSPACE);
  const hits = await new QuestionSearch(index).search('where are HTTP headers parsed into fields?');
  const packed = packQuestionHits(hits, 60);
  assert.ok(packed.tokens <= 60);
  assert.equal(countTokens(packed.text), packed.tokens);
  assert.equal(packed.found[0].symbol, 'parse_headers');
  assert.match(packed.found[0].why, /matches .*header/);
  assert.ok(packed.found[0].score > 0);
});

test('copies of one module are one definition; test paths are recognised', () => {
  assert.ok(sameModule('src/v4/core/util.ts', 'v4/core/util.js'));
  assert.ok(sameModule('lib/number.d.ts', 'es6/number.js'));
  assert.ok(!sameModule('packages/a/src/index.ts', 'packages/b/src/index.ts'));
  assert.ok(!sameModule('src/util.ts', 'src/utils.ts'));
  for (const p of ['test/a.py', 'src/__tests__/x.ts', 'pkg/a_test.go', 'a.spec.ts', 'tests/test_x.py']) assert.ok(isTestPath(p), p);
  for (const p of ['src/contest.ts', 'src/attestation/x.py', 'latest/a.go']) assert.ok(!isTestPath(p), p);
  for (const p of ['go/ssa/testdata/src/a.go', 'tests/fixtures/app.py', 'src/__mocks__/fs.ts']) assert.ok(isTestInputPath(p), p);
  for (const p of ['src/testdata.go', 'lib/fixture.rb', 'src/mocks.ts']) assert.ok(!isTestInputPath(p), p);
});

test('abbreviations in code: a question word matches a code term that is its prefix (half the word at least), at a discount', async () => {
  const forms = termForms(questionTerms('which parentheses are stripped'));
  const paren = forms.find((f) => f.term === 'parenthes')!;
  assert.ok(paren.forms.some((f) => f.term === 'paren' && f.factor < 1), JSON.stringify(paren.forms));
  assert.ok(!paren.forms.some((f) => f.term === 'par'), 'a prefix shorter than half the word is not a form of it');
  assert.ok(!questionTerms('`unparen`').some((q) => q.term.startsWith('=') && termForms([q])[0].forms.length > 1), 'an exact name has no prefixes');

  const index = await indexOf({
    'lib/ast.go': [
      'package ast',
      '',
      'func Unparen(e Expr) Expr {',
      '\tfor {',
      '\t\tp, ok := e.(*ParenExpr)',
      '\t\tif !ok {',
      '\t\t\treturn e',
      '\t\t}',
      '\t\te = p.X',
      '\t}',
      '}',
      '',
      'func Walk(e Expr) {',
      '\treturn',
      '}',
      '',
    ].join('\n'),
  });
  const hits = await new QuestionSearch(index).search('Where is the code that returns an expression with its enclosing parentheses stripped?');
  assert.equal(hits[0]?.ref.tag.name, 'Unparen', JSON.stringify(hits.map((h) => [h.ref.tag.name, h.matched])));
  // Without the abbreviation both functions match only "return", once each.
  assert.ok(hits[0].matched.includes('paren'), JSON.stringify(hits[0].matched));
});

test('stems: a doubled consonant, -ize are the same word as the bare verb, in questions and code alike', () => {
  assert.equal(stem('stripped'), stem('strip'));
  assert.equal(stem('running'), 'run');
  assert.equal(stem('normalized'), stem('normal'));
  assert.equal(stem('parameterized'), stem('parameter'));
  assert.equal(stem('added'), 'add', 'a short word keeps its doubled letter');
  assert.equal(stem('called'), 'call');
});

test('compounds: a question word matches code that glues it to another word of the code (`test data` -> testdata)', () => {
  const v = new Vocabulary();
  v.count(['testdata', 'test', 'data', 'reset', 'set', 're', 'intset', 'int', 'callsit', 'call', 'sit', 'pag', 'web'], 1);
  const c = v.compounds(['test', 'set', 'call', 'webpag']);
  assert.ok(c.get('test')?.includes('testdata'));
  assert.ok(c.get('set')?.includes('intset'));
  assert.ok(!c.get('set')?.includes('reset'), 'a two-letter prefix is no word of a compound');
  assert.ok(c.get('call')?.includes('callsit'));
  assert.deepEqual(c.get('webpag'), ['pag'], 'a compound word of the question matches the code term it ends with');
  v.count(['testdata'], -1);
  assert.ok(!v.compounds(['test']).get('test'), 'a file re-read without the compound takes it out');
});

test('a question finds code through a compound, and forgets it when the file changes', async () => {
  const index = await indexOf({
    'pkg/dirs.go': 'package pkg\n\nconst testdataDirName = "testdata"\n\nfunc walk(root string) error { return nil }\n',
    'pkg/names.go': 'package pkg\n\nfunc fileName(p string) string { return p }\n',
    // \`test\` and \`data\` are words of this code too (what makes \`testdata\` a compound of them).
    ...Object.fromEntries(['open', 'close', 'read', 'write', 'seek', 'flush'].map((w) => [`pkg/${w}.go`, `package pkg\n\nfunc ${w}File(data []byte, test bool) int { return 0 }\n`])),
  });
  const search = new QuestionSearch(index);
  const hits = await search.search('which name do the folders of test data have?');
  assert.equal(hits[0].ref.tag.name, 'testdataDirName', hits.map((h) => `${h.ref.tag.name} ${h.score}`).join('; '));
  assert.ok(hits[0].matched.includes('testdata'), hits[0].matched.join(','));
  await index.updateText('pkg/dirs.go', 'package pkg\n\nfunc walk(root string) error { return nil }\n');
  const after = await search.search('which name do the folders of test data have?');
  assert.ok(!after.some((h) => h.matched.includes('testdata')));
});
