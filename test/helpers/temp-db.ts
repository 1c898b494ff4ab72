/**
 * Paths for throwaway history databases, each in a folder of its own that is removed after every test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * Returns a function that gives a new database path at each call (nothing is created but the folder).
 *
 * Call it once at the top of a test file: it registers the afterEach that removes the folders.
 * `file` may name subfolders the store has to create (`nested/history.sqlite`).
 */
export function tempDbPaths(label: string, file = 'history.sqlite'): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), `deliverlab-${label}-`));
    dirs.push(dir);
    return join(dir, file);
  };
}
