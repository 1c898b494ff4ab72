/**
 * Eight processes open the same new history database at once: every one must succeed.
 *
 * Scripts start several `deliverlab` commands against one fresh `--db` (a batch, a watcher, a serve);
 * before migrations ran under one write lock, the losers of the race failed with
 * "table ... already exists" or "database is locked".
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../electron/core/history/migrations';

const ROOT = join(import.meta.dirname, '..', '..');
const PROCESSES = 8;
const ROUNDS = 10;
const REPLY_MS = 20_000;

interface Opener {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the next line the process prints. */
  nextLine(): Promise<string>;
  exited: Promise<number | null>;
}

function startOpener(): Opener {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'lab', 'open-history.ts')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => {
    buffer += d;
    let cut: number;
    while ((cut = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    exited,
    nextLine: () =>
      new Promise((resolve, reject) => {
        const queued = lines.shift();
        if (queued !== undefined) return resolve(queued);
        const timer = setTimeout(() => reject(new Error(`no answer from pid ${child.pid} within ${REPLY_MS} ms; stderr: ${stderr}`)), REPLY_MS);
        waiting.push((line) => {
          clearTimeout(timer);
          resolve(line);
        });
      }),
  };
}

let dir: string;
let openers: Opener[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-open-race-'));
  openers = Array.from({ length: PROCESSES }, startOpener);
  // Every process has loaded the store before the first round: the opens, not the start-ups, race.
  expect(await Promise.all(openers.map((o) => o.nextLine()))).toEqual(Array(PROCESSES).fill('ready'));
});

afterAll(async () => {
  for (const o of openers) if (o.child.exitCode === null) o.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const LATEST = Math.max(...MIGRATIONS.map((m) => m.version));

describe('opening a new history database from several processes at once', () => {
  it(`succeeds in every one of ${PROCESSES} processes, round after round, with the schema applied once`, async () => {
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const path = join(dir, `round-${round}`, 'history.sqlite');
      const answers = Promise.all(openers.map((o) => o.nextLine()));
      // One write each, back to back: the processes wake together on the same new file.
      for (const o of openers) o.child.stdin.write(`${path}\n`);
      const replies = (await answers).map((line) => JSON.parse(line) as { ok: boolean; version?: number; error?: string });
      for (const [i, reply] of replies.entries()) {
        if (!reply.ok || reply.version !== LATEST) failures.push(`round ${round}, process ${i}: ${reply.error ?? `schema ${reply.version}`}`);
      }
      const db = new Database(path, { readonly: true });
      try {
        const applied = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
        expect(applied.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
        const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
        expect(tables).toEqual(expect.arrayContaining(['audits', 'domains', 'messages', 'placements', 'schema_migrations', 'sends', 'settings']));
        expect((db.pragma('journal_mode') as { journal_mode: string }[])[0]?.journal_mode).toBe('wal');
      } finally {
        db.close();
      }
    }
    expect(failures).toEqual([]);
    for (const o of openers) o.child.stdin.end();
    expect(await Promise.all(openers.map((o) => o.exited))).toEqual(Array(PROCESSES).fill(0));
  });
});
