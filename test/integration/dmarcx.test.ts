import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult, Finding } from '../../electron/core/audit/types';
import { fixtureAudit } from '../helpers/fixture-audit';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
});
afterAll(() => server?.close());

// DNS only: the other areas have their own tests.
const audit = (domain: string) =>
  fixtureAudit(server, domain, { skip: ['smtp', 'http', 'dnsbl'] });
const dmarc = (r: AuditResult) => r.findings.filter((f) => f.check === 'dmarc');
const codes = (r: AuditResult) => dmarc(r).map((f) => f.code).sort();
const one = (r: AuditResult, code: string): Finding => {
  const found = r.findings.filter((f) => f.code === code);
  expect(found, code).toHaveLength(1);
  return found[0] as Finding;
};

describe('DMARC: subdomain policy weaker than p=', () => {
  it('flags sp= and np= below p= and gives the corrected record', async () => {
    const r = await audit('weak.dmarcx.test');
    expect(codes(r)).toEqual(['dmarc.subdomain-weaker']);
    const f = one(r, 'dmarc.subdomain-weaker');
    expect(f.severity).toBe('warning');
    expect(f.title).toBe('sp=none and np=quarantine is weaker than p=reject');
    expect(f.evidence).toBe('v=DMARC1; p=reject; sp=none; np=quarantine; rua=mailto:dmarc@weak.dmarcx.test');
    expect(f.fix).toContain('"v=DMARC1; p=reject; sp=reject; np=reject; rua=mailto:dmarc@weak.dmarcx.test"');
    expect(f.detail).not.toMatch(/t=y/);
  });

  it('says so when the audited subdomain is the one left weaker', async () => {
    const r = await audit('shop.weak.dmarcx.test');
    expect(r.checks.dmarc).toMatchObject({ policy: 'none', policySource: 'sp', inherited: true });
    expect(one(r, 'dmarc.subdomain-weaker').detail).toMatch(/includes shop\.weak\.dmarcx\.test/);
  });

  it('stays quiet when sp= and np= are at least as strong as p=', async () => {
    const r = await audit('strong.dmarcx.test');
    expect(codes(r)).toEqual([]);
    expect(r.checks.dmarc.status).toBe('pass');
  });

  it('mentions RFC 9989 testing mode (t=y) in the finding', async () => {
    const r = await audit('testing.dmarcx.test');
    const f = one(r, 'dmarc.subdomain-weaker');
    expect(f.detail).toMatch(/t=y \(RFC 9989 §4\.7\)/);
    expect(f.fix).toContain('"v=DMARC1; p=reject; sp=reject; t=y; rua=mailto:dmarc@testing.dmarcx.test"');
  });
});

describe('DMARC: pct=', () => {
  it('explains the RFC 7489 reading against RFC 9989, with both corrected records', async () => {
    const r = await audit('pct.dmarcx.test');
    expect(codes(r)).toEqual(['dmarc.pct']);
    const f = one(r, 'dmarc.pct');
    expect(f.detail).toMatch(/quarantine to 25% of the mail that fails DMARC and none to the rest/);
    expect(f.detail).toMatch(/RFC 9989.*drops pct/);
    expect(f.fix).toContain('"v=DMARC1; p=quarantine; rua=mailto:dmarc@pct.dmarcx.test"');
    expect(f.fix).toContain('"v=DMARC1; p=quarantine; pct=0; rua=mailto:dmarc@pct.dmarcx.test; t=y"');
    expect(f.refs).toEqual(['RFC 7489 §6.3', 'RFC 9989 §4.7']);
    expect(r.checks.dmarc.rfc7489).toMatchObject({ policy: 'quarantine', pct: 25 });
    expect(r.checks.dmarc.rfc7489?.note).toMatch(/pct=25: RFC 7489 receivers apply quarantine to 25% of failing mail/);
  });

  it('says nothing of pct when the policy is none anyway', async () => {
    const r = await audit('pctnone.dmarcx.test');
    expect(codes(r)).toEqual(['dmarc.policy-none']);
  });
});

describe('DMARC: report destinations', () => {
  it('asks for a rua= address, giving the record with one added', async () => {
    const r = await audit('norua.dmarcx.test');
    expect(codes(r)).toEqual(['dmarc.no-rua']);
    expect(one(r, 'dmarc.no-rua').fix).toContain('"v=DMARC1; p=reject; rua=mailto:dmarc-reports@norua.dmarcx.test"');
    expect(r.checks.dmarc.reports).toEqual({ rua: [], ruf: [] });
  });

  it('does not ask for rua= when the record has one', async () => {
    expect(codes(await audit('strong.dmarcx.test'))).not.toContain('dmarc.no-rua');
  });

  it('checks each destination: authorization (by name or wildcard) and whether it takes mail', async () => {
    const r = await audit('ext.dmarcx.test');
    const reports = r.checks.dmarc.reports;
    expect(reports?.rua).toEqual([
      { uri: 'mailto:agg@ext.dmarcx.test', domain: 'ext.dmarcx.test', external: false, authorized: null, hasMx: true, hasAddress: false },
      { uri: 'mailto:agg@auth.dmarcx.test', domain: 'auth.dmarcx.test', external: true, authorized: true, hasMx: true, hasAddress: false },
      { uri: 'mailto:agg@unauth.dmarcx.test!10m', domain: 'unauth.dmarcx.test', external: true, authorized: false, hasMx: true, hasAddress: false },
      { uri: 'mailto:agg@wild.dmarcx.test', domain: 'wild.dmarcx.test', external: true, authorized: true, hasMx: true, hasAddress: false },
      { uri: 'mailto:agg@addronly.dmarcx.test', domain: 'addronly.dmarcx.test', external: true, authorized: true, hasMx: false, hasAddress: true },
    ]);
    expect(reports?.ruf).toEqual([
      { uri: 'mailto:f@nomail.dmarcx.test', domain: 'nomail.dmarcx.test', external: true, authorized: true, hasMx: false, hasAddress: false },
      { uri: 'mailto:f@nullmx.dmarcx.test', domain: 'nullmx.dmarcx.test', external: true, authorized: true, hasMx: false, hasAddress: false },
    ]);
    expect(codes(r)).toEqual(['dmarc.rua-no-mx', 'dmarc.rua-no-mx', 'dmarc.rua-unauthorized']);

    const unauth = one(r, 'dmarc.rua-unauthorized');
    expect(unauth.severity).toBe('warning');
    expect(unauth.title).toBe('unauth.dmarcx.test has not agreed to receive DMARC reports for ext.dmarcx.test');
    expect(unauth.fix).toContain('ext.dmarcx.test._report._dmarc.unauth.dmarcx.test. IN TXT "v=DMARC1"');
    expect(unauth.fix).toContain('*._report._dmarc.unauth.dmarcx.test. IN TXT "v=DMARC1"');
    expect(unauth.detail).toContain('rua=mailto:agg@unauth.dmarcx.test!10m');

    const noMx = r.findings.filter((f) => f.code === 'dmarc.rua-no-mx');
    expect(noMx.map((f) => f.title)).toEqual([
      'Report address domain nomail.dmarcx.test cannot receive mail',
      'Report address domain nullmx.dmarcx.test cannot receive mail',
    ]);
    expect(noMx[0]?.detail).toMatch(/no MX record and no address/);
    expect(noMx[1]?.detail).toMatch(/null MX/);
    expect(noMx[0]?.fix).toMatch(/^Point ruf at a mailbox/);
  });

  it('raises nothing when a destination cannot be looked up, and says it does not know', async () => {
    const r = await audit('flaky.dmarcx.test');
    expect(codes(r)).toEqual([]);
    expect(r.checks.dmarc).toMatchObject({ status: 'error', policy: 'reject' });
    expect(r.checks.dmarc.error).toMatch(/report addresses.*TXT flaky\.dmarcx\.test\._report\._dmarc\.sf\.dmarcx\.test: SERVFAIL.*MX sf\.dmarcx\.test: SERVFAIL/);
    expect(r.checks.dmarc.reports?.rua).toEqual([
      { uri: 'mailto:agg@sf.dmarcx.test', domain: 'sf.dmarcx.test', external: true, authorized: null, hasMx: null, hasAddress: null },
    ]);
  });

  it('queries the authorization name under the domain the policy came from', async () => {
    await audit('ext.dmarcx.test');
    expect(server.queries).toContain('TXT ext.dmarcx.test._report._dmarc.wild.dmarcx.test');
    expect(server.queries).not.toContain('TXT *._report._dmarc.wild.dmarcx.test');
  });
});

describe('DMARC: inheritance and the RFC 7489 reading', () => {
  it('notes an inherited policy, and that RFC 7489 would find none', async () => {
    const r = await audit('child.parent.dmarcx.test');
    expect(codes(r)).toEqual(['dmarc.inherited']);
    const f = one(r, 'dmarc.inherited');
    expect(f.severity).toBe('info');
    expect(f.title).toBe('DMARC policy inherited from parent.dmarcx.test');
    expect(f.detail).toMatch(/RFC 9989 §4\.10/);
    expect(r.checks.dmarc).toMatchObject({ policy: 'reject', organizationalDomain: 'parent.dmarcx.test' });
    expect(r.checks.dmarc.rfc7489).toMatchObject({ policy: null, pct: 100, organizationalDomain: 'dmarcx.test' });
    expect(r.checks.dmarc.rfc7489?.note).toMatch(/Public Suffix List: dmarcx\.test/);
    expect(r.checks.dmarc.rfc7489?.note).toMatch(/RFC 7489 receivers apply no policy where RFC 9989 receivers apply reject/);
  });

  it('notes that several records stop RFC 7489 where RFC 9989 walks on', async () => {
    const r = await audit('multi.parent.dmarcx.test');
    expect(codes(r)).toEqual(['dmarc.inherited', 'dmarc.multiple']);
    expect(r.checks.dmarc.rfc7489?.note).toMatch(/several records: RFC 7489 stops there with no policy/);
  });

  it('does not note a record found at the domain itself', async () => {
    expect(codes(await audit('parent.dmarcx.test'))).not.toContain('dmarc.inherited');
  });

  it('fills rfc7489 only where the readings differ', async () => {
    const same = await audit('good.test');
    expect(same.checks.dmarc.rfc7489).toBeUndefined();
    // The PSL says dmarcx.test; the walk says strong.dmarcx.test (no record above it).
    const differs = await audit('strong.dmarcx.test');
    expect(differs.checks.dmarc.rfc7489).toMatchObject({ policy: 'quarantine', organizationalDomain: 'dmarcx.test' });
    expect(differs.checks.dmarc.rfc7489?.note).not.toMatch(/apply .* where/);
  });
});
