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

const svg = (attrs: string, inner = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" ${attrs} viewBox="0 0 100 100"><title>Good Brand</title>${inner}<circle cx="50" cy="50" r="40" fill="#1a73e8"/></svg>\n`;
const GOOD_SVG = svg('version="1.2" baseProfile="tiny-ps"');
// Padding made of many small shapes: a well-formed Tiny PS logo that is simply too large.
const BIG_SVG = svg('version="1.2" baseProfile="tiny-ps"', '<rect x="1" y="1" width="2" height="2" fill="#000000"/>'.repeat(700));
const image = (body: string) => ({ body, headers: { 'content-type': 'image/svg+xml' } });

beforeAll(async () => {
  dns = await startDnsServer({ zone: loadZoneFixtures() });
  ca = createTestCa();
  const tls = ca.issue(['logo.bimi.test']);
  // A certificate for the domain, but not a mark certificate: it must not validate as a VMC.
  const notVmc = ca.issue(['good.bimi.test']);
  lab = await startHttpsServer({
    fallback: tls,
    sites: {
      'logo.bimi.test': {
        tls,
        files: {
          '/good.svg': image(GOOD_SVG),
          '/full-profile.svg': image(svg('version="1.1"', '<script>alert(1)</script>')),
          '/big.svg': image(BIG_SVG),
          '/good.pem': { body: `${notVmc.cert}${ca.caPem}`, headers: { 'content-type': 'application/x-pem-file' } },
        },
      },
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
  skip: ['smtp', 'dnsbl'],
  ...extra,
});
const audit = (domain: string, extra?: Partial<AuditOptions>) => runAudit(domain, options(extra));
const of = (r: AuditResult): Finding[] => r.findings.filter((f) => f.check === 'bimi');
const codes = (r: AuditResult) => of(r).map((f) => `${f.code}:${f.severity}`).sort();

describe('BIMI against the DNS and HTTPS labs', () => {
  it('validates the logo, and reports a certificate that is not a VMC in certificate.errors', async () => {
    expect(BIG_SVG.length).toBeGreaterThan(32 * 1024);
    const r = await audit('good.bimi.test');
    expect(codes(r)).toEqual(['bimi.certificate-invalid:warning']);
    expect(r.checks.bimi).toMatchObject({
      status: 'warn',
      record: 'v=BIMI1; l=https://logo.bimi.test/good.svg; a=https://logo.bimi.test/good.pem',
      recordDomain: 'good.bimi.test',
      logoUrl: 'https://logo.bimi.test/good.svg',
      authorityUrl: 'https://logo.bimi.test/good.pem',
      dmarcEnforced: true,
      svg: { bytes: Buffer.byteLength(GOOD_SVG), valid: true, errors: [] },
      certificate: { valid: false, subject: 'CN=good.bimi.test' },
    });
    expect(r.checks.bimi?.certificate?.errors.length).toBeGreaterThan(0);
    expect(of(r)[0]?.detail).toMatch(/good\.pem/);
  });

  it('reports a logo without a certificate (info) and no other problem', async () => {
    const r = await audit('nocert.bimi.test');
    expect(codes(r)).toEqual(['bimi.no-certificate:info']);
    expect(r.checks.bimi).toMatchObject({ status: 'info', svg: { valid: true }, dmarcEnforced: true });
    expect(r.checks.bimi?.certificate).toBeUndefined();
    expect(of(r)[0]?.fix).toContain('a=https://nocert.bimi.test/bimi/vmc.pem');
  });

  it('rejects an SVG that is not Tiny PS, saying why', async () => {
    const r = await audit('badsvg.bimi.test');
    expect(codes(r)).toEqual(['bimi.no-certificate:info', 'bimi.svg-invalid:warning']);
    expect(r.checks.bimi?.svg).toMatchObject({ valid: false });
    expect(r.checks.bimi?.svg?.errors[0]).toMatch(/Tiny PS/);
    expect(of(r).find((f) => f.code === 'bimi.svg-invalid')?.fix).toMatch(/baseProfile="tiny-ps"/);
  });

  it('rejects a logo over 32 KB, naming its size', async () => {
    const r = await audit('bigsvg.bimi.test');
    expect(codes(r)).toEqual(['bimi.no-certificate:info', 'bimi.svg-invalid:warning']);
    const f = of(r).find((x) => x.code === 'bimi.svg-invalid') as Finding;
    expect(f.title).toMatch(/over 32 KB/);
    expect(f.detail).toContain(`${Buffer.byteLength(BIG_SVG)} bytes`);
    expect(r.checks.bimi?.svg).toMatchObject({ bytes: Buffer.byteLength(BIG_SVG), valid: false });
  });

  it('does not count a logo fetch that the auditor\'s own network refuses', async () => {
    const r = await audit('offnet.bimi.test');
    expect(codes(r)).toEqual(['bimi.logo-unreachable:info', 'bimi.no-certificate:info']);
    expect(of(r).find((f) => f.code === 'bimi.logo-unreachable')?.title).toMatch(/^Not measured: /);
    expect(r.checks.bimi?.notMeasured).toBe(true);
  });

  it('reports a logo that cannot be fetched', async () => {
    const r = await audit('gone.bimi.test');
    expect(codes(r)).toEqual(['bimi.logo-unreachable:warning', 'bimi.no-certificate:info']);
    expect(of(r).find((f) => f.code === 'bimi.logo-unreachable')?.detail).toMatch(/HTTP 404/);
  });

  it.each([
    ['lax.bimi.test', /pct=50/],
    ['spnone.bimi.test', /sp=none/],
    ['monitor.bimi.test', /the policy that applies is none/],
  ])('warns that DMARC at %s is not enforced enough for BIMI', async (domain, why) => {
    const r = await audit(domain);
    expect(codes(r)).toEqual(['bimi.dmarc-not-enforced:warning', 'bimi.no-certificate:info']);
    expect(r.checks.bimi?.dmarcEnforced).toBe(false);
    const f = of(r).find((x) => x.code === 'bimi.dmarc-not-enforced') as Finding;
    expect(f.detail).toMatch(why);
    expect(f.fix).toContain(`_dmarc.${domain}`);
  });

  it('reports no record, a declination and a record that does not parse', async () => {
    const none = await audit('nobimi.bimi.test');
    expect(codes(none)).toEqual(['bimi.missing:info']);
    expect(of(none)[0]?.fix).toBe('default._bimi.nobimi.bimi.test. TXT "v=BIMI1; l=https://nobimi.bimi.test/bimi/logo.svg; a=https://nobimi.bimi.test/bimi/vmc.pem"');
    const declined = await audit('declined.bimi.test');
    expect(codes(declined)).toEqual(['bimi.missing:info']);
    expect(of(declined)[0]?.title).toBe('BIMI is declined');
    const bad = await audit('badrec.bimi.test');
    expect(codes(bad)).toEqual(['bimi.no-certificate:info', 'bimi.syntax:warning']);
    expect(of(bad).find((f) => f.code === 'bimi.syntax')?.detail).toMatch(/l= must be an https:\/\/ URL/);
  });

  it('falls back to the organizational domain’s record', async () => {
    const r = await audit('shop.orgfb.bimi.test');
    expect(r.checks.bimi).toMatchObject({ recordDomain: 'orgfb.bimi.test', logoUrl: 'https://logo.bimi.test/good.svg', svg: { valid: true } });
  });

  it('with --skip http checks only DNS and fetches nothing', async () => {
    const before = lab.requests.length;
    const r = await audit('good.bimi.test', { skip: ['smtp', 'dnsbl', 'http'] });
    expect(codes(r)).toEqual([]);
    expect(r.checks.bimi).toMatchObject({ status: 'pass', dmarcEnforced: true, logoUrl: 'https://logo.bimi.test/good.svg' });
    expect(r.checks.bimi?.svg).toBeUndefined();
    expect(r.checks.bimi?.certificate).toBeUndefined();
    expect(r.checks.bimi?.fetchSkipped).toMatch(/--skip http/);
    expect(lab.requests.length).toBe(before);
  });
});
