/**
 * What the VS Code Marketplace and Open VSX need from the manifest and the files around it, checked offline: the
 * fields vsce and ovsx validate, an icon they accept, a CHANGELOG for this version, README images that exist and are
 * not SVG, and the remote-window guidance. `npm run package` (scripts/package.js) fails on any vsce warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** Width and height of a PNG from its IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG', `${file} is a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test('the manifest has what both registries ask for', async () => {
  for (const field of ['name', 'displayName', 'description', 'version', 'publisher', 'license', 'icon', 'repository', 'engines']) {
    assert.ok(pkg[field], `package.json has ${field}`);
  }
  assert.equal(pkg.pricing, 'Free');
  assert.ok(pkg.qna === 'marketplace' || pkg.qna === false || /^https:\/\//.test(String(pkg.qna)), 'qna is set');
  assert.deepEqual(pkg.extensionKind, ['workspace'], 'runs where the files are, in remote windows too');
  // The Marketplace's categories (as vsce 4 lists them) and its limit of 30 keywords.
  const categories = ['AI', 'Azure', 'Chat', 'Data Science', 'Debuggers', 'Education', 'Extension Packs', 'Formatters', 'Keymaps', 'Language Packs', 'Linters', 'Machine Learning', 'Notebooks', 'Other', 'Programming Languages', 'SCM Providers', 'Snippets', 'Testing', 'Themes', 'Visualization'];
  for (const c of pkg.categories) assert.ok(categories.includes(c), `category ${c}`);
  assert.ok(pkg.keywords.length > 0 && pkg.keywords.length <= 30, `${pkg.keywords.length} keywords`);
  assert.equal(new Set(pkg.keywords).size, pkg.keywords.length, 'no duplicate keywords');
  // Open VSX: ovsx's own checks (required fields, a licence) as its publish command runs them.
  const ovsx = (await import('ovsx/lib/util')) as unknown as { validateManifest(m: unknown): void };
  const license = (await import('ovsx/lib/check-license')) as unknown as { isLicenseOk(dir: string, m?: unknown): Promise<boolean> };
  ovsx.validateManifest(pkg);
  assert.equal(await license.isLicenseOk(root, pkg), true, 'ovsx finds a licence');
});

test('an icon the Marketplace accepts (PNG, at least 128x128, square) and a CHANGELOG for this version', () => {
  assert.match(pkg.icon, /\.png$/);
  const { width, height } = pngSize(path.join(root, pkg.icon));
  assert.ok(width >= 128 && width === height, `icon is ${width}x${height}`);
  const changelog = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
  assert.match(changelog, new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm'));
  const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8');
  assert.match(ignore, /^!CHANGELOG\.md$/m, 'the CHANGELOG ships');
});

test('README images (if any) exist, are PNG (the Marketplace refuses SVG), and the remote-window recipe is there', () => {
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  for (const src of images) {
    assert.ok(!/^http:/.test(src), `${src}: https or relative only`);
    assert.ok(!/\.svg$/i.test(src), `${src}: no SVG`);
    if (!/^https:/.test(src)) pngSize(path.join(root, src));
  }
  assert.match(readme, /## Remote windows/);
  assert.match(readme, /ssh -R 11434:localhost:11434/);
});
