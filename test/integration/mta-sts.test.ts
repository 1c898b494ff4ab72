import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditOptions } from '../../electron/core/audit/run';
import type { AuditResult, Finding } from '../../electron/core/audit/types';
import { fixtureDns } from '../helpers/fixture-audit';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';
import { startHttpsServer, type HttpsLab } from '../lab/https-server';
import { createTestCa, type TestCa } from '../lab/test-ca';

let dns: DnsServer;
let ca: TestCa;
let lab: HttpsLab;

const PATH = '/.well-known/mta-sts.txt';
const text = (body: string) => ({ body, headers: { 'content-type': 'text/plain; charset=utf-8' } });

beforeAll(async () => {
  dns = await startDnsServer({ zone: loadZoneFixtures() });
  ca = createTestCa();
  const hosts = ['good', 'mismatch', 'testing', 'none', 'notfound', 'redirect', 'hang', 'slow', 'big', 'html', 'badpolicy', 'mxfail'].map((d) => `mta-sts.${d}.sts.test`);
  const good = ca.issue(hosts);
  const site = (body: Parameters<typeof text>[0] | object) => ({ tls: good, files: { [PATH]: typeof body === 'string' ? text(body) : body } });
  lab = await startHttpsServer({
    fallback: good,
    sites: {
      'mta-sts.good.sts.test': site('version: STSv1\r\nmode: enforce\r\nmx: mx1.good.sts.test\r\nmx: *.good.sts.test\r\nmax_age: 604800\r\n'),
      'mta-sts.mismatch.sts.test': site('version: STSv1\nmode: enforce\nmx: *.mismatch.sts.test\nmax_age: 86400\n'),
      'mta-sts.testing.sts.test': site('version: STSv1\nmode: testing\nmx: a.testing.sts.test\nmax_age: 86400\n'),
      'mta-sts.none.sts.test': site('version: STSv1\nmode: none\nmax_age: 86400\n'),
      'mta-sts.notfound.sts.test': { tls: good, files: {} },
      'mta-sts.redirect.sts.test': site({ status: 301, headers: { location: `https://mta-sts.good.sts.test${PATH}` } }),
      'mta-sts.expired.sts.test': { tls: ca.issue(['mta-sts.expired.sts.test'], { expired: true }), files: { [PATH]: text('version: STSv1\nmode: enforce\nmx: mx.expired.sts.test\nmax_age: 86400\n') } },
      'mta-sts.wrongname.sts.test': { tls: ca.issue(['www.wrongname.sts.test']), files: { [PATH]: text('version: STSv1\nmode: enforce\nmx: mx.wrongname.sts.test\nmax_age: 86400\n') } },
      'mta-sts.hang.sts.test': site({ hang: true }),
      'mta-sts.slow.sts.test': site({ body: 'version: STSv1\nmode: enforce\nmx: mx.slow.sts.test\nmax_age: 86400\n', trickleMs: 200, headers: { 'content-type': 'text/plain' } }),
      'mta-sts.big.sts.test': site(`version: STSv1\nmode: enforce\nmax_age: 86400\n${'mx: mx.big.sts.test\n'.repeat(4000)}`),
      'mta-sts.html.sts.test': site({ body: 'version: STSv1\nmode: enforce\nmx: mx.html.sts.test\nmax_age: 86400\n', headers: { 'content-type': 'text/html' } }),
      'mta-sts.mxfail.sts.test': site('version: STSv1\nmode: enforce\nmx: mx.mxfail.sts.test\nmax_age: 86400\n'),
      'mta-sts.badpolicy.sts.test': site('version: STSv1\nmode: enforcing\nmx: mx.badpolicy.sts.test\nmax_age: 99999999\n'),
    },
  });
});
afterAll(async () => {
  await lab?.close();
  await dns?.close();
  ca?.dispose();
});

const options = (extra: Partial<AuditOptions> = {}): AuditOptions => ({
  dns: fixtureDns(dns),
  network: { httpsPort: lab.port, ca: [ca.caPem], timeoutMs: 1000 },
  // Only loopback peers: no SMTP probe, no blocklists.
  skip: ['smtp', 'dnsbl'],
  now: () => new Date('2026-11-26T12:00:00Z'),
  ...extra,
});
const audit = (domain: string, extra?: Partial<AuditOptions>) => runAudit(domain, options(extra));
const of = (r: AuditResult, check: string): Finding[] => r.findings.filter((f) => f.check === check);
const codes = (r: AuditResult, check: string) => of(r, check).map((f) => `${f.code}:${f.severity}`).sort();

describe('MTA-STS against the DNS and HTTPS labs', () => {
  it('does not measure, nor count, a policy fetch that the auditor\'s own network refuses', async () => {
    expect(process.env.DELIVERLAB_LOOPBACK_ONLY).toBe('1');
    const r = await audit('offnet.sts.test');
    expect(codes(r, 'mtasts')).toEqual(['mtasts.policy-unreachable:info']);
    expect(of(r, 'mtasts')[0]?.title).toMatch(/^Not measured: /);
    expect(of(r, 'mtasts')[0]?.detail).toContain('not counted in the score');
    expect(r.checks.mtasts).toMatchObject({ status: 'skipped', notMeasured: true, skipped: expect.stringMatching(/^not measured: .*\(EBLOCKED\)$/) });
    // The same score as with HTTPS fetches turned off: the grade does not depend on where the audit ran.
    expect(r.score).toBe((await audit('offnet.sts.test', { skip: ['smtp', 'dnsbl', 'http'] })).score);
  });

  it('passes an enforce policy that covers every MX, and reads TLS-RPT', async () => {
    const r = await audit('good.sts.test');
    expect(codes(r, 'mtasts')).toEqual([]);
    expect(r.checks.mtasts).toMatchObject({
      status: 'pass',
      record: 'v=STSv1; id=20261126T1;',
      id: '20261126T1',
      policyUrl: 'https://mta-sts.good.sts.test/.well-known/mta-sts.txt',
      policy: { version: 'STSv1', mode: 'enforce', mx: ['mx1.good.sts.test', '*.good.sts.test'], maxAge: 604800 },
      mxMatch: [
        { host: 'mx1.good.sts.test', matched: true },
        { host: 'mx2.good.sts.test', matched: true },
      ],
    });
    expect(r.checks.mtasts?.tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(r.checks.tlsrpt).toEqual({
      status: 'pass',
      record: 'v=TLSRPTv1; rua=mailto:tls@good.sts.test,https://report.good.sts.test/tlsrpt',
      rua: ['mailto:tls@good.sts.test', 'https://report.good.sts.test/tlsrpt'],
    });
    // The policy host was resolved through the audit's DNS session: the transcript shows it.
    expect(r.dns.some((q) => q.name === 'mta-sts.good.sts.test' && q.type === 'A')).toBe(true);
  });

  it('flags an MX the policy does not cover as critical in enforce mode, with a policy listing the real MX', async () => {
    const r = await audit('mismatch.sts.test');
    expect(codes(r, 'mtasts')).toEqual(['mtasts.mx-mismatch:critical']);
    expect(r.checks.mtasts?.status).toBe('fail');
    expect(r.checks.mtasts?.mxMatch).toEqual([
      { host: 'mx.mismatch.sts.test', matched: true },
      { host: 'deep.mx.mismatch.sts.test', matched: false },
    ]);
    const f = of(r, 'mtasts')[0] as Finding;
    expect(f.detail).toMatch(/deep\.mx\.mismatch\.sts\.test/);
    expect(f.detail).toMatch(/exactly one label/);
    expect(f.fix).toContain('version: STSv1\nmode: enforce\nmx: *.mismatch.sts.test\nmx: deep.mx.mismatch.sts.test\nmax_age: 86400\n');
    expect(f.fix).toContain('_mta-sts.mismatch.sts.test. TXT "v=STSv1; id=20261126120000"');
  });

  it('reports testing mode (info) and makes a mismatch only a warning there', async () => {
    const r = await audit('testing.sts.test');
    expect(codes(r, 'mtasts')).toEqual(['mtasts.mx-mismatch:warning', 'mtasts.testing:info']);
    expect(r.checks.mtasts?.status).toBe('warn');
    expect(of(r, 'mtasts').find((f) => f.code === 'mtasts.testing')?.fix).toContain('mode: enforce\nmx: a.testing.sts.test\nmx: b.testing.sts.test');
  });

  it('says when the policy is withdrawn with mode none', async () => {
    const r = await audit('none.sts.test');
    expect(codes(r, 'mtasts')).toEqual(['mtasts.missing:info']);
    expect(of(r, 'mtasts')[0]?.title).toMatch(/mode: none/);
    expect(r.checks.mtasts?.policy?.mode).toBe('none');
  });

  it('reports a missing record with the exact TXT record and a policy listing the actual MX hosts', async () => {
    const r = await audit('nosts.sts.test');
    expect(codes(r, 'mtasts')).toEqual(['mtasts.missing:info']);
    expect(codes(r, 'tlsrpt')).toEqual(['tlsrpt.missing:info']);
    const fix = of(r, 'mtasts')[0]?.fix ?? '';
    expect(fix).toContain('_mta-sts.nosts.sts.test. TXT "v=STSv1; id=20261126120000"');
    expect(fix).toContain('https://mta-sts.nosts.sts.test/.well-known/mta-sts.txt');
    expect(fix).toContain('version: STSv1\nmode: testing\nmx: mx.nosts.sts.test\nmax_age: 604800\n');
    expect(of(r, 'tlsrpt')[0]?.fix).toBe('_smtp._tls.nosts.sts.test. TXT "v=TLSRPTv1; rua=mailto:tls-reports@nosts.sts.test"');
    expect(r.checks.mtasts).toMatchObject({ status: 'info', record: null, policy: null });
    // Nothing to fetch: the lab saw no request for it.
    expect(lab.requests.some((q) => q.startsWith('mta-sts.nosts.sts.test'))).toBe(false);
  });

  it.each([
    ['notfound.sts.test', /HTTP 404/, /HTTP 404/],
    ['redirect.sts.test', /redirect \(HTTP 301\)/, /redirecting to https:\/\/mta-sts\.good\.sts\.test/],
    ['expired.sts.test', /TLS certificate error/, /certificate has expired/],
    ['wrongname.sts.test', /TLS certificate error/, /certificate is for another name/],
    ['big.sts.test', /too large/, /over the 65536-byte limit/],
    ['nohost.sts.test', /no address/, /does not exist in DNS/],
  ])('reports the policy at %s as unreachable, saying why', async (domain, title, detail) => {
    const r = await audit(domain);
    expect(codes(r, 'mtasts')).toEqual(['mtasts.policy-unreachable:critical']);
    const f = of(r, 'mtasts')[0] as Finding;
    expect(f.title).toMatch(title);
    expect(f.detail).toMatch(detail);
    expect(f.fix).toBeTruthy();
    expect(r.checks.mtasts?.fetchError).toMatch(detail);
    expect(r.checks.mtasts?.policy).toBeNull();
  });

  it('does not follow the redirect', async () => {
    const before = lab.requests.length;
    await audit('redirect.sts.test');
    expect(lab.requests.slice(before)).toEqual(['mta-sts.redirect.sts.test /.well-known/mta-sts.txt']);
  });

  // How soon the audit ends is a bound of `npm run bench -- limits`.
  it('ends a hanging or trickling policy server by the network deadline', async () => {
    for (const domain of ['hang.sts.test', 'slow.sts.test']) {
      const r = await audit(domain, { network: { httpsPort: lab.port, ca: [ca.caPem], timeoutMs: 600 } });
      expect(codes(r, 'mtasts')).toEqual(['mtasts.policy-unreachable:critical']);
      expect(of(r, 'mtasts')[0]?.title).toMatch(/timeout/);
      expect(r.checks.mtasts?.fetchError).toMatch(/within 600 ms/);
    }
  });

  it('warns about a policy served as text/html, and still checks it', async () => {
    const r = await audit('html.sts.test');
    expect(codes(r, 'mtasts')).toEqual(['mtasts.syntax:warning']);
    expect(of(r, 'mtasts')[0]?.detail).toMatch(/text\/html/);
    expect(r.checks.mtasts?.mxMatch).toEqual([{ host: 'mx.html.sts.test', matched: true }]);
  });

  it('reports a policy that does not parse, and skips the MX match', async () => {
    const r = await audit('badpolicy.sts.test');
    expect(codes(r, 'mtasts')).toEqual(['mtasts.syntax:warning']);
    const f = of(r, 'mtasts')[0] as Finding;
    expect(f.detail).toMatch(/mode must be enforce, testing or none \(found "enforcing"\)/);
    expect(f.detail).toMatch(/over the maximum/);
    expect(f.fix).toContain('version: STSv1\nmode: testing\nmx: mx.badpolicy.sts.test\nmax_age: 604800');
    expect(r.checks.mtasts?.mxMatch).toEqual([]);
  });

  it('reports records that do not parse, and several records, for MTA-STS and TLS-RPT', async () => {
    const bad = await audit('badtxt.sts.test');
    // Senders ignore the broken record, so the unreachable policy is only a warning until it is fixed.
    expect(codes(bad, 'mtasts')).toEqual(['mtasts.policy-unreachable:warning', 'mtasts.syntax:warning']);
    expect(of(bad, 'mtasts').find((f) => f.code === 'mtasts.syntax')?.detail).toMatch(/the id "not-valid!" must be 1 to 32 letters and digits/);
    expect(codes(bad, 'tlsrpt')).toEqual(['tlsrpt.syntax:warning']);
    expect(of(bad, 'tlsrpt')[0]?.fix).toBe('_smtp._tls.badtxt.sts.test. TXT "v=TLSRPTv1; rua=mailto:tls-reports@badtxt.sts.test"');
    const two = await audit('twotxt.sts.test', { skip: ['smtp', 'dnsbl', 'http'] });
    expect(codes(two, 'mtasts')).toEqual(['mtasts.syntax:warning']);
    expect(of(two, 'mtasts')[0]?.title).toBe('2 MTA-STS records');
    expect(codes(two, 'tlsrpt')).toEqual(['tlsrpt.syntax:warning']);
    expect(of(two, 'tlsrpt')[0]?.title).toBe('2 TLS-RPT records');
  });

  it('with --skip http checks only the record and says the policy was not fetched', async () => {
    const before = lab.requests.length;
    const r = await audit('mismatch.sts.test', { skip: ['smtp', 'dnsbl', 'http'] });
    expect(codes(r, 'mtasts')).toEqual([]);
    expect(r.checks.mtasts).toMatchObject({ status: 'pass', record: 'v=STSv1; id=1', id: '1', policy: null, mxMatch: [] });
    expect(r.checks.mtasts?.fetchSkipped).toMatch(/--skip http/);
    expect(lab.requests.length).toBe(before);
  });

  it('ends in status error, not a throw, when DNS fails', async () => {
    const r = await audit('servfail.sts.test');
    expect(r.checks.mtasts).toMatchObject({ status: 'error', error: 'ESERVFAIL' });
    expect(r.checks.tlsrpt).toMatchObject({ status: 'error', error: 'ESERVFAIL' });
    expect(of(r, 'mtasts')).toEqual([]);
  });

  it('does not pass a policy it could not hold against the MX hosts, when the MX lookup failed', async () => {
    const r = await audit('mxfail.sts.test');
    expect(r.checks.mtasts).toMatchObject({ status: 'error', policy: { mode: 'enforce' }, mxMatch: [] });
    expect(r.checks.mtasts?.error).toMatch(/MX lookup failed \(ESERVFAIL\)/);
    expect(of(r, 'mtasts')).toEqual([]);
  });
});
