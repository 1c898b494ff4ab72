import { describe, expect, it } from 'vitest';
import { isValidDomain, normalizeDomain } from '../../electron/shared/domain-name';

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
