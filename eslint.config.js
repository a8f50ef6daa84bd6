import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist',
      'node_modules',
      'test-results',
      'playwright-report',
      'e2e/artifacts',
      'bench/out',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The main thread never runs model code: views and the store may import its types only.
    files: ['src/views/**', 'src/store/**', 'src/App.tsx', 'src/main.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/model/*'],
              allowTypeImports: true,
              message: 'model code runs in the worker',
            },
          ],
        },
      ],
    },
  },
  {
    // The model is the kernel in TypeScript: it must stay free of the DOM, React and the worker.
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'react',
            'react-*',
            'd3*',
            'zustand',
            'comlink',
            '../*/**',
            '../views/*',
            '../worker/*',
            '../store/*',
          ],
        },
      ],
    },
  },
);
