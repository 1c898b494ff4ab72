/**
 * The sending health section of a domain's report: its rates over the 30 days up to the audit,
 * per provider and sending IP, against the thresholds, with the health findings. Every format
 * writes it from the same rows.
 *
 * The range ends on the audit's own day, not the day the report is made: the same history gives
 * the same report.
 */
import type { Finding } from '../audit/types';
import { healthSummary, type HealthSummary, type HealthTotals } from '../health/summary';
import type { RecipientProvider } from '../health/types';
import type { HistoryStore } from '../history/store';

export interface HealthSection {
  /** YYYY-MM-DD, both included. */
  since: string;
  until: string;
  totals: HealthTotals;
  providers: (HealthTotals & { provider: RecipientProvider })[];
  ips: (HealthTotals & { ip: string })[];
  thresholds: { complaintTarget: number; complaintLimit: number; bounceWarning: number; bounceLimit: number };
  findings: Finding[];
  limitExceeded: boolean;
  opensUnreliable: boolean;
}

export const HEALTH_DAYS = 30;

export const HEALTH_TITLE = 'Sending health';

const PROVIDER_WORDS: Record<RecipientProvider, string> = { gmail: 'Gmail', microsoft: 'Microsoft', yahoo: 'Yahoo', apple: 'Apple', other: 'Other providers', unknown: 'Unknown' };

export function sectionOf(s: HealthSummary): HealthSection {
  return {
    since: s.since.slice(0, 10),
    until: s.until.slice(0, 10),
    totals: s.totals,
    providers: s.providers.map(({ days: _days, ...p }) => p),
    ips: s.ips,
    thresholds: { complaintTarget: s.thresholds.complaints.target, complaintLimit: s.thresholds.complaints.limit, bounceWarning: s.thresholds.bounces.warning, bounceLimit: s.thresholds.bounces.limit },
    findings: s.findings,
    limitExceeded: s.limitExceeded,
    opensUnreliable: s.opensUnreliable,
  };
}

/** The section for a domain audited at `startedAt`, or null when history holds no sending data for it then. */
export function healthSectionFor(store: HistoryStore, domain: string, startedAt: string): HealthSection | null {
  const at = new Date(startedAt);
  if (Number.isNaN(at.getTime())) return null;
  const summary = healthSummary(store, { domain, since: `${HEALTH_DAYS}d` }, at);
  return summary.days.length === 0 ? null : sectionOf(summary);
}

const rate = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(value < 0.01 ? 2 : 1)}%`);
const sentOf = (t: HealthTotals) => Math.max(t.sent, t.delivered + t.hardBounced + t.softBounced);

export const HEALTH_COLUMNS = ['', 'Sent', 'Delivered', 'Bounces', 'Hard bounces', 'Complaints', 'Unsubscribes', 'Opens', 'Clicks'] as const;

/** The rows every format writes: all mail, then each provider, then each sending IP. */
export function healthRows(section: HealthSection): string[][] {
  const row = (label: string, t: HealthTotals) => [label, sentOf(t).toLocaleString('en-US'), rate(t.rates.delivery), rate(t.rates.bounce), rate(t.rates.hardBounce), rate(t.rates.complaint), rate(t.rates.unsubscribe), rate(t.rates.open), rate(t.rates.click)];
  return [
    row('All mail', section.totals),
    ...section.providers.map((p) => row(PROVIDER_WORDS[p.provider], p)),
    ...section.ips.filter((i) => i.ip !== '').map((i) => row(`IP ${i.ip}`, i)),
  ];
}

/** The sentences under the section's title: the period, the thresholds, whether a limit is passed. */
export function healthLines(section: HealthSection): string[] {
  const t = section.thresholds;
  return [
    `From ${section.since} to ${section.until} (UTC), from the imported sending data.`,
    `Thresholds: complaints ${rate(t.complaintTarget)} target and ${rate(t.complaintLimit)} limit (Gmail and Yahoo); bounces ${rate(t.bounceWarning)}, and ${rate(t.bounceLimit)} limit.`,
    ...(section.limitExceeded ? ['A limit is exceeded: see the findings below.'] : []),
    ...(section.opensUnreliable ? ['Open rates are unreliable: Apple Mail Privacy Protection opens every image.'] : []),
  ];
}
