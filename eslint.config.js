// Lint at zero warnings (`npm run lint` = `eslint --max-warnings 0 .`).
//
// Not type-aware, to stay fast on small machines: `tsc --noEmit` already checks types. The import
// rules below are the architecture's walls: electron only in main/ and preload/, no Node in renderer/,
// and between the layers (test/unit/architecture.test.ts proves each wall stops a breaking import):
//   renderer -> api (types from api/types.ts; at run time only the zod-free client, errors, names) and shared
//   core     -> shared, never api, cli, serve, main, preload or renderer
//   preload  -> the zod-free api modules (names, client, errors) and types
//   shared   -> nothing of the app, no Node module: core and the renderer both import it
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
const RENDERER_THROUGH_API =
  'The renderer reaches the app only through the api (result types from electron/api/types.ts) and the runtime-neutral helpers in electron/shared; never core, main, preload, serve or cli.';
const RENDERER_API_TYPES_ONLY =
  'Only types from this api module: it carries zod and core code, which the renderer must not bundle. At run time the renderer uses client, errors and names.';
const CORE_AT_THE_BOTTOM =
  'core is the bottom layer: api, cli, serve, main and the renderer call it, never the reverse. Put what both sides need in electron/shared.';
const PRELOAD_ZOD_FREE =
  'The sandboxed preload bundles only the zod-free api modules (names, client, errors); anything else stays in main.';
const PRELOAD_TYPES_ONLY = 'The preload may take only types from this module: it carries zod, which the preload must not bundle.';
const SHARED_NEUTRAL =
  "electron/shared runs in Node and in the browser, imported by core and the renderer alike: it imports none of the app's layers, no Node module and no electron.";
const ELECTRON_TYPES_ONLY = 'This module is unit-tested without Electron: import types only.';

/**
 * A relative specifier that climbs into one of `folders`, whatever the depth of the importing file.
 *
 * Imports between the layers are relative (there are no path aliases), so the folder a specifier
 * climbs into names its layer.
 */
const climbsInto = (folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

const electronPath = (message, allowTypeImports = false) => ({ name: 'electron', message, allowTypeImports });

/** The preload's walls; `extraPaths` for a preload module with a stricter rule of its own. */
function preloadWalls(...extraPaths) {
  return {
    paths: [{ name: 'zod', message: PRELOAD_ZOD_FREE }, ...extraPaths],
    patterns: [
      { group: ['zod/*'], message: PRELOAD_ZOD_FREE },
      { regex: '^\\.\\./api/(operations|types)$', allowTypeImports: true, message: PRELOAD_TYPES_ONLY },
      { regex: '^\\.\\./(?!api/(client|errors|names|operations|types)$)', message: PRELOAD_ZOD_FREE },
    ],
  };
}

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
    files: ['electron/api/**', 'electron/serve/**', 'electron/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronPath(ELECTRON_ONLY_IN_GLUE)] }],
    },
  },
  {
    files: ['electron/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronPath(ELECTRON_ONLY_IN_GLUE)],
          patterns: [{ regex: climbsInto(['api', 'cli', 'serve', 'main', 'preload', 'renderer']), message: CORE_AT_THE_BOTTOM }],
        },
      ],
    },
  },
  {
    // The security policy and the menu template are unit-tested on plain Node: they may use
    // electron's types, never its runtime.
    files: ['electron/main/security.ts', 'electron/main/menu.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronPath(ELECTRON_TYPES_ONLY, true)] }],
    },
  },
  {
    files: ['electron/preload/**'],
    rules: { 'no-restricted-imports': ['error', preloadWalls()] },
  },
  {
    // The IPC envelope is unit-tested on plain Node too.
    files: ['electron/preload/ipc-reply.ts'],
    rules: { 'no-restricted-imports': ['error', preloadWalls(electronPath(ELECTRON_TYPES_ONLY, true))] },
  },
  {
    files: ['electron/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronPath(SHARED_NEUTRAL), ...nodeBuiltins.map(({ name }) => ({ name, message: SHARED_NEUTRAL }))],
          patterns: [
            { group: ['node:*'], message: SHARED_NEUTRAL },
            { regex: climbsInto(['core', 'api', 'cli', 'serve', 'main', 'preload', 'renderer']), message: SHARED_NEUTRAL },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', '__dirname', '__filename', 'global', 'window', 'document', 'navigator', 'localStorage', 'sessionStorage'].map(
          (name) => ({ name, message: SHARED_NEUTRAL }),
        ),
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
          patterns: [
            { group: ['node:*'], message: NO_NODE_IN_RENDERER },
            { regex: '^(\\.\\./)+electron/(?!(api|shared)(/|$))', message: RENDERER_THROUGH_API },
            { regex: '^(\\.\\./)+electron/api/(?!(client|errors|names|types)$)', allowTypeImports: true, message: RENDERER_API_TYPES_ONLY },
          ],
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
