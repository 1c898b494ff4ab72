import { describe, expect, it } from 'vitest';
import { isValidDomain, normalizeDomain } from '../../electron/core/domain';
import { parseResolverSpec, describeResolver } from '../../electron/core/dns/servers';
import { defaultDataDir } from '../../electron/core/paths';
import { scoreFindings } from '../../electron/core/audit/score';
import { finding } from '../../electron/core/audit/finding';

describe('domains', () => {
  it('normalizes case, a trailing dot and internationalised names', () => {
    expect(normalizeDomain(' Example.COM. ')).toBe('example.com');
    expect(normalizeDomain('bücher.example')).toBe('xn--bcher-kva.example');
  });
  it.each([
    ['example.com', true],
    ['_dmarc.example.com', true],
    ['a-b.example', true],
    ['com', false],
    ['-bad.example', false],
    ['bad-.example', false],
    ['a..example', false],
    ['not a domain', false],
    [`${'a'.repeat(64)}.example`, false],
  ])('%s valid: %s', (name, expected) => {
    expect(isValidDomain(name)).toBe(expected);
  });
});

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

describe('data folder', () => {
  it('follows each platform', () => {
    expect(defaultDataDir('linux', { XDG_DATA_HOME: '/data' }, '/home/u')).toBe('/data/deliverlab');
    expect(defaultDataDir('linux', {}, '/home/u')).toBe('/home/u/.local/share/deliverlab');
    expect(defaultDataDir('linux', { XDG_DATA_HOME: 'relative' }, '/home/u')).toBe('/home/u/.local/share/deliverlab');
    expect(defaultDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/Deliverlab');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\Deliverlab');
  });
});

describe('score', () => {
  const f = (code: 'spf.missing' | 'dmarc.policy-none' | 'mx.null') => finding(code, { title: 't', detail: 'd' });
  it('takes documented weights off 100', () => {
    expect(scoreFindings([])).toEqual({ score: 100, grade: 'A' });
    expect(scoreFindings([f('mx.null')])).toEqual({ score: 100, grade: 'A' });
    expect(scoreFindings([f('dmarc.policy-none')])).toEqual({ score: 92, grade: 'A' });
    expect(scoreFindings([f('spf.missing')])).toEqual({ score: 75, grade: 'B' });
    expect(scoreFindings([f('spf.missing'), f('spf.missing'), f('spf.missing'), f('spf.missing'), f('spf.missing')])).toEqual({ score: 0, grade: 'F' });
  });
});
