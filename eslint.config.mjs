// Lint: the layering rule that keeps src/core runnable under plain node, plus typescript-eslint's recommended set.
import tseslint from 'typescript-eslint';

const FS_PROMISES = 'src/core runs in worker threads: use src/core/workerSafeFs.ts (callback-based fs), not fs.promises.';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'test/fixtures/**', 'test/e2e/fixtures/**', 'node_modules/**', '.cache/**', '.corpora/**', 'test-results/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'vscode', allowTypeImports: true, message: 'Only src/vscode/ and src/extension.ts may import vscode at runtime (type-only imports are fine).' }] }],
    },
  },
  {
    // The context engine runs in a worker the host may terminate at any moment; node aborts the whole process when a
    // promise-based fs call starts in a terminating worker (src/core/workerSafeFs.ts says why and what to use instead).
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', allowTypeImports: true, message: 'Only src/vscode/ and src/extension.ts may import vscode at runtime (type-only imports are fine).' },
          { name: 'fs/promises', message: FS_PROMISES },
          { name: 'node:fs/promises', message: FS_PROMISES },
        ],
      }],
      'no-restricted-properties': ['error', { object: 'fs', property: 'promises', message: FS_PROMISES }],
    },
  },
  {
    files: ['src/vscode/**/*.ts', 'src/extension.ts', 'test/e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
);
