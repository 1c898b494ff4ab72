import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult, Finding } from '../../electron/core/audit/types';
import { fixtureAudit } from '../helpers/fixture-audit';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
});
afterAll(() => server?.close());

// SMTP and HTTP off: the fixture addresses are DNS data only and must never be connected to.
const audit = (domain: string, sendingIps: string[] = []) =>
  fixtureAudit(server, domain, {
    sendingIps,
    skip: ['smtp', 'http', 'dnsbl'],
  });
const ptrFindings = (r: AuditResult): Finding[] => r.findings.filter((f) => f.check === 'ptr');

describe('PTR check', () => {
  it('passes MX addresses with forward-confirmed reverse DNS, IPv4 and IPv6', async () => {
    const r = await audit('fcrdns.ptr.test');
    expect(ptrFindings(r)).toEqual([]);
    expect(r.checks.ptr?.status).toBe('pass');
    expect(r.checks.ptr?.addresses).toEqual([
      expect.objectContaining({ ip: '192.0.2.101', source: 'mx', host: 'mx.fcrdns.ptr.test', ptr: ['mx.fcrdns.ptr.test'], forwardConfirmed: true }),
      expect.objectContaining({ ip: '2001:db8::101', source: 'mx', host: 'mx.fcrdns.ptr.test', ptr: ['mx.fcrdns.ptr.test'], forwardConfirmed: true }),
    ]);
    // RFC 3596 §2.5 nibble name for the IPv6 address, AAAA for its forward confirmation.
    expect(r.dns.map((q) => `${q.type} ${q.name}`)).toEqual(
      expect.arrayContaining(['PTR 1.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', 'PTR 101.2.0.192.in-addr.arpa', 'AAAA mx.fcrdns.ptr.test']),
    );
  });

  it('warns about an MX address without PTR, with the exact records to ask for', async () => {
    const r = await audit('noptr.ptr.test');
    const [f, ...rest] = ptrFindings(r);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: 'ptr.missing', severity: 'warning', check: 'ptr' });
    expect(f?.detail).toMatch(/MX address/);
    expect(f?.detail).toMatch(/also sends/);
    expect(f?.fix).toContain('"102.2.0.192.in-addr.arpa. PTR mx.noptr.ptr.test."');
    expect(f?.fix).toContain('"mx.noptr.ptr.test. A 192.0.2.102"');
    expect(f?.fix).toMatch(/hosting provider/);
    expect(f?.refs).toEqual(expect.arrayContaining(['RFC 8601 §2.7.3']));
    expect(r.checks.ptr).toMatchObject({ status: 'warn', addresses: [{ ip: '192.0.2.102', ptr: [], forwardConfirmed: false }] });
  });

  it('warns when the PTR name resolves to another address', async () => {
    const r = await audit('mismatch.ptr.test');
    const [f, ...rest] = ptrFindings(r);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: 'ptr.mismatch', severity: 'warning' });
    expect(f?.detail).toContain('host.elsewhere.ptr.test -> 192.0.2.199');
    expect(f?.fix).toContain('"host.elsewhere.ptr.test. A 192.0.2.103"');
    expect(f?.fix).toContain('"103.2.0.192.in-addr.arpa. PTR mx.mismatch.ptr.test."');
    expect(r.checks.ptr?.addresses[0]).toMatchObject({ ptr: ['host.elsewhere.ptr.test'], forwardConfirmed: false, forward: { 'host.elsewhere.ptr.test': ['192.0.2.199'] } });
  });

  it('checks --sending-ip addresses, IPv4 and IPv6, and says they are the ones that matter', async () => {
    const r = await audit('nomx.ptr.test', ['198.51.100.7', '198.51.100.8', '198.51.100.9', '198.51.100.10', '2001:0db8:0001:0000:0000:0000:0000:0025']);
    const byIp = Object.fromEntries((r.checks.ptr?.addresses ?? []).map((a) => [a.ip, a]));
    expect(Object.keys(byIp)).toEqual(['198.51.100.7', '198.51.100.8', '198.51.100.9', '198.51.100.10', '2001:db8:1::25']);
    expect(byIp['198.51.100.7']).toMatchObject({ source: 'sending', ptr: ['out.fcrdns.ptr.test'], forwardConfirmed: true });
    // Any one PTR name that resolves back is enough (RFC 8601 §2.7.3).
    expect(byIp['198.51.100.10']).toMatchObject({ forwardConfirmed: true });
    expect(byIp['2001:db8:1::25']).toMatchObject({ ptr: ['out6.fcrdns.ptr.test'], forwardConfirmed: true });
    const fs = ptrFindings(r);
    expect(fs.map((f) => `${f.code} ${f.severity}`)).toEqual(['ptr.missing warning', 'ptr.mismatch warning']);
    const [missing, mismatch] = fs;
    expect(missing?.title).toContain('sending IP 198.51.100.8');
    expect(missing?.detail).toMatch(/Gmail and Yahoo require/);
    expect(missing?.fix).toContain('"8.100.51.198.in-addr.arpa. PTR mail.nomx.ptr.test."');
    expect(missing?.fix).toContain('"mail.nomx.ptr.test. A 198.51.100.8"');
    expect(mismatch?.detail).toContain('nowhere.ptr.test -> no A record');
  });

  it('keeps an address that is both MX and sending IP once, as a sending IP', async () => {
    const r = await audit('noptr.ptr.test', ['192.0.2.102']);
    expect(r.checks.ptr?.addresses).toEqual([expect.objectContaining({ ip: '192.0.2.102', source: 'sending', host: 'mx.noptr.ptr.test' })]);
    expect(ptrFindings(r)[0]?.detail).toMatch(/^Sending IP 192\.0\.2\.102 \(also MX mx\.noptr\.ptr\.test\) has no PTR/);
  });

  it('records a failed reverse lookup as unknown, not as missing', async () => {
    const r = await audit('nomx.ptr.test', ['198.51.100.66']);
    expect(ptrFindings(r)).toEqual([]);
    expect(r.checks.ptr).toMatchObject({ status: 'error', error: 'ESERVFAIL', addresses: [{ ip: '198.51.100.66', error: 'ESERVFAIL' }] });
  });

  it('skips with a reason when there is nothing to check, and lists input that is not an address', async () => {
    const none = await audit('nomx.ptr.test');
    expect(none.checks.ptr).toMatchObject({ status: 'skipped', skipped: expect.stringMatching(/--sending-ip/), addresses: [] });
    const bad = await audit('nomx.ptr.test', ['198.51.100.300', 'mail.example.com']);
    expect(bad.checks.ptr).toMatchObject({ status: 'skipped', invalid: ['198.51.100.300', 'mail.example.com'] });
    expect(ptrFindings(bad)).toEqual([]);
  });
});
