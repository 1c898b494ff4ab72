import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spf } from 'mailauth';
import { DnsError, DnsSession } from '../../electron/core/dns/session';
import { INTL, INTL_TEXTS } from '../helpers/intl-text';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
let bigServer: DnsServer;
let intlServer: DnsServer;

beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
  // A TXT answer far over 512 bytes: over UDP it comes back truncated, and the resolver retries over TCP.
  const strings = Array.from({ length: 12 }, (_, i) => `"${String(i).padStart(2, '0')}${'k'.repeat(200)}"`).join(' ');
  bigServer = await startDnsServer({ zone: parseZone(`big.test. TXT ${strings}\n`) });
  // Non-ASCII TXT text, one record per string and one of two strings; and an answer over 512 bytes of it (TCP).
  intlServer = await startDnsServer({
    zone: parseZone(
      [
        ...INTL_TEXTS.map((t) => `intl.test. TXT "${t}"`),
        `pair.intl.test. TXT "${INTL.japanese} " "${INTL.arabic}"`,
        ...Array.from({ length: 12 }, (_, i) => `big.intl.test. TXT "${i} ${INTL.chinese.repeat(12)}"`),
      ].join('\n'),
    ),
  });
});
afterAll(async () => {
  await server?.close();
  await bigServer?.close();
  await intlServer?.close();
});

const session = (s: DnsServer = server, timeoutMs = 400) => new DnsSession({ servers: [{ address: '127.0.0.1', port: s.port }], timeoutMs, tries: 2 });

describe('DNS session against a loopback authoritative server', () => {
  it('answers like dns.promises and records each query', async () => {
    const dns = session();
    expect(await dns.resolveMx('good.test')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ exchange: 'mail.good.test', priority: 10 }),
        expect.objectContaining({ exchange: 'mail2.good.test', priority: 20 }),
      ]),
    );
    expect(await dns.resolveTxt('split.test')).toEqual([['v=spf1 ip4:192.0.2.0/24 ', 'include:_spf.good.test -all']]);
    expect(dns.transcript).toEqual([
      expect.objectContaining({ name: 'good.test', type: 'MX', answer: expect.arrayContaining(['10 mail.good.test']) }),
      expect.objectContaining({ name: 'split.test', type: 'TXT', answer: ['v=spf1 ip4:192.0.2.0/24 include:_spf.good.test -all'] }),
    ]);
    expect(dns.transcript.every((q) => typeof q.ms === 'number' && q.ms >= 0)).toBe(true);
  });

  it('gives ENOTFOUND for a missing name and ENODATA for a missing type', async () => {
    const dns = session();
    await expect(dns.resolveTxt('nowhere.good.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(dns.resolveTxt('mail.good.test')).rejects.toMatchObject({ code: 'ENODATA' });
    // A name with only names below it exists (an empty non-terminal).
    await expect(dns.resolveTxt('f.g.laxparent.test')).rejects.toMatchObject({ code: 'ENODATA' });
    expect(dns.transcript.map((q) => q.error)).toEqual(['ENOTFOUND', 'ENODATA', 'ENODATA']);
  });

  it('asks the server once for identical queries, in flight or answered', async () => {
    const dns = session();
    const before = server.queries.filter((q) => q === 'TXT _dmarc.good.test').length;
    await Promise.all([dns.resolveTxt('_dmarc.good.test'), dns.resolveTxt('_dmarc.good.test'), dns.resolve('_DMARC.good.test', 'txt')]);
    await dns.resolveTxt('_dmarc.good.test');
    expect(server.queries.filter((q) => q === 'TXT _dmarc.good.test').length - before).toBe(1);
    expect(dns.transcript.filter((q) => q.cached)).toHaveLength(3);
  });

  // How soon it gives up is a bound of `npm run bench -- limits`.
  it('gives up on a server that never answers, by its deadline', async () => {
    const dns = session(server, 300);
    const err = await dns.resolveTxt('dead.test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DnsError);
    expect((err as DnsError).code).toBe('ETIMEOUT');
    // Retried: the server saw more than one try.
    expect(server.queries.filter((q) => q === 'TXT dead.test').length).toBeGreaterThanOrEqual(2);
    expect(dns.unreachable()).toBe(true);
  });

  it('reports SERVFAIL as ESERVFAIL, not as a missing record', async () => {
    await expect(session().resolveTxt('servfail.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
  });

  it('falls back to TCP for a truncated answer', async () => {
    const dns = session(bigServer);
    const [record] = await dns.resolveTxt('big.test');
    expect(record).toHaveLength(12);
    expect(record?.join('').length).toBe(12 * 202);
  });

  it('gives non-ASCII TXT text back exactly, as the UTF-8 the server sent, over UDP and TCP', async () => {
    const dns = session(intlServer);
    const records = await dns.resolveTxt('intl.test');
    expect(records.map((r) => r.join('')).sort()).toEqual([...INTL_TEXTS].sort());
    expect(await dns.resolveTxt('pair.intl.test')).toEqual([[`${INTL.japanese} `, INTL.arabic]]);
    const big = await dns.resolveTxt('big.intl.test');
    expect(big.map((r) => r.join('')).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `${i} ${INTL.chinese.repeat(12)}`).sort());
    // The transcript, which the reports show, holds the same text.
    expect(dns.transcript.find((q) => q.name === 'pair.intl.test')?.answer).toEqual([`${INTL.japanese} ${INTL.arabic}`]);
    expect([...(dns.transcript.find((q) => q.name === 'intl.test')?.answer ?? [])].sort()).toEqual([...INTL_TEXTS].sort());
  });

  it('the fixture server refuses a TXT string of more than 255 octets, counting UTF-8 bytes, not characters', () => {
    // 85 three-octet characters fill a string; one more would not fit its length octet (RFC 1035 §3.3).
    expect(() => parseZone(`full.test. TXT "${'日'.repeat(85)}"`)).not.toThrow();
    expect(() => parseZone(`over.test. TXT "${'日'.repeat(86)}"`)).toThrow(/at most 255 octets; this one is 258/);
  });

  it('tells when nothing answered at all', async () => {
    const dns = new DnsSession({ servers: [{ address: '127.0.0.1', port: 9 }], timeoutMs: 200, tries: 1 });
    await expect(dns.resolveMx('good.test')).rejects.toBeInstanceOf(DnsError);
    expect(dns.unreachable()).toBe(true);
  });

  it('serves mailauth as its resolver, error codes included', async () => {
    const dns = session();
    // mailauth's typings only know the TXT shape; at run time it asks for every type through this function.
    const resolver = dns.resolve as NonNullable<Parameters<typeof spf>[0]['resolver']>;
    const pass = await spf({ sender: 'a@good.test', ip: '192.0.2.55', helo: 'mail.good.test', resolver });
    expect(pass.status.result).toBe('pass');
    const included = await spf({ sender: 'a@good.test', ip: '198.51.100.7', helo: 'mail.good.test', resolver });
    expect(included.status.result).toBe('pass');
    const fail = await spf({ sender: 'a@good.test', ip: '203.0.113.9', helo: 'mail.good.test', resolver });
    expect(fail.status.result).toBe('fail');
    const none = await spf({ sender: 'a@nowhere.good.test', ip: '203.0.113.9', helo: 'x', resolver });
    expect(none.status.result).toBe('none');
  });
});
