/**
 * Change tracking: what changed since the previous audit of the same domain.
 *
 * Records are compared as the one-line forms a consultant would read in a zone (the SPF record, the
 * MX list, the DMARC record, ...); findings by code and subject, so a finding that merely changed
 * its wording is not reported as resolved and added again.
 */
import type { AuditChecks, AuditDiff, AuditResult, Finding, RecordChange } from './types';

export type { AuditDiff, RecordChange };

type Extract = (checks: AuditChecks) => string | null | undefined;

/** The records each check publishes, as comparable text. A check missing from either audit is not compared. */
const RECORDS: { check: keyof AuditChecks; what: string; get: Extract }[] = [
  { check: 'mx', what: 'MX hosts', get: (c) => (c.mx.nullMx ? '0 .' : c.mx.hosts.map((h) => `${h.priority} ${h.exchange}`).join(', ') || null) },
  { check: 'spf', what: 'SPF record', get: (c) => c.spf.record ?? (c.spf.records.length > 1 ? c.spf.records.join(' | ') : null) },
  { check: 'dmarc', what: 'DMARC record', get: (c) => (c.dmarc.record ? `${c.dmarc.recordDomain}: ${c.dmarc.record}` : null) },
  { check: 'dmarc', what: 'effective DMARC policy', get: (c) => c.dmarc.policy },
  { check: 'dkim', what: 'DKIM selectors', get: (c) => c.dkim && (c.dkim.selectors.map((s) => `${s.selector} (${s.keyType} ${s.keyBits ?? '?'})`).join(', ') || null) },
  { check: 'mtasts', what: 'MTA-STS record', get: (c) => c.mtasts && c.mtasts.record },
  { check: 'mtasts', what: 'MTA-STS policy', get: (c) => c.mtasts?.policy && `${c.mtasts.policy.mode}: ${c.mtasts.policy.mx.join(' ')}` },
  { check: 'tlsrpt', what: 'TLS-RPT record', get: (c) => c.tlsrpt && c.tlsrpt.record },
  { check: 'bimi', what: 'BIMI record', get: (c) => c.bimi && c.bimi.record },
  { check: 'dnssec', what: 'DNSSEC', get: (c) => c.dnssec && (c.dnssec.signed === null ? null : c.dnssec.signed ? 'signed' : 'unsigned') },
];

/** A finding told apart from the others of its code by its subject (the evidence, or else the title). */
export const findingKey = (f: Pick<Finding, 'code' | 'evidence' | 'title'>) => `${f.code}\u0000${f.evidence ?? f.title}`;
const key = findingKey;

/**
 * The records an audit found published, each as the one line this diff compares (the monitoring
 * rules compare the same lines). A check the audit does not have gives no line.
 */
export function publishedRecords(checks: AuditChecks): { check: keyof AuditChecks; what: string; value: string | null }[] {
  return RECORDS.filter((r) => checks[r.check] !== undefined).map((r) => ({ check: r.check, what: r.what, value: r.get(checks) ?? null }));
}

export function diffAudits(previous: AuditResult, current: AuditResult): AuditDiff {
  const records: RecordChange[] = [];
  const before = new Map(publishedRecords(previous.checks).map((r) => [r.what, r.value]));
  for (const r of publishedRecords(current.checks)) {
    if (!before.has(r.what)) continue;
    const was = before.get(r.what) ?? null;
    if (was !== r.value) records.push({ check: r.check, what: r.what, before: was, after: r.value });
  }
  const beforeKeys = new Set(previous.findings.map(key));
  const afterKeys = new Set(current.findings.map(key));
  // A check that did not run in one of the two audits (skipped, or new) neither adds nor resolves.
  const comparable = (f: Finding, other: AuditResult) => {
    const check = other.checks[f.check as keyof AuditChecks];
    return check !== undefined && check.status !== 'skipped' && check.status !== 'error';
  };
  return {
    previousId: previous.id ?? null,
    previousAt: previous.startedAt,
    scoreBefore: previous.score,
    scoreAfter: current.score,
    records,
    added: current.findings.filter((f) => !beforeKeys.has(key(f)) && comparable(f, previous)),
    resolved: previous.findings.filter((f) => !afterKeys.has(key(f)) && comparable(f, current)),
  };
}
