/**
 * audit.spf-check (the app's SPF tester and `deliverlab spf`) through dispatch, against the fixture
 * zones: which identity is checked (RFC 7208 §2.3, §2.4), the exp= explanation (§6.2), and a
 * malformed envelope domain (§4.3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import type { SpfCheckOutput } from '../../electron/core/spf/types';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let dns: DnsServer;
let api: Api;
beforeAll(async () => {
  dns = await startDnsServer({ zone: loadZoneFixtures() });
  api = createApi({ dbPath: null, resolverDefault: `127.0.0.1:${dns.port}`, transport: 'cli', version: '0', emit: () => {} });
});
afterAll(async () => {
  api?.close();
  await dns?.close();
});

const check = (input: Record<string, unknown>) => api.dispatch('audit.spf-check', input) as Promise<SpfCheckOutput>;

describe('audit.spf-check', () => {
  it('checks MAIL FROM postmaster@<domain> by default, and a local part at the domain', async () => {
    expect(await check({ domain: 'good.test', ip: '198.51.100.7' })).toMatchObject({ identity: 'mailfrom', result: 'pass', mailFrom: 'postmaster@good.test', domain: 'good.test' });
    expect(await check({ domain: 'good.test', ip: '203.0.113.9', mailFrom: 'news' })).toMatchObject({ identity: 'mailfrom', result: 'fail', mailFrom: 'news@good.test' });
  });

  it('checks the HELO identity on its own when a HELO name comes without a MAIL FROM (RFC 7208 §2.3)', async () => {
    // good.test lets 192.0.2.77 send; the HELO name's own policy ("a": 192.0.2.40) does not.
    const out = await check({ domain: 'good.test', ip: '192.0.2.77', helo: 'mail.helo.spf.test' });
    expect(out).toMatchObject({ identity: 'helo', result: 'fail', domain: 'mail.helo.spf.test', mailFrom: 'postmaster@mail.helo.spf.test' });
    expect(await check({ ip: '192.0.2.40', helo: 'mail.helo.spf.test' })).toMatchObject({ identity: 'helo', result: 'pass' });
    // RFC 7208 §2.4: a null reverse-path is the HELO identity too.
    expect(await check({ ip: '192.0.2.40', helo: 'mail.helo.spf.test', mailFrom: '<>' })).toMatchObject({ identity: 'helo', result: 'pass' });
  });

  it('checks a MAIL FROM in another domain for that domain, and keeps its helo', async () => {
    const out = await check({ domain: 'good.test', ip: '198.51.100.7', mailFrom: 'news@exp.spf.test', helo: 'mx.good.test' });
    expect(out).toMatchObject({ identity: 'mailfrom', result: 'fail', domain: 'exp.spf.test', mailFrom: 'news@exp.spf.test', helo: 'mx.good.test' });
    expect(await check({ ip: '192.0.2.5', mailFrom: 'news@exp.spf.test' })).toMatchObject({ result: 'pass', domain: 'exp.spf.test' });
  });

  it('gives the domain owner’s exp= explanation on fail, macros expanded (RFC 7208 §6.2)', async () => {
    const fail = await check({ domain: 'exp.spf.test', ip: '203.0.113.9', mailFrom: 'billing' });
    expect(fail.result).toBe('fail');
    expect(fail.explanation).toBe("203.0.113.9 is not one of exp.spf.test's mail servers: see https://exp.spf.test/spf (sender billing)");
    expect((await check({ domain: 'good.test', ip: '203.0.113.9' })).explanation).toBeUndefined();
  });

  it.each([
    { mailFrom: 'news@bad..example' },
    { mailFrom: 'news@[192.0.2.1]' },
    { mailFrom: 'news@' },
    { helo: '[192.0.2.1]' },
    { helo: 'localhost' },
  ])('gives none for a malformed envelope domain %j, per RFC 7208 §4.3', async (envelope) => {
    expect((await check({ domain: 'good.test', ip: '192.0.2.1', ...envelope })).result).toBe('none');
  });

  it.each([
    [{ ip: '192.0.2.1' }, /domain: Name one domain, or give a full MAIL FROM address or a HELO name/],
    [{ ip: '192.0.2.1', mailFrom: 'news' }, /domain: Name one domain/],
    [{ domain: '192.0.2.1', ip: '192.0.2.1' }, /domain: Not a valid domain name: it is an IPv4 address/],
    [{ domain: 'good.test', ip: '192.0.2.1', helo: 'mx\r\n.good.test' }, /helo: it contains a control character \(U\+000D\)/],
  ])('refuses %j', async (input, message) => {
    await expect(check(input)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(message) });
  });
});
