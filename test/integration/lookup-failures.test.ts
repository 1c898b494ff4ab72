/**
 * Every check, when a DNS lookup it depends on fails (SERVFAIL, timeout, a malformed answer): the
 * check is `error` and says which lookup failed; it never passes and never turns the failure into
 * a finding about records that may well exist. Fixtures: test/fixtures/zones/failing.zone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditOptions } from '../../electron/core/audit/run';
import type { AuditResult } from '../../electron/core/audit/types';
import { fixtureAudit, fixtureDns } from '../helpers/fixture-audit';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
});
afterAll(() => server?.close());

// The SMTP probe stays on only where no MX host has an address to dial.
const audit = (domain: string, extra: Partial<AuditOptions> = {}) =>
  fixtureAudit(server, domain, {
    dns: fixtureDns(server, 400),
    skip: ['smtp', 'http'],
    ...extra,
  });
const codes = (r: AuditResult, check: string) => r.findings.filter((f) => f.check === check).map((f) => f.code);

describe('a lookup that fails never leaves a check at pass', () => {
  it('MX: a host whose lookups fail is not reported as having no address, and SMTP and PTR say why they stop', async () => {
    const r = await audit('mxaddr.fail.test', { skip: ['http', 'dnsbl'] });
    expect(r.checks.mx).toMatchObject({ status: 'error', error: expect.stringMatching(/A mx\.mxaddr\.fail\.test: SERVFAIL/) });
    expect(r.checks.mx.hosts).toEqual([
      { exchange: 'mx.mxaddr.fail.test', priority: 10, addresses: [], error: expect.stringMatching(/AAAA mx\.mxaddr\.fail\.test: SERVFAIL/) },
    ]);
    expect(codes(r, 'mx')).toEqual([]);
    expect(r.checks.smtp).toMatchObject({ status: 'error', hosts: [{ host: 'mx.mxaddr.fail.test', error: expect.stringMatching(/address lookup failed/) }] });
    expect(codes(r, 'smtp')).toEqual([]);
    expect(r.checks.ptr).toMatchObject({ status: 'error', error: expect.stringMatching(/mx\.mxaddr\.fail\.test/) });
  });

  it('MX: an AAAA lookup that fails leaves IPv6 unknown, not absent', async () => {
    const r = await audit('v6.fail.test');
    expect(r.checks.mx).toMatchObject({ status: 'error', hosts: [{ exchange: 'mx.v6.fail.test', addresses: ['192.0.2.70'] }] });
    expect(r.checks.mx.error).toMatch(/AAAA mx\.v6\.fail\.test: SERVFAIL/);
    expect(codes(r, 'mx')).not.toContain('mx.no-ipv6');
  });

  it('SMTP, PTR, blocklists and DANE say so when the MX lookup fails, instead of passing or skipping', async () => {
    const r = await audit('mxfail.fail.test', { skip: ['http'] });
    expect(r.checks.mx).toMatchObject({ status: 'error', error: 'ESERVFAIL' });
    expect(r.checks.smtp).toMatchObject({ status: 'error', error: expect.stringMatching(/MX lookup failed \(ESERVFAIL\)/) });
    expect(r.checks.ptr).toMatchObject({ status: 'error', error: expect.stringMatching(/MX lookup failed \(ESERVFAIL\)/) });
    expect(r.checks.dnsbl).toMatchObject({ status: 'error', error: expect.stringMatching(/MX lookup failed \(ESERVFAIL\)/) });
    expect(r.checks.dnssec).toMatchObject({ status: 'error', error: expect.stringMatching(/MX lookup failed \(ESERVFAIL\)/) });
    expect(r.findings.filter((f) => ['smtp', 'ptr', 'dnsbl'].includes(f.check))).toEqual([]);
    expect(r.findings.filter((f) => f.check === 'dnssec').map((f) => f.code)).toEqual(['dnssec.unsigned']);
  });

  it('PTR: a forward lookup that fails is unknown, not a mismatch', async () => {
    const r = await audit('nomx.ptr.test', { sendingIps: ['198.51.100.77'] });
    expect(codes(r, 'ptr')).toEqual([]);
    expect(r.checks.ptr).toMatchObject({ status: 'error', addresses: [{ ip: '198.51.100.77', ptr: ['host.fwd.fail.test'], error: 'ESERVFAIL (A host.fwd.fail.test)' }] });
  });

  it('PTR: one reverse lookup that fails among good ones makes the check an error', async () => {
    const r = await audit('nomx.ptr.test', { sendingIps: ['198.51.100.7', '198.51.100.66'] });
    expect(r.checks.ptr?.addresses.map((a) => [a.ip, a.forwardConfirmed, a.error])).toEqual([
      ['198.51.100.7', true, undefined],
      ['198.51.100.66', false, 'ESERVFAIL'],
    ]);
    expect(r.checks.ptr).toMatchObject({ status: 'error', error: expect.stringMatching(/PTR 66\.100\.51\.198\.in-addr\.arpa: SERVFAIL/) });
  });

  it('DANE: a TLSA lookup that fails, or a DNSKEY lookup of the MX host, leaves DANE unknown', async () => {
    const tlsa = await audit('tlsa.fail.test');
    expect(tlsa.checks.dnssec).toMatchObject({ status: 'error', mx: [{ host: 'mx.tlsa.fail.test', error: 'ESERVFAIL', daneMatch: null }] });
    expect(tlsa.checks.dnssec?.error).toMatch(/TLSA _25\._tcp\.mx\.tlsa\.fail\.test: SERVFAIL/);
    const apex = await audit('apex.fail.test');
    expect(apex.checks.dnssec).toMatchObject({ status: 'error', mx: [{ host: 'mx.apex.fail.test', signed: null }] });
    expect(apex.checks.dnssec?.error).toMatch(/DNSKEY mx\.apex\.fail\.test: SERVFAIL/);
  });

  it('DMARC: a failed lookup at the domain itself does not hand it the parent policy', async () => {
    const r = await audit('sub.dparent.fail.test');
    expect(r.checks.dmarc).toMatchObject({ status: 'error', record: null, policy: null, inherited: false });
    expect(r.checks.dmarc.error).toMatch(/TXT _dmarc\.sub\.dparent\.fail\.test: SERVFAIL/);
    expect(codes(r, 'dmarc')).toEqual([]);
    // What depends on the policy cannot be judged either: DNSSEC (which zone?) and BIMI (is DMARC enforced?).
    expect(r.checks.dnssec?.status).toBe('error');
    expect(r.checks.bimi).toMatchObject({ status: 'error', error: expect.stringMatching(/DMARC/) });
    expect(codes(r, 'bimi')).not.toContain('bimi.dmarc-not-enforced');
  });

  it('DMARC: a failed lookup above the record leaves the organizational domain unknown', async () => {
    const r = await audit('own.oparent.fail.test');
    expect(r.checks.dmarc).toMatchObject({ status: 'error', policy: 'reject', recordDomain: 'own.oparent.fail.test' });
    expect(r.checks.dmarc.error).toMatch(/organizational domain.*TXT _dmarc\.oparent\.fail\.test: SERVFAIL/);
  });

  it('DMARC: np= against sp= when whether the subdomain exists cannot be looked up', async () => {
    const r = await audit('ghost.np.fail.test');
    expect(r.checks.dmarc).toMatchObject({ status: 'error', inherited: true, recordDomain: 'np.fail.test' });
    expect(r.checks.dmarc.error).toMatch(/ghost\.np\.fail\.test: SERVFAIL/);
  });

  it('DKIM: a selector lookup that fails beside a good key is not a pass', async () => {
    const r = await audit('dkim.fail.test');
    expect(r.checks.dkim).toMatchObject({ status: 'error', failed: [{ selector: 's1', error: 'ESERVFAIL' }] });
    expect(r.checks.dkim?.selectors.map((s) => s.selector)).toEqual(['google']);
    expect(r.checks.dkim?.error).toMatch(/TXT s1\._domainkey\.dkim\.fail\.test: SERVFAIL/);
  });

  it('MTA-STS and BIMI: a policy or logo host whose address lookup fails is said as such', async () => {
    const r = await audit('policyhost.fail.test', { skip: ['smtp', 'dnsbl'], network: { timeoutMs: 2000 } });
    expect(r.checks.mtasts?.status).toBe('error');
    const sts = r.findings.find((f) => f.code === 'mtasts.policy-unreachable');
    expect(sts?.title).toMatch(/the DNS lookup of its host failed/);
    expect(sts?.detail).toMatch(/mta-sts\.policyhost\.fail\.test.*SERVFAIL/);
    expect(r.checks.bimi?.status).toBe('error');
    expect(r.findings.find((f) => f.code === 'bimi.logo-unreachable')?.detail).toMatch(/logo\.policyhost\.fail\.test.*SERVFAIL/);
  });

  it('Providers: a scorecard item that needs a failed lookup keeps the scorecards from passing', async () => {
    const r = await audit('provider.fail.test');
    expect(r.checks.spf.status).toBe('error');
    expect(r.checks.dkim?.status).toBe('pass');
    expect(r.checks.providers).toMatchObject({ status: 'error', error: expect.stringMatching(/SPF/) });
    const gmail = r.checks.providers?.scorecards.find((c) => c.provider === 'google' && c.audience === 'bulk');
    expect(gmail?.items.find((i) => i.id.includes('spf') && i.result === 'not-observable')?.why).toMatch(/temperror/);
  });
});
