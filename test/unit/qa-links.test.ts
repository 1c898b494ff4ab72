import { describe, expect, it } from 'vitest';
import { HostSlots } from '../../electron/core/qa/host-slots';
import { refuseAddress } from '../../electron/core/qa/link-address';
import { looksLikeUnsubscribe } from '../../electron/core/qa/link-unsubscribe';
import { checkLinks, linkFindings, type LinkCheck, type LinkRef } from '../../electron/core/qa/links';

describe('which links are unsubscribe links', () => {
  it('knows them by their text or their URL, in several spellings and languages', () => {
    const urls = [
      'https://news.example.com/unsubscribe?u=1',
      'https://example.us1.list-manage.com/unsubscribe?u=abc&id=def',
      'https://example.com/unsub/abc123',
      'https://example.com/opt-out?t=1',
      'https://example.com/optout',
      'https://example.com/opt_out?t=1',
      'https://example.com/email-preferences?t=1',
      'https://example.com/ManagePreferences?id=1',
      'https://example.com/manage_preferences',
      'https://example.com/preference-center/abc',
      'https://example.com/p?action=Unsubscribe',
      'https://example.com/%75nsubscribe',
      'https://example.de/newsletter/abmelden?x=1',
      'https://example.fr/desabonnement',
      'https://example.nl/uitschrijven',
    ];
    for (const url of urls) expect(looksLikeUnsubscribe(url), url).toBe(true);
    for (const text of ['Unsubscribe', 'Opt out of these emails', 'Manage your email preferences', 'Update preferences', 'Se désinscrire', 'Darse de baja']) {
      expect(looksLikeUnsubscribe('https://click.example.com/ls/click?upn=xyz', text), text).toBe(true);
    }
  });

  it('leaves ordinary links alone', () => {
    for (const url of ['https://example.com/', 'https://example.com/products/subscribe', 'https://shop.example.com/cart?utm_source=newsletter', 'https://example.com/optics', 'https://example.com/preferred-partners']) {
      expect(looksLikeUnsubscribe(url, 'Shop now'), url).toBe(false);
    }
  });
});

describe('which addresses the link check may connect to', () => {
  const env = {};
  it('refuses every non-global address unless private ones are allowed', () => {
    const refused = [
      '10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '127.9.9.9', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.251', '255.255.255.255',
      '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1', '64:ff9b::a00:1', '2002:c0a8:0101::1', '192.0.2.1',
    ];
    for (const address of refused) {
      expect(refuseAddress(address, false, env), address).toMatchObject({ reason: 'private' });
      expect(refuseAddress(address, true, env), address).toBeNull();
    }
    expect(refuseAddress('169.254.169.254', false, env)?.range).toMatch(/link-local/);
    expect(refuseAddress('64:ff9b::a00:1', false, env)?.range).toMatch(/carries 10\.0\.0\.1/);
    for (const address of ['93.184.216.34', '2606:2800:220:1::1', '64:ff9b::5db8:d822']) expect(refuseAddress(address, false, env), address).toBeNull();
  });

  it('keeps the test suites on loopback when DELIVERLAB_LOOPBACK_ONLY=1', () => {
    const loopbackOnly = { DELIVERLAB_LOOPBACK_ONLY: '1' };
    expect(refuseAddress('93.184.216.34', true, loopbackOnly)).toMatchObject({ reason: 'loopback-only' });
    expect(refuseAddress('10.0.0.1', true, loopbackOnly)).toMatchObject({ reason: 'loopback-only' });
    expect(refuseAddress('127.0.0.5', true, loopbackOnly)).toBeNull();
    expect(refuseAddress('::1', true, loopbackOnly)).toBeNull();
  });
});

describe('request slots', () => {
  const stopped = () => new Error('stopped');
  it('bounds each host and the total, and lets another host pass a full one', async () => {
    const slots = new HostSlots(2, 3);
    const granted: string[] = [];
    const take = (host: string) => slots.acquire(host, undefined, stopped).then((free) => (granted.push(host), free));
    const a1 = take('a');
    const a2 = take('a');
    const a3 = take('a');
    const b1 = take('b');
    const c1 = take('c');
    await Promise.all([a1, a2, b1]);
    // a is full (2) and the total is full (3): a3 and c1 wait.
    expect(granted).toEqual(['a', 'a', 'b']);
    (await b1)();
    // The freed slot goes to c, first in line whose host has room; a3 still waits for a slot of a.
    await c1;
    expect(granted).toEqual(['a', 'a', 'b', 'c']);
    (await a1)();
    await a3;
    expect(granted).toEqual(['a', 'a', 'b', 'c', 'a']);
  });

  it('rejects waiters when the signal stops them', async () => {
    const slots = new HostSlots(1, 1);
    const controller = new AbortController();
    await slots.acquire('a', controller.signal, stopped);
    const waiting = slots.acquire('a', controller.signal, stopped);
    controller.abort();
    await expect(waiting).rejects.toThrow('stopped');
  });
});

describe('checkLinks without a network', () => {
  const lookup = (answers: Record<string, string[]>) => {
    const asked: string[] = [];
    const fn = async (host: string) => {
      asked.push(host);
      return (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return Object.assign(fn, { asked });
  };

  it('does not request unsubscribe links, non-http links or private addresses, and says why', async () => {
    const dns = lookup({ 'mixed.example': ['93.184.216.34', '10.0.0.7'], 'local.example': ['127.0.0.1'] });
    const links: LinkRef[] = [
      { url: 'https://news.example/u/123', kind: 'link', text: 'Unsubscribe', line: 3 },
      { url: 'https://news.example/l/456', kind: 'link', unsubscribe: true },
      { url: 'mailto:someone@example.com', kind: 'link' },
      { url: 'tel:+15550100', kind: 'link' },
      { url: 'javascript:alert(1)', kind: 'link' },
      { url: 'data:image/png;base64,iVBORw0KGgo=', kind: 'image' },
      { url: '*|ARCHIVE|*', kind: 'link' },
      { url: 'https://exa mple.com/', kind: 'link', line: 9 },
      { url: 'http://192.168.1.1/admin', kind: 'link' },
      { url: 'http://[fe80::1]/', kind: 'image' },
      { url: 'https://mixed.example/', kind: 'link' },
      { url: 'https://local.example/', kind: 'link' },
    ];
    const checks = await checkLinks(links, { allowPrivate: false, lookup: dns });
    expect(checks.map((c) => [c.reason, c.requested])).toEqual([
      ['unsubscribe', false],
      ['unsubscribe', false],
      ['not-http', false],
      ['not-http', false],
      ['not-http', false],
      ['not-http', false],
      ['not-http', false],
      ['invalid', false],
      ['private', false],
      ['private', false],
      ['private', false],
      ['private', false],
    ]);
    // Every address a name resolves to is checked: one private address among public ones refuses the name.
    expect(checks[10]?.refused).toMatchObject({ address: '10.0.0.7', range: expect.stringMatching(/private/) });
    // Unsubscribe links are not even looked up.
    expect(dns.asked).toEqual(['mixed.example', 'local.example']);
    expect(checks[0]?.line).toBe(3);
    expect(checks.every((c) => c.status === null && c.hops.length === 0 && c.ms === 0)).toBe(true);
  });

  it('refuses a name that resolves to a public address in the test suites (loopback only)', async () => {
    const checks = await checkLinks([{ url: 'https://public.example/', kind: 'link' }], { allowPrivate: true, lookup: lookup({ 'public.example': ['93.184.216.34'] }) });
    expect(checks[0]).toMatchObject({ requested: false, reason: 'loopback-only', refused: { address: '93.184.216.34' } });
  });

  it('reports a host that does not exist, without requesting anything', async () => {
    const checks = await checkLinks([{ url: 'https://nowhere.example/', kind: 'link' }], {
      allowPrivate: true,
      lookup: async () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' })),
    });
    expect(checks[0]).toMatchObject({ errorKind: 'no-host', status: null, requested: false });
  });

  it('rejects at once when stopped before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(checkLinks([{ url: 'https://example.com/', kind: 'link' }], { allowPrivate: false, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

const check = (over: Partial<LinkCheck> & { url: string }): LinkCheck => ({
  kind: 'link',
  status: 200,
  finalUrl: over.url,
  ms: 120,
  requested: true,
  hops: [{ url: over.url, status: 200 }],
  ...over,
});

describe('link findings', () => {
  it('raises nothing for a clean email', () => {
    const clean = [
      check({ url: 'https://shop.example/a?utm_source=nl&utm_medium=email&utm_campaign=may', line: 4 }),
      check({ url: 'https://shop.example/b?utm_source=nl&utm_medium=email&utm_campaign=may&utm_content=footer', line: 8 }),
      check({ url: 'https://twitter.com/shop', line: 9 }),
      // One redirect (click tracking) is normal.
      check({
        url: 'https://click.esp.example/c/1',
        hops: [
          { url: 'https://click.esp.example/c/1', status: 302 },
          { url: 'https://shop.example/c?utm_source=nl&utm_medium=email&utm_campaign=may', status: 200 },
        ],
        finalUrl: 'https://shop.example/c?utm_source=nl&utm_medium=email&utm_campaign=may',
      }),
      check({ url: 'https://img.example/logo.png', kind: 'image', bytes: 20_000, width: 200, height: 60, format: 'png', contentType: 'image/png' }),
      { ...check({ url: 'https://shop.example/unsubscribe', line: 20 }), requested: false, reason: 'unsubscribe', status: null, finalUrl: null, hops: [] },
      { ...check({ url: 'mailto:help@shop.example' }), requested: false, reason: 'not-http', status: null, finalUrl: null, hops: [] },
    ] satisfies LinkCheck[];
    expect(linkFindings(clean)).toEqual([]);
  });

  it('groups broken links into one finding, critical when one is gone for every reader', () => {
    const findings = linkFindings([
      check({ url: 'https://shop.example/gone', status: 404, line: 12 }),
      check({ url: 'https://shop.example/gone', status: 404, line: 30 }),
      check({ url: 'https://shop.example/oops', status: 500, line: 14 }),
      check({ url: 'https://slow.example/', status: null, error: 'slow.example gave no complete answer within 10000 ms', errorKind: 'timeout', line: 7 }),
    ]);
    expect(findings).toHaveLength(1);
    const [broken] = findings;
    expect(broken).toMatchObject({ code: 'link.broken', severity: 'critical', check: 'link', line: 7, title: '3 broken links' });
    expect(broken?.evidence).toContain('line 12, 30: https://shop.example/gone — HTTP 404');
    expect(broken?.evidence).toContain('within 10000 ms');
    expect(broken?.fix).toBeTruthy();
    // Without a certain failure it is a warning: a 5xx or a timeout may pass, or be a bot wall.
    expect(linkFindings([check({ url: 'https://shop.example/oops', status: 503 })])[0]).toMatchObject({ code: 'link.broken', severity: 'warning' });
  });

  it('flags broken images, and a page served where an image should be', () => {
    const findings = linkFindings([
      check({ url: 'https://img.example/a.png', kind: 'image', status: 403, line: 5 }),
      check({ url: 'https://img.example/b.png', kind: 'image', status: 200, contentType: 'text/html; charset=utf-8', bytes: 900 }),
    ]);
    expect(findings.map((f) => [f.code, f.severity])).toEqual([['image.broken', 'warning']]);
    expect(findings[0]?.evidence).toMatch(/b\.png — answers HTTP 200 with text\/html; charset=utf-8, not an image/);
  });

  it('names redirect chains, loops, downgrades and http images', () => {
    const chain = [
      { url: 'https://t.example/1', status: 302 },
      { url: 'https://bit.example/2', status: 301 },
      { url: 'https://shop.example/3', status: 200 },
    ];
    const findings = linkFindings([
      check({ url: 'https://t.example/1', hops: chain, finalUrl: 'https://shop.example/3', line: 2 }),
      check({ url: 'https://loop.example/', status: 302, hops: Array.from({ length: 6 }, () => ({ url: 'https://loop.example/', status: 302 })), error: 'more than 5 redirects', errorKind: 'too-many-redirects' }),
      check({ url: 'https://down.example/', hops: [{ url: 'https://down.example/', status: 301 }, { url: 'http://down.example/', status: 200 }], finalUrl: 'http://down.example/' }),
      check({ url: 'http://img.example/a.gif', kind: 'image', bytes: 100, format: 'gif', width: 1, height: 1 }),
    ]);
    expect(findings.map((f) => [f.code, f.severity])).toEqual([
      ['link.too-many-redirects', 'warning'],
      ['link.insecure', 'warning'],
      ['image.insecure', 'warning'],
      ['link.redirect-chain', 'info'],
    ]);
    expect(findings.find((f) => f.code === 'link.redirect-chain')?.evidence).toBe(
      'line 2: https://t.example/1 — https://t.example/1 (302) → https://bit.example/2 (301) → https://shop.example/3 (200)',
    );
    // The loop is not also called broken.
    expect(findings.some((f) => f.code === 'link.broken')).toBe(false);
  });

  it('finds missing and inconsistent UTM parameters on the sender\'s own links only', () => {
    const findings = linkFindings([
      check({ url: 'https://shop.example/a?utm_source=newsletter&utm_medium=email&utm_campaign=may', line: 1 }),
      check({ url: 'https://www.shop.example/b?utm_source=Newsletter&utm_medium=email&utm_campaign=may', line: 2 }),
      check({ url: 'https://shop.example/c', line: 3 }),
      check({ url: 'https://shop.example/d?utm_source=newsletter', line: 4 }),
      check({ url: 'https://facebook.com/shop', line: 5 }),
    ]);
    expect(findings.map((f) => [f.code, f.severity, f.line])).toEqual([
      ['link.utm-missing', 'info', 3],
      ['link.utm-inconsistent', 'info', 1],
    ]);
    const missing = findings[0];
    expect(missing?.evidence).toBe('line 3: https://shop.example/c — no utm_source, utm_medium, utm_campaign\nline 4: https://shop.example/d?utm_source=newsletter — no utm_medium, utm_campaign');
    expect(findings[1]?.detail).toMatch(/utm_source has 2 values \("newsletter", "Newsletter"\)/);
  });

  it('weighs images one by one and together, and names slow answers', () => {
    const heavy = check({ url: 'https://img.example/hero.jpg', kind: 'image', bytes: 900 * 1024, width: 2400, height: 1600, format: 'jpeg', line: 6 });
    const many = Array.from({ length: 5 }, (_, i) => check({ url: `https://img.example/p${i}.png`, kind: 'image', bytes: 300 * 1024, format: 'png', width: 600, height: 400 }));
    const slow = check({ url: 'https://slow.example/', ms: 4200, line: 11 });
    const findings = linkFindings([heavy, ...many, { ...many[0], line: 40 } as LinkCheck, slow]);
    expect(findings.map((f) => [f.code, f.severity])).toEqual([
      ['image.heavy', 'warning'],
      ['image.total-weight', 'warning'],
      ['link.slow', 'info'],
    ]);
    expect(findings[0]?.evidence).toBe('line 6: https://img.example/hero.jpg — 900 KiB, 2400×1600 px');
    // The same image shown twice is downloaded once: 900 KiB + 5 × 300 KiB.
    expect(findings[1]?.title).toBe('Images weigh 2.3 MiB together');
    expect(findings[2]?.evidence).toBe('line 11: https://slow.example/ — 4.2 s');
  });

  it('names links to private addresses, and redirects into them', () => {
    const findings = linkFindings([
      { ...check({ url: 'http://192.168.1.20/promo' }), requested: false, status: null, finalUrl: null, hops: [], reason: 'private', refused: { address: '192.168.1.20', range: '192.168.0.0/16, private (RFC 1918)' }, line: 8 },
      { ...check({ url: 'https://t.example/x', status: 302 }), hops: [{ url: 'https://t.example/x', status: 302 }], finalUrl: 'http://10.0.0.5/', reason: 'private', refused: { address: '10.0.0.5', range: '10.0.0.0/8, private (RFC 1918)' } },
    ]);
    expect(findings.map((f) => [f.code, f.severity, f.line])).toEqual([['link.private', 'warning', 8]]);
    expect(findings[0]?.evidence).toBe(
      'line 8: http://192.168.1.20/promo — 192.168.1.20 (192.168.0.0/16, private (RFC 1918))\nhttps://t.example/x — redirects to http://10.0.0.5/, 10.0.0.5 (10.0.0.0/8, private (RFC 1918))',
    );
  });
});
