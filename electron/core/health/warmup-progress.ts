/**
 * A warm-up plan against what was actually sent: each day ahead, on track or behind, and a warning
 * before a planned day that grows past what the last days' complaint and bounce rates justify.
 *
 * Pure: the sending data comes in as rows (the health import's dailyVolume), the thresholds from the
 * template file. A day is ahead over 110 % of its planned volume and behind under 90 %; the whole so
 * far is judged the same way on the sums. Complaints are counted against delivered mail, bounces
 * against sent mail, over the last days with data (five by default), and either rate at or over its
 * threshold holds the volume at the most sent in one of those days.
 */
import { dateOf, dayNumber, WARMUP_THRESHOLDS, type WarmupThresholds } from './warmup-plan';
import type { DailyVolumeRow, WarmupDayProgress, WarmupPlan, WarmupProgress, WarmupRateWarning, WarmupStatus } from './warmup-types';

export function statusOf(sent: number, planned: number, thresholds: WarmupThresholds = WARMUP_THRESHOLDS): WarmupStatus {
  const ratio = planned > 0 ? sent / planned : sent > 0 ? Infinity : 1;
  if (ratio > thresholds.aheadRatio) return 'ahead';
  if (ratio < thresholds.behindRatio) return 'behind';
  return 'on-track';
}

const count = (n: number) => n.toLocaleString('en-US');
const percent = (rate: number) => `${Math.round(rate * 10_000) / 100} %`;

/** The days in `rows` summed by date (an import may give one date twice); rows with a bad date are left out. */
function byDate(rows: readonly DailyVolumeRow[]): Map<number, DailyVolumeRow> {
  const out = new Map<number, DailyVolumeRow>();
  for (const row of rows) {
    const n = dayNumber(row.day);
    if (n === null) continue;
    const had = out.get(n);
    out.set(n, had ? { day: row.day, sent: had.sent + row.sent, delivered: had.delivered + row.delivered, bounced: had.bounced + row.bounced, complaints: had.complaints + row.complaints } : { ...row });
  }
  return out;
}

export function compareWarmup(plan: WarmupPlan, rows: readonly DailyVolumeRow[], thresholds: WarmupThresholds = WARMUP_THRESHOLDS): WarmupProgress {
  const data = byDate(rows);
  if (data.size === 0) return { through: null, days: [], sent: 0, planned: 0, status: null, warnings: [] };
  const through = Math.max(...data.keys());
  const first = dayNumber(plan.startDate) as number;

  const days: WarmupDayProgress[] = plan.days
    .filter((d) => first + d.day - 1 <= through)
    .map((d) => {
      const sent = data.get(first + d.day - 1)?.sent ?? 0;
      return { day: d.day, date: d.date, planned: d.volume, sent, ratio: d.volume > 0 ? sent / d.volume : 0, status: statusOf(sent, d.volume, thresholds) };
    });
  const sent = days.reduce((sum, d) => sum + d.sent, 0);
  const planned = days.reduce((sum, d) => sum + d.planned, 0);

  // The last days with data, `lookbackDays` of them ending at the last one.
  const since = through - Math.max(1, thresholds.lookbackDays) + 1;
  const recent = [...data.entries()].filter(([n]) => n >= since).map(([, row]) => row);
  const total = (key: keyof Omit<DailyVolumeRow, 'day'>) => recent.reduce((sum, r) => sum + r[key], 0);
  const recentSent = total('sent');
  const delivered = total('delivered');
  const holdAt = Math.max(0, ...recent.map((r) => r.sent));
  // The next planned day that grows past the volume held: the one to warn before.
  const next = plan.days.find((d) => first + d.day - 1 > through && d.volume > holdAt);

  const warnings: WarmupRateWarning[] = [];
  if (next && recentSent > 0) {
    const window = { since: dateOf(Math.max(since, Math.min(...recent.map((r) => dayNumber(r.day) as number)))), until: dateOf(through) };
    const rates = [
      { code: 'warmup.complaint-rate' as const, rate: total('complaints') / (delivered > 0 ? delivered : recentSent), threshold: thresholds.complaintRate, what: 'Complaints', of: 'delivered mail' },
      { code: 'warmup.bounce-rate' as const, rate: total('bounced') / recentSent, threshold: thresholds.bounceRate, what: 'Bounces', of: 'sent mail' },
    ];
    for (const r of rates) {
      if (r.rate < r.threshold) continue;
      warnings.push({
        code: r.code,
        day: next.day,
        date: next.date,
        planned: next.volume,
        holdAt,
        rate: r.rate,
        threshold: r.threshold,
        ...window,
        message: `${r.what} were ${percent(r.rate)} of ${r.of} from ${window.since} to ${window.until} (the limit is ${percent(r.threshold)}): hold at ${count(holdAt)} a day instead of sending ${count(next.volume)} on day ${next.day} (${next.date}).`,
      });
    }
  }
  return { through: dateOf(through), days, sent, planned, status: days.length > 0 ? statusOf(sent, planned, thresholds) : null, warnings };
}
