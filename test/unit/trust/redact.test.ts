import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRedaction, redactSecretsCounted as redactSecrets, REDACTED } from '../../../src/core/trust/secrets';

// Shaped like real credentials, assembled at run time so no scanner mistakes this file for a leak.
const gh = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
const aws = 'AKIA' + 'IOSFODNN7EXAMPLE';
const stripe = 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc';
const jwt = 'eyJhbGciOiJIUzI1NiJ9.' + 'eyJzdWIiOiIxMjM0NTY3ODkwIn0.' + 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

test('removes token shapes, key blocks, URL and header credentials, secret assignments', () => {
  const input = [
    `git push https://deploy:${'s3cr3tPass'}@github.com/acme/app.git`,
    `export GITHUB_TOKEN=${gh}`,
    `aws configure set aws_access_key_id ${aws}`,
    `curl -H "Authorization: Bearer ${jwt}" https://api.example.com`,
    `const client = new Stripe('${stripe}');`,
    `db.connect({ password: "hunter2!x" })`,
    'DATABASE_PASSWORD=correcthorse npm start',
    '-----BEGIN RSA PRIVATE KEY-----',
    'MIIEowIBAAKCAQEA7V9',
    '-----END RSA PRIVATE KEY-----',
    'npm ERR! 404 Not Found - GET https://registry.npmjs.org/nope',
  ].join('\n');
  const { text, found } = redactSecrets(input);
  for (const secret of ['s3cr3tPass', gh, aws, jwt, stripe, 'hunter2!x', 'correcthorse', 'MIIEowIBAAKCAQEA7V9']) {
    assert.ok(!text.includes(secret), `${secret.slice(0, 12)}… was removed`);
  }
  assert.match(text, /https:\/\/deploy:\[REDACTED\]@github\.com\/acme\/app\.git/);
  assert.match(text, /export GITHUB_TOKEN=\[REDACTED\]/);
  assert.match(text, /Authorization: Bearer \[REDACTED\]/);
  assert.match(text, /password: "\[REDACTED\]"/);
  assert.match(text, /DATABASE_PASSWORD=\[REDACTED\] npm start/);
  assert.match(text, /npm ERR! 404 Not Found - GET https:\/\/registry\.npmjs\.org\/nope/, 'ordinary output is kept');
  assert.equal(text.split(REDACTED).length - 1, 8);
  assert.match(describeRedaction(found), /1 GitHub token\b/);
});

test('leaves ordinary code alone', () => {
  const code = [
    'const token = nextToken(lexer);',
    'function login(password: string): boolean {',
    '  return check(password, this.secretHash);',
    '}',
    'const TOKEN_KINDS = ["a", "b"];',
    'if (apiKey == null) throw new Error("missing api key");',
  ].join('\n');
  const { text, found } = redactSecrets(code);
  assert.equal(text, code);
  assert.deepEqual(found, {});
});
