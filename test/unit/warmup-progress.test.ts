/**
 * A plan against sending data: ahead over 110 %, behind under 90 %, on track between (both bounds
 * on track); and a warning before the next planned day that grows when the last days' complaints
 * reach 0.1 % of delivered mail or bounces 2 % of sent mail; and, when the data names the recipients'
 * providers, each provider against its own schedule, unknown providers in the totals only.
 */
import { describe, expect, it } from 'vitest';
import { warmupPlan } from '../../electron/core/health/warmup-plan';
import { compareWarmup, statusOf } from '../../electron/core/health/warmup-progress';
import type { DailyProviderVolumeRow, DailyVolumeRow } from '../../electron/core/health/warmup-types';

// All to Gmail: 1000, 2000, 4000, 8000, 16000, 32000, 50000 × 4, from 2025-03-01.
const plan = warmupPlan({ daily: 50_000, start: 1000, template: 'standard', startDate: '2025-03-01', mix: { gmail: 1 } });

const row = (day: string, sent: number, { bounced = 0, complaints = 0 }: { bounced?: number; complaints?: number } = {}): DailyVolumeRow => ({
  day,
  sent,
  delivered: sent - bounced,
  bounced,
  complaints,
});

describe('each day against the plan', () => {
  it('says ahead over 110 %, behind under 90 %, and on track from 90 % to 110 %', () => {
    expect(statusOf(1101, 1000)).toBe('ahead');
    expect(statusOf(1100, 1000)).toBe('on-track');
    expect(statusOf(900, 1000)).toBe('on-track');
    expect(statusOf(899, 1000)).toBe('behind');
    expect(statusOf(0, 1000)).toBe('behind');
  });

  it('compares each day up to the last one with data, a day without a row sending nothing', () => {
    const progress = compareWarmup(plan, [row('2025-03-01', 1000), row('2025-03-02', 2300), row('2025-03-04', 7000)]);
    expect(progress.through).toBe('2025-03-04');
    expect(progress.days.map((d) => [d.date, d.planned, d.sent, d.status])).toEqual([
      ['2025-03-01', 1000, 1000, 'on-track'],
      ['2025-03-02', 2000, 2300, 'ahead'],
      ['2025-03-03', 4000, 0, 'behind'],
      ['2025-03-04', 8000, 7000, 'behind'],
    ]);
    expect(progress.days[1]?.ratio).toBeCloseTo(1.15);
    expect(progress.sent).toBe(10_300);
    expect(progress.planned).toBe(15_000);
    expect(progress.status).toBe('behind');
  });

  it('sums a date given twice, and leaves out rows with no real date', () => {
    const progress = compareWarmup(plan, [row('2025-03-01', 600), row('2025-03-01', 500), row('2025-02-30', 99_999)]);
    expect(progress.days).toEqual([{ day: 1, date: '2025-03-01', planned: 1000, sent: 1100, ratio: 1.1, status: 'on-track' }]);
    expect(progress.status).toBe('on-track');
  });

  it('has nothing to compare without data', () => {
    expect(compareWarmup(plan, [])).toEqual({ through: null, days: [], sent: 0, planned: 0, status: null, providers: null, unknownProvider: 0, warnings: [] });
  });

  it('stops at the plan\'s last day when data goes on after it', () => {
    const rows = plan.days.map((d) => row(d.date, d.volume));
    rows.push(row('2025-03-15', 50_000));
    const progress = compareWarmup(plan, rows);
    expect(progress.days).toHaveLength(plan.days.length);
    expect(progress.status).toBe('on-track');
    expect(progress.warnings).toEqual([]);
  });
});

describe('warnings before a planned day', () => {
  const onPlan = (n: number, extra: (d: { date: string; volume: number }) => Partial<{ bounced: number; complaints: number }> = () => ({})) =>
    plan.days.slice(0, n).map((d) => row(d.date, d.volume, extra(d)));

  it('none while complaints stay under 0.1 % and bounces under 2 %', () => {
    const rows = onPlan(5, (d) => ({ complaints: Math.floor(d.volume * 0.0009), bounced: Math.floor(d.volume * 0.019) }));
    expect(compareWarmup(plan, rows).warnings).toEqual([]);
  });

  it('holds volume when complaints reach 0.1 % of delivered mail over the last 5 days', () => {
    // Days 1-5: 31,000 sent, none bounced; 31 complaints on day 5 make exactly 0.1 %.
    const rows = onPlan(5);
    rows[4] = row('2025-03-05', 16_000, { complaints: 31 });
    const [warning, ...more] = compareWarmup(plan, rows).warnings;
    expect(more).toEqual([]);
    expect(warning).toMatchObject({ code: 'warmup.complaint-rate', day: 6, date: '2025-03-06', planned: 32_000, holdAt: 16_000, threshold: 0.001, since: '2025-03-01', until: '2025-03-05' });
    expect(warning?.rate).toBeCloseTo(0.001);
    expect(warning?.message).toBe('Complaints were 0.1 % of delivered mail from 2025-03-01 to 2025-03-05 (the limit is 0.1 %): hold at 16,000 a day instead of sending 32,000 on day 6 (2025-03-06).');
  });

  it('holds volume when bounces reach 2 % of sent mail', () => {
    const rows = onPlan(6);
    // The last 5 days (2-6): 62,000 sent; 1,240 bounced is 2 %.
    rows[5] = row('2025-03-06', 32_000, { bounced: 1240 });
    const warnings = compareWarmup(plan, rows).warnings;
    expect(warnings.map((w) => [w.code, w.day, w.holdAt, w.since, w.until])).toEqual([['warmup.bounce-rate', 7, 32_000, '2025-03-02', '2025-03-06']]);
    expect(warnings[0]?.message).toMatch(/^Bounces were 2 % of sent mail/);
  });

  it('looks at the last 5 days only: older trouble no longer holds volume', () => {
    // Through day 6: the last 5 days are 2 to 6, and day 1's trouble is not among them.
    const rows = onPlan(6);
    rows[0] = row('2025-03-01', 1000, { complaints: 500, bounced: 500 });
    expect(compareWarmup(plan, rows).warnings).toEqual([]);
    rows[2] = row('2025-03-03', 4000, { bounced: 3000 });
    expect(compareWarmup(plan, rows).warnings.map((w) => w.code)).toEqual(['warmup.bounce-rate']);
  });

  it('warns of both rates at once, before the next day that grows past what was sent', () => {
    // Sent more than planned on day 3 (10,000): day 4 (8,000) and day 5 (16,000) — the warning is before day 5.
    const rows = [row('2025-03-01', 1000), row('2025-03-02', 2000), row('2025-03-03', 10_000, { bounced: 400, complaints: 20 })];
    const warnings = compareWarmup(plan, rows).warnings;
    expect(warnings.map((w) => [w.code, w.day, w.planned, w.holdAt])).toEqual([
      ['warmup.complaint-rate', 5, 16_000, 10_000],
      ['warmup.bounce-rate', 5, 16_000, 10_000],
    ]);
  });

  it('has no day to warn before once the plan is done', () => {
    const rows = onPlan(plan.days.length, () => ({ bounced: 5000 }));
    expect(compareWarmup(plan, rows).warnings).toEqual([]);
  });
});

describe('each provider against its own schedule', () => {
  // The default mix: Gmail 400, 800, 1600 …; Microsoft 200, 300, 450 …; Yahoo 100, 150, 225 …; Apple 100, 200, 400 …; Other 200, 400, 800 …
  const mixed = warmupPlan({ daily: 50_000, start: 1000, template: 'standard', startDate: '2025-03-01' });
  const at = (day: string, provider: string, sent: number): DailyProviderVolumeRow => ({ day, provider, sent, delivered: sent, bounced: 0, complaints: 0 });
  const totals = (rows: DailyProviderVolumeRow[]): DailyVolumeRow[] => {
    const by = new Map<string, number>();
    for (const r of rows) by.set(r.day, (by.get(r.day) ?? 0) + r.sent);
    return [...by].map(([day, sent]) => row(day, sent));
  };

  it('says which providers are ahead, on track or behind, day by day and so far', () => {
    const rows = [
      at('2025-03-01', 'gmail', 400), at('2025-03-01', 'microsoft', 300), at('2025-03-01', 'yahoo', 100), at('2025-03-01', 'apple', 100), at('2025-03-01', 'other', 200),
      at('2025-03-02', 'gmail', 800), at('2025-03-02', 'microsoft', 450), at('2025-03-02', 'yahoo', 120), at('2025-03-02', 'apple', 200), at('2025-03-02', 'other', 400),
    ];
    const progress = compareWarmup(mixed, totals(rows), rows);
    // In all: 1,100 of 1,000 then 2,020 of 1,850 — on track.
    expect(progress.status).toBe('on-track');
    const by = Object.fromEntries((progress.providers ?? []).map((p) => [p.provider, p]));
    expect(Object.keys(by)).toEqual(['gmail', 'microsoft', 'yahoo', 'apple', 'other']);
    expect(by.microsoft!.days.map((d) => [d.date, d.planned, d.sent, d.status])).toEqual([
      ['2025-03-01', 200, 300, 'ahead'],
      ['2025-03-02', 300, 450, 'ahead'],
    ]);
    expect([by.microsoft!.planned, by.microsoft!.sent, by.microsoft!.status]).toEqual([500, 750, 'ahead']);
    expect(by.yahoo!.days.map((d) => d.status)).toEqual(['on-track', 'behind']);
    expect([by.yahoo!.planned, by.yahoo!.sent, by.yahoo!.status]).toEqual([250, 220, 'behind']);
    expect([by.gmail!.planned, by.gmail!.sent, by.gmail!.status]).toEqual([1200, 1200, 'on-track']);
    expect(progress.unknownProvider).toBe(0);
  });

  it('counts mail to unknown providers in the totals only, and says how much', () => {
    const rows = [at('2025-03-01', 'gmail', 400), at('2025-03-01', 'unknown', 600)];
    const progress = compareWarmup(mixed, totals(rows), rows);
    expect(progress.sent).toBe(1000);
    expect(progress.status).toBe('on-track');
    expect(progress.unknownProvider).toBe(600);
    const by = Object.fromEntries((progress.providers ?? []).map((p) => [p.provider, [p.sent, p.status]]));
    expect(by).toEqual({ gmail: [400, 'on-track'], microsoft: [0, 'behind'], yahoo: [0, 'behind'], apple: [0, 'behind'], other: [0, 'behind'] });
  });

  it('has no per-provider progress when no row names a known provider', () => {
    const unknown = [at('2025-03-01', 'unknown', 1000)];
    expect(compareWarmup(mixed, totals(unknown), unknown)).toMatchObject({ status: 'on-track', providers: null, unknownProvider: 1000 });
    expect(compareWarmup(mixed, [row('2025-03-01', 1000)])).toMatchObject({ status: 'on-track', providers: null, unknownProvider: 0 });
  });

  it('leaves out a provider the plan has no share for and that got nothing', () => {
    const gmailOnly = [at('2025-03-01', 'gmail', 1000)];
    const progress = compareWarmup(plan, totals(gmailOnly), gmailOnly);
    expect(progress.providers?.map((p) => [p.provider, p.planned, p.sent, p.status])).toEqual([['gmail', 1000, 1000, 'on-track']]);
  });

  it('ignores provider rows before day 1 and after the last day with totals', () => {
    const rows = [at('2025-02-28', 'gmail', 9999), at('2025-03-01', 'gmail', 400), at('2025-03-05', 'microsoft', 9999)];
    const progress = compareWarmup(mixed, [row('2025-03-01', 400)], rows);
    expect(progress.providers?.find((p) => p.provider === 'gmail')?.sent).toBe(400);
    expect(progress.providers?.find((p) => p.provider === 'microsoft')?.sent).toBe(0);
  });
});
