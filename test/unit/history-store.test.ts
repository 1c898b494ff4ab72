import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { AuditResult } from '../../electron/core/audit/types';
import { HistoryError, HistoryStore } from '../../electron/core/history/store';
import { MIGRATIONS } from '../../electron/core/history/migrations';
import { DEFAULT_SETTINGS, SettingsService } from '../../electron/core/settings';

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'deliverlab-history-'));
  dirs.push(dir);
  return join(dir, 'nested', 'history.sqlite');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

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
    expect(store.schemaVersion()).toBe(MIGRATIONS.length);
    store.close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[];
    for (const name of ['domains', 'audits', 'settings', 'schema_migrations']) {
      expect(tables.find((t) => t.name === name)?.sql, name).toMatch(/STRICT$/);
    }
    expect(db.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([{ version: 1, name: 'domains, audits, settings' }]);
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
    expect(second.schemaVersion()).toBe(1);
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
