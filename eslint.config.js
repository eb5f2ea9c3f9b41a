import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**', '**/build/**', '**/dist/**', '**/.svelte-kit/**', 'cdk.out/**', '.data/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Data from PurelyMail, IMAP servers and imapsync is attacker-controlled: never render it as HTML.
      'svelte/no-at-html-tags': 'error',
      'no-restricted-properties': ['error', { property: 'innerHTML', message: 'Render text, never HTML.' }],
    },
  },
  {
    // The worker image sees one surface of functions (functions/src/worker.ts); its tests and benchmark also see the
    // test-support one (functions/test/support/worker-testing.ts). Nothing else, by package path or relative path.
    files: ['migrator-container/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^@app/functions(?!/worker$)', message: 'The worker imports functions only through @app/functions/worker.' }, { regex: '^\\.\\.?/(.*/)?functions/', message: 'The worker imports functions only through @app/functions/worker.' }] }],
    },
  },
  {
    files: ['migrator-container/test/**/*.ts', 'migrator-container/bin/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^@app/functions(?!/(worker|testing)$)', message: 'Use @app/functions/worker (or @app/functions/testing in tests).' }, { regex: '^\\.\\.?/(.*/)?functions/', message: 'Use @app/functions/worker (or @app/functions/testing in tests).' }] }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
);
