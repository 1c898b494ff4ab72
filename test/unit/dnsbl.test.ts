import { describe, expect, it } from 'vitest';
import { DNSBL_LISTS, interpretAnswer, lookupBlocklists, queryZone, testPointName, type DnsblList } from '../../electron/core/audit/dnsbl';
import { DnsError, type DnsSession } from '../../electron/core/dns/session';

const list = (id: string) => DNSBL_LISTS.find((l) => l.id === id) as DnsblList;

describe('blocklist catalog', () => {
  it('has the lists the audit promises', () => {
    const zones = DNSBL_LISTS.map((l) => `${l.type} ${l.zone}`);
    for (const z of [
      'ip zen.spamhaus.org',
      'ip bl.spamcop.net',
      'ip b.barracudacentral.org',
      'ip psbl.surriel.com',
      'ip bl.mailspike.net',
      'ip dnsbl-1.uceprotect.net',
      'domain dbl.spamhaus.org',
      'domain multi.surbl.org',
      'domain multi.uribl.com',
    ]) {
      expect(zones).toContain(z);
    }
  });

  it('gives every list a zone, a type, meanings, refused codes, advice and https pages', () => {
    const ids = new Set<string>();
    for (const l of DNSBL_LISTS) {
      expect(ids.has(l.id), l.id).toBe(false);
      ids.add(l.id);
      expect(l.name, l.id).toBeTruthy();
      expect(l.zone, l.id).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
      expect(['ip', 'domain'], l.id).toContain(l.type);
      expect(['exact', 'bitmask'], l.id).toContain(l.match);
      expect(typeof l.ipv6, l.id).toBe('boolean');
      const meanings = l.match === 'exact' ? Object.entries(l.codes) : Object.entries(l.bits ?? {});
      expect(meanings.length, l.id).toBeGreaterThan(0);
      for (const [code, meaning] of meanings) {
        expect(meaning, `${l.id} ${code}`).toMatch(/\w{3,}/);
        if (l.match === 'exact') expect(code, l.id).toMatch(/^127\.\d+\.\d+\.\d+$/);
        // A bitmask value is one bit of the last octet.
        else expect(Number(code) & (Number(code) - 1), `${l.id} ${code}`).toBe(0);
      }
      expect(typeof l.refused, l.id).toBe('object');
      for (const [code, why] of Object.entries(l.refused)) {
        expect(code, l.id).toMatch(/^127\.\d+\.\d+\.\d+$/);
        expect(why).toBeTruthy();
        // A code cannot mean both "listed" and "did not answer".
        expect(l.codes[code], `${l.id} ${code}`).toBeUndefined();
      }
      expect(l.refusedAdvice, l.id).toBeTruthy();
      expect(l.fixFirst, l.id).toBeTruthy();
      expect(l.homepage, l.id).toMatch(/^https:\/\//);
      expect(l.delisting, l.id).toMatch(/^https:\/\//);
    }
  });

  it('carries the documented refusal codes', () => {
    expect(Object.keys(list('spamhaus-zen').refused).sort()).toEqual(['127.255.255.252', '127.255.255.254', '127.255.255.255']);
    expect(Object.keys(list('spamhaus-dbl').refused)).toEqual(expect.arrayContaining(['127.255.255.252', '127.255.255.254', '127.255.255.255']));
    expect(Object.keys(list('uribl').refused)).toEqual(['127.0.0.1']);
    expect(Object.keys(list('surbl').refused)).toEqual(['127.0.0.1']);
  });

  it('marks which lists answer IPv6 queries', () => {
    expect(list('spamhaus-zen').ipv6).toBe(true);
    expect(list('spamcop').ipv6).toBe(false);
  });

  it('queries <key>.<dqs zone> with a Spamhaus DQS key and the public zone without', () => {
    expect(queryZone(list('spamhaus-zen'))).toBe('zen.spamhaus.org');
    expect(queryZone(list('spamhaus-zen'), 'abc123')).toBe('abc123.zen.dq.spamhaus.net');
    expect(queryZone(list('spamhaus-dbl'), 'abc123')).toBe('abc123.dbl.dq.spamhaus.net');
    expect(queryZone(list('spamcop'), 'abc123')).toBe('bl.spamcop.net');
  });
});

describe('return codes', () => {
  it('reads Spamhaus ZEN codes, several at once', () => {
    const r = interpretAnswer(list('spamhaus-zen'), ['127.0.0.4', '127.0.0.2']);
    expect(r).toMatchObject({ listed: true, refused: false, codes: ['127.0.0.2', '127.0.0.4'] });
    expect(r.meanings[0]).toMatch(/^SBL/);
    expect(r.meanings[1]).toMatch(/^XBL/);
    expect(interpretAnswer(list('spamhaus-zen'), ['127.0.0.10', '127.0.0.2']).codes).toEqual(['127.0.0.2', '127.0.0.10']);
    expect(interpretAnswer(list('spamhaus-zen'), ['127.0.0.3']).meanings[0]).toMatch(/CSS/);
    expect(interpretAnswer(list('spamhaus-zen'), ['127.0.0.9']).meanings[0]).toMatch(/DROP/);
    expect(interpretAnswer(list('spamhaus-zen'), ['127.0.0.10']).meanings[0]).toMatch(/^PBL/);
    expect(interpretAnswer(list('spamhaus-zen'), ['127.0.0.11']).meanings[0]).toMatch(/^PBL/);
  });

  it('never reads a Spamhaus refusal as a listing', () => {
    for (const [code, why] of [
      ['127.255.255.252', /typing error/],
      ['127.255.255.254', /public or open resolver/],
      ['127.255.255.255', /excessive/],
    ] as const) {
      const r = interpretAnswer(list('spamhaus-zen'), [code]);
      expect(r).toMatchObject({ listed: false, refused: true, codes: [code] });
      expect(r.meanings[0]).toMatch(why);
    }
  });

  it('reads DBL codes and its IP-query refusal', () => {
    expect(interpretAnswer(list('spamhaus-dbl'), ['127.0.1.4'])).toMatchObject({ listed: true, meanings: ['phishing domain'] });
    expect(interpretAnswer(list('spamhaus-dbl'), ['127.0.1.102']).meanings[0]).toMatch(/abused legitimate/);
    expect(interpretAnswer(list('spamhaus-dbl'), ['127.0.1.255'])).toMatchObject({ listed: false, refused: true });
  });

  it('splits SURBL and URIBL bitmasks into their lists', () => {
    const surbl = interpretAnswer(list('surbl'), ['127.0.0.72']);
    expect(surbl.listed).toBe(true);
    expect(surbl.meanings).toEqual([expect.stringMatching(/^PH/), expect.stringMatching(/^ABUSE/)]);
    expect(interpretAnswer(list('surbl'), ['127.0.0.16']).meanings).toEqual([expect.stringMatching(/^MW/)]);
    const uribl = interpretAnswer(list('uribl'), ['127.0.0.14']);
    expect(uribl.meanings).toEqual([expect.stringMatching(/^black/), expect.stringMatching(/^grey/), expect.stringMatching(/^red/)]);
  });

  it('reads 127.0.0.1 from URIBL and SURBL as refused, not listed', () => {
    expect(interpretAnswer(list('uribl'), ['127.0.0.1'])).toMatchObject({ listed: false, refused: true, meanings: [expect.stringMatching(/refused/)] });
    expect(interpretAnswer(list('surbl'), ['127.0.0.1'])).toMatchObject({ listed: false, refused: true, meanings: [expect.stringMatching(/blocked/)] });
  });

  it('keeps undocumented codes and bits visible as listed', () => {
    expect(interpretAnswer(list('spamcop'), ['127.0.0.3'])).toMatchObject({ listed: true, meanings: [expect.stringMatching(/not documented/)] });
    const r = interpretAnswer(list('uribl'), ['127.0.0.34']);
    expect(r.listed).toBe(true);
    expect(r.meanings).toEqual([expect.stringMatching(/^black/), expect.stringMatching(/bits 32/)]);
  });

  it('treats answers outside 127/8 as a rewriting resolver: unknown, not listed', () => {
    const r = interpretAnswer(list('barracuda'), ['192.0.2.55']);
    expect(r).toMatchObject({ listed: false, refused: true });
    expect(r.meanings[0]).toMatch(/not a blocklist answer/);
  });

  it('reads no answer as not listed', () => {
    expect(interpretAnswer(list('spamhaus-zen'), [])).toEqual({ listed: false, refused: false, codes: [], meanings: [] });
  });
});

/** A session answering from a table (anything else NXDOMAIN), counting what it was asked. */
function session(answers: Record<string, string>): DnsSession & { asked: string[] } {
  const asked: string[] = [];
  const resolve = (name: string, type = 'A') => {
    asked.push(name);
    return answers[name] ? Promise.resolve([answers[name]]) : Promise.reject(new DnsError('ENOTFOUND', name, type));
  };
  return { resolve, asked } as unknown as DnsSession & { asked: string[] };
}

describe('test entries (RFC 5782 §5)', () => {
  it('asks 127.0.0.2 of IP lists and the entry each domain list documents, in the zone queried', () => {
    expect(testPointName(list('spamcop'), 'bl.spamcop.net')).toBe('2.0.0.127.bl.spamcop.net');
    expect(testPointName(list('spamhaus-dbl'), queryZone(list('spamhaus-dbl'), 'abc123'))).toBe('dbltest.com.abc123.dbl.dq.spamhaus.net');
    expect(testPointName(list('uribl'), 'multi.uribl.com')).toBe('test.uribl.com.multi.uribl.com');
  });

  it('asks each list\'s test entry once per session, and believes "not listed" only from a list whose entry answered', async () => {
    const dns = session({ '2.0.0.127.zen.spamhaus.org': '127.0.0.2', '2.0.0.127.bl.spamcop.net': '127.0.0.2' });
    const first = await lookupBlocklists(dns, { ips: ['192.0.2.1', '192.0.2.2'] });
    await lookupBlocklists(dns, { ips: ['192.0.2.3'] });
    expect(dns.asked.filter((n) => n === '2.0.0.127.zen.spamhaus.org')).toHaveLength(1);
    expect(first.filter((r) => r.list === 'Spamhaus ZEN' || r.list === 'SpamCop').every((r) => !r.listed && r.error === undefined)).toBe(true);
    const psbl = first.filter((r) => r.list === 'Passive Spam Block List (PSBL)');
    expect(psbl.map((r) => r.error)).toEqual(['untrusted', 'untrusted']);
    expect(psbl[0]?.meanings[0]).toBe(
      'Passive Spam Block List (PSBL) did not list its own test entry through this resolver: its answers cannot be trusted; use a resolver the list accepts (your own recursive resolver). Its test entry 2.0.0.127.psbl.surriel.com answered: no such name (NXDOMAIN).',
    );
  });

  it('asks nothing of a list with nothing to look up', async () => {
    const dns = session({});
    expect(await lookupBlocklists(dns, { domains: ['example.org'] })).toHaveLength(3);
    expect(dns.asked.some((n) => n.startsWith('2.0.0.127.'))).toBe(false);
  });
});
