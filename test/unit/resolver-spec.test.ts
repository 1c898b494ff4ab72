import { describe, expect, it } from 'vitest';
import { parseResolverSpec, describeResolver } from '../../electron/core/dns/servers';

describe('resolver setting', () => {
  it('reads system, addresses and ports', () => {
    expect(parseResolverSpec('')).toBeNull();
    expect(parseResolverSpec('system')).toBeNull();
    expect(parseResolverSpec('1.1.1.1, 127.0.0.1:5353 [::1]:53 2001:db8::1')).toEqual([
      { address: '1.1.1.1', port: 53 },
      { address: '127.0.0.1', port: 5353 },
      { address: '::1', port: 53 },
      { address: '2001:db8::1', port: 53 },
    ]);
    expect(describeResolver(parseResolverSpec('127.0.0.1:5353,[::1]:53'))).toBe('127.0.0.1:5353, [::1]:53');
  });
  it.each(['dns.google', '127.0.0.1:0', '127.0.0.1:70000', '127.0.0.1:x', '300.1.1.1'])('refuses %s', (spec) => {
    expect(() => parseResolverSpec(spec)).toThrow(/not a DNS server|invalid port/);
  });
});
