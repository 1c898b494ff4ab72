/**
 * What every report format says about one audit, in one place: the checks in order with their
 * words and evidence, the date, the impact labels. The formats only differ in how they write it.
 */
import type { CheckId } from '../audit/codes';
import type { AuditChecks, AuditResult, CheckBase, Finding } from '../audit/types';
import type { Impact } from './prioritize';

export type ReportFormat = 'html' | 'md' | 'csv' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'md', 'csv', 'json'];

/** The checks in the order the app shows them, with their names. A Record: a new check must be named here. */
export const CHECK_TITLES: Record<CheckId, string> = {
  mx: 'MX',
  spf: 'SPF',
  dmarc: 'DMARC',
  dkim: 'DKIM',
  mtasts: 'MTA-STS',
  tlsrpt: 'TLS-RPT',
  bimi: 'BIMI',
  dnssec: 'DNSSEC and DANE',
  ptr: 'Reverse DNS (PTR)',
  dnsbl: 'Blocklists',
  smtp: 'SMTP and TLS',
  providers: 'Provider requirements',
};

export const IMPACT_WORDS: Record<Impact, string> = {
  rejected: 'mail is rejected or lost',
  spoofable: 'the domain can be spoofed',
  reputation: 'sender reputation',
  hygiene: 'good practice',
};

export const STATUS_WORDS: Record<CheckBase['status'], string> = {
  pass: 'Pass',
  warn: 'Warning',
  fail: 'Fail',
  info: 'Info',
  error: 'Error',
  skipped: 'Skipped',
};

/** The audit's own time, never the renderer's: the same result gives the same report. */
export function auditDate(startedAt: string): string {
  const at = new Date(startedAt);
  if (Number.isNaN(at.getTime())) return startedAt;
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export interface CheckSection {
  id: CheckId;
  title: string;
  status: CheckBase['status'];
  /** Why it did not run, or which lookups failed. */
  note?: string;
  /** The records and answers as published. */
  evidence: string[];
  /** DKIM: the selectors looked for, which say how far "no key found" goes. */
  tried?: string[];
  findings: Finding[];
}

const lines = (values: (string | null | undefined)[]): string[] => values.filter((v): v is string => typeof v === 'string' && v !== '');

function evidenceOf<K extends CheckId>(id: K, check: NonNullable<AuditChecks[K]>): string[] {
  const c = check as NonNullable<AuditChecks[CheckId]>;
  switch (id) {
    case 'mx': {
      const mx = c as AuditChecks['mx'];
      return mx.hosts.map((h) => `MX ${h.priority} ${h.exchange}${h.addresses?.length ? ` (${h.addresses.join(', ')})` : ''}${h.cname ? ` CNAME ${h.cname}` : ''}`);
    }
    case 'spf':
      return (c as AuditChecks['spf']).records;
    case 'dmarc': {
      const d = c as AuditChecks['dmarc'];
      return lines([d.record ? `_dmarc.${d.recordDomain ?? ''} TXT ${d.record}` : null]);
    }
    case 'dkim':
      return (c as NonNullable<AuditChecks['dkim']>).selectors.map((s) => `${s.selector}._domainkey: ${s.record ?? `${s.keyType} ${s.keyBits ?? '?'} bits`}`);
    case 'mtasts': {
      const m = c as NonNullable<AuditChecks['mtasts']>;
      return lines([m.record, m.policy ? `policy: mode ${m.policy.mode}, mx ${m.policy.mx.join(' ')}, max_age ${m.policy.maxAge}` : null, m.fetchError]);
    }
    case 'tlsrpt':
      return lines([(c as NonNullable<AuditChecks['tlsrpt']>).record]);
    case 'bimi':
      return lines([(c as NonNullable<AuditChecks['bimi']>).record]);
    case 'dnssec': {
      const d = c as NonNullable<AuditChecks['dnssec']>;
      return [`signed: ${String(d.signed)}, validated: ${String(d.validated)}`, ...d.mx.map((m) => `${m.host}: ${m.tlsa.length} TLSA, DANE match ${String(m.daneMatch)}`)];
    }
    case 'ptr':
      return (c as NonNullable<AuditChecks['ptr']>).addresses.map((a) => `${a.ip} PTR ${a.ptr.join(', ') || '(none)'}${a.error ? ` (${a.error})` : ''}`);
    case 'dnsbl':
      return (c as NonNullable<AuditChecks['dnsbl']>).results.filter((r) => r.listed || r.refused || r.error).map((r) => `${r.target} on ${r.list}: ${r.listed ? `listed ${r.codes.join(' ')}` : r.refused ? 'refused' : (r.error ?? '')}`);
    case 'smtp':
      return (c as NonNullable<AuditChecks['smtp']>).hosts.map((h) => `${h.host} (${h.address}:${h.port}): ${h.error ?? (h.tls ? `${h.tls.version}, certificate ${h.tls.certificate.subject}` : h.starttls ? 'STARTTLS' : 'no STARTTLS')}`);
    case 'providers':
      return [];
  }
  return [];
}

/** The audit's checks in order, each with its evidence and its own findings. */
export function checkSections(result: AuditResult): CheckSection[] {
  const sections: CheckSection[] = [];
  for (const id of Object.keys(CHECK_TITLES) as CheckId[]) {
    const check = result.checks[id];
    if (!check) continue;
    const note = check.skipped ?? check.error;
    sections.push({
      id,
      title: CHECK_TITLES[id],
      status: check.status,
      ...(note ? { note } : {}),
      evidence: evidenceOf(id, check),
      ...(id === 'dkim' && (check as NonNullable<AuditChecks['dkim']>).tried.length > 0 ? { tried: (check as NonNullable<AuditChecks['dkim']>).tried } : {}),
      findings: result.findings.filter((f) => f.check === id),
    });
  }
  return sections;
}

/** The report's name: its domains, or for a long portfolio how many, so a title stays a line. */
export function reportSubject(results: readonly { domain: string }[]): string {
  return results.length > 3 ? `${results.length} domains` : results.map((r) => r.domain).join(', ');
}
