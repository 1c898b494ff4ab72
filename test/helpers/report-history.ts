/**
 * Two audits of one domain a month apart for report tests: the SPF record fixed, a second MX host
 * without an address added, a DMARC subdomain policy weakened; and a report of the second with its
 * three-audit trend and what changed since the first.
 */
import { finding } from '../../electron/core/audit/finding';
import type { AuditResult } from '../../electron/core/audit/types';
import type { AuditReport } from '../../electron/core/report/audit-report';
import { compareAudits } from '../../electron/core/report/changes';
import { reportResult } from './report-result';

/** The audit a month before reportResult(): a worse grade, the same findings. */
export function previousAudit(domain = 'example.test'): AuditResult {
  return { ...reportResult(domain), id: 6, startedAt: '2026-02-14T09:26:53.000Z', score: 48, grade: 'F' };
}

/** reportResult() after the SPF record was fixed and a second MX host without an address was added. */
export function currentAudit(domain = 'example.test'): AuditResult {
  const r = reportResult(domain);
  r.checks.spf = { ...r.checks.spf, status: 'pass', record: 'v=spf1 mx -all', records: ['v=spf1 mx -all'], all: '-' };
  r.checks.mx = { ...r.checks.mx, hosts: [...r.checks.mx.hosts, { exchange: `mx2.${domain}`, priority: 20, addresses: [] }] };
  r.findings = [
    ...r.findings.filter((f) => f.code !== 'spf.all-pass'),
    finding('mx.no-address', { title: `MX host mx2.${domain} has no address`, detail: 'No A or AAAA.' }),
    finding('dmarc.subdomain-weaker', { title: 'Subdomains get a weaker policy', detail: 'sp=none.' }),
  ];
  return r;
}

/** A report of the current audit with a three-audit trend and its changes since the previous one. */
export function historyReport(client?: string): AuditReport {
  const current = currentAudit();
  return {
    ...(client ? { client } : {}),
    audits: [
      {
        result: current,
        trend: [
          { startedAt: '2026-01-14T09:00:00.000Z', grade: 'F', score: 35 },
          { startedAt: '2026-02-14T09:26:53.000Z', grade: 'F', score: 48 },
          { startedAt: current.startedAt, grade: 'D', score: 61 },
        ],
        compared: { against: 'history', changes: compareAudits(previousAudit(), current) },
      },
    ],
  };
}
