import { describe, expect, it } from 'vitest';
import { classifyIp, normalizeIp, parseIp, reverseName, reversedLabels, sameAddress } from '../../electron/core/net/ip';

describe('reverse names', () => {
  it('reverses IPv4 octets under in-addr.arpa (RFC 1035 §3.5)', () => {
    expect(reverseName('192.0.2.1')).toBe('1.2.0.192.in-addr.arpa');
    expect(reverseName(' 203.0.113.45 ')).toBe('45.113.0.203.in-addr.arpa');
    expect(reversedLabels('127.0.0.2')).toBe('2.0.0.127');
  });

  it('writes IPv6 as 32 reversed nibbles under ip6.arpa (RFC 3596 §2.5)', () => {
    // RFC 3596 §2.5's own example, compressed and written out in full.
    const expected = 'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa';
    expect(reverseName('4321:0:1:2:3:4:567:89ab')).toBe(expected);
    expect(reverseName('4321:0000:0001:0002:0003:0004:0567:89AB')).toBe(expected);
    expect(reverseName('2001:db8::567:89ab')).toBe('b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(reverseName('::1')).toBe(`1${'.0'.repeat(31)}.ip6.arpa`);
    expect(reversedLabels('2001:db8::2')?.split('.')).toHaveLength(32);
  });

  it('reads an embedded IPv4 tail and the "::" in any position', () => {
    // An IPv4-mapped address is the IPv4 host for reverse DNS and blocklists.
    expect(normalizeIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeIp('::ffff:c000:201')).toBe('192.0.2.1');
    expect(sameAddress('::ffff:192.0.2.1', '192.0.2.1')).toBe(true);
    expect(normalizeIp('::1:c000:201')).toBe('::1:c000:201');
    expect(normalizeIp('2001:db8::')).toBe('2001:db8::');
    expect(normalizeIp('::')).toBe('::');
    expect(normalizeIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(normalizeIp('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
  });

  it('rejects what is not an address instead of building a query from it', () => {
    for (const bad of ['', '192.0.2', '192.0.2.256', '192.0.2.01', '1.2.3.4.5', 'mail.example.com', '2001:db8::1::2', '2001:db8:1:2:3:4:5:6:7', 'fe80::1%eth0', '12345::', ':::', '2001:db8::g', '-1.0.0.0']) {
      expect(parseIp(bad), bad).toBeNull();
      expect(reverseName(bad), bad).toBeNull();
      expect(reversedLabels(bad), bad).toBeNull();
    }
  });

  it('compares addresses by value, not by spelling', () => {
    expect(sameAddress('2001:db8::1', '2001:0db8:0:0:0:0:0:1')).toBe(true);
    expect(sameAddress('192.0.2.1', '192.0.2.1')).toBe(true);
    expect(sameAddress('192.0.2.1', '192.0.2.10')).toBe(false);
    expect(sameAddress('nonsense', 'nonsense')).toBe(false);
  });
});

describe('special ranges', () => {
  it.each([
    ['127.0.0.2', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['169.254.1.1', 'link-local'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['0.1.2.3', 'this-network'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['2001:db8::25', 'documentation'],
    ['3fff::1', 'documentation'],
    ['fd00::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:10.0.0.1', 'private'],
  ])('%s is %s', (ip, kind) => {
    expect(classifyIp(ip)?.kind).toBe(kind);
  });

  it('tells global addresses apart, just outside the special blocks', () => {
    for (const ip of ['172.32.0.1', '100.128.0.1', '192.0.3.1', '8.8.8.8', '2001:db9::1', '2a00:1450::1']) expect(classifyIp(ip)?.kind, ip).toBe('global');
  });

  it('names the block and its RFC in the note', () => {
    expect(classifyIp('192.0.2.1')?.note).toBe('192.0.2.0/24, documentation (TEST-NET-1) (RFC 5737)');
    expect(classifyIp('127.0.0.2')?.note).toMatch(/^127\.0\.0\.0\/8, loopback/);
    expect(classifyIp('::ffff:127.0.0.1')?.note).toMatch(/IPv4-mapped 127\.0\.0\.1; 127\.0\.0\.0\/8/);
    expect(classifyIp('not an ip')).toBeNull();
  });
});
