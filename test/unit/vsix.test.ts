/**
 * The packaged .vsix (written by `npm run package`, which `npm test` runs before the unit tests) holds the bundle,
 * the wasm files and the media, and no sources or node_modules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import yauzl from 'yauzl';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = path.join(root, `phi-coder-${pkg.version}.vsix`);

function entries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

test('the .vsix holds the bundle, wasm and media, and nothing else', async () => {
  assert.ok(fs.existsSync(vsix), `${path.basename(vsix)} is missing: run \`npm run package\` first (npm test does)`);
  const names = await entries(vsix);
  const has = (n: string) => names.includes(`extension/${n}`);
  assert.ok(has('package.json'), 'package.json');
  assert.ok(has('dist/extension.js'), 'extension bundle');
  assert.ok(has('dist/indexWorker.js'), 'index worker bundle');
  assert.ok(has('dist/engineWorker.js'), 'context engine worker bundle');
  assert.ok(has('dist/webview.js'), 'webview bundle');
  assert.ok(has('dist/wasm/tree-sitter.wasm'), 'tree-sitter runtime wasm');
  for (const g of ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'c_sharp', 'ruby', 'php']) {
    assert.ok(has(`dist/wasm/tree-sitter-${g}.wasm`), `grammar ${g}`);
  }
  assert.ok(has('media/phi.svg'), 'activity bar icon');
  assert.ok(names.some((n) => n.toLowerCase() === 'extension/readme.md'), 'README');
  assert.ok(has('LICENSE.txt') || has('LICENSE'), 'LICENSE');
  assert.ok(names.some((n) => /^extension\/dist\/queries\/typescript\/.+\.scm$/.test(n)), 'tree-sitter queries');
  const forbidden = names.filter((n) => /(^|\/)(node_modules|src|test|bench|scripts|\.cache|\.corpora)\//.test(n) || /\.(ts|map)$/.test(n) && !n.endsWith('.d.ts'));
  assert.deepEqual(forbidden, [], 'no sources, maps or node_modules');
  const size = fs.statSync(vsix).size;
  assert.ok(size < 10 * 1024 * 1024, `vsix is ${size} bytes`);
});
