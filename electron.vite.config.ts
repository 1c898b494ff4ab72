import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

// The preload must be CommonJS: a sandboxed renderer cannot load an ES module preload.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The report reader's worker thread (electron/core/reports/worker.ts) is built beside the main process.
      lib: { entry: { index: resolve(root, 'electron/main/index.ts'), 'reports-worker': resolve(root, 'electron/core/reports/worker.ts') } },
      externalizeDeps: true,
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: resolve(root, 'electron/preload/index.ts') },
      externalizeDeps: false,
      rolldownOptions: {
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      minify: true,
      // One desktop bundle loaded from disk: splitting it buys nothing.
      chunkSizeWarningLimit: 1000,
      rolldownOptions: {
        input: resolve(root, 'renderer/index.html'),
        // React Query and Mantine mark modules "use client" for server components; meaningless here.
        onLog(level, log, handler) {
          if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
          handler(level, log);
        },
      },
    },
  },
});
