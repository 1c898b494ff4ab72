/**
 * A warm-up plan against what was actually sent: each day ahead, on track or behind, and a warning
 * before a planned day that grows past what the last days' complaint and bounce rates justify.
 *
 * Pure: the sending data comes in as rows (the health import's dailyVolume), the thresholds from the
 * template file. A day is ahead over 110 % of its planned volume and behind under 90 %; the whole so
 * far is judged the same way on the sums. Complaints are counted against delivered mail, bounces
 * against sent mail, over the last days with data (five by default), and either rate at or over its
 * threshold holds the volume at the most sent in one of those days.
 *
 * When the data says which provider each day's recipients were at (the health import looks up their
 * MX), each provider is compared the same way with its own schedule; mail to recipients whose
 * provider is not known counts in the totals only.
 */
import { dateOf, dayNumber, WARMUP_THRESHOLDS, type WarmupThresholds } from './warmup-plan';
import {
  WARMUP_PROVIDERS,
  type DailyProviderVolumeRow,
  type DailyVolumeRow,
  type WarmupDayProgress,
  type WarmupPlan,
  type WarmupProgress,
  type WarmupProvider,
  type WarmupProviderProgress,
  type WarmupRateWarning,
  type WarmupStatus,
} from './warmup-types';

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

const isWarmupProvider = (p: string): p is WarmupProvider => (WARMUP_PROVIDERS as readonly string[]).includes(p);

/**
 * Each provider's days from day 1 to `through` against its schedule; null when no row names a
 * provider the plan has. Also the messages sent in those days to recipients of no known provider.
 */
function byProvider(plan: WarmupPlan, rows: readonly DailyProviderVolumeRow[], through: number, thresholds: WarmupThresholds): { providers: WarmupProviderProgress[] | null; unknown: number } {
  const first = dayNumber(plan.startDate) as number;
  const sentOn = new Map<string, number>();
  let unknown = 0;
  let known = false;
  for (const row of rows) {
    const n = dayNumber(row.day);
    if (n === null || n < first || n > Math.min(through, first + plan.days.length - 1)) continue;
    if (!isWarmupProvider(row.provider)) {
      unknown += row.sent;
      continue;
    }
    known = true;
    const key = `${row.provider} ${n}`;
    sentOn.set(key, (sentOn.get(key) ?? 0) + row.sent);
  }
  if (!known) return { providers: null, unknown };
  const inRange = plan.days.filter((d) => first + d.day - 1 <= through);
  const providers = WARMUP_PROVIDERS.map((p): WarmupProviderProgress => {
    const days = inRange.map((d) => {
      const planned = d.providers[p];
      const sent = sentOn.get(`${p} ${first + d.day - 1}`) ?? 0;
      return { day: d.day, date: d.date, planned, sent, ratio: planned > 0 ? sent / planned : 0, status: statusOf(sent, planned, thresholds) };
    });
    const sent = days.reduce((sum, d) => sum + d.sent, 0);
    const planned = days.reduce((sum, d) => sum + d.planned, 0);
    return { provider: p, days, sent, planned, status: statusOf(sent, planned, thresholds) };
  }).filter((p) => p.planned > 0 || p.sent > 0);
  return { providers, unknown };
}

/**
 * The plan against the rows of sending data (one a day; a date given twice is summed), and, when
 * `providerRows` names the recipients' providers, each provider against its own schedule.
 */
export function compareWarmup(
  plan: WarmupPlan,
  rows: readonly DailyVolumeRow[],
  providerRows: readonly DailyProviderVolumeRow[] = [],
  thresholds: WarmupThresholds = WARMUP_THRESHOLDS,
): WarmupProgress {
  const data = byDate(rows);
  if (data.size === 0) return { through: null, days: [], sent: 0, planned: 0, status: null, providers: null, unknownProvider: 0, warnings: [] };
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
  const split = byProvider(plan, providerRows, through, thresholds);
  return {
    through: dateOf(through),
    days,
    sent,
    planned,
    status: days.length > 0 ? statusOf(sent, planned, thresholds) : null,
    providers: split.providers,
    unknownProvider: split.unknown,
    warnings,
  };
}
