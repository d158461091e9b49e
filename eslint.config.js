// Lint with types, and enforce the layers: shared/ is pure TypeScript, renderer/ only talks to
// window.braid, electron/core and electron/host never import electron.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'url', 'util', 'events', 'stream'];

function restrict(patterns, message) {
  return {
    'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
  };
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      // Errors cross contextBridge and HTTP as plain { code, message } objects (Error properties are dropped).
      '@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'file', name: 'WireError' }] }],
      'no-console': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { parser: tseslint.parser, svelteConfig },
    },
  },
  {
    files: ['*.js', '*.ts', 'scripts/**', 'electron/**', 'test/**'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['shared/**'],
    rules: restrict(
      [...nodeBuiltins, 'electron', '**/electron/**', '**/renderer/**'],
      'shared/ is pure TypeScript: no Node, Electron, DOM or app-layer imports.',
    ),
  },
  {
    files: ['renderer/**'],
    rules: restrict(
      [...nodeBuiltins, 'electron', '**/electron/**'],
      'The renderer talks only to window.braid (the contract in shared/).',
    ),
  },
  {
    files: ['electron/core/**', 'electron/host/**', 'electron/common/**'],
    rules: restrict(['electron', '**/main/**', '**/preload/**'], 'core, host and common run in plain Node: never import electron.'),
  },
  {
    files: ['electron/preload/**'],
    rules: restrict([...nodeBuiltins, '**/core/**', '**/main/**'], 'The sandboxed preload may use only electron and shared/.'),
  },
);
