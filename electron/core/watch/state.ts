/**
 * What a watch remembers of a check, for the alert rules to compare the next check with.
 *
 * Built from an audit (a domain) or an IP check, on top of the previous state: what this check
 * measured replaces what was remembered, and what it could not measure (a check left out or failed,
 * a lookup that timed out, a blocklist that refused) keeps the previous value. So a resolver's bad
 * minute never reads as a record removed or a listing gone.
 */
import { findingKey, publishedRecords } from '../audit/diff';
import type { AuditResult, CheckStatus, DnsblResult, Finding } from '../audit/types';
import type { CertState, CriticalState, IpCheckResult, ListingState, WatchState } from './types';

/** The published records record.changed watches (DKIM selectors are compared one by one). */
export const WATCHED_RECORDS = ['SPF record', 'DMARC record', 'MX hosts', 'MTA-STS record', 'MTA-STS policy', 'BIMI record'] as const;
/** A sending IP's one record: its PTR names, and whether one resolves back. */
export const PTR_RECORD = 'PTR';

const DAY_MS = 86_400_000;

const measured = (status: CheckStatus | undefined) => status !== undefined && status !== 'skipped' && status !== 'error';

export const listingKey = (r: Pick<DnsblResult, 'target' | 'zone'>) => `${r.target} ${r.zone}`;
export const expiringKey = (key: string, cert: CertState) => `${key}|${cert.validTo}`;

/** A blank state, as before any check. */
export const emptyState = (): WatchState => ({ ran: [], score: null, grade: null, records: {}, selectors: {}, listings: {}, certs: {}, expiring: [], criticals: {} });

const criticalOf = (f: Finding): CriticalState => ({
  code: f.code,
  check: f.check,
  title: f.title,
  detail: f.detail,
  ...(f.fix ? { fix: f.fix } : {}),
  ...(f.evidence ? { evidence: f.evidence } : {}),
});

/** Listings as this check measured them, keeping the previous answer where a lookup failed or was refused. */
function listingsOf(results: readonly DnsblResult[], findings: readonly Finding[], previous: WatchState['listings']): WatchState['listings'] {
  const out: WatchState['listings'] = {};
  for (const r of results) {
    const key = listingKey(r);
    if (r.error || r.refused) {
      if (previous[key]) out[key] = previous[key];
      continue;
    }
    const found = r.listed ? findings.find((f) => f.code === 'dnsbl.listed' && f.title === `${r.target} is listed on ${r.list}`) : undefined;
    const listing: ListingState = { target: r.target, list: r.list, zone: r.zone, listed: r.listed, codes: r.codes, meanings: r.meanings };
    if (r.delisting) listing.delisting = r.delisting;
    if (found) Object.assign(listing, { detail: found.detail, ...(found.fix ? { fix: found.fix } : {}), ...(found.evidence ? { evidence: found.evidence } : {}) });
    out[key] = listing;
  }
  return out;
}

/** Certificates inside the expiry window: `certDays` days or less from `now` (expired ones too). */
function expiringOf(certs: WatchState['certs'], now: Date, certDays: number): string[] {
  return Object.entries(certs)
    .filter(([, cert]) => {
      const to = Date.parse(cert.validTo);
      return Number.isFinite(to) && to - now.getTime() <= certDays * DAY_MS;
    })
    .map(([key, cert]) => expiringKey(key, cert))
    .sort();
}

/** Criticals of the checks that ran now, and the remembered ones of the checks that did not. */
function criticalsOf(findings: readonly Finding[], ranNow: ReadonlySet<string>, previous: WatchState['criticals']): WatchState['criticals'] {
  const out: WatchState['criticals'] = {};
  for (const [key, c] of Object.entries(previous)) if (!ranNow.has(c.check)) out[key] = c;
  for (const f of findings) if (f.severity === 'critical') out[findingKey(f)] = criticalOf(f);
  return out;
}

function certsOf(audit: AuditResult, previous: WatchState['certs']): WatchState['certs'] {
  const out: WatchState['certs'] = {};
  const keep = (key: string) => {
    if (previous[key]) out[key] = previous[key];
  };
  const smtp = audit.checks.smtp;
  if (!smtp || smtp.status === 'skipped') {
    for (const key of Object.keys(previous)) if (key.startsWith('mx:')) keep(key);
  } else {
    for (const probe of smtp.hosts) {
      const key = `mx:${probe.host}`;
      const cert = probe.tls?.certificate;
      if (cert?.validTo) out[key] = { what: `the MX certificate of ${probe.host} (STARTTLS)`, host: probe.host, validTo: cert.validTo, ...(cert.subject ? { subject: cert.subject } : {}) };
      else keep(key);
    }
  }
  const sts = audit.checks.mtasts;
  if (sts?.tls?.validTo && sts.policyUrl) {
    const host = new URL(sts.policyUrl).hostname;
    out['mta-sts'] = { what: `the certificate of the MTA-STS policy host ${host}`, host, validTo: sts.tls.validTo };
  } else if (!sts || sts.status === 'skipped' || sts.status === 'error' || sts.fetchSkipped || sts.fetchError) keep('mta-sts');
  const bimi = audit.checks.bimi;
  if (bimi?.certificate?.validTo && bimi.authorityUrl) {
    out.bimi = { what: 'the BIMI mark certificate', host: new URL(bimi.authorityUrl).hostname, validTo: bimi.certificate.validTo, ...(bimi.certificate.subject ? { subject: bimi.certificate.subject } : {}) };
  } else if (!bimi || bimi.status === 'skipped' || bimi.status === 'error' || bimi.fetchSkipped || (bimi.authorityUrl && !bimi.certificate?.validTo)) {
    // Not fetched, or fetched and unreadable this time: the certificate is what it was.
    keep('bimi');
  }
  return out;
}

/** The DKIM selectors found; a remembered one stays when this check did not try it or its lookup failed. */
function selectorsOf(audit: AuditResult, previous: WatchState['selectors']): WatchState['selectors'] {
  const dkim = audit.checks.dkim;
  if (!dkim || !measured(dkim.status)) return previous;
  const out: WatchState['selectors'] = {};
  const failed = new Set((dkim.failed ?? []).map((f) => f.selector));
  for (const [name, kept] of Object.entries(previous)) if (!dkim.tried.includes(name) || failed.has(name)) out[name] = kept;
  for (const s of dkim.selectors) {
    const key = `${s.keyType}${s.keyBits ? ` ${s.keyBits}` : ''}${s.testing ? ', testing' : ''}${s.revoked ? ', revoked' : ''}`;
    out[s.selector] = { key, ...(s.record ? { record: s.record } : {}) };
  }
  return out;
}

/** A domain's state after `audit`, on top of `previous`. */
export function auditState(audit: AuditResult, previous: WatchState | null, now: Date, certDays: number): WatchState {
  const before = previous ?? emptyState();
  const ranNow = new Set(Object.entries(audit.checks).filter(([, c]) => measured(c?.status)).map(([id]) => id));
  const records: WatchState['records'] = {};
  const current = new Map(publishedRecords(audit.checks).map((r) => [r.what, r]));
  for (const what of WATCHED_RECORDS) {
    const r = current.get(what);
    const check = r ? audit.checks[r.check] : undefined;
    let ok = r !== undefined && measured(check?.status);
    // The policy is only known when it was fetched: a fetch left out or failed says nothing of it.
    if (what === 'MTA-STS policy' && (audit.checks.mtasts?.fetchSkipped || audit.checks.mtasts?.fetchError)) ok = false;
    if (ok && r) records[what] = r.value;
    else if (what in before.records) records[what] = before.records[what] ?? null;
  }
  const dnsbl = audit.checks.dnsbl;
  const certs = certsOf(audit, before.certs);
  return {
    ran: [...new Set([...before.ran, ...ranNow])].sort(),
    score: audit.score,
    grade: audit.grade,
    records,
    selectors: selectorsOf(audit, before.selectors),
    listings: dnsbl && dnsbl.status !== 'skipped' ? listingsOf(dnsbl.results, audit.findings, before.listings) : before.listings,
    certs,
    expiring: expiringOf(certs, now, certDays),
    criticals: criticalsOf(audit.findings, ranNow, before.criticals),
  };
}

/** The one line a sending IP's reverse DNS is compared as. */
export function ptrLine(result: IpCheckResult): string | null {
  const ptr = result.ptr;
  if (!ptr || ptr.error) return null;
  if (ptr.ptr.length === 0) return '(no PTR record)';
  return `${ptr.ptr.join(', ')}${ptr.forwardConfirmed ? '' : ' (does not resolve back to the address)'}`;
}

/** A sending IP's state after `result`, on top of `previous`. */
export function ipState(result: IpCheckResult, previous: WatchState | null): WatchState {
  const before = previous ?? emptyState();
  const ranNow = new Set<string>();
  const records: WatchState['records'] = { ...before.records };
  const line = ptrLine(result);
  if (line !== null) {
    ranNow.add('ptr');
    records[PTR_RECORD] = line;
  }
  const dnsblRan = result.dnsblError === undefined || result.dnsbl.some((r) => !r.error);
  if (dnsblRan) ranNow.add('dnsbl');
  return {
    ...emptyState(),
    ran: [...new Set([...before.ran, ...ranNow])].sort(),
    records,
    listings: dnsblRan ? listingsOf(result.dnsbl, result.findings, before.listings) : before.listings,
    criticals: criticalsOf(result.findings, ranNow, before.criticals),
  };
}
