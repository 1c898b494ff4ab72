import { describe, expect, it } from 'vitest';
import { diffAudits } from '../../electron/core/audit/diff';
import type { AuditResult, Finding } from '../../electron/core/audit/types';
import { readDomainList } from '../../electron/cli/commands/audit';

const f = (code: Finding['code'], check: string, evidence?: string): Finding => ({ code, check, severity: 'warning', title: code, detail: 'd', ...(evidence ? { evidence } : {}) });

function audit(overrides: { spf?: string | null; policy?: 'none' | 'reject'; findings?: Finding[]; score?: number; skipSmtp?: boolean }): AuditResult {
  return {
    domain: 'example.test',
    startedAt: '2026-11-01T00:00:00.000Z',
    durationMs: 1,
    score: overrides.score ?? 100,
    grade: 'A',
    resolver: 'system',
    id: 7,
    checks: {
      mx: { status: 'pass', hosts: [{ exchange: 'mx.example.test', priority: 10 }], nullMx: false },
      spf: { status: 'pass', record: overrides.spf === undefined ? 'v=spf1 -all' : overrides.spf, records: [], terms: [], lookups: 0, all: '-' },
      dmarc: { status: 'pass', record: `v=DMARC1; p=${overrides.policy ?? 'reject'}`, recordDomain: 'example.test', inherited: false, organizationalDomain: 'example.test', policy: overrides.policy ?? 'reject', policySource: 'p', tags: {}, walk: [] },
      smtp: overrides.skipSmtp ? { status: 'skipped', skipped: '--skip smtp', hosts: [] } : { status: 'pass', hosts: [] },
    },
    findings: overrides.findings ?? [],
    dns: [],
  };
}

describe('audit diff', () => {
  it('reports changed records, added and resolved findings, and the scores', () => {
    const before = audit({ spf: 'v=spf1 -all', policy: 'none', findings: [f('dmarc.policy-none', 'dmarc')], score: 92 });
    const after = audit({ spf: 'v=spf1 include:_spf.example.net -all', policy: 'reject', findings: [f('spf.include-missing', 'spf', 'include:_spf.example.net')], score: 75 });
    const diff = diffAudits(before, after);
    expect(diff).toMatchObject({ previousId: 7, scoreBefore: 92, scoreAfter: 75 });
    expect(diff.records).toEqual([
      { check: 'spf', what: 'SPF record', before: 'v=spf1 -all', after: 'v=spf1 include:_spf.example.net -all' },
      { check: 'dmarc', what: 'DMARC record', before: 'example.test: v=DMARC1; p=none', after: 'example.test: v=DMARC1; p=reject' },
      { check: 'dmarc', what: 'effective DMARC policy', before: 'none', after: 'reject' },
    ]);
    expect(diff.added.map((x) => x.code)).toEqual(['spf.include-missing']);
    expect(diff.resolved.map((x) => x.code)).toEqual(['dmarc.policy-none']);
  });

  it('says nothing changed when nothing did', () => {
    const a = audit({ findings: [f('mx.no-ipv6', 'mx')] });
    const diff = diffAudits(a, audit({ findings: [f('mx.no-ipv6', 'mx')] }));
    expect(diff.records).toEqual([]);
    expect(diff.added).toEqual([]);
    expect(diff.resolved).toEqual([]);
  });

  it('does not call a finding resolved when its check was skipped this time', () => {
    const before = audit({ findings: [f('smtp.no-starttls', 'smtp', 'mx.example.test')] });
    const after = audit({ skipSmtp: true });
    expect(diffAudits(before, after).resolved).toEqual([]);
  });
});

describe('batch lists', () => {
  it('reads one domain a line or CSV with the domain first, skipping comments, blanks and a header', () => {
    const text = '\uFEFFdomain,owner\r\nExample.COM,alice\n\n# a comment\n"example.org";bob\nexample.net\t3\nexample.com\nnot a domain\n';
    expect(readDomainList(text)).toEqual({
      domains: ['example.com', 'example.org', 'example.net'],
      problems: ['line 8: "not a domain": Not a valid domain name: " " cannot appear in a domain name'],
      notes: ['line 7: "example.com": example.com is already in the list; it is audited once'],
    });
  });

  it('refuses an address in a list with the reason the api gives for the same domain typed', () => {
    expect(readDomainList('good.test\n192.0.2.1\n').problems).toEqual([
      'line 2: "192.0.2.1": Not a valid domain name: it is an IPv4 address: to check an address, give it as a sending IP',
    ]);
  });
});
