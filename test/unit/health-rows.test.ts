/**
 * Sending health: CSV exports are totals that later exports repeat. Overlapping days are counted
 * once, a row with new counts replaces its old ones (and the findings follow), rows of one key in a
 * file are summed before they are compared, and a Mailchimp report downloaded again after more
 * opens came in replaces its campaign's counts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importHealth } from '../../electron/core/health/import';
import { healthSummary } from '../../electron/core/health/summary';
import { HistoryStore } from '../../electron/core/history/store';
import { fileSentence } from '../../renderer/src/health/health-words';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('health-rows');
const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'health', name);
const NOW = new Date('2026-05-20T12:00:00Z');

function withStore<T>(fn: (store: HistoryStore) => Promise<T>): Promise<T> {
  const store = HistoryStore.open(tmp());
  return fn(store).finally(() => store.close());
}

const importOne = (store: HistoryStore, path: string) => importHealth({ paths: [path] }, { store, dns: null, now: () => NOW });
const days = (store: HistoryStore, since: string, until: string) => store.healthDays({ domain: 'weekly.example', since, until });
const sentPerDay = (store: HistoryStore) => Object.fromEntries(days(store, '2026-05-01', '2026-05-31').map((r) => [r.day.slice(8), r.sent]));

describe('CSV rows imported again', () => {
  it('counts the days two weekly exports share once: export B repeats days 4 to 7 of export A', () =>
    withStore(async (store) => {
      const a = await importOne(store, fixture('weekly-a.csv'));
      expect(a.files[0]).toMatchObject({ read: 7, added: 7, duplicates: 0, updated: 0, alreadyImported: false });
      const b = await importOne(store, fixture('weekly-b.csv'));
      expect(b.files[0]).toMatchObject({ read: 7, added: 3, duplicates: 4, updated: 0, alreadyImported: false });
      expect(b).toMatchObject({ read: 7, added: 3, duplicates: 4, updated: 0 });
      expect(sentPerDay(store)).toEqual({ '01': 1000, '02': 1000, '03': 1000, '04': 1000, '05': 1000, '06': 1000, '07': 1000, '08': 1000, '09': 1000, '10': 1000 });
    }));

  it('replaces a day whose counts changed (export C: day 7 with more opens and complaints), and the complaint finding follows', () =>
    withStore(async (store) => {
      await importOne(store, fixture('weekly-a.csv'));
      await importOne(store, fixture('weekly-b.csv'));
      const day7 = { domain: 'weekly.example', since: '2026-05-07', until: '2026-05-07' };
      expect(healthSummary(store, day7, NOW).findings).toEqual([]);

      const c = await importOne(store, fixture('weekly-c.csv'));
      expect(c.files[0]).toMatchObject({ read: 1, added: 0, duplicates: 0, updated: 1, alreadyImported: false });
      expect(c).toMatchObject({ added: 0, duplicates: 0, updated: 1 });
      expect(days(store, '2026-05-07', '2026-05-07')).toEqual([
        { day: '2026-05-07', domain: 'weekly.example', ip: '192.0.2.50', provider: 'gmail', sent: 1000, delivered: 980, hardBounced: 10, softBounced: 10, unknownUsers: 4, complaints: 5, opens: 420, clicks: 40, unsubscribes: 2 },
      ]);
      // Counted twice, day 7 would be 5 complaints in 1,960 delivered (0.26 %): under the limit.
      const after = healthSummary(store, day7, NOW);
      expect(after.totals).toMatchObject({ sent: 1000, delivered: 980, complaints: 5, opens: 420 });
      expect(after.findings.map((f) => f.code)).toEqual(['health.complaint-rate']);
      expect(after.limitExceeded).toBe(true);
      // The other days are as they were.
      const all = healthSummary(store, { domain: 'weekly.example', since: '2026-05-01', until: '2026-05-10' }, NOW);
      expect(all.totals).toMatchObject({ sent: 10_000, complaints: 5, opens: 9 * 300 + 420 });
    }));

  it('adds nothing for a file imported before, even after a later file replaced some of its rows', () =>
    withStore(async (store) => {
      await importOne(store, fixture('weekly-a.csv'));
      await importOne(store, fixture('weekly-c.csv'));
      const a = await importOne(store, fixture('weekly-a.csv'));
      expect(a.files[0]).toMatchObject({ read: 7, added: 0, duplicates: 7, updated: 0, alreadyImported: true });
      const c = await importOne(store, fixture('weekly-c.csv'));
      expect(c.files[0]).toMatchObject({ added: 0, duplicates: 1, updated: 0, alreadyImported: true });
      expect(days(store, '2026-05-07', '2026-05-07')[0]).toMatchObject({ complaints: 5, opens: 420 });
    }));

  it('sums the rows of one key in a file before comparing them with what that key added', () =>
    withStore(async (store) => {
      await importOne(store, fixture('weekly-c.csv'));
      const split = join(tmp(), '..', 'weekly-c-split.csv');
      writeFileSync(
        split,
        [
          'day,domain,pool,recipient_domain,sent,delivered,hard_bounced,soft_bounced,unknown_users,complaints,opens,clicks,unsubscribes',
          '2026-05-07,Weekly.Example,192.0.2.50,GMAIL.com,600,590,6,4,4,3,220,25,1',
          '2026-05-07,weekly.example,192.0.2.50,gmail.com,400,390,4,6,0,2,200,15,1',
        ].join('\n'),
      );
      const r = await importOne(store, split);
      expect(r.files[0]).toMatchObject({ read: 2, added: 0, duplicates: 2, updated: 0, alreadyImported: true });
      expect(days(store, '2026-05-07', '2026-05-07')).toMatchObject([{ sent: 1000, complaints: 5, opens: 420 }]);
    }));

  it('replaces a Mailchimp campaign downloaded again after more opens came in, keeps the unchanged one, adds the new one', () =>
    withStore(async (store) => {
      const first = await importOne(store, fixture('mailchimp-may.csv'));
      expect(first.files[0]).toMatchObject({ format: 'mailchimp', read: 2, added: 2, unknown: [] });
      const again = await importOne(store, fixture('mailchimp-may-again.csv'));
      expect(again.files[0]).toMatchObject({ format: 'mailchimp', read: 3, added: 1, duplicates: 1, updated: 1, alreadyImported: false });
      const rows = store.healthDays({ domain: 'club.example', since: '2026-05-01', until: '2026-05-31' });
      expect(rows.map((r) => ({ day: r.day, sent: r.sent, delivered: r.delivered, opens: r.opens, clicks: r.clicks, complaints: r.complaints, unsubscribes: r.unsubscribes }))).toEqual([
        // The newsletter's new counts (1,800 opens, 3 complaints) beside the offer's unchanged ones.
        { day: '2026-05-05', sent: 7000, delivered: 6930, opens: 2300, clicks: 340, complaints: 3, unsubscribes: 21 },
        { day: '2026-05-12', sent: 5100, delivered: 5040, opens: 1400, clicks: 150, complaints: 0, unsubscribes: 9 },
      ]);
    }));

  it('keeps two campaigns sent the same day apart: one replaced does not touch the other', () =>
    withStore(async (store) => {
      await importOne(store, fixture('mailchimp-may.csv'));
      const offerOnly = join(tmp(), '..', 'mailchimp-offer.csv');
      writeFileSync(
        offerOnly,
        [
          'Title,Subject,Send Date,Total Recipients,Successful Deliveries,Unique Opens,Abuse Complaints,From Email',
          'May offer,20 % off this week,"May 05, 2026 04:00 pm","2,000","1,980",650,2,news@club.example',
        ].join('\n'),
      );
      const r = await importOne(store, offerOnly);
      expect(r.files[0]).toMatchObject({ read: 1, added: 0, updated: 1 });
      // The newsletter's 1,500 opens and 1 complaint stay; the offer's 500 opens become 650, and its
      // columns this file lacks (bounces, clicks) are now zero, as the file says.
      expect(store.healthDays({ domain: 'club.example', since: '2026-05-05', until: '2026-05-05' })).toMatchObject([{ sent: 7000, opens: 2150, complaints: 3, clicks: 200, hardBounced: 20 }]);
    }));

  it("words an updated row in the app's sentence for the file", () =>
    withStore(async (store) => {
      const upload = (name: string) => importHealth({ files: [{ name, bytes: readFileSync(fixture(name)) }] }, { store, dns: null, now: () => NOW });
      await upload('weekly-a.csv');
      const c = await upload('weekly-c.csv');
      expect(fileSentence(c.files[0]!)).toBe("weekly-c.csv: Deliverlab's generic CSV (told from its content): 1 row read, 0 added, 1 row updated.");
      const b = await upload('weekly-b.csv');
      // B was exported before C but imported after it: the last file imported wins, day 7 goes back.
      expect(fileSentence(b.files[0]!)).toBe("weekly-b.csv: Deliverlab's generic CSV (told from its content): 7 rows read, 3 added, 3 imported before, 1 row updated.");
      expect(store.healthDays({ since: '2026-05-07', until: '2026-05-07' })).toMatchObject([{ complaints: 0, opens: 300 }]);
    }));
});
