/**
 * The Electron version installed in node_modules: the one the app is prepared and packaged with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function electronVersion(): string {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'node_modules/electron/package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
