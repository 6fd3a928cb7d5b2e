/**
 * The index keeps no inline secret, checked once per file (fileIndexer's withoutSecrets: all items joined, then one by
 * one only when the joined text holds one), and a file's used names travel and are stored as one string of lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identifiersUsed, indexFileText, usedNames, withoutSecrets } from '../../../src/core/context/fileIndexer';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { redactSecrets } from '../../../src/core/trust/secrets';
import { rng } from '../../../bench/rng';

const gh = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
const aws = 'AKIA' + 'IOSFODNN7EXAMPLE';
const stripe = 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc';
const npm = 'npm_' + 'a'.repeat(36);
/** Items a file's names, signatures and snippets may be: ordinary ones, and ones holding each kind of inline secret. */
const SECRET_ITEMS = [
  gh, aws, stripe, npm,
  `password = "hunter22"`,
  `def connect(api_key='abcd1234efgh'):`,
  `API_TOKEN=abcdefgh1234`,
  `headers = {"Authorization": "Bearer abc.def.ghi123"}`,
  `url = "https://user:pa55word@example.com/x"`,
  `-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----`,
];
const PLAIN_ITEMS = ['shared', 'token', 'password', 'apiKey', 'ghp_short', 'sk_live_mode', 'AKIA', 'def f(x):', 'class Store:\n    def save(self): ...', `token = next()`, 'x'];

test('withoutSecrets keeps exactly the items the one-by-one redaction leaves unchanged', () => {
  const random = rng(13);
  let withSecret = 0;
  for (let round = 0; round < 400; round++) {
    const n = 1 + Math.floor(random() * 30);
    const items = Array.from({ length: n }, () => {
      const pool = random() < 0.1 ? SECRET_ITEMS : PLAIN_ITEMS;
      return pool[Math.floor(random() * pool.length)];
    });
    const expected = items.filter((item) => redactSecrets(item) === item);
    if (expected.length < items.length) withSecret++;
    assert.deepEqual(withoutSecrets(items), expected, JSON.stringify(items));
  }
  assert.ok(withSecret > 50, `rounds with a secret: ${withSecret}`);
  for (const item of SECRET_ITEMS) assert.notEqual(redactSecrets(item), item, `fixture holds a secret: ${item}`);
  for (const item of PLAIN_ITEMS) assert.equal(redactSecrets(item), item, `fixture holds none: ${item}`);
});

test('an indexed file keeps no secret in its names or snippets, and every other name, one per line', async () => {
  const py = `import os\n\nSTRIPE = "${stripe}"\n\ndef connect(host, password="hunter22"):\n    return os.path.join(host, ${gh})\n\nclass Store:\n    def save(self, path):\n        return path\n`;
  const result = await indexFileText('python', py, { maxTags: 100, parseTimeoutMs: 2000 });
  const names = usedNames(result.uses);
  assert.ok(!names.includes(gh) && !names.includes(stripe), 'the keys, words of the code, are not kept');
  assert.deepEqual(names, identifiersUsed('python', py).filter((n) => n !== gh && n !== stripe));
  const connect = result.tags.find((t) => t.name === 'connect')!;
  assert.ok(connect.signature.includes('[REDACTED]') && !connect.signature.includes('hunter22'), connect.signature);
  assert.ok(!connect.snippet.includes('hunter22') && !connect.snippet.includes(gh), connect.snippet);
  assert.ok(result.tags.some((t) => t.name === 'save'), 'the other definitions are there');
  const plain = await indexFileText('python', 'def fn(arg):\n    return arg\n', { maxTags: 100, parseTimeoutMs: 2000 });
  assert.deepEqual(usedNames(plain.uses), ['fn', 'arg']);
  assert.deepEqual(usedNames((await indexFileText('python', '# only a comment\n', { maxTags: 100, parseTimeoutMs: 2000 })).uses), []);
});

test('an index saved with names as an array (format 5) is not restored: the next build makes it again', () => {
  const idx = new WorkspaceIndex(nodeWorkspaceFs('/nonexistent'), new ExclusionRules(), { workers: 0 });
  const old = JSON.stringify({ version: 5, files: [{ path: 'a.ts', language: 'typescript', mtimeMs: 1, size: 1, tags: [], imports: [], uses: ['shared'] }] });
  assert.equal(idx.restore(old), 0);
  // Format 6 lacks the TypeScript members named by strings and those two namespaces down (format 7): made again too.
  assert.equal(idx.restore(JSON.stringify({ version: 6, files: [{ path: 'a.ts', language: 'typescript', mtimeMs: 1, size: 1, tags: [], imports: [], uses: 'shared' }] })), 0);
  const current = JSON.stringify({ version: 7, files: [{ path: 'a.ts', language: 'typescript', mtimeMs: 1, size: 1, tags: [], imports: [], uses: 'shared\nother' }] });
  assert.equal(idx.restore(current), 1);
  assert.equal(idx.usage('shared'), 1);
  assert.equal(idx.usage('other'), 1);
  const empty = new WorkspaceIndex(nodeWorkspaceFs('/nonexistent'), new ExclusionRules(), { workers: 0 });
  empty.restore(JSON.stringify({ version: 7, files: [{ path: 'b.ts', language: 'typescript', mtimeMs: 1, size: 1, tags: [], imports: [], uses: '' }] }));
  assert.equal(empty.usage(''), 0, 'a file naming nothing counts no empty name');
});
