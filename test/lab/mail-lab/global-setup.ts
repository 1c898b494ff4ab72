/**
 * Global setup for the integration suite: starts the mail lab when it is installed and not running.
 *
 * So that `npm test` works by itself on a machine with Postfix and Dovecot (as root, which they
 * need). When the lab is already up (.ci/run starts it, or a developer did), it is left alone; when
 * it cannot be started, nothing happens here and the suites that need it fail with the command to run.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { mailLabDir } from './lab-info';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = join(import.meta.dirname, 'lab.sh');

function lab(command: 'start' | 'stop'): void {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  // The daemons inherit the script's output: give them a file, never vitest's own pipes.
  const log = openSync(join(ROOT, '.tmp', `mail-lab-${command}.log`), 'w');
  try {
    execFileSync('bash', [SCRIPT, command], { cwd: ROOT, stdio: ['ignore', log, log], timeout: 60_000 });
  } finally {
    closeSync(log);
  }
}

export default function setup(): (() => void) | undefined {
  if (existsSync(join(mailLabDir(), 'lab.json'))) return undefined;
  const installed = existsSync('/usr/sbin/postfix') && existsSync('/usr/sbin/dovecot');
  if (!installed || process.getuid?.() !== 0) return undefined;
  try {
    lab('start');
  } catch {
    // The suites say what is missing; the start log is in .tmp/mail-lab-start.log.
    return undefined;
  }
  return () => lab('stop');
}
