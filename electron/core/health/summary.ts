/**
 * Sending health over a time range: rates per day, provider, sending domain and IP, against the
 * thresholds that matter (resources/provider-rules.json), and the findings they raise.
 *
 * Rates: delivery and bounces over the messages sent (or, where an export has no send event, over
 * those delivered and bounced); complaints, unsubscribes, opens and clicks over those delivered,
 * as Gmail's Postmaster Tools counts the spam rate.
 */
import rulesJson from '../../../resources/provider-rules.json' with { type: 'json' };
import { finding } from '../audit/finding';
import type { Finding } from '../audit/types';
import type { HistoryStore } from '../history/store';
import { DAY, rangeOf } from '../reports/range';
import { addCounts, RECIPIENT_PROVIDERS, zeroCounts, type HealthCounts, type HealthDayRow, type RecipientProvider } from './types';

export interface RuleSource {
  url: string;
  title: string;
  /** The date the rule took effect; null for a standing rule with no start date. */
  effective: string | null;
}

export interface HealthThresholds {
  complaints: { target: number; limit: number; providers: RecipientProvider[]; rule: string; sources: RuleSource[] };
  bounces: { warning: number; limit: number; rule: string; sources: RuleSource[] };
}

export const THRESHOLDS: HealthThresholds = rulesJson.health as unknown as HealthThresholds;

/** Fractions (0.003 is 0.3 %); null where there is nothing to divide by. */
export interface HealthRates {
  delivery: number | null;
  bounce: number | null;
  hardBounce: number | null;
  softBounce: number | null;
  unknownUsers: number | null;
  complaint: number | null;
  unsubscribe: number | null;
  open: number | null;
  click: number | null;
}

export interface HealthTotals extends HealthCounts {
  rates: HealthRates;
}

export interface HealthDay extends HealthTotals {
  day: string;
}

export interface ProviderHealth extends HealthTotals {
  provider: RecipientProvider;
  /** Per day, oldest first: what the per-provider charts draw. */
  days: { day: string; sent: number; delivery: number | null; bounce: number | null; complaint: number | null }[];
}

export interface HealthSummary {
  /** The sending domain asked for; null for every domain. */
  domain: string | null;
  /** ISO 8601: the start of the first day and the end of the last. */
  since: string;
  until: string;
  totals: HealthTotals;
  /** Every day of the range that has data, oldest first. */
  days: HealthDay[];
  providers: ProviderHealth[];
  domains: (HealthTotals & { domain: string })[];
  ips: (HealthTotals & { ip: string })[];
  thresholds: HealthThresholds;
  /**
   * Opens are inflated where Apple Mail Privacy Protection loads every image: true when Apple
   * recipients are in the data, with their share of the mail delivered.
   */
  opensUnreliable: boolean;
  appleShare: number;
  findings: Finding[];
  /** A limit is exceeded (complaints 0.3 %, bounces 5 %): the CLI exits 1. */
  limitExceeded: boolean;
}

export interface HealthSummaryInput {
  domain?: string;
  since?: string;
  until?: string;
}

/** Volume under which a rate is not judged: two complaints in a hundred messages say little. */
export const MIN_VOLUME = 100;
/** A day over this many times the median of the 7 days before it is a spike. */
const SPIKE_FACTOR = 2;
const TRAILING_DAYS = 7;
/** Days before a day that need data for its median to count. */
const MIN_TRAILING = 3;
/** A fall of the delivery rate this large (5 points) is a drop. */
const DELIVERY_DROP = 0.05;
const UNKNOWN_USERS_FLOOR = 0.005;

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);
/** What delivery and bounce rates divide by: the messages sent, or those whose outcome is known when more. */
const base = (c: HealthCounts) => Math.max(c.sent, c.delivered + c.hardBounced + c.softBounced);

export function ratesOf(c: HealthCounts): HealthRates {
  const b = base(c);
  return {
    delivery: ratio(c.delivered, b),
    bounce: ratio(c.hardBounced + c.softBounced, b),
    hardBounce: ratio(c.hardBounced, b),
    softBounce: ratio(c.softBounced, b),
    unknownUsers: ratio(c.unknownUsers, b),
    complaint: ratio(c.complaints, c.delivered),
    unsubscribe: ratio(c.unsubscribes, c.delivered),
    open: ratio(c.opens, c.delivered),
    click: ratio(c.clicks, c.delivered),
  };
}

const totalsOf = (c: HealthCounts): HealthTotals => ({ ...c, rates: ratesOf(c) });

/** Sums rows by a key, in first-seen order. */
function sumBy<K>(rows: readonly HealthDayRow[], key: (r: HealthDayRow) => K): Map<K, HealthCounts> {
  const out = new Map<K, HealthCounts>();
  for (const r of rows) {
    const k = key(r);
    let c = out.get(k);
    if (!c) {
      c = zeroCounts();
      out.set(k, c);
    }
    addCounts(c, r);
  }
  return out;
}

/** A rate as people read it: 0.31 %. */
export const percent = (rate: number | null): string => (rate === null ? 'n/a' : `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)} %`);

const PROVIDER_WORDS: Record<RecipientProvider, string> = { gmail: 'Gmail', microsoft: 'Microsoft', yahoo: 'Yahoo', apple: 'Apple', other: 'other providers', unknown: 'unknown providers' };
export const providerWords = (p: RecipientProvider) => PROVIDER_WORDS[p];
const domainWords = (d: string) => (d === '' ? 'mail whose sending domain the export does not name' : d);

const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY * 1000).toISOString().slice(0, 10);

/** Days of `series` (day → value) in range over SPIKE_FACTOR times the median of the days with data in the 7 before. */
function spikes(series: Map<string, { value: number; volume: number }>, since: string, minVolume: number, floor: number): { day: string; value: number; median: number }[] {
  const out: { day: string; value: number; median: number }[] = [];
  for (const [day, { value, volume }] of series) {
    if (day < since || volume < minVolume || value <= floor) continue;
    const before: number[] = [];
    for (let i = 1; i <= TRAILING_DAYS; i++) {
      const prior = series.get(shiftDay(day, -i));
      if (prior) before.push(prior.value);
    }
    if (before.length < MIN_TRAILING) continue;
    const sorted = [...before].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const m = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    if (value > SPIKE_FACTOR * m) out.push({ day, value, median: m });
  }
  return out.sort((a, b) => (a.day < b.day ? -1 : 1));
}

/** The findings of a range's rows (`trailing` holds the 7 days before it too, for the medians). */
export function healthFindings(rows: readonly HealthDayRow[], trailing: readonly HealthDayRow[], since: string): Finding[] {
  const findings: Finding[] = [];
  const { complaints, bounces } = THRESHOLDS;
  const sources = (list: RuleSource[]) => list.map((s) => s.url);

  for (const [domain, domainRows] of [...Map.groupBy(rows, (r) => r.domain)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const all = sumBy(domainRows, () => 'all').get('all') ?? zeroCounts();
    const byProvider = sumBy(domainRows, (r) => r.provider);
    // Complaints: at each provider whose rule it is, and over all recipients.
    const scopes: { words: string; rate: number; delivered: number; complaints: number }[] = [];
    for (const p of complaints.providers) {
      const c = byProvider.get(p);
      if (c && c.delivered >= MIN_VOLUME) scopes.push({ words: `at ${providerWords(p)}`, rate: c.complaints / c.delivered, delivered: c.delivered, complaints: c.complaints });
    }
    if (all.delivered >= MIN_VOLUME) scopes.push({ words: 'over all recipients', rate: all.complaints / all.delivered, delivered: all.delivered, complaints: all.complaints });
    const over = scopes.filter((s) => s.rate > complaints.limit);
    const high = scopes.filter((s) => s.rate > complaints.target);
    const evidence = (list: typeof scopes) => list.map((s) => `${percent(s.rate)} ${s.words} (${s.complaints.toLocaleString('en-US')} complaints, ${s.delivered.toLocaleString('en-US')} delivered)`).join('; ');
    if (over.length > 0) {
      findings.push(
        finding('health.complaint-rate', {
          title: `Complaint rate over the ${percent(complaints.limit)} limit for ${domainWords(domain)}`,
          detail: `Recipients marked ${percent(over[0]?.rate ?? 0)} of the mail ${over[0]?.words} as spam. Gmail and Yahoo filter or reject a bulk sender whose rate passes ${percent(complaints.limit)}, and ask for under ${percent(complaints.target)}.`,
          fix: 'Send only to people who asked for the mail, make unsubscribing one click (RFC 8058), stop mailing those who have not opened or clicked in months, and slow the campaigns that drew the complaints.',
          evidence: evidence(over),
          refs: sources(complaints.sources),
        }),
      );
    } else if (high.length > 0) {
      findings.push(
        finding('health.complaint-rate-elevated', {
          title: `Complaint rate over the ${percent(complaints.target)} target for ${domainWords(domain)}`,
          detail: `Recipients marked ${percent(high[0]?.rate ?? 0)} of the mail ${high[0]?.words} as spam: under the ${percent(complaints.limit)} limit, over the ${percent(complaints.target)} Gmail and Yahoo ask senders to aim for.`,
          fix: 'Find the campaigns and lists that draw complaints, and send them less or not at all.',
          evidence: evidence(high),
          refs: sources(complaints.sources),
        }),
      );
    }
    // Bounces over all the domain's mail.
    const sent = base(all);
    const bounceRate = ratio(all.hardBounced + all.softBounced, sent);
    if (bounceRate !== null && sent >= MIN_VOLUME && bounceRate > bounces.warning) {
      const limit = bounceRate > bounces.limit;
      findings.push(
        finding(limit ? 'health.bounce-rate' : 'health.bounce-rate-elevated', {
          title: `Bounce rate ${percent(bounceRate)} for ${domainWords(domain)}, over ${limit ? `the ${percent(bounces.limit)} limit` : `${percent(bounces.warning)}`}`,
          detail: `${(all.hardBounced + all.softBounced).toLocaleString('en-US')} of ${sent.toLocaleString('en-US')} messages bounced (${all.hardBounced.toLocaleString('en-US')} hard, ${all.softBounced.toLocaleString('en-US')} soft). ${bounces.rule}`,
          fix: 'Remove hard-bounced addresses at once, confirm new sign-ups (double opt-in), and check old lists with a verification service before mailing them.',
          evidence: `hard ${percent(ratio(all.hardBounced, sent))}, soft ${percent(ratio(all.softBounced, sent))}`,
          refs: sources(bounces.sources),
        }),
      );
    }
    // Unknown users: the last 7 days with data against the 7 before.
    const last = domainRows.reduce((m, r) => (r.day > m ? r.day : m), '');
    const recentStart = shiftDay(last, -(TRAILING_DAYS - 1));
    const priorStart = shiftDay(last, -(2 * TRAILING_DAYS - 1));
    const windowOf = (from: string, to: string) => sumBy(domainRows.filter((r) => r.day >= from && r.day <= to), () => 'w').get('w') ?? zeroCounts();
    const recent = windowOf(recentStart, last);
    const prior = windowOf(priorStart, shiftDay(recentStart, -1));
    const recentRate = ratio(recent.unknownUsers, base(recent));
    const priorRate = ratio(prior.unknownUsers, base(prior));
    if (recentRate !== null && priorRate !== null && base(recent) >= MIN_VOLUME && base(prior) >= MIN_VOLUME && recentRate > UNKNOWN_USERS_FLOOR && recentRate > SPIKE_FACTOR * priorRate) {
      findings.push(
        finding('health.unknown-users-rising', {
          title: `Bounces for unknown mailboxes rising for ${domainWords(domain)}`,
          detail: `${percent(recentRate)} of the mail of the 7 days to ${last} went to mailboxes that do not exist, against ${percent(priorRate)} in the 7 days before: addresses are going stale or being mistyped at sign-up.`,
          fix: 'Suppress every address that bounced as unknown, confirm new sign-ups (double opt-in), and find the source of the new addresses.',
          evidence: `${recent.unknownUsers.toLocaleString('en-US')} unknown-user bounces from ${recentStart} to ${last}; ${prior.unknownUsers.toLocaleString('en-US')} in the 7 days before`,
        }),
      );
    }
  }

  // Per sending IP: volume and bounce spikes, each day against the median of the 7 days before.
  const byIpDay = sumBy(trailing, (r) => `${r.ip}\t${r.day}`);
  const ipSeries = new Map<string, { volume: Map<string, { value: number; volume: number }>; bounce: Map<string, { value: number; volume: number }> }>();
  for (const [key, c] of byIpDay) {
    const [ip, day] = key.split('\t') as [string, string];
    if (ip === '') continue;
    let s = ipSeries.get(ip);
    if (!s) {
      s = { volume: new Map(), bounce: new Map() };
      ipSeries.set(ip, s);
    }
    s.volume.set(day, { value: base(c), volume: base(c) });
    s.bounce.set(day, { value: ratio(c.hardBounced + c.softBounced, base(c)) ?? 0, volume: base(c) });
  }
  for (const [ip, s] of [...ipSeries].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const volume = spikes(s.volume, since, MIN_VOLUME, 0);
    if (volume.length > 0) {
      findings.push(
        finding('health.volume-spike', {
          title: `Volume spike from ${ip}`,
          detail: `${ip} sent over twice its median of the 7 days before on ${volume.length === 1 ? volume[0]?.day : `${volume.length} days`}. Providers read a sudden rise as a new or compromised sender and slow or filter it; raise volume by steps instead.`,
          fix: 'Spread large sends over several days, and ramp up by no more than about double a day.',
          evidence: volume.map((v) => `${v.day}: ${v.value.toLocaleString('en-US')} sent, median ${Math.round(v.median).toLocaleString('en-US')}`).join('; '),
        }),
      );
    }
    const bounce = spikes(s.bounce, since, MIN_VOLUME, THRESHOLDS.bounces.warning);
    if (bounce.length > 0) {
      findings.push(
        finding('health.bounce-spike', {
          title: `Bounce spike at ${ip}`,
          detail: `On ${bounce.length === 1 ? bounce[0]?.day : `${bounce.length} days`} the mail from ${ip} bounced over twice as often as its median of the 7 days before, and over ${percent(THRESHOLDS.bounces.warning)}: an old list, or a provider refusing the IP.`,
          fix: 'Look at the bounce messages of those days: unknown users point at the list, blocks at the IP or content.',
          evidence: bounce.map((b) => `${b.day}: ${percent(b.value)}, median ${percent(b.median)}`).join('; '),
        }),
      );
    }
  }

  // Per provider: the delivery rate of the last 7 days with data against the 7 before.
  const last = rows.reduce((m, r) => (r.day > m ? r.day : m), '');
  if (last !== '') {
    const recentStart = shiftDay(last, -(TRAILING_DAYS - 1));
    const priorStart = shiftDay(last, -(2 * TRAILING_DAYS - 1));
    const recent = sumBy(rows.filter((r) => r.day >= recentStart), (r) => r.provider);
    const prior = sumBy(rows.filter((r) => r.day >= priorStart && r.day < recentStart), (r) => r.provider);
    for (const p of RECIPIENT_PROVIDERS) {
      if (p === 'unknown') continue;
      const a = prior.get(p);
      const b = recent.get(p);
      if (!a || !b || base(a) < MIN_VOLUME || base(b) < MIN_VOLUME) continue;
      const before = a.delivered / base(a);
      const now = b.delivered / base(b);
      if (before - now >= DELIVERY_DROP) {
        findings.push(
          finding('health.delivery-drop', {
            title: `Delivery to ${providerWords(p)} fell to ${percent(now)}`,
            detail: `${providerWords(p)} accepted ${percent(now)} of the mail in the 7 days to ${last}, against ${percent(before)} in the 7 days before: it is refusing or deferring more of it.`,
            fix: `Read ${providerWords(p)}'s bounce messages of the last days: a block names its reason and, often, where to ask for mitigation.`,
            evidence: `${b.delivered.toLocaleString('en-US')} of ${base(b).toLocaleString('en-US')} from ${recentStart} to ${last}; ${a.delivered.toLocaleString('en-US')} of ${base(a).toLocaleString('en-US')} the 7 days before`,
          }),
        );
      }
    }
  }
  return findings;
}

/** The health of one sending domain (or all) over a range: `--since 30d` by default. */
export function healthSummary(store: HistoryStore, input: HealthSummaryInput, now: Date): HealthSummary {
  const range = rangeOf({ domain: input.domain ?? '', ...(input.since ? { since: input.since } : {}), ...(input.until ? { until: input.until } : {}) }, now);
  const since = new Date(range.since * 1000).toISOString().slice(0, 10);
  const until = new Date(range.until * 1000).toISOString().slice(0, 10);
  const domain = input.domain ? input.domain.toLowerCase() : undefined;
  const trailing = store.healthDays({ since: shiftDay(since, -TRAILING_DAYS), until, ...(domain !== undefined ? { domain } : {}) });
  const rows = trailing.filter((r) => r.day >= since);
  const total = sumBy(rows, () => 'all').get('all') ?? zeroCounts();
  const byDay = sumBy(rows, (r) => r.day);
  const byProviderDay = sumBy(rows, (r) => `${r.provider}\t${r.day}`);
  const providers = [...sumBy(rows, (r) => r.provider)]
    .sort(([, a], [, b]) => base(b) - base(a))
    .map(([provider, c]): ProviderHealth => ({
      provider,
      ...totalsOf(c),
      days: [...byDay.keys()].flatMap((day) => {
        const d = byProviderDay.get(`${provider}\t${day}`);
        if (!d) return [];
        const r = ratesOf(d);
        return [{ day, sent: base(d), delivery: r.delivery, bounce: r.bounce, complaint: r.complaint }];
      }),
    }));
  const apple = providers.find((p) => p.provider === 'apple');
  const findings = healthFindings(rows, trailing, since);
  return {
    domain: domain ?? null,
    since: range.sinceText,
    until: range.untilText,
    totals: totalsOf(total),
    days: [...byDay].map(([day, c]) => ({ day, ...totalsOf(c) })),
    providers,
    domains: [...sumBy(rows, (r) => r.domain)].sort(([, a], [, b]) => base(b) - base(a)).map(([d, c]) => ({ domain: d, ...totalsOf(c) })),
    ips: [...sumBy(rows, (r) => r.ip)].sort(([, a], [, b]) => base(b) - base(a)).map(([ip, c]) => ({ ip, ...totalsOf(c) })),
    thresholds: THRESHOLDS,
    opensUnreliable: apple !== undefined && apple.delivered > 0,
    appleShare: ratio(apple?.delivered ?? 0, total.delivered) ?? 0,
    findings,
    limitExceeded: findings.some((f) => f.code === 'health.complaint-rate' || f.code === 'health.bounce-rate'),
  };
}

/** Whether history holds any health data for a sending domain (the reports add their health section then). */
export function hasHealthData(store: HistoryStore, domain: string): boolean {
  return store.healthDomains().some((d) => d.domain === domain.toLowerCase());
}

