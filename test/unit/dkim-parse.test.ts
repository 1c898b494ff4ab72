import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG, MAX_SELECTORS, providerHints, selectorCandidates, withoutTestingFlag } from '../../electron/core/audit/dkim';
import { isValidSelector, looksLikeDkimKey, parseDkimKey } from '../../electron/core/audit/dkim-parse';
import type { SpfTerm } from '../../electron/core/audit/types';
import { conformancePath } from '../helpers/conformance';

const conformance = conformancePath('dkim', 'rfc8463-mailauth', 'dns.json');

describe('DKIM key records (RFC 6376 §3.6.1)', () => {
  it('reads the RFC 8463 Appendix A keys: Ed25519 and a 1024-bit RSA key in several strings', () => {
    const dns = JSON.parse(readFileSync(conformance, 'utf8')) as Record<string, { TXT: string[][] }>;
    const ed = parseDkimKey((dns['brisbane._domainkey.football.example.com']?.TXT[0] ?? []).join(''));
    expect(ed).toMatchObject({ keyType: 'ed25519', keyBits: 256, revoked: false, testing: false, problems: [] });
    const rsa = parseDkimKey((dns['test._domainkey.football.example.com']?.TXT[0] ?? []).join(''));
    expect(rsa).toMatchObject({ keyType: 'rsa', keyBits: 1024, problems: [] });
  });

  it('defaults k to rsa, reads t= flags, ignores unknown tags and whitespace inside p=', () => {
    const dns = JSON.parse(readFileSync(conformance, 'utf8')) as Record<string, { TXT: string[][] }>;
    const p = (dns['test._domainkey.football.example.com']?.TXT[0] ?? []).join('').split('p=')[1] as string;
    const spaced = `v=DKIM1; t = y:s ; x_custom=1; n=a note here; p=${p.slice(0, 40)} ${p.slice(40, 90)}\t${p.slice(90)};`;
    expect(parseDkimKey(spaced)).toMatchObject({ keyType: 'rsa', keyBits: 1024, testing: true, strict: true, problems: [] });
  });

  it('treats an empty p= as revoked, not broken', () => {
    expect(parseDkimKey('v=DKIM1; p=')).toMatchObject({ revoked: true, keyBits: null, problems: [] });
  });

  it.each([
    ['v=DKIM1; k=rsa', /no p= tag/],
    ['v=DKIM1; p=@@@@', /not valid base64/],
    ['v=DKIM1; p=AAAA', /does not hold an RSA public key/],
    ['v=DKIM2; p=', /only version is DKIM1/],
    ['k=rsa; v=DKIM1; p=', /v= must be the first tag/],
    ['v=DKIM1; p=; p=', /more than once/],
    ['v=DKIM1; k=dsa; p=AAAA', /k=dsa is not a key type/],
    ['v=DKIM1; k=ed25519; p=AAAA', /holds 3 bytes; an Ed25519 key is 32 bytes/],
    ['v=DKIM1; s=tlsrpt; p=', /does not include "email"/],
    ['v=DKIM1; h=sha1; p=', /RFC 8301 forbids sha1/],
    ['v=DKIM1; garbage; p=', /not a tag=value pair/],
    // RFC 6376 §3.2: tag-name = ALPHA *ALNUMPUNC (letters, digits, underscore).
    ['v=DKIM1; x-custom=1; p=', /not start with a valid tag name/],
  ])('%j: %s', (record, problem) => {
    const parsed = parseDkimKey(record);
    expect(parsed.problems.join('; ')).toMatch(problem);
  });

  it('accepts s=email and h=sha1:sha256', () => {
    expect(parseDkimKey('v=DKIM1; s=email:*; h=sha1:sha256; p=').problems).toEqual([]);
  });

  it.each([
    ['v=DKIM1; p=abc', true],
    ['k=rsa; p=abc', true],
    ['p=abc', true],
    ['v=spf1 -all', false],
    ['v=DMARC1; p=reject', false],
    ['google-site-verification=abc', false],
  ])('%j looks like a key record: %s', (txt, expected) => {
    expect(looksLikeDkimKey(txt)).toBe(expected);
  });

  it('removes only the y flag from t=', () => {
    expect(withoutTestingFlag('v=DKIM1; t=y; p=abc')).toBe('v=DKIM1; p=abc');
    expect(withoutTestingFlag('v=DKIM1; t=y:s; p=abc')).toBe('v=DKIM1; t=s; p=abc');
    expect(withoutTestingFlag('v=DKIM1; p=abc; t=s:y;')).toBe('v=DKIM1; p=abc; t=s');
  });
});

describe('selector candidates', () => {
  const terms = (...values: string[]): SpfTerm[] =>
    values.map((v) => ({ text: `include:${v}`, kind: 'mechanism', name: 'include', value: v, lookup: true, macro: false }));

  it('collects MX hosts and include/redirect targets from the SPF record and its tree', () => {
    const hints = providerHints(['ASPMX.L.GOOGLE.COM.'], terms('_spf.example.com'), {
      domain: 'example.com',
      record: 'v=spf1 include:_spf.example.com -all',
      terms: [
        {
          ...terms('_spf.example.com')[0]!,
          cost: 2,
          voids: 0,
          child: { domain: '_spf.example.com', record: 'v=spf1 include:sendgrid.net -all', terms: [{ ...terms('sendgrid.net')[0]!, cost: 1, voids: 0 }] },
        },
      ],
    });
    expect(hints.sort()).toEqual(['_spf.example.com', 'aspmx.l.google.com', 'sendgrid.net']);
  });

  it('puts user-named, then message-seen, then provider, then built-in selectors, each once', () => {
    const list = selectorCandidates(['spf.protection.outlook.com', 'mxa.mailgun.org'], { selectors: ['Custom', 'google'], seenSelectors: ['custom', 'seen1'] });
    expect(list.slice(0, 4)).toEqual([
      { selector: 'custom', source: 'user' },
      { selector: 'google', source: 'user', provider: 'Google Workspace' },
      { selector: 'seen1', source: 'message' },
      { selector: 'selector1', source: 'provider', provider: 'Microsoft 365' },
    ]);
    expect(list.find((c) => c.selector === 'mailo')).toEqual({ selector: 'mailo', source: 'provider', provider: 'Mailgun' });
    expect(list.find((c) => c.selector === 'default')?.source).toBe('builtin');
    expect(new Set(list.map((c) => c.selector)).size).toBe(list.length);
  });

  it('takes the selector out of a full key name the user pasted', () => {
    expect(selectorCandidates([], { selectors: ['S1._domainkey.example.com', 'k9._domainkey'] }).slice(0, 2)).toEqual([
      { selector: 's1', source: 'user', provider: 'SendGrid' },
      { selector: 'k9', source: 'user' },
    ]);
  });

  it('matches provider hosts on label boundaries only', () => {
    expect(selectorCandidates(['notsendgrid.net'], {}).find((c) => c.selector === 'smtpapi')).toBeUndefined();
    expect(selectorCandidates(['o1.sendgrid.net'], {}).find((c) => c.selector === 'smtpapi')).toBeDefined();
  });

  it('drops names that cannot be selectors and stays within the bound', () => {
    const many = Array.from({ length: 200 }, (_, i) => `u${i}`);
    const list = selectorCandidates([], { selectors: ['bad name', '../x', '', ...many] });
    expect(list).toHaveLength(MAX_SELECTORS);
    expect(list.every((c) => isValidSelector(c.selector))).toBe(true);
    expect(list[0]).toEqual({ selector: 'u0', source: 'user' });
  });

  it('has a built-in list that covers the common providers, every name valid', () => {
    const names = BUILTIN_CATALOG.selectors.map((s) => s.selector);
    for (const name of ['default', 'google', 'selector1', 'selector2', 'k1', 'k2', 'k3', 's1', 's2', 'dkim', 'mail', 'smtp', 'mandrill', 'mxvault', 'everlytickey1', 'everlytickey2', 'eversrv', 'pm', 'fm1', 'protonmail', 's1024', 'zmail']) {
      expect(names).toContain(name);
    }
    expect(new Set(names).size).toBe(names.length);
    expect([...names, ...BUILTIN_CATALOG.providers.flatMap((p) => p.selectors)].every(isValidSelector)).toBe(true);
    expect(BUILTIN_CATALOG.selectors.length + BUILTIN_CATALOG.providers.flatMap((p) => p.selectors).length).toBeLessThan(MAX_SELECTORS * 2);
  });
});

describe('DKIM check without a usable resolver', () => {
  it('ends in status error, not a finding, when every lookup fails', async () => {
    const { checkDkim } = await import('../../electron/core/audit/dkim');
    const { DnsError } = await import('../../electron/core/dns/session');
    const ctx = {
      domain: 'example.test',
      options: { selectors: ['s1'] },
      skipped: () => false,
      dns: { resolveTxt: (name: string) => Promise.reject(new DnsError('ESERVFAIL', name, 'TXT')) },
      need: (id: string) =>
        Promise.resolve(id === 'mx' ? { status: 'error', hosts: [], nullMx: false } : { status: 'error', record: null, records: [], terms: [], lookups: 0, all: null }),
    } as unknown as Parameters<typeof checkDkim>[0];
    const out = await checkDkim(ctx);
    expect(out.findings).toEqual([]);
    expect(out.check).toMatchObject({ status: 'error', error: 'ESERVFAIL', selectors: [] });
    expect(out.check.failed?.length).toBe(out.check.tried.length);
  });
});
