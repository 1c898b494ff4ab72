/**
 * Sending health in history (migrations 8 and 14): daily aggregates add up, the warm-up planner's
 * dailyVolume reads one IP's or one domain's actual volume per day, and a CSV row key's new counts
 * replace its old ones in one transaction.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/store';
import { zeroCounts, type HealthDayRow } from '../../electron/core/health/types';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('health-history');

const row = (day: string, ip: string, domain: string, provider: HealthDayRow['provider'], counts: Partial<HealthDayRow>): HealthDayRow => ({ ...zeroCounts(), day, ip, domain, provider, ...counts });

describe('health history', () => {
  it('adds counts to the same day, domain, IP and provider, and dailyVolume sums what is asked for', () => {
    const store = HistoryStore.open(tmp());
    try {
      store.saveHealthBatch({
        ids: [],
        rows: () => [
          row('2026-03-01', '192.0.2.10', 'news.example', 'gmail', { sent: 100, delivered: 95, hardBounced: 3, softBounced: 2, complaints: 1 }),
          row('2026-03-01', '192.0.2.10', 'news.example', 'yahoo', { sent: 50, delivered: 50 }),
          row('2026-03-01', '192.0.2.11', 'news.example', 'gmail', { sent: 7, delivered: 7 }),
          row('2026-03-02', '192.0.2.10', 'shop.example', 'gmail', { sent: 10, delivered: 9, softBounced: 1 }),
        ],
      });
      store.saveHealthBatch({ ids: [], rows: () => [row('2026-03-01', '192.0.2.10', 'news.example', 'gmail', { sent: 1, delivered: 1 })] });

      expect(store.dailyVolume({ ip: '192.0.2.10', since: '2026-03-01', until: '2026-03-31' })).toEqual([
        { day: '2026-03-01', sent: 151, delivered: 146, bounced: 5, complaints: 1 },
        { day: '2026-03-02', sent: 10, delivered: 9, bounced: 1, complaints: 0 },
      ]);
      expect(store.dailyVolume({ domain: 'NEWS.example', since: '2026-03-01', until: '2026-03-01' })).toEqual([{ day: '2026-03-01', sent: 158, delivered: 153, bounced: 5, complaints: 1 }]);
      expect(store.dailyVolume({ ip: '192.0.2.10', domain: 'shop.example', since: '2026-02-01', until: '2026-03-01' })).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('counts an event id once: a batch whose ids were seen adds nothing for them', () => {
    const store = HistoryStore.open(tmp());
    try {
      const counted: boolean[][] = [];
      const save = (ids: number[]) =>
        store.saveHealthBatch({
          ids,
          rows: (fresh) => {
            counted.push([...fresh]);
            return [row('2026-03-05', '', 'a.example', 'other', { sent: fresh.filter(Boolean).length })];
          },
        });
      save([1, 2, 3]);
      save([3, 4]);
      expect(counted).toEqual([[true, true, true], [false, true]]);
      expect(store.dailyVolume({ since: '2026-03-05', until: '2026-03-05' })[0]?.sent).toBe(4);
    } finally {
      store.close();
    }
  });

  it('replaces what a row key added, in the daily row it went to: a provider that changed since leaves no empty row behind', () => {
    const store = HistoryStore.open(tmp());
    try {
      const key = (text: string) => createHash('sha256').update(text).digest().subarray(0, 16);
      const file = (digest: string) => ({ digest, name: `${digest}.csv`, format: 'csv', events: 1, importedAt: '2026-03-10T00:00:00Z' });
      expect(store.saveHealthRows({ rows: [{ key: key('a'), row: row('2026-03-05', '', 'a.example', 'unknown', { sent: 10, opens: 2 }) }], file: file('f1') })).toEqual(['added']);
      store.saveHealthBatch({ ids: [9], rows: () => [row('2026-03-05', '', 'a.example', 'gmail', { sent: 5 })] });
      // The recipient domain's MX answered since: the key's counts move from unknown to gmail.
      const again = store.saveHealthRows({
        rows: [
          { key: key('a'), row: row('2026-03-05', '', 'a.example', 'gmail', { sent: 10, opens: 7 }) },
          { key: key('b'), row: row('2026-03-05', '', 'a.example', 'gmail', { sent: 1 }) },
        ],
        file: file('f2'),
      });
      expect(again).toEqual(['updated', 'added']);
      expect(store.healthDays({ since: '2026-03-05', until: '2026-03-05' })).toEqual([row('2026-03-05', '', 'a.example', 'gmail', { sent: 16, opens: 7 })]);
      expect(store.saveHealthRows({ rows: [{ key: key('a'), row: row('2026-03-05', '', 'a.example', 'other', { sent: 10, opens: 7 }) }], file: file('f3') })).toEqual(['same']);
    } finally {
      store.close();
    }
  });

  it("writes a file's rows all or none: a row that cannot be stored leaves the replacement before it undone", () => {
    const store = HistoryStore.open(tmp());
    try {
      const key = (text: string) => createHash('sha256').update(text).digest().subarray(0, 16);
      const file = (digest: string) => ({ digest, name: `${digest}.csv`, format: 'csv', events: 1, importedAt: '2026-03-10T00:00:00Z' });
      store.saveHealthRows({ rows: [{ key: key('a'), row: row('2026-03-06', '', 'a.example', 'gmail', { sent: 10, complaints: 1 }) }], file: file('f1') });
      const broken = { ...row('2026-03-06', '', 'a.example', 'gmail', { sent: 3 }), day: null as unknown as string };
      expect(() =>
        store.saveHealthRows({
          rows: [
            { key: key('a'), row: row('2026-03-06', '', 'a.example', 'gmail', { sent: 10, complaints: 4 }) },
            { key: key('b'), row: broken },
          ],
          file: file('f2'),
        }),
      ).toThrow(/NOT NULL/);
      expect(store.healthDays({ since: '2026-03-06', until: '2026-03-06' })).toEqual([row('2026-03-06', '', 'a.example', 'gmail', { sent: 10, complaints: 1 })]);
      expect(store.healthFileImported('f2')).toBe(false);
      // The same replacement, whole, goes through.
      expect(store.saveHealthRows({ rows: [{ key: key('a'), row: row('2026-03-06', '', 'a.example', 'gmail', { sent: 10, complaints: 4 }) }], file: file('f2') })).toEqual(['updated']);
      expect(store.healthDays({ since: '2026-03-06', until: '2026-03-06' })[0]?.complaints).toBe(4);
    } finally {
      store.close();
    }
  });
});
