/**
 * DKIM and ARC as the RFCs read them, with the lenient reading beside it.
 *
 * Every signature here is made by hand (dkim-craft.ts) with a key published in a loopback zone, so
 * that it is broken in exactly one way: rsa-sha1, no v=, a missing c= on a message whose header and
 * body canonicalize differently, a body changed after signing, an unknown a= or c=, ARC-Seal tags
 * twice or in upper case, an ARC-Message-Signature without c=.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMessage } from '../../electron/core/message/analyze';
import type { MessageAnalysis } from '../../electron/core/message/types';
import { arcSeal, render, signField, type ArcSpec, type Draft, type SignSpec } from '../helpers/dkim-craft';
import { parseZone, rsaKeyTxt, startDnsServer, type DnsServer } from '../lab/dns-server';

const key = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const DOMAIN = 'strict.m1.test';

let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({
    zone: parseZone(
      [
        `${DOMAIN}. TXT "v=spf1 ip4:192.0.2.10 -all"`,
        `_dmarc.${DOMAIN}. TXT "v=DMARC1; p=reject"`,
        `k1._domainkey.${DOMAIN}. TXT ${rsaKeyTxt(key.publicKey)}`,
        `arc._domainkey.fwd.m1.test. TXT ${rsaKeyTxt(key.publicKey)}`,
      ].join('\n'),
    ),
  });
});
afterAll(() => server?.close());

// Runs of spaces in a header and trailing white space in the body: simple and relaxed differ.
const BASE: Draft = {
  headers: [
    `Return-Path: <bounce@${DOMAIN}>`,
    `From: Alice <alice@${DOMAIN}>`,
    'To: bob@receiver.example',
    'Subject:  Quarterly   numbers ',
    'Date: Tue, 29 Aug 2023 16:00:00 +0000',
    `Message-ID: <1@${DOMAIN}>`,
  ],
  body: 'Hello Bob,  \r\n\r\nthe numbers\t are in.\r\n\r\n',
};
const H = ['from', 'to', 'subject', 'date', 'message-id'];

/** Tags as a well-behaved signer writes them; a test changes one thing. */
const tags = (over: { a?: string; c?: string | null; v?: boolean } = {}): SignSpec['tags'] => [
  ...(over.v === false ? [] : [['v', '1'] as [string, string]]),
  ['a', over.a ?? 'rsa-sha256'],
  ...(over.c === null ? [] : [['c', over.c ?? 'relaxed/relaxed'] as [string, string]]),
  ['d', DOMAIN],
  ['s', 'k1'],
  ['h', H.join(':')],
  ['bh', null],
];

function signed(t: SignSpec['tags'], spec: Partial<SignSpec> = {}, m: Draft = BASE): Draft {
  const field = signField(m, { tags: t, signed: H, headerCanon: 'relaxed', bodyCanon: 'relaxed', hash: 'sha256', privateKey: key.privateKey, ...spec });
  return { headers: [field, ...m.headers], body: m.body };
}

function sealed(over: Partial<ArcSpec> = {}): Draft {
  return arcSeal(BASE, {
    domain: 'fwd.m1.test',
    selector: 'arc',
    privateKey: key.privateKey,
    results: 'mx.fwd.m1.test; dkim=pass header.d=strict.m1.test',
    amsTags: [['c', 'relaxed/relaxed'], ['t', '1693324800'], ['h', H.join(':')]],
    amsCanon: ['relaxed', 'relaxed'],
    signed: H,
    sealTags: [['i', '1'], ['a', 'rsa-sha256'], ['t', '1693324800'], ['cv', 'none'], ['d', 'fwd.m1.test'], ['s', 'arc']],
    ...over,
  });
}

/** From an IP outside the SPF record: DMARC rests on DKIM alone. */
const analyse = (m: Draft | string, extra: string[] = []) =>
  analyzeMessage(Buffer.from(typeof m === 'string' ? m : render({ headers: [...extra, ...m.headers], body: m.body }), 'latin1'), {
    dns: { servers: [{ address: '127.0.0.1', port: server.port }], timeoutMs: 1000, tries: 1 },
    ip: '198.51.100.7',
    helo: 'mx.fwd.m1.test',
    mailFrom: `bounce@${DOMAIN}`,
  });

const dkimFindings = (a: MessageAnalysis) => a.findings.filter((f) => f.code === 'auth.dkim-fail');

describe('DKIM as RFC 6376 and RFC 8301 read it', () => {
  it('a well-formed signature passes, with nothing said about lenient receivers', async () => {
    const a = await analyse(signed(tags()));
    expect(a.auth.dkim).toEqual([expect.objectContaining({ result: 'pass', aligned: true })]);
    expect(a.auth.dkim[0]?.lenient).toBeUndefined();
    expect(a.auth.dmarc.result).toBe('pass');
    expect(a.auth.dmarc.lenient).toBeUndefined();
    expect(dkimFindings(a)).toEqual([]);
  });

  it('refuses rsa-sha1 (RFC 8301 §3.1), says lenient receivers would pass it, and fails DMARC on the strict result', async () => {
    const a = await analyse(signed(tags({ a: 'rsa-sha1' }), { hash: 'sha1' }));
    const sig = a.auth.dkim[0];
    expect(sig).toMatchObject({ result: 'policy', algorithm: 'rsa-sha1', comment: 'weak algorithm', lenient: { result: 'pass' } });
    expect(sig?.lenient?.why).toMatch(/rsa-sha1 is still accepted by many receivers.*RFC 8301 §3\.1/);
    expect(a.auth.dmarc).toMatchObject({ result: 'fail', lenient: { result: 'pass' } });
    expect(a.auth.dmarc.lenient?.why).toContain(`d=${DOMAIN}`);
    const [f] = dkimFindings(a);
    expect(f).toMatchObject({ severity: 'critical', title: `DKIM signature by ${DOMAIN} (selector k1) policy: rsa-sha1`, refs: ['RFC 8301 §3.1'] });
    expect(f?.detail).toMatch(/RFC 8301 §3\.1.*Lenient receivers would report pass: rsa-sha1 is still accepted/);
    expect(f?.fix).toContain('a=rsa-sha256');
    const dmarc = a.findings.find((x) => x.code === 'auth.dmarc-fail');
    expect(dmarc?.detail).toContain('Lenient receivers would report DMARC pass');
  });

  it('refuses a signature without v= (RFC 6376 §3.5) as neutral, naming the missing tag', async () => {
    const a = await analyse(signed(tags({ v: false })));
    expect(a.auth.dkim[0]).toMatchObject({ result: 'neutral', comment: 'signature missing required tag', lenient: { result: 'pass' } });
    expect(a.auth.dkim[0]?.explanation).toMatch(/no v=.*RFC 6376|RFC 6376: no v=/);
    expect(a.auth.dkim[0]?.lenient?.why).toMatch(/without v=/);
    expect(a.auth.dmarc).toMatchObject({ result: 'fail', lenient: { result: 'pass' } });
    expect(dkimFindings(a)[0]?.title).toBe(`DKIM signature by ${DOMAIN} (selector k1) neutral: required tag missing`);
  });

  it('fails a body changed after signing (RFC 6376 §6.1.3), where lenient receivers say neutral', async () => {
    const m = signed(tags());
    const a = await analyse({ ...m, body: m.body.replace('numbers', 'Numbers') });
    expect(a.auth.dkim[0]).toMatchObject({ result: 'fail', bodyHash: { match: false }, lenient: { result: 'neutral' } });
    expect(a.auth.dkim[0]?.lenient?.why).toMatch(/RFC 6376 §6\.1\.3/);
    expect(dkimFindings(a)[0]?.title).toBe(`DKIM signature by ${DOMAIN} (selector k1) body hash does not match`);
    // Neither reading passes, so DMARC is the same in both.
    expect(a.auth.dmarc.result).toBe('fail');
    expect(a.auth.dmarc.lenient).toBeUndefined();
  });

  it('reads a missing c= as simple/simple (RFC 6376 §3.5), never as relaxed', async () => {
    const relaxed = await analyse(signed(tags({ c: null }), { headerCanon: 'relaxed', bodyCanon: 'relaxed' }));
    expect(relaxed.auth.dkim[0]).toMatchObject({ result: 'fail', canonicalization: 'simple/simple', bodyHash: { match: false } });
    const simple = await analyse(signed(tags({ c: null }), { headerCanon: 'simple', bodyCanon: 'simple' }));
    expect(simple.auth.dkim[0]).toMatchObject({ result: 'pass', canonicalization: 'simple/simple' });
  });

  it('reports a signature with an unknown algorithm or canonicalization as neutral, not as no signature (RFC 8601 §2.7.1)', async () => {
    for (const [t, comment, title] of [
      [tags({ a: 'rsa-sha512' }), 'unknown algorithm', 'unknown algorithm'],
      [tags({ c: 'fancy/relaxed' }), 'unknown canonicalization', 'unknown canonicalization'],
    ] as const) {
      const a = await analyse(signed(t));
      expect(a.auth.dkim, comment).toEqual([expect.objectContaining({ domain: DOMAIN, selector: 'k1', result: 'neutral', comment, lenient: expect.objectContaining({ result: 'none' }) })]);
      expect(a.auth.dkim[0]?.explanation).toMatch(/never as a message without one/);
      expect(a.auth.dkim[0]?.lenient?.why).toMatch(/not signed/);
      const found = dkimFindings(a);
      expect(found.map((f) => f.title)).toEqual([`DKIM signature by ${DOMAIN} (selector k1) neutral: ${title}`]);
      expect(found.some((f) => f.title === 'The message is not DKIM-signed')).toBe(false);
    }
  });

  it('names an upper-case or repeated tag as the problem (RFC 6376 §3.2), not the algorithm it hides', async () => {
    const upper = tags().map(([n, v]): [string, string | null] => [n === 'a' ? 'A' : n, v]);
    const a = await analyse(signed(upper));
    expect(a.auth.dkim[0]).toMatchObject({ result: 'neutral', comment: 'signature syntax error', lenient: { result: 'pass' } });
    expect(a.auth.dkim[0]?.explanation).toMatch(/A= in upper case/);
    expect(a.auth.dkim[0]?.explanation).not.toMatch(/not a signing algorithm/);
    expect(a.auth.dkim[0]?.lenient?.why).toMatch(/RFC 6376 §3\.2/);
    expect(dkimFindings(a)[0]?.title).toBe(`DKIM signature by ${DOMAIN} (selector k1) neutral: tag list invalid`);
    const twice = await analyse(signed([...tags(), ['s', 'k1']]));
    expect(twice.auth.dkim[0]).toMatchObject({ result: 'neutral', lenient: { result: 'pass' } });
    expect(twice.auth.dkim[0]?.explanation).toMatch(/s= more than once/);
  });

  it('explains to the receiver comparison that the receiver read the signature leniently', async () => {
    const m = signed(tags({ a: 'rsa-sha1' }), { hash: 'sha1' });
    const a = await analyse(m, [`Authentication-Results: mx.receiver.example; dkim=pass header.d=${DOMAIN} header.s=k1; dmarc=pass header.from=${DOMAIN}`]);
    const dkim = a.receiver.differences.find((d) => d.method.startsWith('dkim'));
    expect(dkim).toMatchObject({ receiver: 'pass', ours: 'policy' });
    expect(dkim?.note).toMatch(/^The receiver reads it leniently, as many do: rsa-sha1 is still accepted/);
    expect(a.receiver.differences.find((d) => d.method === 'dmarc')?.note).toMatch(/reads it leniently/);
  });
});

describe('ARC as RFC 8617 reads it', () => {
  it('passes a well-formed seal, with nothing said about lenient receivers', async () => {
    const a = await analyse(sealed());
    expect(a.auth.arc).toEqual({ result: 'pass', instances: 1, comment: expect.any(String) });
  });

  it('fails an ARC-Seal with a tag twice (RFC 6376 §3.2 via RFC 8617 §4.1), which lenient receivers pass', async () => {
    const a = await analyse(sealed({ sealTags: [['i', '1'], ['a', 'rsa-sha256'], ['t', '1693324800'], ['cv', 'none'], ['d', 'fwd.m1.test'], ['s', 'arc'], ['t', '1693324800']] }));
    expect(a.auth.arc).toMatchObject({ result: 'fail', instances: 1, comment: expect.stringContaining('duplicate tag'), lenient: { result: 'pass' } });
    expect(a.auth.arc.lenient?.why).toMatch(/RFC 6376 §3\.2/);
    const f = a.findings.find((x) => x.code === 'auth.arc-fail');
    expect(f?.title).toBe('The ARC chain (1 instance) is broken');
    expect(f?.detail).toContain('Lenient receivers would report ARC pass');
    expect(f?.fix).toMatch(/each tag once with lower-case names/);
  });

  it('fails an ARC-Seal with an upper-case tag name: CV= is not cv= (RFC 6376 §3.2)', async () => {
    const a = await analyse(sealed({ sealTags: [['i', '1'], ['a', 'rsa-sha256'], ['t', '1693324800'], ['CV', 'none'], ['d', 'fwd.m1.test'], ['s', 'arc']] }));
    expect(a.auth.arc).toMatchObject({ result: 'fail', comment: expect.stringContaining('missing cv='), lenient: { result: 'pass' } });
  });

  it('reads an ARC-Message-Signature without c= as simple/simple, so one hashed relaxed fails', async () => {
    const relaxed = await analyse(sealed({ amsTags: [['t', '1693324800'], ['h', H.join(':')]], amsCanon: ['relaxed', 'relaxed'] }));
    expect(relaxed.auth.arc).toMatchObject({ result: 'fail', lenient: { result: 'pass' } });
    expect(relaxed.auth.arc.lenient?.why).toMatch(/no c=.*simple\/simple/);
    const simple = await analyse(sealed({ amsTags: [['t', '1693324800'], ['h', H.join(':')]], amsCanon: ['simple', 'simple'] }));
    expect(simple.auth.arc).toEqual({ result: 'pass', instances: 1, comment: expect.any(String) });
  });
});
