import { describe, expect, it } from 'vitest';
import { DNSBL_LISTS, interpretAnswer, queryZone, type DnsblList } from '../../electron/core/audit/dnsbl';

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
