/**
 * History of test sends and placement runs (migration 3), and the saved profiles and seeds.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../electron/core/history/migrations';
import { HistoryError, HistoryStore } from '../../electron/core/history/store';
import { SeedError } from '../../electron/core/placement/seeds';
import type { Detection, Placement, PlacementRun, SeedOutcome, SeedProvider } from '../../electron/core/placement/types';
import { ProfileError } from '../../electron/core/send/profile';
import type { SendResult, SmtpProfile } from '../../electron/core/send/types';
import { tempDbPaths } from '../helpers/temp-db';

const ROOT = join(import.meta.dirname, '..', '..');
const tmp = tempDbPaths('placements');

function sendResult(over: Partial<SendResult> = {}): SendResult {
  return {
    ok: true,
    profile: 'lab',
    messageId: '<m1@lab.test>',
    queueId: 'ABC123',
    response: '250 2.0.0 Ok: queued as ABC123',
    recipients: [
      { address: 'seed1@lab.test', status: 'accepted', reply: '250 2.1.5 Ok', responseCode: 250 },
      { address: 'nobody@lab.test', status: 'rejected', reply: '550 5.1.1 unknown', responseCode: 550, explanation: 'no such user' },
    ],
    timings: { startedAt: '2026-03-01T10:00:00.000Z', totalMs: 120, acceptedMs: 110 },
    transcript: [
      { dir: 'C', text: 'EHLO client', ms: 1 },
      { dir: 'C', text: 'AUTH PLAIN [redacted]', ms: 5 },
    ],
    warnings: [],
    ...over,
  };
}

const seedsList: { seed: string; provider: SeedProvider }[] = [
  { seed: 'gmail-1', provider: 'gmail' },
  { seed: 'gmail-2', provider: 'gmail' },
  { seed: 'outlook-1', provider: 'outlook' },
];

function pending(seed: string, provider: SeedProvider): SeedOutcome {
  return { seed, address: `${seed}@lab.test`, provider, placement: 'pending', state: 'connecting', reconnects: 0 };
}

function detection(placement: Detection['placement'], latencyMs: number, extra: Partial<Detection> = {}): Detection {
  return {
    placement,
    folder: placement === 'spam' ? 'Junk' : 'INBOX',
    uid: 7,
    detectedAt: '2026-03-01T10:00:02.000Z',
    latencyMs,
    via: 'idle',
    authenticationResults: ['mx.lab.test; spf=pass smtp.mailfrom=lab.test'],
    spamHeaders: placement === 'spam' ? { 'x-spam-flag': ['YES'] } : {},
    ...extra,
  };
}

function found(seed: string, provider: SeedProvider, placement: Detection['placement'], latencyMs: number): SeedOutcome {
  return { ...pending(seed, provider), placement, state: 'found', detection: detection(placement, latencyMs), reconnects: 0 };
}

function ended(seed: string, provider: SeedProvider, placement: 'missing' | 'error'): SeedOutcome {
  return {
    ...pending(seed, provider),
    placement,
    state: placement,
    ...(placement === 'error' ? { error: { kind: 'auth', code: 'AUTHENTICATIONFAILED', explanation: 'wrong password' } } : {}),
  } as SeedOutcome;
}

function newRun(token: string, startedAt = new Date().toISOString(), seeds = seedsList): PlacementRun {
  const outcomes = seeds.map((s) => pending(s.seed, s.provider));
  return {
    token,
    status: 'running',
    startedAt,
    profile: 'lab',
    subject: `Spring sale [${token}]`,
    deadlineMs: 600_000,
    seeds: outcomes,
    summary: { total: outcomes.length, counts: { pending: outcomes.length }, share: { pending: 1 }, medianLatencyMs: null, worstLatencyMs: null },
    warnings: ['profile "lab" uses no encryption'],
  };
}

/** Records a finished run with the given placements, as the runner would. */
function recordRun(store: HistoryStore, token: string, startedAt: string, outcomes: SeedOutcome[], status: PlacementRun['status'] = 'done'): number {
  const run = newRun(token, startedAt, outcomes.map((o) => ({ seed: o.seed, provider: o.provider })));
  const id = store.startPlacement(run);
  for (const o of outcomes) store.recordSeedOutcome(id, o);
  store.finishPlacement(id, { ...run, status, finishedAt: startedAt, seeds: outcomes, summary: { total: outcomes.length, counts: {}, share: {}, medianLatencyMs: null, worstLatencyMs: null } });
  return id;
}

const profile: SmtpProfile = { name: 'lab', host: '127.0.0.1', port: 2587, security: 'starttls', auth: { user: 'sender@lab.test' }, from: 'Lab <sender@lab.test>' };
const seed = { name: 'gmail-1', address: 'seed1@lab.test', provider: 'gmail' as const, host: '127.0.0.1', port: 2993, security: 'tls' as const, auth: { user: 'seed1@lab.test', passwordEnv: 'SEED1_PASSWORD' } };

describe('migration 3', () => {
  it('applies on top of a version-2 database with data and keeps it', async () => {
    const path = tmp();
    const v2 = HistoryStore.open(path, MIGRATIONS.filter((m) => m.version <= 2));
    v2.saveAudit({
      domain: 'old.example',
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 5,
      score: 90,
      grade: 'A',
      resolver: 'system',
      checks: {} as never,
      findings: [],
      dns: [],
    });
    v2.setSetting('resolver', '127.0.0.1:5353');
    expect(v2.schemaVersion()).toBe(2);
    v2.close();

    const v3 = HistoryStore.open(path);
    expect(v3.schemaVersion()).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    expect(v3.listAudits().items.map((a) => a.domain)).toEqual(['old.example']);
    expect(v3.getSetting('resolver')).toBe('127.0.0.1:5353');
    expect(v3.listPlacements()).toEqual({ items: [], total: 0 });
    expect(v3.listSends()).toEqual({ items: [], total: 0 });
    expect(v3.listProfiles()).toEqual([]);
    v3.close();

    const db = new Database(path, { readonly: true });
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[];
    for (const name of ['smtp_profiles', 'seeds', 'secrets', 'sends', 'placements', 'placement_seeds']) {
      expect(tables.find((t) => t.name === name)?.sql, name).toMatch(/\)\s*STRICT$/);
    }
    expect(tables.find((t) => t.name === 'placement_seeds')?.sql).toMatch(/REFERENCES placements\(id\) ON DELETE CASCADE/);
    // The trend queries by seed and by provider use their indexes.
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan("SELECT * FROM placement_seeds WHERE seed = 'gmail-1' ORDER BY placement_id")).toMatch(/placement_seeds_by_seed/);
    expect(plan("SELECT * FROM placement_seeds WHERE provider = 'gmail' ORDER BY placement_id")).toMatch(/placement_seeds_by_provider/);
    expect(db.prepare('SELECT version, name FROM schema_migrations WHERE version = 3').get()).toEqual({ version: 3, name: 'SMTP profiles, seeds, secrets, sends, placement runs' });
    db.close();
  });
});

describe('test sends', () => {
  it('saves, lists newest first, gets whole and deletes sends', () => {
    const store = HistoryStore.open(':memory:');
    const a = store.saveSend(sendResult(), 'First');
    const failed = sendResult({
      ok: false,
      profile: 'other',
      messageId: undefined,
      queueId: undefined,
      recipients: [],
      timings: { startedAt: '2026-03-02T10:00:00.000Z', totalMs: 30 },
      error: { code: 'EAUTH', kind: 'auth', explanation: 'The server refused the login' },
    });
    // What the API hands back carries its id and a history error: neither is stored.
    const b = store.saveSend({ ...failed, id: 99, historyError: 'old', subject: 'x' } as SendResult, 'Second');
    const list = store.listSends();
    expect(list.total).toBe(2);
    expect(list.items).toEqual([
      { id: b, sentAt: '2026-03-02T10:00:00.000Z', profile: 'other', subject: 'Second', ok: false, messageId: null, queueId: null, recipientCount: 0, acceptedCount: 0, errorCode: 'EAUTH' },
      { id: a, sentAt: '2026-03-01T10:00:00.000Z', profile: 'lab', subject: 'First', ok: true, messageId: '<m1@lab.test>', queueId: 'ABC123', recipientCount: 2, acceptedCount: 1, errorCode: null },
    ]);
    expect(store.listSends({ profile: 'lab' }).items.map((i) => i.id)).toEqual([a]);
    expect(store.listSends({ limit: 1, offset: 1 }).items.map((i) => i.id)).toEqual([a]);
    const got = store.getSend(a);
    expect(got).toMatchObject({ id: a, subject: 'First', ok: true, queueId: 'ABC123' });
    expect(got?.transcript).toEqual(sendResult().transcript);
    expect(got?.recipients[1]).toMatchObject({ status: 'rejected', responseCode: 550 });
    const second = store.getSend(b);
    expect(second).toMatchObject({ id: b, subject: 'Second', error: { code: 'EAUTH' } });
    expect(second).not.toHaveProperty('historyError');
    expect(store.deleteSend(a)).toBe(true);
    expect(store.deleteSend(a)).toBe(false);
    expect(store.getSend(a)).toBeNull();
    store.close();
  });
});

describe('placement runs', () => {
  it('records a run seed by seed; after a crash the reopened history shows what was seen, as interrupted', () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    const run = newRun('dl-crash-1');
    const id = store.startPlacement(run);
    // While its store is open in this process, the run is running.
    expect(store.getPlacement(id)).toMatchObject({ status: 'running', seeds: [{ placement: 'pending' }, { placement: 'pending' }, { placement: 'pending' }] });
    store.markSent(id, sendResult());
    store.recordSeedOutcome(id, { ...pending('gmail-1', 'gmail'), state: 'watching' });
    store.recordSeedOutcome(id, found('gmail-1', 'gmail', 'category:promotions', 900));
    store.recordSeedOutcome(id, found('outlook-1', 'outlook', 'spam', 2100));
    expect(store.getPlacement(id)?.status).toBe('running');
    expect(store.listPlacements().items[0]?.status).toBe('running');
    // The "crash": the store goes away without finishPlacement.
    store.close();

    const after = HistoryStore.open(path);
    const got = after.getPlacement(id);
    expect(got?.status).toBe('interrupted');
    expect(got?.send?.queueId).toBe('ABC123');
    expect(got?.seeds.map((s) => [s.seed, s.placement, s.state])).toEqual([
      ['gmail-1', 'category:promotions', 'found'],
      ['gmail-2', 'pending', 'connecting'],
      ['outlook-1', 'spam', 'found'],
    ]);
    expect(got?.seeds[2]?.detection).toMatchObject({ folder: 'Junk', latencyMs: 2100, spamHeaders: { 'x-spam-flag': ['YES'] } });
    expect(got?.summary).toMatchObject({ total: 3, counts: { 'category:promotions': 1, pending: 1, spam: 1 }, medianLatencyMs: 1500, worstLatencyMs: 2100 });
    expect(got?.warnings[0]).toBe('profile "lab" uses no encryption');
    expect(got?.warnings[1]).toMatch(/interrupted before it finished.*2 of 3 seeds had reported.*Run the test again/);
    const listed = after.listPlacements();
    expect(listed.total).toBe(1);
    expect(listed.items[0]).toMatchObject({ id, token: 'dl-crash-1', status: 'interrupted', total: 3, finishedAt: null, counts: { pending: 1, spam: 1, 'category:promotions': 1 }, medianLatencyMs: 1500, inboxShare: 0.5 });
    // A dead run cannot be written any more... it can only be deleted.
    expect(after.deletePlacement(id)).toBe(true);
    after.close();
  });

  it('tells a run going on in another process from one whose process was killed', async () => {
    const path = tmp();
    HistoryStore.open(path).close();
    const script = join(path, '..', 'child.ts');
    writeFileSync(
      script,
      `import { HistoryStore } from ${JSON.stringify(join(ROOT, 'electron/core/history/store'))};
       const store = HistoryStore.open(${JSON.stringify(path)});
       const seeds = [{ seed: 's1', address: 's1@lab.test', provider: 'other', placement: 'pending', state: 'connecting', reconnects: 0 }, { seed: 's2', address: 's2@lab.test', provider: 'other', placement: 'pending', state: 'connecting', reconnects: 0 }];
       const id = store.startPlacement({ token: 'dl-child', status: 'running', startedAt: new Date().toISOString(), profile: 'lab', subject: 's', deadlineMs: 60000, seeds, summary: { total: 2, counts: {}, share: {}, medianLatencyMs: null, worstLatencyMs: null }, warnings: [] });
       store.recordSeedOutcome(id, { ...seeds[0], placement: 'inbox', state: 'found', detection: { placement: 'inbox', folder: 'INBOX', uid: 1, detectedAt: new Date().toISOString(), latencyMs: 640, via: 'idle', authenticationResults: [], spamHeaders: {} } });
       process.stdout.write('ready ' + id + '\\n');
       setInterval(() => {}, 1000);
      `,
    );
    // tsx as a loader inside this one process (its CLI would run the script in a grandchild, whose pid
    // the run records and which a kill of the CLI would leave running).
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let store: HistoryStore | undefined;
    try {
      const id = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child did not start: ${err}`)), 30_000);
        child.stdout.on('data', (d) => {
          const m = /ready (\d+)/.exec(String(d));
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        child.once('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
      });
      store = HistoryStore.open(path);
      expect(store.getPlacement(id)?.status).toBe('running');
      expect(store.listPlacements().items[0]?.status).toBe('running');
      child.kill('SIGKILL');
      await exited;
      const got = store.getPlacement(id);
      expect(got?.status).toBe('interrupted');
      expect(got?.seeds.map((s) => [s.seed, s.placement, s.detection?.latencyMs])).toEqual([
        ['s1', 'inbox', 640],
        ['s2', 'pending', undefined],
      ]);
    } finally {
      child.kill('SIGKILL');
      store?.close();
    }
  }, 40_000);

  it('counts a run long past its deadline as interrupted even while its store is open', () => {
    const store = HistoryStore.open(':memory:');
    const id = store.startPlacement(newRun('dl-stale', '2026-01-01T00:00:00.000Z'));
    expect(store.getPlacement(id)?.status).toBe('interrupted');
    const fresh = store.startPlacement(newRun('dl-fresh'));
    expect(store.getPlacement(fresh)?.status).toBe('running');
    store.close();
  });

  it('stores the end of a run whole, and then refuses to change it', () => {
    const store = HistoryStore.open(':memory:');
    const run = newRun('dl-done-1', '2026-03-01T10:00:00.000Z');
    const id = store.startPlacement(run);
    store.recordSeedOutcome(id, found('gmail-1', 'gmail', 'inbox', 700));
    const seeds = [found('gmail-1', 'gmail', 'inbox', 700), ended('gmail-2', 'gmail', 'missing'), ended('outlook-1', 'outlook', 'error')];
    const summary = { total: 3, counts: { inbox: 1, missing: 1, error: 1 }, share: { inbox: 1 / 3, missing: 1 / 3, error: 1 / 3 }, medianLatencyMs: 700, worstLatencyMs: 700 };
    store.finishPlacement(id, { ...run, status: 'done', finishedAt: '2026-03-01T10:10:00.000Z', send: sendResult(), seeds, summary, cleanup: { 'gmail-1': 'deleted' }, warnings: ['w1'] });
    const got = store.getPlacement(id);
    expect(got).toMatchObject({ id, status: 'done', finishedAt: '2026-03-01T10:10:00.000Z', summary, cleanup: { 'gmail-1': 'deleted' }, warnings: ['w1'], send: { queueId: 'ABC123' } });
    expect(got?.seeds).toEqual(seeds);
    expect(store.listPlacements().items[0]).toMatchObject({ status: 'done', counts: { inbox: 1, missing: 1, error: 1 }, inboxShare: 0.5 });

    expect(() => store.recordSeedOutcome(id, found('gmail-2', 'gmail', 'inbox', 5))).toThrow(/already finished \(done\); it can no longer change/);
    expect(() => store.finishPlacement(id, { ...run, status: 'done' })).toThrow(HistoryError);
    expect(store.getPlacement(id)?.seeds[1]?.placement).toBe('missing');
    store.close();
  });

  it('refuses writes that do not fit the run, with the reason', () => {
    const store = HistoryStore.open(':memory:');
    const run = newRun('dl-refuse');
    const id = store.startPlacement(run);
    expect(() => store.startPlacement(run)).toThrow(`A placement run with token dl-refuse is already in history (#${id}).`);
    expect(() => store.recordSeedOutcome(id, found('yahoo-9', 'yahoo', 'inbox', 1))).toThrow('Seed "yahoo-9" is not part of placement run');
    expect(() => store.recordSeedOutcome(id + 100, found('gmail-1', 'gmail', 'inbox', 1))).toThrow(`There is no placement run #${id + 100} in history`);
    expect(() => store.markSent(id + 100, sendResult())).toThrow(HistoryError);
    expect(() => store.recordSeedOutcome(id, { ...found('gmail-1', 'gmail', 'inbox', 1), placement: 'elsewhere' as Placement })).toThrow(/unknown placement "elsewhere"/);
    expect(() => store.finishPlacement(id, { ...run, status: 'running' })).toThrow(/cannot be finished with status "running"/);
    expect(() => store.startPlacement({ ...newRun('dl-dup'), seeds: [pending('a', 'other'), pending('a', 'other')] })).toThrow(/lists seed "a" twice/);
    expect(() => store.startPlacement({ ...newRun(''), token: '' })).toThrow(/needs a token/);
    expect(store.listPlacements().total).toBe(1);
    // Writes that do fit are still fine.
    store.recordSeedOutcome(id, found('gmail-1', 'gmail', 'inbox', 1));
    expect(store.getPlacement(id)?.seeds[0]?.placement).toBe('inbox');
    store.close();
  });

  it('deletes a run with its seed rows (cascade), leaving the others', () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    const a = recordRun(store, 'dl-a', '2026-03-01T10:00:00.000Z', [found('gmail-1', 'gmail', 'inbox', 10), ended('outlook-1', 'outlook', 'missing')]);
    const b = recordRun(store, 'dl-b', '2026-03-02T10:00:00.000Z', [found('gmail-1', 'gmail', 'spam', 10)]);
    const count = (id: number) => store.transaction((db) => (db.prepare('SELECT COUNT(*) AS n FROM placement_seeds WHERE placement_id = ?').get(id) as { n: number }).n);
    expect(count(a)).toBe(2);
    expect(store.deletePlacement(a)).toBe(true);
    expect(store.deletePlacement(a)).toBe(false);
    expect(store.getPlacement(a)).toBeNull();
    expect(count(a)).toBe(0);
    expect(count(b)).toBe(1);
    expect(store.listPlacements().items.map((i) => i.id)).toEqual([b]);
    store.close();
  });

  it('pages the list newest first', () => {
    const store = HistoryStore.open(':memory:');
    const ids = ['01', '02', '03'].map((d) => recordRun(store, `dl-${d}`, `2026-03-${d}T10:00:00.000Z`, [found('gmail-1', 'gmail', 'inbox', 10)]));
    expect(store.listPlacements().items.map((i) => i.id)).toEqual([...ids].reverse());
    expect(store.listPlacements({ limit: 1, offset: 1 })).toMatchObject({ total: 3, items: [{ id: ids[1] }] });
    store.close();
  });

  it('says the disk is full and keeps every outcome committed before', () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    const id = store.startPlacement(newRun('dl-full'));
    store.recordSeedOutcome(id, found('gmail-1', 'gmail', 'inbox', 800));
    store.transaction((db) => db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`));
    const huge = { ...found('outlook-1', 'outlook', 'spam', 900) };
    huge.detection = detection('spam', 900, { spamHeaders: { 'x-spam-report': Array.from({ length: 400 }, (_, i) => `rule ${i} ${'x'.repeat(500)}`) } });
    expect(() => store.recordSeedOutcome(id, huge)).toThrow(HistoryError);
    expect(() => store.recordSeedOutcome(id, huge)).toThrow(/disk .* is full: nothing was written/);
    store.close();
    const after = HistoryStore.open(path);
    expect(after.getPlacement(id)?.seeds.map((s) => s.placement)).toEqual(['inbox', 'pending', 'pending']);
    after.close();
  });
});

describe('placement over time', () => {
  function history(): HistoryStore {
    const store = HistoryStore.open(':memory:');
    recordRun(store, 'dl-1', '2026-03-01T10:00:00.000Z', [found('gmail-1', 'gmail', 'inbox', 500), found('gmail-2', 'gmail', 'category:promotions', 700), found('outlook-1', 'outlook', 'spam', 1500)]);
    recordRun(store, 'dl-2', '2026-03-02T10:00:00.000Z', [found('gmail-1', 'gmail', 'spam', 900), ended('gmail-2', 'gmail', 'error'), ended('outlook-1', 'outlook', 'missing')]);
    // Nothing was delivered: no point of it counts.
    recordRun(store, 'dl-3', '2026-03-03T10:00:00.000Z', [ended('gmail-1', 'gmail', 'missing'), ended('gmail-2', 'gmail', 'missing'), ended('outlook-1', 'outlook', 'missing')], 'send-failed');
    // Cancelled: what was found counts, "missing" only meant "not yet".
    recordRun(store, 'dl-4', '2026-03-04T10:00:00.000Z', [found('gmail-1', 'gmail', 'inbox', 300), ended('gmail-2', 'gmail', 'missing'), ended('outlook-1', 'outlook', 'missing')], 'cancelled');
    return store;
  }

  it('gives per seed a series over time, oldest first, with its inbox share', () => {
    const store = history();
    const trend = store.placementTrend({ by: 'seed' });
    expect(trend.map((s) => s.key)).toEqual(['gmail-1', 'gmail-2', 'outlook-1']);
    const [g1, g2, o1] = trend;
    expect(g1?.points.map((p) => [p.startedAt.slice(0, 10), p.placement, p.latencyMs])).toEqual([
      ['2026-03-01', 'inbox', 500],
      ['2026-03-02', 'spam', 900],
      ['2026-03-04', 'inbox', 300],
    ]);
    expect(g1).toMatchObject({ provider: 'gmail', total: 3, errors: 0, inboxShare: 2 / 3, counts: { inbox: 2, spam: 1 }, medianLatencyMs: 500, runs: 3 });
    // A Gmail tab is in the inbox; a seed's own error is no verdict on placement.
    expect(g2).toMatchObject({ total: 1, errors: 1, inboxShare: 1, counts: { 'category:promotions': 1, error: 1 } });
    expect(o1).toMatchObject({ provider: 'outlook', total: 2, inboxShare: 0, counts: { spam: 1, missing: 1 }, medianLatencyMs: 1500 });
    expect(store.placementTrend({ by: 'seed', key: 'outlook-1' }).map((s) => s.key)).toEqual(['outlook-1']);
    expect(store.placementTrend({ by: 'seed', key: 'nobody' })).toEqual([]);
    store.close();
  });

  it('gives per provider a series over all its seeds, limited to the most recent runs', () => {
    const store = history();
    const trend = store.placementTrend({ by: 'provider' });
    expect(trend.map((s) => s.key)).toEqual(['gmail', 'outlook']);
    expect(trend[0]).toMatchObject({ provider: 'gmail', total: 4, errors: 1, inboxShare: 3 / 4, runs: 3 });
    expect(trend[0]?.points.map((p) => `${p.placementId}:${p.seed}:${p.placement}`)).toEqual(['1:gmail-1:inbox', '1:gmail-2:category:promotions', '2:gmail-1:spam', '2:gmail-2:error', '4:gmail-1:inbox']);
    // The two most recent runs that delivered: dl-4 and dl-2 (dl-3's send failed, so it is not one of them).
    const recent = store.placementTrend({ by: 'provider', limit: 2 });
    expect(recent.map((s) => [s.key, s.total, s.errors, s.inboxShare, s.runs])).toEqual([['gmail', 2, 1, 0.5, 2], ['outlook', 1, 0, 0, 1]]);
    store.close();
  });

  it('is empty without runs', () => {
    const store = HistoryStore.open(':memory:');
    expect(store.placementTrend({ by: 'seed' })).toEqual([]);
    store.close();
  });
});

describe('saved profiles and seeds', () => {
  it('saves, lists, replaces and deletes profiles, the stored secret going with them', () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    expect(store.saveProfile({ ...profile, security: 'none', port: 2525 }).warnings[0]).toMatch(/no encryption/);
    store.saveProfile({ ...profile, name: 'another', auth: { user: 'x@lab.test', passwordEnv: 'X_PASSWORD' } });
    store.saveProfile(profile);
    expect(store.listProfiles()).toEqual([{ ...profile, name: 'another', auth: { user: 'x@lab.test', passwordEnv: 'X_PASSWORD' } }, profile]);
    store.transaction((db) => db.prepare("INSERT INTO secrets (key, ciphertext, backend, updated_at) VALUES ('smtp:lab', x'00', 'keychain', 't')").run());
    expect(store.deleteProfile('lab')).toBe(true);
    expect(store.deleteProfile('lab')).toBe(false);
    expect(store.listProfiles().map((p) => p.name)).toEqual(['another']);
    expect(store.transaction((db) => db.prepare('SELECT COUNT(*) AS n FROM secrets').get())).toEqual({ n: 0 });
    store.close();
  });

  it('refuses a profile carrying a secret anywhere, and an invalid one, writing nothing', () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    const bad: [unknown, RegExp][] = [
      [{ ...profile, password: 'hunter2' }, /"password" looks like a secret/],
      [{ ...profile, auth: { user: 'u', password: 'hunter2' } }, /"auth.password" looks like a secret/],
      [{ ...profile, auth: { user: 'u', accessToken: 'ya29.hunter2' } }, /"auth.accessToken" looks like a secret/],
      [{ ...profile, dkim: { domain: 'lab.test', selector: 's1', privateKey: '-----BEGIN PRIVATE KEY----- hunter2' } }, /"dkim.privateKey" looks like a secret/],
      [{ ...profile, extra: { nested: { client_secret: 'hunter2' } } }, /"extra.nested.client_secret" looks like a secret/],
      [{ ...profile, port: 70000 }, /"port" must be a whole number/],
      [{ ...profile, host: 'user@host' }, /"host" must be a host name/],
      ['not an object', /expected an object/],
    ];
    for (const [input, message] of bad) {
      expect(() => store.saveProfile(input as SmtpProfile), JSON.stringify(input)).toThrow(ProfileError);
      expect(() => store.saveProfile(input as SmtpProfile)).toThrow(message);
    }
    // Names of environment variables are what belongs there instead.
    store.saveProfile({ ...profile, auth: { user: 'u', oauth2TokenEnv: 'GMAIL_TOKEN' } });
    expect(store.listProfiles()).toHaveLength(1);
    store.close();
    expect(readFileSync(path).includes('hunter2')).toBe(false);
  });

  it('saves, lists, replaces and deletes seeds; refuses secrets and bad shapes', () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    store.saveSeed(seed);
    store.saveSeed({ ...seed, name: 'a-outlook', provider: 'outlook', folders: { junk: 'Junk Email' } });
    store.saveSeed({ ...seed, port: 993 });
    expect(store.listSeeds()).toEqual([{ ...seed, name: 'a-outlook', provider: 'outlook', folders: { junk: 'Junk Email' } }, { ...seed, port: 993 }]);
    expect(() => store.saveSeed({ ...seed, auth: { user: 'u', password: 'hunter2' } } as never)).toThrow(SeedError);
    expect(() => store.saveSeed({ ...seed, auth: { user: 'u', password: 'hunter2' } } as never)).toThrow(/"auth.password" looks like a secret/);
    expect(() => store.saveSeed({ ...seed, appPassword: 'hunter2' } as never)).toThrow(/"appPassword" looks like a secret/);
    expect(() => store.saveSeed({ ...seed, provider: 'aol' } as never)).toThrow(/"provider" must be one of/);
    expect(() => store.saveSeed({ ...seed, folders: { spamfolder: 'X' } } as never)).toThrow(/not a folder role/);
    store.transaction((db) => db.prepare("INSERT INTO secrets (key, ciphertext, backend, updated_at) VALUES ('seed:gmail-1', x'00', 'keychain', 't')").run());
    expect(store.deleteSeed('gmail-1')).toBe(true);
    expect(store.deleteSeed('gmail-1')).toBe(false);
    expect(store.listSeeds().map((s) => s.name)).toEqual(['a-outlook']);
    expect(store.transaction((db) => db.prepare('SELECT COUNT(*) AS n FROM secrets').get())).toEqual({ n: 0 });
    store.close();
    expect(readFileSync(path).includes('hunter2')).toBe(false);
  });

  it('says which stored profile or seed is damaged instead of failing blindly', () => {
    const store = HistoryStore.open(':memory:');
    store.transaction((db) => {
      db.prepare("INSERT INTO smtp_profiles (name, profile_json, updated_at) VALUES ('broken', '{not json', 't')").run();
      db.prepare(`INSERT INTO seeds (name, seed_json, updated_at) VALUES ('old', '{"name":"old"}', 't')`).run();
    });
    expect(() => store.listProfiles()).toThrow(/SMTP profile "broken" in the history database is damaged.*delete it/);
    expect(() => store.listSeeds()).toThrow(/Seed "old" in the history database is not valid any more.*delete it and save it again/);
    expect(store.deleteProfile('broken')).toBe(true);
    expect(store.listProfiles()).toEqual([]);
    store.close();
  });
});
