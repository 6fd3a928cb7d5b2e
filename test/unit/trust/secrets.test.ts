// Issue 14, finding 6: secret-file names (directory-qualified too) and keys written inline in ordinary source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretPath, redactSecrets, REDACTED } from '../../../src/core/trust/secrets';

test('the credential files the audit found missing are secret-looking, at any depth and outside the workspace', () => {
  for (const p of [
    '.git/config', 'sub/.git/config', '/home/me/.kube/config', 'kubeconfig', 'ops/prod.kubeconfig', '/home/me/.docker/config.json',
    'C:\\Users\\me\\.docker\\config.json', '/home/me/.config/gh/hosts.yml', 'AuthKey_ABC123.p8', 'putty.ppk', '.yarnrc.yml',
    '/home/me/.m2/settings.xml', 'android/gradle.properties', '.s3cfg', '.boto', '.my.cnf', '.vault-token', 'wp-config.php',
    'appsettings.Production.json', '.terraformrc', 'firebase-adminsdk-x1y2.json', 'app/google-services.json', '/home/me/.aws/config',
  ]) {
    assert.equal(isSecretPath(p), true, p);
  }
  // Ordinary files with the same base names elsewhere are not.
  for (const p of ['src/config', 'config.json', 'docs/settings.xml', 'appsettings.json', 'src/kube/config.ts', 'git/config', 'hosts.yml']) {
    assert.equal(isSecretPath(p), false, p);
  }
});

test('inline keys are redacted; look-alike identifiers and line numbers are kept', () => {
  const gh = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
  const stripe = 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc';
  const aws = 'AKIA' + 'IOSFODNN7EXAMPLE';
  const pem = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAx1', 'abcdEFGH==', '-----END RSA PRIVATE KEY-----'].join('\n');
  const text = [`const token = "${gh}";`, `stripe.key = '${stripe}'`, `aws_access_key_id = ${aws}`, pem, 'const sk_live_mode = AKIA;'].join('\n');
  const out = redactSecrets(text);
  for (const secret of [gh, stripe, aws, 'MIIEowIBAAKCAQEAx1', 'abcdEFGH==']) assert.ok(!out.includes(secret), secret);
  assert.equal(out.split('\n').length, text.split('\n').length, 'line structure kept');
  assert.ok(out.includes(`const token = "${REDACTED}";`));
  assert.ok(out.includes('-----BEGIN RSA PRIVATE KEY-----') && out.includes('-----END RSA PRIVATE KEY-----'));
  assert.ok(out.includes('const sk_live_mode = AKIA;'), 'identifiers that merely look similar stay');
  const plain = 'function add(a, b) { return a + b; }';
  assert.equal(redactSecrets(plain), plain);
});
