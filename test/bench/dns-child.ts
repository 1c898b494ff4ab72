/**
 * The DNS fixture server (test/lab/dns-serve.ts) in a child process, so that its answers do not
 * wait on the measured work's event loop; resolves with its port once it listens (bounded).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export function serveInChild(args: string[]): Promise<{ port: number; close(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'lab', 'dns-serve.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (child.kill(), reject(new Error('the DNS fixture server did not start within 20 s'))), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      const m = /port (\d+)/.exec(String(d));
      if (!m) return;
      clearTimeout(timer);
      resolve({ port: Number(m[1]), close: () => child.kill() });
    });
    child.once('exit', (code) => reject(new Error(`the DNS fixture server exited with ${code}`)));
  });
}
