/**
 * What the stored reports say about a domain: volume and pass rates, the sources sending as it and
 * what each one is, whether the policy can be enforced, and the TLS reports.
 */
import { getDomain } from 'tldts';
import type { DnsSession } from '../dns/session';
import { readSignature, type SourceDayRow } from '../history/reports';
import type { HistoryStore } from '../history/store';
import { classifySource } from './classify';
import { DAY, rangeOf, type RangeInput } from './range';
import { assessReadiness } from './readiness';
import { NOT_LOOKED_UP, reverseDns, storedPtrs, type PtrAnswer } from './reverse-dns';
import { identifySender, type KnownSender } from './senders';
import type { ClassDay, Readiness, ReadinessPolicy, ReportSource, ReportSummary, SourceAddress, SourceClass, SourcesResult, TlsSummary } from './types';

/** The organisational domain of a name (public suffix list), or the name itself. */
const orgOf = (name: string): string => getDomain(name, { allowPrivateDomains: false }) ?? name;

const dayText = (day: number) => new Date(day * DAY * 1000).toISOString().slice(0, 10);

export function reportSummary(store: HistoryStore, input: RangeInput, now: Date): ReportSummary {
  const range = rangeOf(input, now);
  const totals = store.reportTotals(range);
  return {
    domain: range.domain,
    since: range.sinceText,
    until: range.untilText,
    reports: totals.reports,
    messages: totals.messages,
    dmarcPass: totals.dmarcPass,
    spfAlignedPass: totals.spfAlignedPass,
    dkimAlignedPass: totals.dkimAlignedPass,
    disposition: { none: totals.none, quarantine: totals.quarantine, reject: totals.reject },
    reporters: store.reporterTotals(range),
    days: store.reportDays(range).map((d) => ({ day: dayText(d.day), messages: d.messages, dmarcPass: d.dmarcPass })),
  };
}

interface Tally {
  messages: number;
  spf: number;
  dkim: number;
  both: number;
  overridden: number;
  survived: number;
  dkimDomains: Map<string, number>;
  spfDomains: Map<string, number>;
}

const newTally = (): Tally => ({ messages: 0, spf: 0, dkim: 0, both: 0, overridden: 0, survived: 0, dkimDomains: new Map(), spfDomains: new Map() });

function add(into: Tally, from: Tally): void {
  into.messages += from.messages;
  into.spf += from.spf;
  into.dkim += from.dkim;
  into.both += from.both;
  into.overridden += from.overridden;
  into.survived += from.survived;
  for (const [k, n] of from.dkimDomains) into.dkimDomains.set(k, (into.dkimDomains.get(k) ?? 0) + n);
  for (const [k, n] of from.spfDomains) into.spfDomains.set(k, (into.spfDomains.get(k) ?? 0) + n);
}

const domainsOf = (map: Map<string, number>) =>
  [...map]
    .map(([key, messages]) => {
      const [domain, result] = key.split('\t', 2) as [string, string];
      return { domain, result, messages };
    })
    .sort((a, b) => b.messages - a.messages || a.domain.localeCompare(b.domain));

/** Passing domains of a tally, most messages first. */
const passing = (map: Map<string, number>) => domainsOf(map).filter((d) => d.result === 'pass' && d.domain !== '').map((d) => d.domain);

export interface SourcesOptions {
  dns: DnsSession;
  now: Date;
  signal?: AbortSignal;
  maxLookups?: number;
}

interface Group {
  organization: string;
  sender: { sender: KnownSender; by: 'ptr' | 'dkim' | 'spf' } | null;
  own: boolean;
  tally: Tally;
  addresses: SourceAddress[];
  ptrFailed: boolean;
}

interface Tallied {
  range: ReturnType<typeof rangeOf>;
  rows: SourceDayRow[];
  byIp: Map<string, Tally>;
  /** Most messages first: the first are looked up first. */
  ips: string[];
}

function tallied(store: HistoryStore, input: RangeInput, now: Date): Tallied {
  const range = rangeOf(input, now);
  const rows = store.sourceDays(range);
  const signatures = new Map<string, ReturnType<typeof readSignature>>();
  const byIp = new Map<string, Tally>();
  for (const row of rows) {
    let sig = signatures.get(row.auth);
    if (!sig) {
      sig = readSignature(row.auth);
      signatures.set(row.auth, sig);
    }
    let t = byIp.get(row.ip);
    if (!t) {
      t = newTally();
      byIp.set(row.ip, t);
    }
    t.messages += row.messages;
    t.spf += row.spf;
    t.dkim += row.dkim;
    t.both += row.both;
    t.overridden += row.overridden;
    if (!sig.spf.some(([, result]) => result === 'pass')) t.survived += row.dkim - row.both;
    for (const [d, r] of sig.dkim) t.dkimDomains.set(`${d}\t${r}`, (t.dkimDomains.get(`${d}\t${r}`) ?? 0) + row.messages);
    for (const [d, r] of sig.spf) t.spfDomains.set(`${d}\t${r}`, (t.spfDomains.get(`${d}\t${r}`) ?? 0) + row.messages);
  }
  const ips = [...byIp.keys()].sort((a, b) => (byIp.get(b) as Tally).messages - (byIp.get(a) as Tally).messages || (a < b ? -1 : 1));
  return { range, rows, byIp, ips };
}

/** Every source of the domain over the range, classified, with messages per class per day. */
export async function reportSources(store: HistoryStore, input: RangeInput, options: SourcesOptions): Promise<SourcesResult & { readinessPolicy: ReadinessPolicy }> {
  const t = tallied(store, input, options.now);
  const ptrs = await reverseDns(t.ips, {
    dns: options.dns,
    store,
    now: Math.floor(options.now.getTime() / 1000),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.maxLookups !== undefined ? { maxLookups: options.maxLookups } : {}),
  });
  const reported = store.latestReportedPolicy(t.range.domain);
  const audit = store.latestAudit(t.range.domain);
  return {
    ...sourcesOf(t, ptrs),
    readinessPolicy: {
      reported: reported ? { p: reported.p, sp: reported.sp, pct: reported.pct, testing: reported.testing } : null,
      audited: audit ? { record: audit.checks.dmarc?.record ?? null, policy: audit.checks.dmarc?.policy ?? null, auditedAt: audit.startedAt } : null,
    },
  };
}

/**
 * The sources from history alone, for a report: the reverse DNS answers kept in history whatever
 * their age, nothing looked up (an address never looked up is said to be so). No network, so a
 * report is made from what history holds.
 */
export function storedSources(store: HistoryStore, input: RangeInput, now: Date): SourcesResult {
  const t = tallied(store, input, now);
  return sourcesOf(t, storedPtrs(t.ips, store));
}

function sourcesOf({ range, rows, byIp, ips }: Tallied, ptrs: Map<string, PtrAnswer>): SourcesResult {
  const ownOrg = orgOf(range.domain);
  const groups = new Map<string, Group>();
  const groupOfIp = new Map<string, Group>();
  let lookupFailures = 0;
  let notLookedUp = 0;
  for (const ip of ips) {
    const tally = byIp.get(ip) as Tally;
    const ptr = ptrs.get(ip) ?? { names: [], error: NOT_LOOKED_UP };
    if (ptr.error === NOT_LOOKED_UP) notLookedUp++;
    else if (ptr.error) lookupFailures++;
    const sender = identifySender({ ptr: ptr.names, dkim: passing(tally.dkimDomains), spf: passing(tally.spfDomains) });
    let key: string;
    let organization: string;
    let own = false;
    if (sender) {
      key = `sender ${sender.sender.id}`;
      organization = sender.sender.name;
    } else if (ptr.names.length > 0) {
      organization = orgOf(ptr.names[0] as string);
      own = organization === ownOrg;
      key = `org ${organization}`;
    } else {
      // No name to go by: a DKIM signature that passed for another domain says who signed; the
      // domain's own says nothing of the server. Otherwise the address stands alone.
      const signer = passing(tally.dkimDomains).map(orgOf).find((d) => d !== ownOrg);
      organization = !ptr.error && signer ? signer : ip;
      key = organization === ip ? `ip ${ip}` : `org ${organization}`;
    }
    let group = groups.get(key);
    if (!group) {
      group = { organization, sender, own, tally: newTally(), addresses: [], ptrFailed: true };
      groups.set(key, group);
    }
    add(group.tally, tally);
    group.addresses.push({ ip, messages: tally.messages, ptr: ptr.names, ...(ptr.error ? { ptrError: ptr.error } : {}) });
    if (!ptr.error) group.ptrFailed = false;
    groupOfIp.set(ip, group);
  }
  const classOf = new Map<Group, SourceClass>();
  const sources: ReportSource[] = [];
  for (const g of groups.values()) {
    const t = g.tally;
    const dmarcPass = t.spf + t.dkim - t.both;
    const c = classifySource(
      { organization: g.organization, messages: t.messages, dmarcPass, spfAligned: t.spf, dkimAligned: t.dkim, dkimSurvived: t.survived, overridden: t.overridden, sender: g.sender?.sender ?? null, own: g.own, ptrFailed: g.ptrFailed },
      range.domain,
    );
    classOf.set(g, c.class);
    sources.push({
      organization: g.organization,
      class: c.class,
      ips: g.addresses.map((a) => a.ip),
      messages: t.messages,
      dmarcPass,
      spfAlignedPass: t.spf,
      dkimAlignedPass: t.dkim,
      ...(c.fix ? { fix: c.fix } : {}),
      ...(g.sender ? { sender: { id: g.sender.sender.id, name: g.sender.sender.name, by: g.sender.by } } : {}),
      why: c.why,
      dkimDomains: domainsOf(t.dkimDomains),
      spfDomains: domainsOf(t.spfDomains),
      overridden: t.overridden,
      addresses: g.addresses,
    });
  }
  sources.sort((a, b) => b.messages - a.messages || a.organization.localeCompare(b.organization));
  const days = classDays(rows, (ip) => classOf.get(groupOfIp.get(ip) as Group) ?? 'unknown');
  return { domain: range.domain, since: range.sinceText, until: range.untilText, sources, days, lookupFailures, notLookedUp };
}

function classDays(rows: readonly SourceDayRow[], classOf: (ip: string) => SourceClass): ClassDay[] {
  const days = new Map<number, ClassDay>();
  for (const row of rows) {
    let d = days.get(row.day);
    if (!d) {
      d = { day: dayText(row.day), compliant: 0, forwarded: 0, misconfigured: 0, unknown: 0 };
      days.set(row.day, d);
    }
    d[classOf(row.ip)] += row.messages;
  }
  return [...days].sort((a, b) => a[0] - b[0]).map(([, d]) => d);
}

/** Enforcement readiness from the sources, the latest report's policy and the latest audit's record. */
export async function reportReadiness(store: HistoryStore, input: RangeInput, options: SourcesOptions): Promise<Readiness> {
  const result = await reportSources(store, input, options);
  return assessReadiness({ domain: result.domain, since: result.since, until: result.until, sources: result.sources, policy: result.readinessPolicy });
}

export function tlsSummary(store: HistoryStore, input: RangeInput, now: Date): TlsSummary {
  const range = rangeOf(input, now);
  const policies = store.tlsPolicies(range);
  const failures = store.tlsFailures(range);
  const byType = new Map<string, { reports: Set<number>; successes: number; failures: number; days: Map<number, { successes: number; failures: number }> }>();
  const reporters = new Map<string, { reports: Set<number>; successes: number; failures: number }>();
  const reports = new Set<number>();
  for (const p of policies) {
    reports.add(p.report);
    let t = byType.get(p.type);
    if (!t) {
      t = { reports: new Set(), successes: 0, failures: 0, days: new Map() };
      byType.set(p.type, t);
    }
    t.reports.add(p.report);
    t.successes += p.successes;
    t.failures += p.failures;
    const d = t.days.get(p.day) ?? { successes: 0, failures: 0 };
    d.successes += p.successes;
    d.failures += p.failures;
    t.days.set(p.day, d);
    const r = reporters.get(p.org) ?? { reports: new Set<number>(), successes: 0, failures: 0 };
    r.reports.add(p.report);
    r.successes += p.successes;
    r.failures += p.failures;
    reporters.set(p.org, r);
  }
  const failureTypes = new Map<string, number>();
  for (const f of failures) failureTypes.set(f.type, (failureTypes.get(f.type) ?? 0) + f.sessions);
  return {
    domain: range.domain,
    since: range.sinceText,
    until: range.untilText,
    reports: reports.size,
    successes: policies.reduce((n, p) => n + p.successes, 0),
    failures: policies.reduce((n, p) => n + p.failures, 0),
    policies: [...byType]
      .map(([type, t]) => ({
        type,
        reports: t.reports.size,
        successes: t.successes,
        failures: t.failures,
        days: [...t.days].sort((a, b) => a[0] - b[0]).map(([day, d]) => ({ day: dayText(day), ...d })),
      }))
      .sort((a, b) => b.successes + b.failures - (a.successes + a.failures) || a.type.localeCompare(b.type)),
    failureTypes: [...failureTypes].map(([type, sessions]) => ({ type, sessions })).sort((a, b) => b.sessions - a.sessions || a.type.localeCompare(b.type)),
    mtas: failures
      .filter((f) => f.ip !== null)
      .map((f) => ({ ip: f.ip as string, reporter: f.org, resultType: f.type, receivingMx: f.mx, sessions: f.sessions })),
    reporters: [...reporters]
      .map(([org, r]) => ({ org, reports: r.reports.size, successes: r.successes, failures: r.failures }))
      .sort((a, b) => b.successes + b.failures - (a.successes + a.failures) || a.org.localeCompare(b.org)),
  };
}
