/**
 * Sending health in history (migration 8): daily aggregates add up, and the warm-up planner's
 * dailyVolume reads one IP's or one domain's actual volume per day.
 */
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
});
