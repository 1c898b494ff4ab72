import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult, DkimCheck, Finding } from '../../electron/core/audit/types';
import { fixtureAudit } from '../helpers/fixture-audit';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
});
afterAll(() => server?.close());

const audit = (domain: string, extra: { selectors?: string[]; seenSelectors?: string[] } = {}) =>
  fixtureAudit(server, domain, { skip: ['smtp', 'http', 'dnsbl'], ...extra });
const dkim = (r: AuditResult): DkimCheck => r.checks.dkim as DkimCheck;
const codes = (r: AuditResult) => r.findings.filter((f) => f.check === 'dkim').map((f) => f.code).sort();
const all = (r: AuditResult, code: string): Finding[] => r.findings.filter((f) => f.code === code);

describe('DKIM selector discovery', () => {
  it('finds keys at built-in, message-seen and user-named selectors and reads their sizes', async () => {
    const r = await audit('good.dkim.test', { selectors: ['ed2026'], seenSelectors: ['msgsel'] });
    expect(codes(r)).toEqual([]);
    const check = dkim(r);
    expect(check.status).toBe('pass');
    expect(check.selectors.map(({ record, ...rest }) => rest)).toEqual([
      { selector: 'ed2026', keyType: 'ed25519', keyBits: 256, testing: false, revoked: false, source: 'user' },
      { selector: 'msgsel', keyType: 'rsa', keyBits: 2048, testing: false, revoked: false, source: 'message' },
      { selector: 'google', keyType: 'rsa', keyBits: 2048, testing: false, revoked: false, source: 'builtin', provider: 'Google Workspace' },
    ]);
    // The 2048-bit record is published in two strings and read as one.
    expect(check.selectors[2]?.record).toMatch(/^v=DKIM1; k=rsa; p=MIIBIjAN[A-Za-z0-9+/=]+$/);
    expect(check.selectors[2]?.record?.length).toBeGreaterThan(255);
    expect(check.tried.slice(0, 3)).toEqual(['ed2026', 'msgsel', 'google']);
    expect(check.tried).toContain('selector1');
  });

  it('queries every selector once, for all at the same time', async () => {
    const before = server.queries.length;
    const r = await audit('none.dkim.test');
    const asked = server.queries.slice(before).filter((q) => q.endsWith('._domainkey.none.dkim.test'));
    expect(asked).toHaveLength(dkim(r).tried.length);
    expect(new Set(asked).size).toBe(asked.length);
    expect(dkim(r).tried.length).toBeLessThanOrEqual(80);
  });

  it('says what it tried when it finds nothing, without calling DKIM missing', async () => {
    const r = await audit('none.dkim.test');
    expect(codes(r)).toEqual(['dkim.not-found']);
    const f = all(r, 'dkim.not-found')[0] as Finding;
    expect(f.severity).toBe('warning');
    expect(f.detail).toMatch(/discovery can only guess/);
    expect(f.detail).toContain('google, selector1, selector2');
    expect(f.detail).not.toMatch(/missing/i);
    expect(f.fix).toMatch(/--selectors/);
    expect(dkim(r)).toMatchObject({ status: 'warn', selectors: [] });
  });

  it('makes not-found informational for a domain that says it sends no mail', async () => {
    const r = await audit('nomail.dkim.test');
    expect(all(r, 'dkim.not-found')[0]).toMatchObject({ severity: 'info' });
    expect(dkim(r).status).toBe('info');
  });

  it('infers selectors from the MX host and SPF includes', async () => {
    const r = await audit('provider.dkim.test');
    expect(codes(r)).toEqual([]);
    // In catalog order: SendGrid comes before Mailgun.
    expect(dkim(r).selectors.map((s) => [s.selector, s.source, s.provider])).toEqual([
      ['smtpapi', 'provider', 'SendGrid'],
      ['pic', 'provider', 'Mailgun'],
    ]);
    expect(dkim(r).tried).toEqual(expect.arrayContaining(['mailo', 'pic', 'smtpapi']));
  });

  it('follows a CNAME to the provider-hosted key', async () => {
    const r = await audit('cname.dkim.test');
    expect(codes(r)).toEqual([]);
    expect(dkim(r).selectors).toEqual([expect.objectContaining({ selector: 'selector2', keyBits: 2048, source: 'builtin', provider: 'Microsoft 365' })]);
  });

  it('does not take a wildcard SPF record for a key', async () => {
    const r = await audit('wild.dkim.test');
    expect(codes(r)).toEqual(['dkim.not-found']);
  });

  it('lists lookups that failed, as places a key may hide', async () => {
    const r = await audit('flaky.dkim.test');
    expect(dkim(r).failed).toEqual([{ selector: 's1', error: 'ESERVFAIL' }]);
    expect(dkim(r)).toMatchObject({ status: 'error', error: expect.stringMatching(/TXT s1\._domainkey\.flaky\.dkim\.test: SERVFAIL/) });
    expect(all(r, 'dkim.not-found')[0]?.detail).toMatch(/1 lookups failed \(s1: ESERVFAIL\)/);
  });
});

describe('DKIM key checks', () => {
  it('rates a 512-bit key critical and a 1024-bit key a warning; 2048 (even as bare PKCS#1) passes', async () => {
    const r = await audit('weak.dkim.test');
    expect(dkim(r).selectors.map((s) => [s.selector, s.keyBits])).toEqual([
      ['s2', 2048],
      ['default', 512],
      ['dkim', 1024],
    ]);
    const weak = all(r, 'dkim.weak-key');
    expect(weak.map((f) => [f.title, f.severity])).toEqual([
      ['512-bit RSA key at selector "default"', 'critical'],
      ['1024-bit RSA key at selector "dkim"', 'warning'],
    ]);
    expect(weak[0]?.refs).toContain('RFC 8301 §3.2');
    expect(codes(r)).toEqual(['dkim.weak-key', 'dkim.weak-key']);
    expect(dkim(r).status).toBe('fail');
  });

  it('warns about testing mode and gives the record without t=y', async () => {
    const r = await audit('testing.dkim.test');
    expect(codes(r)).toEqual(['dkim.testing']);
    expect(dkim(r).selectors[0]).toMatchObject({ selector: 's1', testing: true });
    const f = all(r, 'dkim.testing')[0] as Finding;
    expect(f.fix).toMatch(/publish "v=DKIM1; k=rsa; t=s; p=MIIB/);
  });

  it('reports a revoked key, and that no usable key was found', async () => {
    const r = await audit('revoked.dkim.test');
    expect(codes(r)).toEqual(['dkim.not-found', 'dkim.revoked']);
    expect(dkim(r).selectors).toEqual([expect.objectContaining({ selector: 'selector1', revoked: true, keyBits: null })]);
    expect(all(r, 'dkim.not-found')[0]?.detail).toMatch(/only at "selector1" \(revoked\)/);
    expect(all(r, 'dkim.revoked')[0]?.severity).toBe('info');
  });

  it('explains keys that cannot be used, each in its own finding', async () => {
    const r = await audit('syntax.dkim.test');
    const syntax = all(r, 'dkim.syntax');
    expect(syntax.map((f) => f.title)).toEqual([
      'The DKIM key at selector "k1" cannot be used as published',
      'The DKIM key at selector "k2" cannot be used as published',
      'The DKIM key at selector "k3" cannot be used as published',
    ]);
    expect(syntax[0]?.detail).toMatch(/not valid base64/);
    expect(syntax[1]?.detail).toMatch(/wrapped in SubjectPublicKeyInfo/);
    expect(syntax[1]?.fix).toMatch(/k=ed25519/);
    expect(syntax[2]?.detail).toMatch(/h=sha1 allows no sha256/);
    expect(syntax.every((f) => f.severity === 'warning' && f.evidence && f.fix)).toBe(true);
    // s1 holds a good key, so something was found.
    expect(codes(r)).not.toContain('dkim.not-found');
  });
});
