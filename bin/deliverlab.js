#!/usr/bin/env node
// Runs the built CLI. Build it first: npm install && npm run build
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(`deliverlab: Node.js 24 or newer is required (this is ${process.version}).\n`);
  process.exit(2);
}
const entry = fileURLToPath(new URL('../out/cli/index.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('deliverlab: the CLI is not built yet: run npm install && npm run build\n');
  process.exit(2);
}
await import(pathToFileURL(entry).href);
