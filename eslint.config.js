// Lint at zero warnings (`npm run lint` = `eslint --max-warnings 0 .`).
//
// Not type-aware, to stay fast on small machines: `tsc --noEmit` already checks types. The import
// rules below are the architecture's walls: electron only in main/ and preload/, no Node in renderer/.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ELECTRON_ONLY_IN_GLUE =
  'electron may be imported only in electron/main and electron/preload: core, api, serve and cli run on plain Node.';
const NO_NODE_IN_RENDERER =
  'The renderer runs in a browser (sandboxed Electron or Chromium against serve): no Node modules. Go through the typed client.';
const NO_ELECTRON_IN_TESTS =
  "Tests run on plain Node, where require('electron') tries to download Electron: test pure modules instead.";

const electronPath = (message, allowTypeImports = false) => ({ name: 'electron', message, allowTypeImports });

// Both `fs` and `node:fs`; builtinModules lists subpaths such as fs/promises too.
const nodeBuiltins = builtinModules
  .filter((name) => !name.startsWith('_'))
  .map((name) => ({ name, message: NO_NODE_IN_RENDERER }));

export default defineConfig(
  globalIgnores(['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.tmp/**', 'coverage/**']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs,ts,mts,cts}'],
    ignores: ['renderer/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**', 'electron/preload/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['electron/core/**', 'electron/api/**', 'electron/serve/**', 'electron/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronPath(ELECTRON_ONLY_IN_GLUE)] }],
    },
  },
  {
    // The security policy, the menu template and the IPC envelope are unit-tested on plain Node:
    // they may use electron's types, never its runtime.
    files: ['electron/main/security.ts', 'electron/main/menu.ts', 'electron/preload/ipc-reply.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronPath('This module is unit-tested without Electron: import types only.', true)] },
      ],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronPath(NO_NODE_IN_RENDERER), ...nodeBuiltins],
          patterns: [{ group: ['node:*'], message: NO_NODE_IN_RENDERER }],
        },
      ],
    },
  },
  {
    files: ['test/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronPath(NO_ELECTRON_IN_TESTS)] }],
    },
  },
);
