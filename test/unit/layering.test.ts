/** The layering rule (no runtime `vscode` import outside src/vscode and src/extension.ts) really fires. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { ESLint } from 'eslint';

const root = path.join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function messages(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

test('a runtime vscode import in src/core is a lint error', async () => {
  const found = await messages("import * as vscode from 'vscode';\nexport const x = vscode.version;\n", 'src/core/example.ts');
  assert.ok(found.some((m) => m.includes('no-restricted-imports') && m.includes('src/vscode')), found.join('\n'));
});

test('a type-only vscode import in src/core is allowed', async () => {
  const found = await messages("import type * as vscode from 'vscode';\nexport type X = vscode.Uri;\n", 'src/core/example.ts');
  assert.deepEqual(found.filter((m) => m.includes('no-restricted-imports')), []);
});

test('src/vscode may import vscode at runtime', async () => {
  const found = await messages("import * as vscode from 'vscode';\nexport const x = vscode.version;\n", 'src/vscode/example.ts');
  assert.deepEqual(found.filter((m) => m.includes('no-restricted-imports')), []);
});

test('fs.promises in src/core is a lint error, as an import or as a property', async () => {
  const asProperty = await messages("import * as fs from 'fs';\nexport const p = fs.promises.readFile('x');\n", 'src/core/context/example.ts');
  assert.ok(asProperty.some((m) => m.includes('no-restricted-properties') && m.includes('workerSafeFs')), asProperty.join('\n'));
  const asImport = await messages("import { readFile } from 'node:fs/promises';\nexport const p = readFile('x');\n", 'src/core/context/example.ts');
  assert.ok(asImport.some((m) => m.includes('no-restricted-imports') && m.includes('workerSafeFs')), asImport.join('\n'));
  const vscodeStill = await messages("import * as vscode from 'vscode';\nexport const x = vscode.version;\n", 'src/core/example.ts');
  assert.ok(vscodeStill.some((m) => m.includes('no-restricted-imports') && m.includes('src/vscode')), vscodeStill.join('\n'));
});

test('src/vscode may use fs.promises (it runs on the extension host, which is not terminated)', async () => {
  const found = await messages("import * as fs from 'fs';\nexport const p = fs.promises.readFile('x');\n", 'src/vscode/example.ts');
  assert.deepEqual(found.filter((m) => m.includes('no-restricted')), []);
});
