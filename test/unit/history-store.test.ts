import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { AuditResult } from '../../electron/core/audit/types';
import type { DkimSignatureResult, MessageAnalysis } from '../../electron/core/message/types';
import { dkimOverall, HistoryError, HistoryStore } from '../../electron/core/history/store';
import { MIGRATIONS } from '../../electron/core/history/migrations';
import { DEFAULT_SETTINGS, SettingsService } from '../../electron/core/settings';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('history', join('nested', 'history.sqlite'));
/** The newest schema: migration numbers need not be contiguous (two lines of work may take 4 and 5). */
const LATEST = Math.max(...MIGRATIONS.map((m) => m.version));

function audit(domain: string, startedAt: string, severities: ('critical' | 'warning' | 'info')[] = []): AuditResult {
  return {
    domain,
    startedAt,
    durationMs: 12.4,
    score: 100 - severities.length * 10,
    grade: 'B',
    resolver: 'system',
    checks: {
      mx: { status: 'pass', hosts: [], nullMx: false },
      spf: { status: 'pass', record: null, records: [], terms: [], lookups: 0, all: null },
      dmarc: { status: 'pass', record: null, recordDomain: null, inherited: false, organizationalDomain: domain, policy: null, policySource: null, tags: {}, walk: [] },
    },
    findings: severities.map((severity) => ({ code: 'spf.missing', severity, check: 'spf', title: 't', detail: 'd' })),
    dns: [{ name: domain, type: 'MX', ms: 1, answer: ['10 mx.example'] }],
  };
}

describe('history store', () => {
  it('creates its folder, turns on WAL and foreign keys, and records the applied migrations', () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    expect(store.schemaVersion()).toBe(LATEST);
    store.close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[];
    for (const name of ['domains', 'audits', 'settings', 'schema_migrations']) {
      expect(tables.find((t) => t.name === name)?.sql, name).toMatch(/STRICT$/);
    }
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(
      [...MIGRATIONS].sort((a, b) => a.version - b.version).map(({ version, name }) => ({ version, name })),
    );
    expect(db.prepare('SELECT version, name FROM schema_migrations WHERE version <= 4 ORDER BY version').all()).toEqual([
      { version: 1, name: 'domains, audits, settings' },
      { version: 2, name: 'messages, raw messages, DKIM selectors seen' },
      { version: 3, name: 'SMTP profiles, seeds, secrets, sends, placement runs' },
      { version: 4, name: 'DMARC aggregate and TLS reports, reverse DNS cache' },
    ]);
    db.close();
  });

  it('saves, lists newest first, gets and deletes audits with their counts', () => {
    const store = HistoryStore.open(tmp());
    const a = store.saveAudit(audit('a.example', '2026-01-01T00:00:00.000Z', ['critical', 'critical', 'warning']));
    const b = store.saveAudit(audit('b.example', '2026-01-02T00:00:00.000Z', ['warning', 'info']));
    store.saveAudit(audit('a.example', '2026-01-03T00:00:00.000Z'));
    const list = store.listAudits();
    expect(list.total).toBe(3);
    expect(list.items.map((i) => i.domain)).toEqual(['a.example', 'b.example', 'a.example']);
    expect(list.items[2]).toMatchObject({ id: a, critical: 2, warning: 1, durationMs: 12 });
    expect(store.listAudits({ domain: 'A.example' }).total).toBe(2);
    expect(store.listAudits({ search: 'B.EX' }).items.map((i) => i.id)).toEqual([b]);
    expect(store.listAudits({ search: 'example' }).total).toBe(3);
    expect(store.listAudits({ search: 'nowhere' }).total).toBe(0);
    expect(store.listAudits({ limit: 1, offset: 1 }).items.map((i) => i.id)).toEqual([b]);
    const got = store.getAudit(b);
    expect(got?.domain).toBe('b.example');
    expect(got?.dns).toEqual([{ name: 'b.example', type: 'MX', ms: 1, answer: ['10 mx.example'] }]);
    expect(got?.id).toBe(b);
    expect(store.deleteAudit(b)).toBe(true);
    expect(store.deleteAudit(b)).toBe(false);
    expect(store.getAudit(b)).toBeNull();
    store.close();
  });

  it('keeps data across reopening and does not re-run migrations', () => {
    const path = tmp();
    const first = HistoryStore.open(path);
    first.saveAudit(audit('a.example', '2026-01-01T00:00:00.000Z'));
    first.setSetting('resolver', '127.0.0.1:5353');
    first.close();
    const second = HistoryStore.open(path);
    expect(second.listAudits().total).toBe(1);
    expect(second.getSetting('resolver')).toBe('127.0.0.1:5353');
    expect(second.schemaVersion()).toBe(LATEST);
    second.close();
  });

  it('refuses a database from a newer version instead of damaging it', () => {
    const path = tmp();
    HistoryStore.open(path, [...MIGRATIONS, { version: 99, name: 'future', sql: 'CREATE TABLE future (x INTEGER) STRICT' }]).close();
    expect(() => HistoryStore.open(path)).toThrow(/newer Deliverlab \(schema 99/);
  });

  it('says the disk is full, and keeps what was there, when SQLite runs out of room', () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    store.saveAudit(audit('kept.example', '2026-01-01T00:00:00.000Z'));
    // max_page_count caps the file: the same error SQLite gives on a full disk.
    store.transaction((db) => db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`));
    const big = audit('big.example', '2026-01-02T00:00:00.000Z');
    big.dns = Array.from({ length: 5000 }, (_, i) => ({ name: `n${i}.example`, type: 'TXT', ms: 1, answer: ['x'.repeat(200)] }));
    expect(() => store.saveAudit(big)).toThrow(HistoryError);
    expect(() => store.saveAudit(big)).toThrow(/disk .* is full: nothing was written/);
    expect(store.listAudits().items.map((i) => i.domain)).toEqual(['kept.example']);
    store.close();
  });

  it('gives a clear error for a file that is not a database', () => {
    const path = tmp();
    HistoryStore.open(path).close();
    rmSync(path);
    writeFileSync(path, 'this is not sqlite'.repeat(100));
    expect(() => HistoryStore.open(path)).toThrow(/history database/);
  });

  it('backs settings, with defaults for what was never saved', () => {
    const store = HistoryStore.open(':memory:');
    const settings = new SettingsService(store, { ...DEFAULT_SETTINGS, resolver: 'system', dnsTimeoutMs: 2500 });
    expect(settings.get()).toMatchObject({ resolver: 'system', dnsTimeoutMs: 2500, dkimSelectors: '' });
    expect(settings.set({ resolver: '9.9.9.9' })).toMatchObject({ resolver: '9.9.9.9', dnsTimeoutMs: 2500 });
    expect(new SettingsService(store).get().resolver).toBe('9.9.9.9');
    store.close();
  });
});

function analysis(over: { analysedAt?: string; from?: string; subject?: string; dkim?: DkimSignatureResult[]; severities?: ('critical' | 'warning' | 'info')[] } = {}): MessageAnalysis {
  const from = over.from ?? 'news@shop.example';
  const fromDomain = /@([^>\s]+)/.exec(from)?.[1] ?? null;
  return {
    sha256: 'ab'.repeat(32),
    size: 1234,
    headersOnly: false,
    analysedAt: over.analysedAt ?? '2026-02-01T00:00:00.000Z',
    durationMs: 15,
    summary: { subject: over.subject ?? 'Sale', from, fromDomain, to: ['a@b.example'], date: null, messageId: '<1@shop.example>', bulk: true },
    envelope: { ip: '192.0.2.1', helo: 'mx.shop.example', mailFrom: from, source: 'received', trustedHop: 0, explanation: 'hop 0' },
    auth: {
      spf: { result: 'pass', domain: fromDomain },
      dkim: over.dkim ?? [{ domain: fromDomain ?? 'shop.example', selector: 's1', result: 'pass', aligned: true }],
      dmarc: { result: 'pass', policy: 'reject', domain: fromDomain, alignment: { spf: true, dkim: true } },
      arc: { result: 'none', instances: 0 },
    },
    receiver: { authServId: null, results: [], arcAuthenticationResults: [], differences: [] },
    hops: [],
    transitSeconds: null,
    content: null,
    findings: (over.severities ?? []).map((severity) => ({ code: 'header.no-date', severity, check: 'header', title: 't', detail: 'd' })),
    providers: [],
    dns: [],
  };
}

describe('message history (migration 2)', () => {
  it('adds STRICT messages, message_raw and dkim_selectors_seen tables, the raw copy cascading with its message', () => {
    const path = tmp();
    HistoryStore.open(path).close();
    const db = new Database(path);
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[];
    for (const name of ['messages', 'message_raw', 'dkim_selectors_seen']) {
      expect(tables.find((t) => t.name === name)?.sql, name).toMatch(/\)\s*STRICT$/);
    }
    expect(tables.find((t) => t.name === 'message_raw')?.sql).toMatch(/REFERENCES messages\(id\) ON DELETE CASCADE/);
    expect(db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: LATEST });
    // STRICT refuses a value of the wrong type instead of storing it.
    expect(() => db.prepare("INSERT INTO messages (analysed_at, sha256, spf, dkim, dmarc, critical_count, warning_count, result_json) VALUES ('t', 'x', 'p', 'p', 'p', 'many', 0, '{}')").run()).toThrow(/cannot store TEXT value in INTEGER column/);
    db.close();
  });

  it('upgrades a version-1 database in place, keeping its audits', () => {
    const path = tmp();
    const v1 = HistoryStore.open(path, MIGRATIONS.filter((m) => m.version === 1));
    v1.saveAudit(audit('old.example', '2026-01-01T00:00:00.000Z'));
    expect(v1.schemaVersion()).toBe(1);
    v1.close();
    const v2 = HistoryStore.open(path);
    expect(v2.schemaVersion()).toBe(LATEST);
    expect(v2.listAudits().items.map((i) => i.domain)).toEqual(['old.example']);
    expect(v2.listMessages()).toEqual({ items: [], total: 0 });
    v2.close();
  });

  it('saves, lists newest first, gets and deletes analyses, the raw message going with them', async () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    const raw = Buffer.concat([Buffer.from('From: news@shop.example\r\nSubject: Sale\r\n\r\n'), Buffer.from([0, 0xff, 0xfe, 0x80]), Buffer.from('body '.repeat(5000))]);
    const a = await store.saveMessage(analysis({ severities: ['critical', 'warning', 'warning'] }), raw);
    const b = await store.saveMessage(analysis({ analysedAt: '2026-02-02T00:00:00.000Z', from: 'Bob <bob@other.example>', subject: 'Hi' }), null);
    const list = store.listMessages();
    expect(list.total).toBe(2);
    expect(list.items).toEqual([
      { id: b, analysedAt: '2026-02-02T00:00:00.000Z', subject: 'Hi', from: 'Bob <bob@other.example>', fromDomain: 'other.example', spf: 'pass', dkim: 'pass', dmarc: 'pass', critical: 0, warning: 0, rawStored: false },
      { id: a, analysedAt: '2026-02-01T00:00:00.000Z', subject: 'Sale', from: 'news@shop.example', fromDomain: 'shop.example', spf: 'pass', dkim: 'pass', dmarc: 'pass', critical: 1, warning: 2, rawStored: true },
    ]);
    expect(store.listMessages({ domain: 'SHOP.example.' }).items.map((i) => i.id)).toEqual([a]);
    expect(store.listMessages({ limit: 1, offset: 1 }).items.map((i) => i.id)).toEqual([a]);
    expect(store.getMessage(a)).toMatchObject({ id: a, sha256: 'ab'.repeat(32), summary: { subject: 'Sale' } });
    expect(store.getRawMessage(a)?.equals(raw)).toBe(true);
    expect(store.getRawMessage(b)).toBeNull();
    // Stored compressed: 25 KB of text takes far less room.
    const db = new Database(path, { readonly: true });
    const row = db.prepare('SELECT compression, length(raw) AS size, original_size FROM message_raw WHERE message_id = ?').get(a) as { compression: string; size: number; original_size: number };
    expect(row).toMatchObject({ compression: 'br', original_size: raw.length });
    expect(row.size).toBeLessThan(raw.length / 10);
    db.close();
    expect(store.deleteMessage(a)).toBe(true);
    expect(store.deleteMessage(a)).toBe(false);
    expect(store.getMessage(a)).toBeNull();
    expect(store.getRawMessage(a)).toBeNull();
    const after = new Database(path, { readonly: true });
    expect(after.prepare('SELECT COUNT(*) AS n FROM message_raw').get()).toEqual({ n: 0 });
    after.close();
    store.close();
  });

  it('does not store the history id or a history error inside the stored result', async () => {
    const store = HistoryStore.open(':memory:');
    const id = await store.saveMessage({ ...analysis(), id: 77, historyError: 'old' }, null);
    const got = store.getMessage(id);
    expect(got?.id).toBe(id);
    expect(got?.historyError).toBeUndefined();
    store.close();
  });

  it('remembers the DKIM selectors messages were signed with, per domain, newest first, valid names only', async () => {
    const store = HistoryStore.open(':memory:');
    const sig = (domain: string, selector: string, result: DkimSignatureResult['result'] = 'pass'): DkimSignatureResult => ({ domain, selector, result, aligned: false });
    await store.saveMessage(analysis({ analysedAt: '2026-03-01T00:00:00.000Z', dkim: [sig('Shop.Example', 'S2026'), sig('esp.example', 'k1', 'fail')] }), null);
    await store.saveMessage(analysis({ analysedAt: '2026-03-02T00:00:00.000Z', dkim: [sig('shop.example', 'mkt'), sig('shop.example', 'bad selector!'), sig('not a domain', 'x1'), sig('shop.example', '')] }), null);
    await store.saveMessage(analysis({ analysedAt: '2026-02-01T00:00:00.000Z', dkim: [sig('shop.example', 's2026')] }), null);
    expect(store.selectorsSeen('shop.example')).toEqual(['mkt', 's2026']);
    expect(store.selectorsSeen('SHOP.EXAMPLE.')).toEqual(['mkt', 's2026']);
    expect(store.selectorsSeen('esp.example')).toEqual(['k1']);
    expect(store.selectorsSeen('nobody.example')).toEqual([]);
    const rows = store.transaction((db) => db.prepare("SELECT first_seen, last_seen FROM dkim_selectors_seen WHERE selector = 's2026'").get());
    expect(rows).toEqual({ first_seen: '2026-02-01T00:00:00.000Z', last_seen: '2026-03-01T00:00:00.000Z' });
    // A message with hundreds of signatures teaches at most 20 selectors.
    await store.saveMessage(analysis({ dkim: Array.from({ length: 300 }, (_, i) => sig('many.example', `s${i}`)) }), null);
    expect(store.selectorsSeen('many.example', 500)).toHaveLength(20);
    store.close();
  });

  it('sums DKIM up as pass only when an aligned signature passed', () => {
    const sig = (result: DkimSignatureResult['result'], aligned: boolean): DkimSignatureResult => ({ domain: 'x.example', selector: 's', result, aligned });
    expect(dkimOverall([])).toBe('none');
    expect(dkimOverall([sig('fail', true), sig('pass', true)])).toBe('pass');
    expect(dkimOverall([sig('pass', false)])).toBe('unaligned');
    expect(dkimOverall([sig('fail', true), sig('temperror', true)])).toBe('temperror');
    expect(dkimOverall([sig('none', false), sig('permerror', true)])).toBe('permerror');
  });

  it('says the disk is full and writes nothing of the message when it does not fit', async () => {
    const store = HistoryStore.open(tmp());
    await store.saveMessage(analysis({ subject: 'kept' }), null);
    store.transaction((db) => db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`));
    // Random bytes do not compress: the copy needs its full size on disk.
    const raw = randomBytes(200_000);
    await expect(store.saveMessage(analysis({ subject: 'big', dkim: [{ domain: 'big.example', selector: 'b1', result: 'pass', aligned: true }] }), raw)).rejects.toThrow(/disk .* is full: nothing was written/);
    expect(store.listMessages().items.map((i) => i.subject)).toEqual(['kept']);
    expect(store.selectorsSeen('big.example')).toEqual([]);
    store.close();
  });
});
