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
