/**
 * Where the CLI keeps its data when no --db is given: the platform's data folder.
 */
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'Deliverlab');
  if (platform === 'win32') return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), 'Deliverlab');
  // XDG Base Directory: a relative XDG_DATA_HOME is invalid and must be ignored.
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : posix.join(home, '.local', 'share');
  return posix.join(base, 'deliverlab');
}

export function defaultDbPath(): string {
  return `${defaultDataDir()}${process.platform === 'win32' ? '\\' : '/'}history.sqlite`;
}
