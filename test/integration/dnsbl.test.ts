import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult, DnsblResult, Finding } from '../../electron/core/audit/types';
import { fixtureAudit } from '../helpers/fixture-audit';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

// The real list zones (zen.spamhaus.org, ...) are served by the loopback fixture server from bl.zone:
// every query goes to 127.0.0.1, none to the real blocklists.
let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
});
afterAll(() => server?.close());

const audit = (domain: string, extra: { sendingIps?: string[]; spamhausDqsKey?: string; skip?: ('smtp' | 'http' | 'dnsbl')[] } = {}) =>
  fixtureAudit(server, domain, {
    ...extra,
    skip: extra.skip ?? ['smtp', 'http'],
  });
const blFindings = (r: AuditResult): Finding[] => r.findings.filter((f) => f.check === 'dnsbl');
const result = (r: AuditResult, list: string, target: string): DnsblResult | undefined =>
  r.checks.dnsbl?.results.find((x) => x.list === list && x.target === target);

describe('DNSBL check', () => {
  it('reports an MX address listed on two lists, with codes, meanings and delisting pages', async () => {
    const r = await audit('listed.bl.test');
    expect(r.checks.dnsbl?.status).toBe('fail');
    const zen = result(r, 'Spamhaus ZEN', '127.0.10.2');
    expect(zen).toMatchObject({ listed: true, refused: false, codes: ['127.0.0.2', '127.0.0.4'], zone: 'zen.spamhaus.org', source: 'mx', delisting: 'https://check.spamhaus.org/' });
    expect(zen?.meanings).toEqual([expect.stringMatching(/^SBL/), expect.stringMatching(/^XBL/)]);
    expect(zen?.range).toMatch(/loopback/);
    const fs = blFindings(r);
    expect(fs.map((f) => `${f.code} ${f.severity} ${f.title}`).sort()).toEqual([
      'dnsbl.listed critical 127.0.10.2 is listed on SpamCop',
      'dnsbl.listed critical 127.0.10.2 is listed on Spamhaus ZEN',
    ]);
    const f = fs.find((x) => x.title.includes('ZEN'));
    expect(f?.detail).toContain('MX address 127.0.10.2 is listed on Spamhaus ZEN (zen.spamhaus.org), return code 127.0.0.2, 127.0.0.4: SBL');
    expect(f?.detail).toMatch(/127\.0\.0\.0\/8, loopback/);
    expect(f?.fix).toContain('https://check.spamhaus.org/');
    expect(f?.evidence).toBe('2.10.0.127.zen.spamhaus.org A 127.0.0.2, 127.0.0.4');
    // Every IP list and every domain list was asked, the domain on the domain lists.
    expect(r.checks.dnsbl?.results.filter((x) => x.source === 'mx')).toHaveLength(6);
    expect(r.checks.dnsbl?.results.filter((x) => x.source === 'domain').map((x) => x.target)).toEqual(['listed.bl.test', 'listed.bl.test', 'listed.bl.test']);
  });

  it('passes an address and a domain listed nowhere', async () => {
    const r = await audit('clean.bl.test');
    expect(blFindings(r)).toEqual([]);
    expect(r.checks.dnsbl?.status).toBe('pass');
    expect(r.checks.dnsbl?.results.every((x) => !x.listed && !x.refused && x.codes.length === 0)).toBe(true);
    expect(r.dns.map((q) => q.name)).toEqual(expect.arrayContaining(['1.10.0.127.zen.spamhaus.org', '1.10.0.127.dnsbl-1.uceprotect.net', 'clean.bl.test.multi.uribl.com']));
  });

  it('reports refusals as unknown, never as listed, and keeps failed lookups apart', async () => {
    const r = await audit('refused.bl.test');
    expect(r.findings.filter((f) => f.code === 'dnsbl.listed')).toEqual([]);
    const refused = blFindings(r);
    expect(refused.map((f) => `${f.code} ${f.severity} ${f.title}`).sort()).toEqual([
      'dnsbl.refused info Barracuda Reputation Block List did not answer: result unknown',
      'dnsbl.refused info Spamhaus Domain Blocklist (DBL) did not answer: result unknown',
      'dnsbl.refused info Spamhaus ZEN did not answer: result unknown',
    ]);
    const zen = refused.find((f) => f.title.startsWith('Spamhaus ZEN'));
    expect(zen?.detail).toMatch(/127\.255\.255\.254: query through a public or open resolver/);
    expect(zen?.detail).toMatch(/unknown, not clean/);
    expect(zen?.fix).toMatch(/DQS key/);
    expect(refused.find((f) => f.title.startsWith('Spamhaus Domain'))?.detail).toMatch(/excessive number of queries/);
    const barracuda = refused.find((f) => f.title.startsWith('Barracuda'));
    expect(barracuda?.detail).toContain('192.0.2.55: not a blocklist answer (outside 127.0.0.0/8)');
    expect(barracuda?.fix).toMatch(/NXDOMAIN/);
    expect(result(r, 'Spamhaus ZEN', '127.0.10.3')).toMatchObject({ listed: false, refused: true, codes: ['127.255.255.254'] });
    expect(result(r, 'UCEPROTECT Level 1', '127.0.10.3')).toMatchObject({ listed: false, refused: false, error: 'ESERVFAIL' });
    // A lookup that failed is neither listed nor clean: the check cannot end as information only.
    expect(r.checks.dnsbl).toMatchObject({ status: 'error', error: 'blocklist lookups failed: 127.0.10.3 on UCEPROTECT Level 1: SERVFAIL' });
  });

  it('reports the domain on domain lists, reading bitmasks, and a URIBL refusal', async () => {
    const r = await audit('domain.bl.test');
    const fs = blFindings(r);
    expect(fs.map((f) => `${f.code} ${f.title}`).sort()).toEqual([
      'dnsbl.listed domain.bl.test is listed on SURBL multi',
      'dnsbl.listed domain.bl.test is listed on Spamhaus Domain Blocklist (DBL)',
      'dnsbl.refused URIBL multi did not answer: result unknown',
    ]);
    expect(result(r, 'SURBL multi', 'domain.bl.test')).toMatchObject({ listed: true, source: 'domain', codes: ['127.0.0.72'], meanings: [expect.stringMatching(/^PH/), expect.stringMatching(/^ABUSE/)] });
    expect(result(r, 'Spamhaus Domain Blocklist (DBL)', 'domain.bl.test')).toMatchObject({ listed: true, meanings: ['spam domain'] });
    expect(result(r, 'URIBL multi', 'domain.bl.test')).toMatchObject({ listed: false, refused: true, codes: ['127.0.0.1'] });
    expect(fs.find((f) => f.title.includes('DBL'))?.detail).toMatch(/^The domain domain\.bl\.test is listed/);
  });

  it('queries the Spamhaus DQS zones with a key, and keeps the key out of the results', async () => {
    const r = await audit('dqs.bl.test', { spamhausDqsKey: 'testkey123' });
    const names = r.dns.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['2.10.0.127.testkey123.zen.dq.spamhaus.net', 'dqs.bl.test.testkey123.dbl.dq.spamhaus.net']));
    expect(names).not.toContain('2.10.0.127.zen.spamhaus.org');
    expect(names).not.toContain('dqs.bl.test.dbl.spamhaus.org');
    // Lists outside Spamhaus keep their public zones.
    expect(names).toContain('2.10.0.127.bl.spamcop.net');
    expect(result(r, 'Spamhaus ZEN', '127.0.10.2')).toMatchObject({ listed: true, codes: ['127.0.0.3'], zone: '<DQS key>.zen.dq.spamhaus.net' });
    expect(result(r, 'Spamhaus Domain Blocklist (DBL)', 'dqs.bl.test')).toMatchObject({ listed: true, meanings: ['phishing domain'] });
    expect(JSON.stringify([r.checks.dnsbl, blFindings(r)])).not.toContain('testkey123');
  });

  it('ignores a DQS key that could change the query name, and uses the public zones', async () => {
    const r = await audit('listed.bl.test', { spamhausDqsKey: 'evil.example' });
    const names = r.dns.map((q) => q.name);
    expect(names).toContain('2.10.0.127.zen.spamhaus.org');
    expect(names.some((n) => n.includes('evil.example'))).toBe(false);
  });

  it('looks up IPv6 addresses in nibble format, only on lists that support IPv6', async () => {
    const r = await audit('v6.bl.test');
    const ipResults = r.checks.dnsbl?.results.filter((x) => x.source === 'mx') ?? [];
    expect(ipResults.map((x) => x.list)).toEqual(['Spamhaus ZEN']);
    expect(ipResults[0]).toMatchObject({ target: '2001:db8::2', listed: true, codes: ['127.0.0.10'], range: expect.stringMatching(/2001:db8::\/32, documentation/) });
    expect(r.dns.map((q) => q.name)).toContain('2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org');
  });

  it('checks --sending-ip addresses', async () => {
    const r = await audit('clean.bl.test', { sendingIps: ['127.0.20.2'] });
    expect(result(r, 'Passive Spam Block List (PSBL)', '127.0.20.2')).toMatchObject({ listed: true, source: 'sending' });
    const f = blFindings(r);
    expect(f).toEqual([expect.objectContaining({ code: 'dnsbl.listed', title: '127.0.20.2 is listed on Passive Spam Block List (PSBL)' })]);
    expect(f[0]?.detail).toMatch(/^Sending IP 127\.0\.20\.2/);
  });

  it('does nothing under --skip dnsbl', async () => {
    const r = await audit('listed.bl.test', { skip: ['smtp', 'http', 'dnsbl'] });
    expect(r.checks.dnsbl).toMatchObject({ status: 'skipped', skipped: expect.stringMatching(/--skip dnsbl/), results: [] });
    expect(blFindings(r)).toEqual([]);
    expect(r.dns.some((q) => q.name.endsWith('spamhaus.org'))).toBe(false);
  });
});

/**
 * A resolver that says NXDOMAIN for every name it does not serve (a captive or filtered resolver): it
 * knows the audited domains and nothing of the lists, so every list seems to list nobody.
 */
const FILTERED = `
filtered.bl.test.        MX  10 mx.filtered.bl.test.
mx.filtered.bl.test.     A   127.0.10.1
`;

describe('DNSBL check: the lists\' test entries', () => {
  let filtered: DnsServer;
  let partial: DnsServer;
  beforeAll(async () => {
    filtered = await startDnsServer({ zone: parseZone(FILTERED) });
    // The fixture lists, but PSBL has lost its test entry, Spamhaus refuses the resolver for its test
    // entry (as it answers public resolvers), and the MX of listed.bl.test is still on ZEN.
    const zone = loadZoneFixtures();
    zone.records.delete('2.0.0.127.psbl.surriel.com');
    zone.records.delete('2.0.0.127.zen.spamhaus.org');
    parseZone('2.0.0.127.zen.spamhaus.org. A 127.255.255.254', zone);
    partial = await startDnsServer({ zone });
  });
  afterAll(() => {
    filtered?.close();
    partial?.close();
  });

  it('never passes through a resolver that answers NXDOMAIN for every name: each list is an error, in words', async () => {
    const r = await fixtureAudit(filtered, 'filtered.bl.test', { skip: ['smtp', 'http'] });
    const check = r.checks.dnsbl;
    expect(check?.status).toBe('error');
    expect(check?.results).toHaveLength(9);
    expect(check?.results.every((x) => !x.listed && x.error === 'untrusted')).toBe(true);
    expect(result(r, 'Spamhaus ZEN', '127.0.10.1')?.meanings).toEqual([
      'Spamhaus ZEN did not list its own test entry through this resolver: its answers cannot be trusted; use a resolver the list accepts (your own recursive resolver), or a Spamhaus DQS key. Its test entry 2.0.0.127.zen.spamhaus.org answered: no such name (NXDOMAIN).',
    ]);
    expect(check?.error).toContain('Spamhaus ZEN did not list its own test entry through this resolver: its answers cannot be trusted');
    expect(check?.error).toContain('URIBL multi did not list its own test entry through this resolver');
    const fs = blFindings(r);
    expect(fs).toHaveLength(9);
    expect(fs.every((f) => f.code === 'dnsbl.refused' && f.severity === 'info')).toBe(true);
    const dbl = fs.find((f) => f.title.startsWith('Spamhaus Domain'));
    expect(dbl?.title).toBe('Spamhaus Domain Blocklist (DBL) did not list its own test entry: result unknown');
    expect(dbl?.detail).toMatch(/dbltest\.com\.dbl\.spamhaus\.org, which the list always lists, answered no such name \(NXDOMAIN\)/);
    expect(dbl?.detail).toMatch(/unknown, not clean/);
    expect(dbl?.fix).toBe('Use a resolver the list accepts (your own recursive resolver), or a Spamhaus DQS key.');
    expect(fs.find((f) => f.title.startsWith('Barracuda'))?.fix).toMatch(/register the resolver/);
    // One question per list, each test entry asked once however many lookups the list answered.
    const probes = r.dns.filter((q) => q.name.startsWith('2.0.0.127.') || q.name.startsWith('test.') || q.name.startsWith('dbltest.com.'));
    expect(probes.filter((q) => !q.cached).map((q) => q.name).sort()).toEqual([
      '2.0.0.127.b.barracudacentral.org',
      '2.0.0.127.bl.mailspike.net',
      '2.0.0.127.bl.spamcop.net',
      '2.0.0.127.dnsbl-1.uceprotect.net',
      '2.0.0.127.psbl.surriel.com',
      '2.0.0.127.zen.spamhaus.org',
      'dbltest.com.dbl.spamhaus.org',
      'test.surbl.org.multi.surbl.org',
      'test.uribl.com.multi.uribl.com',
    ]);
  });

  it('keeps listings, refusals and the lists whose test entry answers, and makes the rest errors', async () => {
    const r = await fixtureAudit(partial, 'listed.bl.test', { skip: ['smtp', 'http'] });
    // ZEN refused its test entry, but a listing is still a listing.
    expect(result(r, 'Spamhaus ZEN', '127.0.10.2')).toMatchObject({ listed: true, codes: ['127.0.0.2', '127.0.0.4'] });
    expect(result(r, 'Passive Spam Block List (PSBL)', '127.0.10.2')).toMatchObject({ listed: false, error: 'untrusted' });
    expect(result(r, 'Barracuda Reputation Block List', '127.0.10.2')).toMatchObject({ listed: false, refused: false, codes: [] });
    expect(result(r, 'Barracuda Reputation Block List', '127.0.10.2')?.error).toBeUndefined();
    const fs = blFindings(r);
    expect(fs.map((f) => `${f.code} ${f.title}`).sort()).toEqual([
      'dnsbl.listed 127.0.10.2 is listed on SpamCop',
      'dnsbl.listed 127.0.10.2 is listed on Spamhaus ZEN',
      'dnsbl.refused Passive Spam Block List (PSBL) did not list its own test entry: result unknown',
    ]);
    expect(r.checks.dnsbl).toMatchObject({ status: 'error', error: 'Passive Spam Block List (PSBL) did not list its own test entry through this resolver: its answers cannot be trusted' });
  });

  it('reads a refusal code on the test entry as untrusted: a Spamhaus "public resolver" answer is never a pass', async () => {
    const r = await fixtureAudit(partial, 'clean.bl.test', { skip: ['smtp', 'http'] });
    const zen = result(r, 'Spamhaus ZEN', '127.0.10.1');
    expect(zen).toMatchObject({ listed: false, error: 'untrusted' });
    expect(zen?.meanings[0]).toMatch(/answered: 127\.255\.255\.254 \(query through a public or open resolver/);
    expect(r.checks.dnsbl?.status).toBe('error');
    expect(blFindings(r).find((f) => f.title.startsWith('Spamhaus ZEN'))?.evidence).toMatch(/^2\.0\.0\.127\.zen\.spamhaus\.org A: 127\.255\.255\.254/);
  });
});
