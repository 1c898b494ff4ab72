import { describe, expect, it } from 'vitest';
import { isSpfRecord, parseSpfRecord, parseSpfTerm } from '../../electron/core/audit/spf-parse';

describe('SPF record selection (RFC 7208 §4.5)', () => {
  it.each([
    ['v=spf1 -all', true],
    ['v=spf1', true],
    ['V=SPF1 mx -all', true],
    ['v=spf10 -all', false],
    ['v=spf1-all', false],
    ['spf1 -all', false],
    [' v=spf1 -all', false],
  ])('%j is a record: %s', (txt, expected) => {
    expect(isSpfRecord(txt)).toBe(expected);
  });
});

describe('SPF terms', () => {
  it('reads qualifiers, names and values', () => {
    expect(parseSpfTerm('~all')).toMatchObject({ kind: 'mechanism', qualifier: '~', name: 'all', lookup: false });
    expect(parseSpfTerm('include:_spf.google.com')).toMatchObject({ kind: 'mechanism', qualifier: '+', name: 'include', value: '_spf.google.com', lookup: true });
    expect(parseSpfTerm('-ip4:192.0.2.0/24')).toMatchObject({ kind: 'mechanism', qualifier: '-', name: 'ip4', lookup: false });
    expect(parseSpfTerm('redirect=_spf.example.com')).toMatchObject({ kind: 'modifier', name: 'redirect', lookup: true });
    expect(parseSpfTerm('exp=explain.%{d}')).toMatchObject({ kind: 'modifier', name: 'exp', macro: true, lookup: false });
  });

  it.each(['a', 'mx', 'a/24', 'mx//64', 'a:mail.example.com/24//64', 'mx:example.com', 'ptr', 'ptr:example.com', 'exists:%{i}.bl.example.com', 'ip6:2001:db8::/32', 'ip4:10.0.0.1', 'include:%{d}._spf.example.com', 'foo=bar', 'unknown-mod=%{d}'])(
    '%s is valid',
    (term) => {
      expect(parseSpfTerm(term).error).toBeUndefined();
    },
  );

  it.each([
    ['ip4:192.0.2.300', /not an IPv4 address/],
    ['ip4:192.0.2.0/33', /prefix length from 0 to 32/],
    ['ip6:2001:db8::/129', /prefix length from 0 to 128/],
    ['ip4:192.0.2.0/024', /prefix length/],
    ['includ:example.com', /not an SPF mechanism/],
    ['include:', /domain is required/],
    ['include', /needs a domain/],
    ['include:example', /not a domain name/],
    ['all:example.com', /takes no argument/],
    ['a/33', /prefix length from 0 to 32/],
    ['exists:%{x}.example.com', /invalid macro/],
    ['include:%{d.example.com', /not closed/],
    ['ptr/24', /no prefix length/],
    ['ip4', /needs an address/],
    ['1bad=value', /not a valid modifier name/],
  ])('%s is an error: %s', (term, message) => {
    const parsed = parseSpfTerm(term);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.error).toMatch(message);
  });
});

describe('SPF records', () => {
  it('counts only the terms that cause DNS lookups (RFC 7208 §4.6.4)', () => {
    const parsed = parseSpfRecord('v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx ptr include:a.example exists:%{i}.b.example redirect=c.example');
    expect(parsed.errors).toEqual([]);
    expect(parsed.lookups).toBe(6);
  });

  it('reports the all qualifier', () => {
    expect(parseSpfRecord('v=spf1 mx -all').all).toBe('-');
    expect(parseSpfRecord('v=spf1 mx all').all).toBe('+');
    expect(parseSpfRecord('v=spf1 mx').all).toBeNull();
  });

  it('refuses a repeated redirect or exp (RFC 7208 §6)', () => {
    expect(parseSpfRecord('v=spf1 redirect=a.example redirect=b.example').errors.join()).toMatch(/"redirect=" appears more than once/);
  });

  it('collects every bad term', () => {
    const parsed = parseSpfRecord('v=spf1 ip4:192.0.2.300 includ:example.com -all');
    expect(parsed.errors).toHaveLength(2);
    expect(parsed.terms.map((t) => t.kind)).toEqual(['invalid', 'invalid', 'mechanism']);
  });

  it('tolerates several spaces between terms but not tabs', () => {
    expect(parseSpfRecord('v=spf1  mx   -all').errors).toEqual([]);
    expect(parseSpfRecord('v=spf1 mx\t-all').errors.join()).toMatch(/spaces only/);
  });
});
