import { describe, expect, it } from 'vitest';
import { checkToken, isAllowedHost, isAllowedOrigin, tokenMatches } from '../../electron/serve/guard';

describe('serve request guard', () => {
  it('accepts only loopback Host headers with the right port (DNS rebinding)', () => {
    expect(isAllowedHost('127.0.0.1:4000', 4000)).toBe(true);
    expect(isAllowedHost('localhost:4000', 4000)).toBe(true);
    expect(isAllowedHost('LOCALHOST:4000', 4000)).toBe(true);
    for (const host of ['evil.example:4000', '127.0.0.1:4001', '127.0.0.1', 'localhost', '127.0.0.1.evil.example:4000', '[::1]:4000', undefined]) {
      expect(isAllowedHost(host, 4000), String(host)).toBe(false);
    }
  });

  it('accepts no Origin or its own, and refuses every other', () => {
    expect(isAllowedOrigin(undefined, 4000)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:4000', 4000)).toBe(true);
    expect(isAllowedOrigin('http://localhost:4000', 4000)).toBe(true);
    for (const origin of ['https://evil.example', 'http://127.0.0.1:4001', 'https://127.0.0.1:4000', 'null', 'http://127.0.0.1:4000.evil.example', 'http://user@127.0.0.1:4000', 'file://']) {
      expect(isAllowedOrigin(origin, 4000), origin).toBe(false);
    }
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches(null, 'abc')).toBe(false);
  });

  it('takes the token in the address only for the event stream, and refuses it there for every operation', () => {
    const t = 'abc';
    expect(checkToken('/api/events', undefined, 'abc', t)).toBe('ok');
    expect(checkToken('/api/events', 'abc', null, t)).toBe('ok');
    expect(checkToken('/api/events', undefined, 'abd', t)).toBe('wrong');
    expect(checkToken('/api/events', undefined, null, t)).toBe('wrong');
    expect(checkToken('/api/app.info', 'abc', null, t)).toBe('ok');
    expect(checkToken('/api/app.info', undefined, null, t)).toBe('wrong');
    expect(checkToken('/api/app.info', 'abd', null, t)).toBe('wrong');
    // In the address of an operation, the token is refused even when right, even beside a right header, even empty.
    expect(checkToken('/api/app.info', undefined, 'abc', t)).toBe('in-address');
    expect(checkToken('/api/app.info', 'abc', 'abc', t)).toBe('in-address');
    expect(checkToken('/api/app.info', 'abc', '', t)).toBe('in-address');
    expect(checkToken('/api/events/x', undefined, 'abc', t)).toBe('in-address');
  });
});
