// Bundles the CLI (electron/cli/run.ts) into out/cli/index.js; dependencies stay in node_modules.
// Each command is imported when it is named, so it becomes a chunk of its own beside index.js
// (ESM code splitting): `deliverlab --version` loads index.js alone.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry a content hash: clear the folder so an old build's chunks do not pile up.
rmSync('out/cli', { recursive: true, force: true });
await build({
  // The report reader's worker thread is an entry of its own, beside the chunks it shares.
  entryPoints: { index: 'electron/cli/run.ts', 'reports-worker': 'electron/core/reports/worker.ts' },
  outdir: 'out/cli',
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
