/**
 * Monitoring in history (migration 5): clients and the lists they filter, watches and their leases,
 * a check recorded all or nothing while its lease is held, the alerts' states, the outbox, and the
 * audit list's indexes.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../electron/core/audit/types';
import { MIGRATIONS } from '../../electron/core/history/migrations';
import { HistoryStore, leaseHolder, type CheckRecord } from '../../electron/core/history/store';
import type { AlertDraft, WatchState } from '../../electron/core/watch/types';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('history-watch');

function audit(domain: string, startedAt: string, score = 90): AuditResult {
  return {
    domain,
    startedAt,
    durationMs: 5,
    score,
    grade: score >= 90 ? 'A' : 'C',
    resolver: 'system',
    checks: {
      mx: { status: 'pass', hosts: [], nullMx: false },
      spf: { status: 'pass', record: null, records: [], terms: [], lookups: 0, all: null },
      dmarc: { status: 'pass', record: null, recordDomain: null, inherited: false, organizationalDomain: domain, policy: null, policySource: null, tags: {}, walk: [] },
    },
    findings: [],
    dns: [],
  };
}

const schedule = { every: 6 * 3600_000 };
const NOW = '2999-03-01T10:00:00.000Z';
const LATER = '2999-03-01T10:05:00.000Z';
const EXPIRES = '2999-03-01T10:10:00.000Z';
const draft: AlertDraft = { rule: 'record.changed', subject: 'SPF record', title: 'The SPF record of a.example changed', detail: 'd', before: 'v=spf1 -all', after: 'v=spf1 +all' };
const state = { ran: ['spf'], score: 90, grade: 'A', records: {}, selectors: {}, listings: {}, certs: {}, expiring: [], criticals: {} } satisfies WatchState;

function check(watchId: number, over: Partial<CheckRecord> = {}): CheckRecord {
  return { watchId, startedAt: NOW, finishedAt: LATER, audit: audit('a.example', NOW), drafts: [draft], state, nextAt: '2999-03-01T16:05:00.000Z', channels: ['webhook'], ...over };
}

/** The pid of a process that has exited: a lease it held is abandoned. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid as number;
}

describe('migration 5 and the migrator', () => {
  it('applies on top of a version-3 database with data, and keeps it; sends made before it are found by their sender\'s domain', () => {
    const path = tmp();
    const v3 = HistoryStore.open(path, MIGRATIONS.filter((m) => m.version <= 3));
    v3.saveAudit(audit('old.example', '2026-01-01T00:00:00.000Z'));
    v3.transaction((db) =>
      db
        .prepare("INSERT INTO sends (sent_at, profile, subject, ok, recipient_count, accepted_count, result_json) VALUES ('2026-01-01T00:00:00.000Z', 'p', 's', 1, 1, 1, ?)")
        .run(JSON.stringify({ transcript: [{ dir: 'S', text: '220 hi' }, { dir: 'C', text: 'MAIL FROM:<news@Old.Example>' }] })),
    );
    v3.close();
    const store = HistoryStore.open(path);
    expect(store.schemaVersion()).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    expect(store.listAudits().items.map((a) => a.domain)).toEqual(['old.example']);
    expect(store.listSends({ domain: 'old.example' }).total).toBe(1);
    expect(store.listSends({ domain: 'other.example' }).total).toBe(0);
    expect(store.listWatches()).toEqual([]);
    store.close();
    const db = new Database(path, { readonly: true });
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[];
    for (const name of ['clients', 'client_members', 'watches', 'watch_checks', 'alerts', 'outbox', 'leases']) expect(tables.find((t) => t.name === name)?.sql, name).toMatch(/\)\s*STRICT$/);
    db.close();
  });

  it('applies a migration numbered below the newest applied (4 arriving after 5), and refuses a number it does not know', () => {
    const path = tmp();
    // A build without migration 4 (another line of work's) makes the file first.
    const withoutFour = MIGRATIONS.filter((m) => m.version !== 4);
    HistoryStore.open(path, withoutFour).close();
    const all = HistoryStore.open(path);
    all.close();
    const versions = [...new Set(MIGRATIONS.map((m) => m.version))].sort((a, b) => a - b);
    const db = new Database(path, { readonly: true });
    expect((db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version)).toEqual(versions);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'dmarc_reports'").get()).toEqual({ name: 'dmarc_reports' });
    db.close();
    // A build that does not know 4: the file is a newer Deliverlab's, and is left alone.
    expect(() => HistoryStore.open(path, withoutFour)).toThrow(/newer Deliverlab \(schema 4/);
  });

  it('lists audits newest first in the order of an index, with no sort step, whole or for one domain', () => {
    const store = HistoryStore.open(tmp());
    store.saveClient({ name: 'Acme', domains: ['a.example'] });
    const plans = store.transaction((db) =>
      [
        'SELECT a.id FROM audits a JOIN domains d ON d.id = a.domain_id ORDER BY a.started_at DESC, a.id DESC LIMIT 100',
        "SELECT a.id FROM audits a JOIN domains d ON d.id = a.domain_id WHERE a.domain_id = (SELECT id FROM domains WHERE name = 'a.example') ORDER BY a.started_at DESC, a.id DESC LIMIT 100",
      ].map((sql) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ')),
    );
    for (const plan of plans) expect(plan).not.toMatch(/TEMP B-TREE/);
    store.close();
  });
});

describe('clients', () => {
  it('groups domains and IPs under one name whatever its case; adding again adds to it', () => {
    const store = HistoryStore.open(tmp());
    const first = store.saveClient({ name: 'Acme Ltd', notes: 'retainer', tags: ['gold'], domains: ['acme.example'], ips: ['192.0.2.1'] });
    const again = store.saveClient({ name: 'acme ltd', tags: ['eu'], domains: ['acme-mail.example'] });
    expect(again).toMatchObject({ id: first.id, name: 'Acme Ltd', notes: 'retainer', tags: ['gold', 'eu'], domains: ['acme-mail.example', 'acme.example'], ips: ['192.0.2.1'] });
    expect(store.clientNamed('ACME LTD')?.id).toBe(first.id);
    expect(store.listClients()).toMatchObject([{ name: 'Acme Ltd', watches: 0, openAlerts: 0 }]);
    store.close();
  });

  it('filters audits, messages, sends and placement runs by client, the domains below its own included', async () => {
    const store = HistoryStore.open(tmp());
    const acme = store.saveClient({ name: 'Acme', domains: ['acme.example'] });
    const mine = [store.saveAudit(audit('acme.example', '2026-01-01T00:00:00.000Z')), store.saveAudit(audit('news.acme.example', '2026-01-02T00:00:00.000Z'))];
    store.saveAudit(audit('other.example', '2026-01-03T00:00:00.000Z'));
    store.saveAudit(audit('notacme.example', '2026-01-04T00:00:00.000Z'));
    expect(store.listAudits({ clientId: acme.id })).toMatchObject({ total: 2, items: [{ id: mine[1] }, { id: mine[0] }] });
    expect(store.listAudits({ clientId: acme.id, domain: 'acme.example' }).items.map((a) => a.id)).toEqual([mine[0]]);

    store.saveProfile({ name: 'acme-smtp', host: 'smtp.acme.example', port: 587, security: 'starttls', from: 'Acme <news@mail.acme.example>' });
    store.saveProfile({ name: 'other-smtp', host: 'smtp.other.example', port: 587, security: 'starttls', from: 'x@other.example' });
    const send = (profile: string, at: string) =>
      store.saveSend({ ok: true, profile, recipients: [{ address: 'r@x.example', status: 'accepted' }], timings: { startedAt: at, totalMs: 1 }, transcript: [], warnings: [] }, `via ${profile}`);
    const acmeSend = send('acme-smtp', '2026-01-05T00:00:00.000Z');
    send('other-smtp', '2026-01-06T00:00:00.000Z');
    expect(store.listSends({ clientId: acme.id }).items.map((s) => s.id)).toEqual([acmeSend]);
    expect(store.listSends({ domain: 'acme.example' }).items.map((s) => s.id)).toEqual([acmeSend]);
    expect(store.listSends({ domain: 'nobody.example' }).total).toBe(0);
    // A send through a profile never saved here (deliverlab send --profile FILE): found by its envelope sender's domain.
    const fileSend = store.saveSend(
      { ok: true, profile: 'file', recipients: [], timings: { startedAt: '2026-01-05T12:00:00.000Z', totalMs: 1 }, transcript: [{ dir: 'C', text: 'MAIL FROM:<bounce@News.Acme.Example> SIZE=10', ms: 1 }], warnings: [] },
      'from a file',
    );
    expect(store.listSends({ clientId: acme.id }).items.map((s) => s.id)).toEqual([fileSend, acmeSend]);
    expect(store.listSends({ domain: 'news.acme.example' }).items.map((s) => s.id)).toEqual([fileSend]);
    expect(store.listPlacements({ clientId: acme.id }).total).toBe(0);
    expect(store.listMessages({ clientId: acme.id }).total).toBe(0);
    const recent = store.recentActivity({ clientId: acme.id });
    expect(recent.map((r) => `${r.kind} ${r.id}`)).toEqual([`send ${fileSend}`, `send ${acmeSend}`, `audit ${mine[1]}`, `audit ${mine[0]}`]);
    store.close();
  });
});

describe('watches, leases and the check transaction', () => {
  it('gives each due watch to one scheduler only; a lease expired or held by a dead process is free', () => {
    const path = tmp();
    const one = HistoryStore.open(path);
    const two = HistoryStore.open(path);
    const { watch: a } = one.addWatch({ kind: 'domain', target: 'a.example', clientId: null, schedule, options: {} });
    const { watch: b } = one.addWatch({ kind: 'ip', target: '192.0.2.1', clientId: null, schedule, options: {} });
    const h1 = leaseHolder('one');
    const h2 = leaseHolder('two');
    const due = '2999-01-01T00:00:00.000Z';
    expect(one.claimWatch(h1, due, '2999-01-01T00:02:00.000Z')?.id).toBe(a.id);
    expect(two.claimWatch(h2, due, '2999-01-01T00:02:00.000Z')?.id).toBe(b.id);
    expect(one.claimWatch(h1, due, '2999-01-01T00:02:00.000Z')).toBeNull();
    expect(two.claimWatch(h2, due, '2999-01-01T00:02:00.000Z')).toBeNull();
    // Past its expiry, another scheduler may take it.
    expect(two.claimWatch(h2, '2999-01-01T00:03:00.000Z', '2999-01-01T00:05:00.000Z')?.id).toBe(a.id);
    // A lease of a live process of this machine holds; one of a process that is gone does not.
    two.transaction((db) => db.prepare("UPDATE leases SET owner = 'ghost', pid = ?, host = ? WHERE name = ?").run(process.ppid, hostname(), `watch:${b.id}`));
    expect(one.claimWatch(h1, due, '2999-01-01T00:02:00.000Z')).toBeNull();
    two.transaction((db) => db.prepare("UPDATE leases SET pid = ? WHERE owner = 'ghost'").run(deadPid()));
    expect(one.claimWatch(h1, due, '2999-01-01T00:02:00.000Z')?.id).toBe(b.id);
    one.close();
    two.close();
  });

  it('records a check whole while the lease is held, and nothing once another scheduler took the watch', () => {
    const store = HistoryStore.open(tmp());
    const { watch } = store.addWatch({ kind: 'domain', target: 'a.example', clientId: null, schedule, options: {} });
    const mine = leaseHolder('mine');
    const theirs = leaseHolder('theirs');
    store.claimWatch(mine, NOW, EXPIRES);
    // The lease expired and another scheduler took the watch: this check is not recorded.
    expect(store.claimWatch(theirs, '2999-03-01T10:11:00.000Z', '2999-03-01T10:20:00.000Z')?.id).toBe(watch.id);
    expect(store.finishCheck(mine, check(watch.id))).toBeNull();
    expect(store.listAudits().total).toBe(0);
    expect(store.listAlerts().total).toBe(0);
    expect(store.pendingDeliveries()).toEqual({ webhook: 0, email: 0 });

    const done = store.finishCheck(theirs, check(watch.id));
    expect(done?.alerts).toMatchObject([{ rule: 'record.changed', target: 'a.example', before: 'v=spf1 -all', after: 'v=spf1 +all', auditId: done?.auditId, open: true }]);
    expect(store.listAudits().total).toBe(1);
    expect(store.pendingDeliveries()).toEqual({ webhook: 1, email: 0 });
    expect(store.outboxHead('webhook')?.payload).toMatchObject({ id: done?.alerts[0]?.id, rule: 'record.changed', watch: { id: watch.id, kind: 'domain', target: 'a.example' } });
    const [summary] = store.listWatches();
    expect(summary).toMatchObject({ baseline: true, nextAt: '2999-03-01T16:05:00.000Z', last: { grade: 'A', score: 90, error: null, alerts: 1 }, openAlerts: 1 });
    expect(summary?.scores).toEqual([{ at: NOW, score: 90, grade: 'A' }]);
    // The lease went with the check: the watch is free for the next one.
    expect(store.claimWatch(mine, '2999-03-01T17:00:00.000Z', '2999-03-01T17:05:00.000Z')?.id).toBe(watch.id);
    store.close();
  });

  it('acknowledges, snoozes and counts open alerts; removing a watch removes its alerts but not what the outbox owes', () => {
    const store = HistoryStore.open(tmp());
    const { watch } = store.addWatch({ kind: 'domain', target: 'a.example', clientId: null, schedule, options: {} });
    const holder = leaseHolder('h');
    store.claimWatch(holder, NOW, EXPIRES);
    const done = store.finishCheck(holder, check(watch.id, { drafts: [draft, { ...draft, subject: 'MX hosts', title: 'The MX hosts of a.example changed' }] }));
    const [first, second] = done?.alerts ?? [];
    expect(store.ackAlert(first?.id as number, LATER)).toBe(true);
    expect(store.snoozeAlert(second?.id as number, '2999-03-02T00:00:00.000Z')).toBe(true);
    expect(store.listAlerts({ open: true }, LATER).total).toBe(0);
    expect(store.listAlerts({ open: true }, '2999-03-02T00:00:01.000Z').items.map((a) => a.id)).toEqual([second?.id]);
    expect(store.setWatchMuted(watch.id, 'score.drop', true)?.muted).toEqual(['score.drop']);
    expect(store.removeWatch(watch.id)).toBe(true);
    expect(store.listAlerts().total).toBe(0);
    expect(store.pendingDeliveries().webhook).toBe(2);
    store.close();
  });
});
