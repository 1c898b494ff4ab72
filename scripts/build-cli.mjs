// Bundles the CLI (electron/cli/run.ts) into out/cli/index.js; dependencies stay in node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: ['electron/cli/run.ts'],
  outfile: 'out/cli/index.js',
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
