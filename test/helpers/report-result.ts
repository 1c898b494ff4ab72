/**
 * A stored-looking audit result for report tests, with hostile record text in it: a TXT value that
 * carries markup and a script, a record far longer than a line, non-ASCII, and a fix that starts
 * with `=` as a spreadsheet formula would.
 */
import { finding } from '../../electron/core/audit/finding';
import type { AuditResult } from '../../electron/core/audit/types';

export const HOSTILE_TXT = 'v=spf1 include:</script><script>window.pwned=1</script> <b>bold</b> -all';
export const LONG_RECORD = `v=DKIM1; k=rsa; p=${'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'.repeat(12)}`;
export const NON_ASCII = 'Café Müller — 日本語 ✓';

export function reportResult(domain = 'example.test'): AuditResult {
  const findings = [
    finding('spf.all-pass', { title: 'SPF ends in +all', detail: `Record: ${HOSTILE_TXT}`, fix: '=HYPERLINK("http://evil.test","x") then end the record in ~all', evidence: HOSTILE_TXT }),
    finding('dmarc.policy-none', { title: 'DMARC policy is none', detail: `Owner ${NON_ASCII}`, fix: `Publish _dmarc.${domain} TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@${domain}"` }),
    finding('dmarc.no-rua', { title: 'No aggregate reports', detail: 'No rua= tag.', fix: `Publish _dmarc.${domain} TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@${domain}"` }),
    finding('mx.no-address', { title: 'mx1 has no address', detail: 'mx1.example.test has no A or AAAA.', fix: '+Add an A record for mx1' }),
    finding('mtasts.missing', { title: 'No MTA-STS', detail: 'No _mta-sts record.', fix: '-Publish an MTA-STS policy' }),
    finding('dnssec.unsigned', { title: 'Zone unsigned', detail: 'No DS at the parent.' }),
    finding('dkim.not-found', { title: 'No DKIM key found', detail: LONG_RECORD, fix: '@Name your selectors' }),
  ];
  return {
    domain,
    startedAt: '2026-03-14T09:26:53.000Z',
    durationMs: 812,
    score: 61,
    grade: 'D',
    resolver: '127.0.0.1:5353',
    id: 7,
    checks: {
      mx: { status: 'fail', hosts: [{ exchange: `mx1.${domain}`, priority: 10, addresses: [] }], nullMx: false },
      spf: { status: 'fail', record: HOSTILE_TXT, records: [HOSTILE_TXT], terms: [], lookups: 1, all: '+' },
      dmarc: {
        status: 'warn', record: `v=DMARC1; p=none`, recordDomain: domain, inherited: false, organizationalDomain: domain,
        policy: 'none', policySource: 'p', tags: { v: 'DMARC1', p: 'none' }, walk: [{ domain, outcome: 'record' }],
      },
      dkim: { status: 'warn', selectors: [], tried: ['default', 'google'] },
      mtasts: { status: 'info', record: null, id: null, policyUrl: null, policy: null, mxMatch: [] },
      dnssec: { status: 'info', signed: false, validated: null, mx: [] },
      smtp: { status: 'skipped', skipped: 'turned off (--skip smtp)', turnedOff: true, hosts: [] },
      providers: {
        status: 'fail',
        scorecards: [{ provider: 'google', audience: 'all', title: 'Gmail: all senders', items: [
          { id: 'spf-or-dkim', requirement: 'SPF or DKIM', result: 'pass', why: 'SPF passes.' },
          { id: 'dmarc', requirement: 'DMARC published', result: 'fail', why: 'p=none is published, enforcement is not.' },
        ] }],
      },
    },
    findings,
    dns: [
      { name: domain, type: 'TXT', answer: [HOSTILE_TXT, NON_ASCII], ms: 2, at: 0 },
      { name: `default._domainkey.${domain}`, type: 'TXT', answer: [LONG_RECORD], ms: 1, at: 3 },
      { name: `mx1.${domain}`, type: 'A', error: 'ENODATA', ms: 1, at: 4 },
    ],
  };
}
