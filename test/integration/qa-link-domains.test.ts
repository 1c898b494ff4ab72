/**
 * Design QA's link check looks the draft's link domains up on the domain blocklists, through the
 * loopback DNS fixture: listings are reported, and lists that could not be asked or trusted are
 * named as "could not be checked", never passed over in silence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsSession } from '../../electron/core/dns/session';
import type { LinkChecker } from '../../electron/core/qa/link-check';
import { runQa } from '../../electron/core/qa/run';
import { blocklistTestEntries } from '../helpers/blocklist-test-entries';
import { parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

const ZONE = `
evil.example.dbl.spamhaus.org.      A 127.0.1.2
slow.example.multi.surbl.org.       TIMEOUT
${blocklistTestEntries()}
`;

let lists: DnsServer;
// A resolver that answers NXDOMAIN for every name: no list's test entry answers through it.
let nxdomain: DnsServer;
beforeAll(async () => {
  lists = await startDnsServer({ zone: parseZone(ZONE) });
  nxdomain = await startDnsServer({ zone: parseZone('') });
});
afterAll(() => Promise.all([lists?.close(), nxdomain?.close()]));

/** Requests nothing: these tests are about the blocklist lookups that run beside the requests. */
const checker: LinkChecker = {
  checkLinks: (links) => Promise.resolve(links.map((l) => ({ url: l.url, kind: l.kind, status: 200, finalUrl: l.url, ms: 1, requested: true, hops: [] }))),
  linkFindings: () => [],
};

const draft = (hosts: string[]) =>
  Buffer.from(`<!DOCTYPE html><html lang="en"><head><title>Offer</title></head><body><p>${'Our spring offer, with plenty of words to read. '.repeat(10)}</p>${hosts.map((h, i) => `<p><a href="https://${h}/p${i}">Page ${i} of the shop</a></p>`).join('')}</body></html>`);

const qa = async (hosts: string[], port: number | null) => {
  const dns = new DnsSession({ servers: [{ address: '127.0.0.1', port: port ?? lists.port }], timeoutMs: 300, tries: 1 });
  const r = await runQa(draft(hosts), { name: 'offer.html', clients: ['apple'], links: { checker, allowPrivate: false }, ...(port !== null ? { linkDomains: { dns } } : {}) });
  return { r, dns, codes: r.findings.map((f) => f.code) };
};

describe('design QA: the link domains on the domain blocklists', () => {
  it('asks nothing without the link check', async () => {
    const before = lists.queries.length;
    const r = await runQa(draft(['www.evil.example']), { name: 'offer.html', clients: ['apple'] });
    expect(r.findings.map((f) => f.code)).not.toContain('content.listed-domain');
    expect(lists.queries.length).toBe(before);
  });

  it('reports a listed link domain, and a list that did not answer as could not be checked', async () => {
    const { r } = await qa(['www.evil.example', 'slow.example', 'clean.example'], lists.port);
    const listed = r.findings.filter((f) => f.code === 'content.listed-domain');
    expect(listed.map((f) => f.title)).toEqual(['Link domain evil.example is listed on Spamhaus Domain Blocklist (DBL)']);
    const unknown = r.findings.filter((f) => f.code === 'content.link-lookup-failed');
    expect(unknown.map((f) => f.title)).toEqual(['Link domains could not be checked on SURBL multi']);
    expect(unknown[0]?.detail).toContain('the lookups of slow.example on SURBL multi got no usable answer (no answer (timeout))');
  });

  it('says nothing more when every list answered and none lists a link domain', async () => {
    const { codes } = await qa(['clean.example'], lists.port);
    expect(codes.filter((c) => c.startsWith('content.l'))).toEqual([]);
  });

  it('through a resolver that answers NXDOMAIN for everything: could not be checked on every list, with what to do', async () => {
    const { r, dns } = await qa(['www.evil.example', 'clean.example'], nxdomain.port);
    expect(r.findings.filter((f) => f.code === 'content.listed-domain')).toEqual([]);
    const unknown = r.findings.filter((f) => f.code === 'content.link-lookup-failed');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ severity: 'info', title: 'Link domains could not be checked on Spamhaus Domain Blocklist (DBL), SURBL multi, URIBL multi' });
    expect(unknown[0]?.detail).toContain('unknown, not clean');
    expect(unknown[0]?.detail).not.toMatch(/\bis clean\b|not listed on/);
    expect(unknown[0]?.fix).toBe('Check again through a resolver the lists accept (your own recursive resolver, not a public or filtered one), or with a Spamhaus DQS key.');
    // Two domains on three lists, and each list's test entry once.
    expect(dns.transcript).toHaveLength(2 * 3 + 3);
  });
});
