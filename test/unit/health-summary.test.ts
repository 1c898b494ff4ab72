/**
 * Sending health summary: rates against the providers' thresholds, and the findings the fixtures
 * must raise, exactly: a complaint-rate breach at Gmail, a volume spike from one IP.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importHealth } from '../../electron/core/health/import';
import { healthFindings, healthSummary, ratesOf } from '../../electron/core/health/summary';
import { zeroCounts, type HealthDayRow } from '../../electron/core/health/types';
import { HistoryStore } from '../../electron/core/history/store';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('health-summary');
const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'health', name);
const NOW = new Date('2026-04-20T12:00:00Z');

async function summaryOf(file: string, input: Parameters<typeof healthSummary>[1]) {
  const store = HistoryStore.open(tmp());
  try {
    await importHealth({ paths: [fixture(file)] }, { store, dns: null, now: () => NOW });
    return healthSummary(store, input, NOW);
  } finally {
    store.close();
  }
}

const day = (d: number) => `2026-05-${String(d).padStart(2, '0')}`;
const row = (d: number, counts: Partial<HealthDayRow>): HealthDayRow => ({ ...zeroCounts(), day: day(d), domain: 'x.example', ip: '192.0.2.1', provider: 'gmail', ...counts });

describe('health summary', () => {
  it('raises exactly the complaint-rate finding for a Gmail complaint rate of 0.5 %, and says a limit is exceeded', async () => {
    const s = await summaryOf('complaint-breach.csv', { domain: 'alerts.example', since: '2026-04-01', until: '2026-04-14' });
    expect(s.findings.map((f) => f.code)).toEqual(['health.complaint-rate']);
    expect(s.findings[0]?.evidence).toContain('0.51 % at Gmail (70 complaints, 13,860 delivered)');
    expect(s.limitExceeded).toBe(true);
    const gmail = s.providers.find((p) => p.provider === 'gmail');
    expect(gmail?.rates.complaint).toBeCloseTo(70 / 13_860, 6);
    expect(s.providers.find((p) => p.provider === 'yahoo')?.rates.complaint).toBe(0);
    expect(s.thresholds.complaints).toMatchObject({ target: 0.001, limit: 0.003, providers: ['gmail', 'yahoo'] });
    expect(s.days).toHaveLength(14);
  });

  it('raises exactly the volume-spike finding for a day at five times the median of the 7 before', async () => {
    const s = await summaryOf('volume-spike.csv', { since: '2026-04-01', until: '2026-04-11' });
    expect(s.findings.map((f) => f.code)).toEqual(['health.volume-spike']);
    expect(s.findings[0]?.evidence).toBe('2026-04-11: 5,000 sent, median 1,000');
    expect(s.limitExceeded).toBe(false);
    expect(s.ips.map((i) => i.ip)).toEqual(['192.0.2.20']);
  });

  it('counts the days before the range only for the medians: a spike on the first day of the range is still found', async () => {
    const s = await summaryOf('volume-spike.csv', { since: '2026-04-11', until: '2026-04-11' });
    expect(s.findings.map((f) => f.code)).toEqual(['health.volume-spike']);
    expect(s.totals.sent).toBe(5000);
  });

  it('is empty, with no finding, where there is no data', async () => {
    const s = await summaryOf('volume-spike.csv', { domain: 'elsewhere.example' });
    expect(s).toMatchObject({ days: [], findings: [], limitExceeded: false, domain: 'elsewhere.example' });
  });

  it('rates: delivery and bounces over what was sent, complaints over what was delivered', () => {
    const r = ratesOf({ ...zeroCounts(), sent: 1000, delivered: 950, hardBounced: 30, softBounced: 20, complaints: 2, opens: 190 });
    expect(r).toMatchObject({ delivery: 0.95, bounce: 0.05, hardBounce: 0.03, complaint: 2 / 950, open: 0.2 });
    // An export with no send event: what was delivered and bounced is what was sent.
    expect(ratesOf({ ...zeroCounts(), delivered: 90, hardBounced: 10 }).bounce).toBe(0.1);
    expect(ratesOf(zeroCounts()).delivery).toBeNull();
  });

  it('bounce rate over 5 % is the limit, over 2 % a warning', () => {
    const over = healthFindings([row(1, { sent: 1000, delivered: 940, hardBounced: 60 })], [], day(1));
    expect(over.map((f) => f.code)).toEqual(['health.bounce-rate']);
    const high = healthFindings([row(1, { sent: 1000, delivered: 970, softBounced: 30 })], [], day(1));
    expect(high.map((f) => f.code)).toEqual(['health.bounce-rate-elevated']);
  });

  it('a provider whose delivery rate fell, a bounce spike at an IP, and unknown users rising', () => {
    const steady = Array.from({ length: 7 }, (_, i) => row(i + 1, { sent: 1000, delivered: 990, softBounced: 10 }));
    const worse = Array.from({ length: 7 }, (_, i) => row(i + 8, { sent: 1000, delivered: 900, softBounced: 10, hardBounced: 90, unknownUsers: 0 }));
    const drop = healthFindings([...steady, ...worse], [...steady, ...worse], day(1));
    expect(drop.map((f) => f.code).sort()).toEqual(['health.bounce-rate', 'health.bounce-spike', 'health.delivery-drop']);
    const stale = Array.from({ length: 7 }, (_, i) => row(i + 8, { sent: 1000, delivered: 985, softBounced: 5, hardBounced: 10, unknownUsers: 10 }));
    const rising = healthFindings([...steady, ...stale], [...steady, ...stale], day(1));
    expect(rising.map((f) => f.code)).toEqual(['health.unknown-users-rising']);
  });
});
