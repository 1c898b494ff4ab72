/**
 * Sending health import: every export format read into the daily counts, rows with errors refused
 * by line while the rest imports, unknown columns and types reported, the same file twice adding
 * nothing, and recipient providers told by MX through the resolver, a failed lookup as unknown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DnsError, type DnsSession } from '../../electron/core/dns/session';
import { importHealth } from '../../electron/core/health/import';
import { providerOfMx, resolveProviders } from '../../electron/core/health/providers';
import { HistoryStore } from '../../electron/core/history/store';
import type { RecipientProvider } from '../../electron/core/health/types';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('health-import');
const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'health', name);
const NOW = () => new Date('2026-04-20T12:00:00Z');

function withStore<T>(fn: (store: HistoryStore) => Promise<T>): Promise<T> {
  const store = HistoryStore.open(tmp());
  return fn(store).finally(() => store.close());
}

const importOne = (store: HistoryStore, name: string, format?: Parameters<typeof importHealth>[1]['format']) =>
  importHealth({ paths: [fixture(name)] }, { store, dns: null, now: NOW, ...(format ? { format } : {}) });

describe('health import', () => {
  it('reads Amazon SES event publishing, told from its content, per recipient; refuses bad lines by number and reports unknown event types', () =>
    withStore(async (store) => {
      const r = await importOne(store, 'ses.jsonl');
      const [f] = r.files;
      expect(f).toMatchObject({ format: 'ses', detected: true, read: 12, added: 12, duplicates: 0, ignored: 2, refusedRows: 2, alreadyImported: false });
      expect(f?.refusals).toEqual([
        { line: 10, reason: 'not valid JSON' },
        { line: 11, reason: 'no time (mail.timestamp)' },
      ]);
      expect(f?.unknown).toEqual([{ kind: 'event-type', name: 'Teleport', count: 1 }]);
      expect(r.ips).toEqual(['192.0.2.10', '192.0.2.11']);
      expect(r.domains).toEqual(['news.example']);
      expect(store.dailyVolume({ domain: 'news.example', since: '2026-03-01', until: '2026-03-31' })).toEqual([{ day: '2026-03-02', sent: 4, delivered: 2, bounced: 2, complaints: 1 }]);
      const rows = store.healthDays({ since: '2026-03-01', until: '2026-03-31' });
      const at = (provider: RecipientProvider) => rows.filter((x) => x.provider === provider).reduce((n, x) => n + x.sent, 0);
      expect({ gmail: at('gmail'), yahoo: at('yahoo'), apple: at('apple'), unknown: at('unknown') }).toEqual({ gmail: 1, yahoo: 1, apple: 1, unknown: 1 });
      expect(rows.reduce((n, x) => n + x.unknownUsers, 0)).toBe(1);
      expect(rows.find((x) => x.provider === 'yahoo')).toMatchObject({ opens: 1, clicks: 1, unsubscribes: 1 });
    }));

  it('adds nothing when the same events are imported again, and says so', () =>
    withStore(async (store) => {
      await importOne(store, 'ses.jsonl');
      const again = await importOne(store, 'ses.jsonl');
      expect(again.files[0]).toMatchObject({ read: 12, added: 0, duplicates: 12, alreadyImported: true });
      expect(store.dailyVolume({ since: '2026-03-01', until: '2026-03-31' })).toEqual([{ day: '2026-03-02', sent: 4, delivered: 2, bounced: 2, complaints: 1 }]);
      await importOne(store, 'generic.csv');
      const csv = await importOne(store, 'generic.csv');
      expect(csv.files[0]).toMatchObject({ added: 0, alreadyImported: true });
      expect(csv.added).toBe(0);
    }));

  it('reads a SendGrid webhook array (hard and blocked bounces, unknown users) and refuses a record without a time by its line', () =>
    withStore(async (store) => {
      const r = await importOne(store, 'sendgrid.json');
      expect(r.files[0]).toMatchObject({ format: 'sendgrid', detected: true, read: 9, ignored: 1, refusedRows: 1, refusals: [{ line: 89, reason: '"yesterday" is not a time' }] });
      expect(store.dailyVolume({ domain: 'shop.example', since: '2026-03-02', until: '2026-03-02' })).toEqual([{ day: '2026-03-02', sent: 3, delivered: 1, bounced: 2, complaints: 1 }]);
      const rows = store.healthDays({ since: '2026-03-02', until: '2026-03-02' }).filter((x) => x.provider === 'microsoft');
      expect(rows.reduce((n, x) => n + x.hardBounced, 0)).toBe(1);
      expect(rows.reduce((n, x) => n + x.softBounced, 0)).toBe(1);
      expect(rows.reduce((n, x) => n + x.unknownUsers, 0)).toBe(1);
    }));

  it('reads a Mailgun events page ({"items": [...]}) and a Postmark webhook stream, with an unknown bounce type reported', () =>
    withStore(async (store) => {
      const mg = await importOne(store, 'mailgun.json');
      expect(mg.files[0]).toMatchObject({ format: 'mailgun', read: 9, refusedRows: 1, refusals: [{ line: 105, reason: 'no recipient (recipient)' }] });
      expect(store.dailyVolume({ domain: 'mg.store.example', since: '2026-03-03', until: '2026-03-03' })).toEqual([{ day: '2026-03-03', sent: 2, delivered: 1, bounced: 2, complaints: 1 }]);
      expect(mg.ips).toContain('203.0.113.5');
      const pm = await importOne(store, 'postmark.jsonl');
      expect(pm.files[0]).toMatchObject({ format: 'postmark', read: 5, ignored: 1, unknown: [{ kind: 'bounce-type', name: 'Mystery', count: 1 }] });
      expect(store.dailyVolume({ domain: 'mail.shop.example', since: '2026-03-01', until: '2026-03-31' })).toEqual([
        { day: '2026-03-04', sent: 3, delivered: 2, bounced: 1, complaints: 0 },
        { day: '2026-03-05', sent: 0, delivered: 0, bounced: 0, complaints: 1 },
      ]);
    }));

  it('reads Mailchimp campaign reports and the generic CSV: bad rows refused by line with the reason, unknown columns reported', () =>
    withStore(async (store) => {
      const mc = await importOne(store, 'mailchimp.csv');
      expect(mc.files[0]).toMatchObject({ format: 'mailchimp', detected: true, read: 2, refusedRows: 1, refusals: [{ line: 4, reason: '"someday" is not a date' }], unknown: [{ kind: 'column', name: 'Audience Size Bucket', count: 1 }] });
      expect(store.dailyVolume({ domain: 'shop.example', since: '2026-03-01', until: '2026-03-31' })).toEqual([
        { day: '2026-03-01', sent: 2000, delivered: 1960, bounced: 40, complaints: 1 },
        { day: '2026-03-08', sent: 1000, delivered: 990, bounced: 10, complaints: 0 },
      ]);
      const csv = await importOne(store, 'generic.csv');
      expect(csv.files[0]).toMatchObject({ format: 'csv', read: 3, refusedRows: 4, unknown: [{ kind: 'column', name: 'campaign_color', count: 1 }] });
      expect(csv.files[0]?.refusals).toEqual([
        { line: 4, reason: 'delivered: "abc" is not a count' },
        { line: 5, reason: 'delivered (950) is more than sent (900)' },
        { line: 6, reason: '5 fields where the header has 14' },
        { line: 7, reason: '"2026-02-30" is not a date' },
      ]);
      expect(store.healthDays({ domain: 'news.example', since: '2026-03-03', until: '2026-03-03' })).toMatchObject([{ ip: 'pool-marketing', provider: 'microsoft', sent: 200, unknownUsers: 1 }]);
    }));

  it('reads a file as the format named, and refuses it whole when its content is another', () =>
    withStore(async (store) => {
      const r = await importOne(store, 'ses.jsonl', 'csv');
      expect(r.files[0]?.error).toBe("it holds JSON, not Deliverlab's generic CSV");
      expect(r.failedFiles).toBe(1);
      const named = await importOne(store, 'ses.jsonl', 'ses');
      expect(named.files[0]).toMatchObject({ format: 'ses', detected: false, added: 12 });
      const missing = await importHealth({ paths: [fixture('no-such-export.csv')] }, { store, dns: null, now: NOW });
      expect(missing.files[0]?.error).toBe('no such file');
    }));

  it('reads uploaded bytes as it reads files', () =>
    withStore(async (store) => {
      const r = await importHealth({ files: [{ name: 'upload.jsonl', bytes: readFileSync(fixture('ses.jsonl')) }] }, { store, dns: null, now: NOW });
      expect(r.files[0]).toMatchObject({ file: 'upload.jsonl', format: 'ses', added: 12 });
    }));
});

describe('recipient providers', () => {
  it('tells the provider by the MX host names', () => {
    expect(providerOfMx(['aspmx.l.google.com.'])).toBe('gmail');
    expect(providerOfMx(['corp-example.mail.protection.outlook.com'])).toBe('microsoft');
    expect(providerOfMx(['mta5.am0.yahoodns.net'])).toBe('yahoo');
    expect(providerOfMx(['mx01.mail.icloud.com'])).toBe('apple');
    expect(providerOfMx(['mx.corp.example', 'notgoogle.com'])).toBe('other');
  });

  it('looks unlisted domains up through the resolver and caches the answers; a failed lookup is unknown and not cached', () =>
    withStore(async (store) => {
      const asked: string[] = [];
      const dns = {
        resolve: async (name: string) => {
          asked.push(name);
          if (name === 'corp.example') return [{ exchange: 'aspmx.l.google.com', priority: 1 }];
          if (name === 'nomx.example') throw new DnsError('ENODATA', name, 'MX');
          throw new DnsError('ETIMEOUT', name, 'MX', undefined, undefined, true);
        },
      } as unknown as DnsSession;
      const known = new Map<string, RecipientProvider>();
      const now = 1_780_000_000;
      await resolveProviders(['gmail.com', 'corp.example', 'nomx.example', 'down.example'], known, { dns, store, now }, { left: 10 });
      expect(Object.fromEntries(known)).toEqual({ 'gmail.com': 'gmail', 'corp.example': 'gmail', 'nomx.example': 'other', 'down.example': 'unknown' });
      expect(asked.sort()).toEqual(['corp.example', 'down.example', 'nomx.example']);
      asked.length = 0;
      const again = new Map<string, RecipientProvider>();
      await resolveProviders(['corp.example', 'nomx.example', 'down.example'], again, { dns, store, now: now + 60 }, { left: 10 });
      expect(asked).toEqual(['down.example']);
      expect(again.get('corp.example')).toBe('gmail');
      const over = new Map<string, RecipientProvider>();
      const notLookedUp = await resolveProviders(['a.example', 'b.example'], over, { dns: null, store, now }, { left: 10 });
      expect(notLookedUp).toBe(2);
      expect(over.get('a.example')).toBe('unknown');
    }));
});
