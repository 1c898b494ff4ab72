/**
 * The design QA summary kept with test sends and placement runs (migration 6): written with the
 * send, read back with it, absent for sends made without one, and older databases upgraded in place.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { operations } from '../../electron/api/operations';
import { MIGRATIONS } from '../../electron/core/history/migrations';
import { HistoryStore } from '../../electron/core/history/store';
import type { PlacementRun } from '../../electron/core/placement/types';
import type { QaSummary } from '../../electron/core/qa/types';
import type { SendResult } from '../../electron/core/send/types';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('qa-summary');

const QA: QaSummary = {
  file: 'autumn.mjml',
  checkedAt: '2026-03-01T09:59:00.000Z',
  counts: { critical: 1, warning: 2, info: 0 },
  codes: ['content.link-mismatch', 'a11y.img-no-alt', 'compat.unsupported'],
};

const SENT: SendResult = {
  ok: true,
  profile: 'lab',
  messageId: '<m1@lab.test>',
  queueId: 'ABC123',
  recipients: [{ address: 'seed1@lab.test', status: 'accepted', reply: '250 2.1.5 Ok', responseCode: 250 }],
  timings: { startedAt: '2026-03-01T10:00:00.000Z', totalMs: 120 },
  transcript: [],
  warnings: [],
};

function run(token: string, qa?: QaSummary): PlacementRun {
  return {
    token,
    status: 'running',
    startedAt: '2026-03-01T10:00:00.000Z',
    profile: 'lab',
    subject: `Autumn [${token}]`,
    deadlineMs: 60_000,
    seeds: [{ seed: 'gmail-1', address: 'seed1@lab.test', provider: 'gmail', placement: 'pending', state: 'connecting', reconnects: 0 }],
    summary: { total: 1, counts: { pending: 1 }, share: { pending: 1 }, medianLatencyMs: null, worstLatencyMs: null },
    warnings: [],
    ...(qa ? { qa } : {}),
  };
}

describe('design QA kept with the send (migration 6)', () => {
  it('is numbered 6, after the DMARC report and monitoring migrations (4 and 5)', () => {
    expect(MIGRATIONS.find((m) => m.name.includes('design QA'))?.version).toBe(6);
  });

  it('keeps the summary with a test send and gives it back with the stored send', () => {
    const store = HistoryStore.open(':memory:');
    const withQa = store.saveSend(SENT, 'Autumn', QA);
    const without = store.saveSend(SENT, 'Plain');
    expect(store.getSend(withQa)).toMatchObject({ id: withQa, subject: 'Autumn', qa: QA });
    expect(store.getSend(without)).not.toHaveProperty('qa');
    store.close();
  });

  it('keeps the summary with a placement run from its start', () => {
    const store = HistoryStore.open(':memory:');
    const id = store.startPlacement(run('dl-qa-1', QA));
    expect(store.getPlacement(id)?.qa).toEqual(QA);
    expect(store.getPlacement(store.startPlacement(run('dl-qa-2')))).not.toHaveProperty('qa');
    store.close();
  });

  it('upgrades a version-3 database with sends in place: old sends have no summary', () => {
    const path = tmp();
    HistoryStore.open(path, MIGRATIONS.filter((m) => m.version <= 3)).close();
    // A send as version 3 wrote it.
    const v3 = new Database(path);
    const old = Number(
      v3
        .prepare(
          `INSERT INTO sends (sent_at, profile, subject, ok, message_id, queue_id, recipient_count, accepted_count, error_code, result_json)
           VALUES ('2026-02-01T10:00:00.000Z', 'lab', 'Old', 1, NULL, NULL, 1, 1, NULL, ?)`,
        )
        .run(JSON.stringify(SENT)).lastInsertRowid,
    );
    v3.close();
    const upgraded = HistoryStore.open(path);
    expect(upgraded.getSend(old)).toMatchObject({ subject: 'Old' });
    expect(upgraded.getSend(old)).not.toHaveProperty('qa');
    const fresh = upgraded.saveSend(SENT, 'New', QA);
    expect(upgraded.getSend(fresh)?.qa).toEqual(QA);
    upgraded.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT version FROM schema_migrations WHERE version = 6').get()).toEqual({ version: 6 });
    db.close();
  });

  it('takes the summary with send.run and placement.run, checked at the boundary', () => {
    const send = operations['send.run'].input;
    const base = { profile: 'lab', subject: 'Autumn', html: '<p>Hi</p>', to: ['a@lab.test'] };
    expect(send.safeParse({ ...base, qa: QA }).success).toBe(true);
    expect(send.safeParse({ ...base, qa: { ...QA, codes: ['not a code'] } }).success).toBe(false);
    expect(send.safeParse({ ...base, qa: { ...QA, counts: { critical: -1, warning: 0, info: 0 } } }).success).toBe(false);
    expect(send.safeParse({ ...base, qa: { ...QA, extra: true } }).success).toBe(false);
    expect(operations['placement.run'].input.safeParse({ profile: 'lab', subject: 'Autumn', html: '<p>Hi</p>', qa: QA }).success).toBe(true);
  });
});
