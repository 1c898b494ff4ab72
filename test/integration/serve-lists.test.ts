/**
 * History lists stay answerable whatever text is stored: list fields are cut, the detail keeps it whole.
 *
 * A message's subject is whatever its sender wrote. Twelve messages with a 45 MB subject made
 * message.list fail for good (500 "Invalid string length": the answer passed V8's largest string).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/store';
import { startServer, type RunningServer } from '../../electron/serve/server';

const MB = 1000 * 1000;
const HUGE = 45 * MB;
/** Stored text longer than a list shows. */
const LONG = 5000;
const MAX = 1000;

let dir: string;
let serve: RunningServer;
let hugeId = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-serve-lists-'));
  const dbPath = join(dir, 'history.sqlite');
  const store = HistoryStore.open(dbPath);
  try {
    const huge = 'S'.repeat(HUGE);
    const at = (i: number) => `2026-11-26T10:${String(i).padStart(2, '0')}:00.000Z`;
    store.transaction((db) => {
      const message = db.prepare(
        `INSERT INTO messages (analysed_at, sha256, subject, from_address, from_domain, spf, dkim, dmarc, critical_count, warning_count, result_json)
         VALUES (?, ?, ?, ?, ?, 'pass', 'pass', 'pass', 0, 0, ?)`,
      );
      for (let i = 0; i < 12; i++) {
        // The analysis keeps the whole subject too (message.get shows it); once is enough for the test.
        const result = i === 0 ? JSON.stringify({ summary: { subject: huge } }) : '{}';
        const info = message.run(at(i), 'f'.repeat(64), huge, `${'a'.repeat(LONG)}@example.test`, 'example.test', result);
        if (i === 0) hugeId = Number(info.lastInsertRowid);
      }
      // An audit row's domain is validated on the way in; this one was written by something else.
      db.prepare('INSERT INTO domains (id, name, first_seen) VALUES (1, ?, ?)').run(`${'d'.repeat(LONG)}.test`, at(0));
      db.prepare(
        `INSERT INTO audits (domain_id, started_at, duration_ms, score, grade, critical_count, warning_count, resolver, result_json)
         VALUES (1, ?, 10, 100, 'A', 0, 0, 'system', '{}')`,
      ).run(at(0));
      db.prepare(
        `INSERT INTO sends (sent_at, profile, subject, ok, message_id, queue_id, recipient_count, accepted_count, error_code, result_json)
         VALUES (?, ?, ?, 0, ?, ?, 1, 0, ?, '{}')`,
      ).run(at(0), 'p'.repeat(LONG), 'T'.repeat(LONG), `<${'m'.repeat(LONG)}@example.test>`, 'q'.repeat(LONG), 'E'.repeat(LONG));
      const run = db
        .prepare(
          `INSERT INTO placements (token, started_at, finished_at, profile, subject, status, deadline_ms, owner_pid, owner_token, warnings_json)
           VALUES (?, ?, ?, ?, ?, 'done', 1000, 1, 'gone', '[]')`,
        )
        .run('t'.repeat(LONG), at(0), at(1), 'p'.repeat(LONG), 'P'.repeat(LONG));
      db.prepare(
        `INSERT INTO placement_seeds (placement_id, position, seed, provider, address, placement, state, folder, latency_ms, detected_at, reconnects, error_code, updated_at, outcome_json)
         VALUES (?, 0, 'seed1', 'generic', 'seed1@example.test', ?, 'found', 'X', 10, ?, 0, NULL, ?, '{}')`,
      ).run(Number(run.lastInsertRowid), `folder:${'F'.repeat(LONG)}`, at(1), at(1));
    });
  } finally {
    store.close();
  }
  serve = await startServer({ port: 0, dbPath, rendererDir: dir, version: '0', token: 't'.repeat(32) });
}, 120_000);

afterAll(async () => {
  await serve?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: string;
}

function call(op: string, input: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: serve.port,
        method: 'POST',
        path: `/api/${op}`,
        headers: { Host: `127.0.0.1:${serve.port}`, 'Content-Type': 'application/json', 'X-Deliverlab-Token': serve.token },
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${op} timed out`)));
    req.on('error', reject);
    req.end(JSON.stringify(input));
  });
}

/** `text` cut to the list length: its first 999 characters and an ellipsis. */
const cut = (text: string) => `${text.slice(0, MAX - 1)}…`;

describe('history lists with very long stored text', () => {
  it('lists twelve messages with a 45 MB subject: 200, each subject cut to 1,000 characters', async () => {
    const reply = await call('message.list', {});
    expect(reply.status, reply.body.slice(0, 300)).toBe(200);
    const { result } = JSON.parse(reply.body) as { result: { total: number; items: { subject: string; from: string; fromDomain: string }[] } };
    expect(result.total).toBe(12);
    expect(result.items).toHaveLength(12);
    for (const item of result.items) {
      expect(item.subject).toHaveLength(MAX);
      expect(item.subject).toBe(cut('S'.repeat(HUGE)));
      expect(item.from).toBe(cut(`${'a'.repeat(LONG)}@example.test`));
      expect(item.fromDomain).toBe('example.test');
    }
    // Twelve rows of at most a few thousand characters each.
    expect(reply.body.length).toBeLessThan(12 * 4 * MAX);
  });

  it('still returns the whole subject in the message itself', async () => {
    const reply = await call('message.get', { id: hugeId });
    expect(reply.status).toBe(200);
    const { result } = JSON.parse(reply.body) as { result: { summary: { subject: string } } };
    expect(result.summary.subject).toHaveLength(HUGE);
  });

  it('cuts the text fields of the audit, send and placement lists the same way', async () => {
    const audits = JSON.parse((await call('history.list', {})).body) as { result: { items: { domain: string }[] } };
    expect(audits.result.items[0]?.domain).toBe(cut(`${'d'.repeat(LONG)}.test`));

    const sends = JSON.parse((await call('send.list', {})).body) as { result: { items: Record<string, unknown>[] } };
    expect(sends.result.items[0]).toMatchObject({
      profile: cut('p'.repeat(LONG)),
      subject: cut('T'.repeat(LONG)),
      messageId: cut(`<${'m'.repeat(LONG)}@example.test>`),
      queueId: cut('q'.repeat(LONG)),
      errorCode: cut('E'.repeat(LONG)),
      ok: false,
      recipientCount: 1,
    });

    const runs = JSON.parse((await call('placement.list', {})).body) as { result: { items: { token: string; profile: string; subject: string; counts: Record<string, number> }[] } };
    const run = runs.result.items[0];
    expect(run).toMatchObject({ token: cut('t'.repeat(LONG)), profile: cut('p'.repeat(LONG)), subject: cut('P'.repeat(LONG)) });
    // A folder name comes from the seed's IMAP server: the placement word is cut too.
    expect(run?.counts).toEqual({ [cut(`folder:${'F'.repeat(LONG)}`)]: 1 });
  });
});
