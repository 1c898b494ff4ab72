/**
 * Global setup for suites that run the built app: builds out/ when it is missing or older than the sources.
 *
 * CI builds before testing, so there this only checks; a developer running `npm test` after an edit
 * gets a fresh build instead of testing yesterday's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const OUTPUTS = ['out/cli/index.js', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const SOURCES = ['electron', 'renderer', 'resources', 'electron.vite.config.ts', 'scripts/build-cli.mjs', 'package.json'];

function newest(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

export default function setup(): void {
  const outputs = OUTPUTS.map((p) => join(root, p));
  const oldest = outputs.every(existsSync) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
  const sourceTime = Math.max(...SOURCES.map((p) => join(root, p)).filter(existsSync).map(newest));
  if (oldest >= sourceTime) return;
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  execFileSync(npx, ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, stdio: 'inherit' });
}
