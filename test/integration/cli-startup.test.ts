/**
 * `deliverlab --version` and `--help` start as fast as Node itself because they load no command:
 * no dependency from node_modules at all (better-sqlite3, mailauth, zod, nodemailer, imapflow...).
 * The time it takes is measured by `npm run bench -- startup`; here, what it loads.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../lab/cli';

const dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Records every module the process resolves (static and dynamic imports, require) into a file when it exits. */
const RECORDER = `
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = [];
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
process.on('exit', () => writeFileSync(process.env.DELIVERLAB_TEST_MODULES, seen.join('\\n')));
`;

let runs = 0;
async function modulesLoaded(args: string[]): Promise<{ code: number | null; modules: string[] }> {
  const file = join(dir, `modules-${runs++}.txt`);
  const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(RECORDER)}`, BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, DELIVERLAB_TEST_MODULES: file },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const modules = readFileSync(file, 'utf8').split('\n');
  if (modules.length < 2) throw new Error(`no module list from deliverlab ${args.join(' ')}: ${stderr}`);
  return { code, modules };
}

const dependencies = (modules: string[]) => modules.filter((url) => url.includes('/node_modules/')).map((url) => url.replace(/^.*\/node_modules\/((?:@[^/]+\/)?[^/]+).*$/, '$1'));

describe('start-up', () => {
  it.each([[['--version']], [['--help']], [['frobnicate']]])('deliverlab %j loads no dependency', async (args) => {
    const run = await modulesLoaded(args);
    expect(run.code).toBe(args[0] === 'frobnicate' ? 2 : 0);
    expect(run.modules.some((url) => url.endsWith('/out/cli/index.js'))).toBe(true);
    expect([...new Set(dependencies(run.modules))]).toEqual([]);
  });

  it('a command loads what it needs when it is named', async () => {
    const run = await modulesLoaded(['history', 'list', '--db', join(dir, 'h.sqlite')]);
    expect(run.code).toBe(0);
    expect(dependencies(run.modules)).toEqual(expect.arrayContaining(['better-sqlite3', 'zod', 'mailauth']));
  });
});
