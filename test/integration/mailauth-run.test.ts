/**
 * runMailauth (mailauth's steps without its stream parser) must give exactly what mailauth's own
 * authenticate() gives: every message of the conformance corpus, the bench's signed marketing
 * mail, and messages built to reach each branch of the orchestration (ARC, BIMI, strict DKIM
 * alignment, several From fields, l=, line-end mixes, header-only and empty-header input, and
 * signatures the RFCs refuse but lenient verifiers accept).
 *
 * Both readings are held to it. By default runMailauth is authenticate(), result for result. With
 * `strict` (what analysis uses) its DKIM and ARC results are authenticate({ strict: true })'s, and
 * its `lenient` reading, where it runs, is authenticate()'s; where it does not run, authenticate()
 * gives the same result words as the strict reading.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { authenticate, dkimSign, sealMessage } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsSession } from '../../electron/core/dns/session';
import { lenientWord, runMailauth, splitHeader, withCrlf, type MailauthRunResult } from '../../electron/core/message/mailauth-run';
import { benchMessages } from '../helpers/bench-messages';
import { conformancePath } from '../helpers/conformance';
import { arcSeal, render, signField, type Draft } from '../helpers/dkim-craft';
import { parseZone, rfc8463ZoneLines, rsaKeyTxt, startDnsServer, type DnsServer } from '../lab/dns-server';

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const org = rsa();
const sub = rsa();
const fwd = rsa();

/** Branches of authenticate's orchestration that the corpus alone may not reach. */
function edgeZone(): string {
  return [
    `org.mr.test. TXT "v=spf1 ip4:192.0.2.10 -all"`,
    `_dmarc.org.mr.test. TXT "v=DMARC1; p=reject; adkim=s; aspf=r"`,
    `o1._domainkey.org.mr.test. TXT ${rsaKeyTxt(org.publicKey)}`,
    `s1._domainkey.sub.org.mr.test. TXT ${rsaKeyTxt(sub.publicKey)}`,
    `default._bimi.org.mr.test. TXT "v=BIMI1; l=https://org.mr.test/logo.svg; a="`,
    `relaxed.mr.test. TXT "v=spf1 ip4:192.0.2.10 ~all"`,
    `_dmarc.relaxed.mr.test. TXT "v=DMARC1; p=quarantine"`,
    `s1._domainkey.mail.relaxed.mr.test. TXT ${rsaKeyTxt(sub.publicKey)}`,
    `arc._domainkey.fwd.mr.test. TXT ${rsaKeyTxt(fwd.publicKey)}`,
    ...rfc8463ZoneLines(),
  ].join('\n');
}

const text = (from: string, extra: string[] = [], body = 'Hello,\r\n\r\nthe numbers are in.\r\n') =>
  [`From: ${from}`, 'To: bob@receiver.example', 'Subject: Numbers', 'Date: Tue, 29 Aug 2023 16:00:00 +0000', 'Message-ID: <1@mr.test>', ...extra, '', body].join('\r\n');

async function sign(message: string, key: { signingDomain: string; selector: string; privateKey: string }, extra: Record<string, unknown> = {}): Promise<string> {
  const signed = await dkimSign(message, { ...key, signatureData: [{ ...key, ...extra }], canonicalization: 'relaxed/relaxed' });
  if (signed.errors.length) throw new Error(JSON.stringify(signed.errors));
  return signed.signatures + message;
}

async function edgeMessages(): Promise<{ name: string; raw: Buffer; ip?: string; helo?: string; sender?: string }[]> {
  const orgKey = { signingDomain: 'org.mr.test', selector: 'o1', privateKey: org.privateKey };
  const subKey = { signingDomain: 'sub.org.mr.test', selector: 's1', privateKey: sub.privateKey };
  const relaxedKey = { signingDomain: 'mail.relaxed.mr.test', selector: 's1', privateKey: sub.privateKey };
  const plain = text('Alice <alice@org.mr.test>');
  const both = await sign(await sign(plain, subKey), orgKey);
  const subOnly = await sign(plain, subKey);
  const relaxed = await sign(text('News <news@relaxed.mr.test>'), relaxedKey);
  const withL = await sign(plain, orgKey, { maxBodyLength: 20 });
  const sealedBase = await sign(plain, orgKey);
  const seal = await sealMessage(Buffer.from(sealedBase), { signingDomain: 'fwd.mr.test', selector: 'arc', privateKey: fwd.privateKey, authResults: 'fwd.mr.test; dkim=pass header.d=org.mr.test', cv: 'none' });
  const sealed = seal.toString() + sealedBase;
  const big = await sign(text('Alice <alice@org.mr.test>', [], `${'x'.repeat(70)}\r\n`.repeat(2400)), orgKey);
  // Over two of runMailauth's 1 MiB body slices, with runs of spaces for relaxed canonicalization to fold across them.
  const huge = await sign(text('Alice <alice@org.mr.test>', [], `${'y'.repeat(61)}   \t \r\n`.repeat(40_000)), orgKey);
  return [
    { name: 'strict alignment: org and subdomain signatures', raw: Buffer.from(both), ip: '192.0.2.10', sender: 'bounce@org.mr.test' },
    { name: 'strict alignment: subdomain signature only, SPF from another IP', raw: Buffer.from(subOnly), ip: '198.51.100.7', sender: 'bounce@org.mr.test' },
    { name: 'strict alignment: subdomain signature broken', raw: Buffer.from(subOnly.replace('numbers are in', 'numbers are out')), ip: '198.51.100.7' },
    { name: 'relaxed alignment through a subdomain signature', raw: Buffer.from(relaxed), ip: '203.0.113.5', helo: 'out.relaxed.mr.test' },
    { name: 'l= with a footer added', raw: Buffer.from(`${withL}-- \r\nfooter\r\n`), ip: '192.0.2.10' },
    { name: 'ARC sealed, intact', raw: Buffer.from(sealed), ip: '198.51.100.7' },
    { name: 'ARC sealed, body edited', raw: Buffer.from(sealed.replace('numbers are in', 'numbers were in')), ip: '198.51.100.7' },
    { name: 'body over one 64 KiB stream chunk', raw: Buffer.from(big), ip: '192.0.2.10', sender: 'alice@org.mr.test' },
    { name: 'body over two 1 MiB slices', raw: Buffer.from(huge), ip: '192.0.2.10' },
    { name: 'body over two 1 MiB slices, edited near the end', raw: Buffer.from(huge.replace(/y{61} {3}\t \r\n$/, 'z\r\n')), ip: '192.0.2.10' },
    { name: 'signed CRLF message later saved with bare LF in the body', raw: Buffer.from(both.replace('Hello,\r\n\r\n', 'Hello,\n\n')), ip: '192.0.2.10' },
    { name: 'whole message with Unix line ends', raw: Buffer.from(both.replaceAll('\r\n', '\n')), ip: '192.0.2.10' },
    { name: 'bare CR inside a header', raw: Buffer.from(text('Alice <alice@org.mr.test>', ['X-Odd: a\rb'])), ip: '192.0.2.10' },
    { name: 'two From fields', raw: Buffer.from(text('Alice <alice@org.mr.test>', ['From: Mallory <m@evil.example>'])), ip: '192.0.2.10' },
    { name: 'From without a domain', raw: Buffer.from(text('undisclosed-recipients:;')), ip: '192.0.2.10' },
    { name: 'header only, no empty line', raw: Buffer.from(both.slice(0, both.indexOf('\r\n\r\n') + 2)), ip: '192.0.2.10' },
    { name: 'empty header section', raw: Buffer.from(`\r\n${plain}`), ip: '192.0.2.10' },
    { name: 'no IP, HELO only', raw: Buffer.from(both), helo: 'mta.org.mr.test' },
    { name: 'no envelope at all', raw: Buffer.from(both) },
    // Empty values are passed on as given, as authenticate does (SPF then checks postmaster@ and "-").
    { name: 'empty HELO, no IP', raw: Buffer.from(both), helo: '' },
    { name: 'empty IP and sender', raw: Buffer.from(both), ip: '', sender: '' },
    { name: 'empty HELO with an IP', raw: Buffer.from(both), ip: '192.0.2.10', helo: '' },
    { name: 'IPv6 client with an address literal HELO', raw: Buffer.from(both), ip: '2001:db8::25', helo: '2001:db8::25' },
    { name: 'RFC 8463 vectors', raw: readFileSync(conformancePath('dkim', 'rfc8463-mailauth', 'signed.eml')), ip: '192.0.2.10' },
    ...refusedByTheRfcs(),
  ];
}

/** Signatures and seals the RFCs refuse and mailauth's default reading accepts (see dkim-craft.ts). */
function refusedByTheRfcs(): { name: string; raw: Buffer; ip?: string; sender?: string }[] {
  const H = ['from', 'to', 'subject', 'date', 'message-id'];
  // Runs of spaces in a header and trailing white space in the body: simple and relaxed differ.
  const base: Draft = {
    headers: ['From: Alice <alice@org.mr.test>', 'To: bob@receiver.example', 'Subject:  Numbers  ', 'Date: Tue, 29 Aug 2023 16:00:00 +0000', 'Message-ID: <2@mr.test>'],
    body: 'Hello,  \r\n\r\nthe numbers\t are in.\r\n',
  };
  const tags = (a: string, c: string | null, v = true): [string, string | null][] => [
    ...(v ? [['v', '1'] as [string, string]] : []),
    ['a', a],
    ...(c ? [['c', c] as [string, string]] : []),
    ['d', 'org.mr.test'],
    ['s', 'o1'],
    ['h', H.join(':')],
    ['bh', null],
  ];
  const dkim = (t: [string, string | null][], hash: 'sha1' | 'sha256' = 'sha256', m: Draft = base): Draft => ({
    headers: [signField(m, { tags: t, signed: H, headerCanon: 'relaxed', bodyCanon: 'relaxed', hash, privateKey: org.privateKey }), ...m.headers],
    body: m.body,
  });
  const seal = (sealTags: [string, string][], amsTags: [string, string][] = [['c', 'relaxed/relaxed'], ['h', H.join(':')]]) =>
    arcSeal(base, { domain: 'fwd.mr.test', selector: 'arc', privateKey: fwd.privateKey, results: 'fwd.mr.test; dkim=pass', amsTags, amsCanon: ['relaxed', 'relaxed'], signed: H, sealTags });
  const sealTags: [string, string][] = [['i', '1'], ['a', 'rsa-sha256'], ['cv', 'none'], ['d', 'fwd.mr.test'], ['s', 'arc']];
  const broken = dkim(tags('rsa-sha256', 'relaxed/relaxed'));
  const envelope = { ip: '198.51.100.7', sender: 'bounce@org.mr.test' };
  return [
    { name: 'rsa-sha1', raw: Buffer.from(render(dkim(tags('rsa-sha1', 'relaxed/relaxed'), 'sha1'))), ...envelope },
    { name: 'no v=', raw: Buffer.from(render(dkim(tags('rsa-sha256', 'relaxed/relaxed', false)))), ...envelope },
    { name: 'no c=, hashed relaxed', raw: Buffer.from(render(dkim(tags('rsa-sha256', null)))), ...envelope },
    { name: 'body hash mismatch', raw: Buffer.from(render({ ...broken, body: broken.body.replace('numbers', 'Numbers') })), ...envelope },
    { name: 'unknown a=', raw: Buffer.from(render(dkim(tags('rsa-sha512', 'relaxed/relaxed')))), ...envelope },
    { name: 'unknown c=', raw: Buffer.from(render(dkim(tags('rsa-sha256', 'fancy/relaxed')))), ...envelope },
    { name: 'rsa-sha1 beside a good signature', raw: Buffer.from(render(dkim(tags('rsa-sha256', 'relaxed/relaxed'), 'sha256', dkim(tags('rsa-sha1', 'relaxed/relaxed'), 'sha1')))), ...envelope },
    { name: 'ARC-Seal with a tag twice', raw: Buffer.from(render(seal([...sealTags, ['cv', 'none']]))), ...envelope },
    { name: 'ARC-Seal with an upper-case tag', raw: Buffer.from(render(seal(sealTags.map(([n, v]) => [n === 'cv' ? 'CV' : n, v])))), ...envelope },
    { name: 'ARC-Message-Signature without c=, hashed relaxed', raw: Buffer.from(render(seal(sealTags, [['h', H.join(':')]]))), ...envelope },
  ];
}

/** What analysis reads of a result: everything but the Authentication-Results text ARC carries. */
const comparable = (r: unknown) => JSON.parse(JSON.stringify(r, (key, value: unknown) => (key === 'authResults' || key === 'receivedChain' || key === 'headers' ? undefined : value))) as unknown;

const servers: DnsServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

type Message = { name: string; raw: Buffer; ip?: string; helo?: string; sender?: string };

/** What each comparison covered: messages, and strict readings with a lenient reading beside them. */
interface Compared {
  messages: number;
  lenientRuns: number;
  /** Strict readings with a signature whose lenient word was derived, not read (lenientWord). */
  derived: number;
}

/** A result's status word, by signature id. */
const wordsById = (results: { id?: string; status: { result: string } }[]) => new Map(results.map((r) => [r.id ?? '', r.status.result]));

function expectStrictMatches(name: string, actual: MailauthRunResult, strictExpected: Awaited<ReturnType<typeof authenticate>>, lenientExpected: Awaited<ReturnType<typeof authenticate>>): boolean {
  // The strict reading is mailauth's strict mode, for DKIM and ARC (SPF, DMARC parsing and BIMI stay default).
  expect({ message: name, dkim: comparable(actual.dkim), arc: comparable(actual.arc) }).toEqual({ message: name, dkim: comparable(strictExpected.dkim), arc: comparable(strictExpected.arc) });
  expect({ message: name, dmarc: actual.dmarc && actual.dmarc.status.result }).toEqual({ message: name, dmarc: strictExpected.dmarc && strictExpected.dmarc.status.result });
  const loose = actual.lenient;
  if (!loose) {
    // Not run: mailauth's default reading must then give each signature the word lenientWord
    // derives from the strict result, and the chain the same word.
    const lenientWords = wordsById(lenientExpected.dkim.results);
    for (const r of actual.dkim.results) if (r.id) expect({ message: name, id: r.id, result: lenientWords.get(r.id) ?? 'none' }).toEqual({ message: name, id: r.id, result: lenientWord(r) });
    expect({ message: name, arc: lenientExpected.arc && lenientExpected.arc.status.result }).toEqual({ message: name, arc: actual.arc && actual.arc.status.result });
    return false;
  }
  // Run: it is authenticate()'s reading, signature for signature (null where it leaves one out).
  const byId = new Map(lenientExpected.dkim.results.map((r) => [r.id, r]));
  expect({ message: name, dkim: loose.dkim.map((r, i) => comparable(r ?? byId.get(actual.dkim.results[i]?.id) ?? null)) }).toEqual({
    message: name,
    dkim: actual.dkim.results.map((r) => comparable(byId.get(r.id) ?? null)),
  });
  expect({ message: name, arc: comparable(loose.arc), dmarc: comparable(loose.dmarc) }).toEqual({ message: name, arc: comparable(lenientExpected.arc), dmarc: comparable(lenientExpected.dmarc) });
  return true;
}

async function expectSameAsAuthenticate(zone: string, messages: Message[]): Promise<Compared> {
  const server = await startDnsServer({ zone: parseZone(zone) });
  servers.push(server);
  const compared: Compared = { messages: 0, lenientRuns: 0, derived: 0 };
  for (const m of messages) {
    // One session per run: each asks the same questions of the same server, none sees another's cache.
    const session = () => new DnsSession({ servers: [{ address: '127.0.0.1', port: server.port }], timeoutMs: 2000, tries: 2 });
    const envelope = { ...(m.ip !== undefined ? { ip: m.ip } : {}), ...(m.helo !== undefined ? { helo: m.helo } : {}), ...(m.sender !== undefined ? { sender: m.sender } : {}), mta: 'deliverlab' };
    const run = async <T>(go: (resolver: DnsSession['resolve']) => Promise<T>) => {
      const dns = session();
      try {
        return await go(dns.resolve);
      } finally {
        dns.cancel();
      }
    };
    const expectedRaw = await run((resolver) => authenticate(m.raw, { ...envelope, resolver: resolver as never })).catch((err: Error) => err);
    const expected = expectedRaw instanceof Error ? { error: expectedRaw.message } : comparable(expectedRaw);
    const actual = await run((resolver) => runMailauth(m.raw, { ...envelope, resolver })).then(comparable, (err: Error) => ({ error: err.message }));
    if (!isDeepStrictEqual(actual, expected)) expect({ message: m.name, result: actual }).toEqual({ message: m.name, result: expected });

    const strict = await run((resolver) => runMailauth(m.raw, { ...envelope, resolver, strict: true })).catch((err: Error) => err);
    if (expectedRaw instanceof Error || strict instanceof Error) {
      expect({ message: m.name, strict: strict instanceof Error ? strict.message : 'accepted' }).toEqual({ message: m.name, strict: expectedRaw instanceof Error ? expectedRaw.message : 'accepted' });
    } else {
      const strictExpected = await run((resolver) => authenticate(m.raw, { ...envelope, resolver: resolver as never, strict: true }));
      if (expectStrictMatches(m.name, strict, strictExpected, expectedRaw)) compared.lenientRuns++;
      else if (strict.dkim.results.some((r) => lenientWord(r) !== r.status.result)) compared.derived++;
    }
    compared.messages++;
  }
  return compared;
}

describe('runMailauth gives what authenticate() gives', () => {
  let bench: Awaited<ReturnType<typeof benchMessages>>;
  beforeAll(async () => {
    bench = await benchMessages();
  });

  it('on every conformance message and the signed bench mail', async () => {
    const compared = await expectSameAsAuthenticate(bench.zone, bench.messages);
    expect(compared.messages).toBeGreaterThanOrEqual(75);
  }, 60_000);

  it('on the branches: ARC, BIMI, strict and relaxed DKIM alignment, several From fields, l=, line ends, header-only input, what the RFCs refuse', async () => {
    const messages = await edgeMessages();
    const compared = await expectSameAsAuthenticate(edgeZone(), messages);
    expect(compared.messages).toBe(messages.length);
    // Every signature the RFCs refuse had its lenient reading compared (a body hash mismatch has its
    // lenient word derived instead, checked against authenticate() the same way).
    expect(compared.lenientRuns).toBeGreaterThanOrEqual(refusedByTheRfcs().length - 2);
    expect(compared.derived).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('reaches those branches (the comparison above is not of empty results)', async () => {
    const server = await startDnsServer({ zone: parseZone(edgeZone()) });
    servers.push(server);
    const run = async (name: string, strict = false) => {
      const m = (await edgeMessages()).find((e) => e.name === name)!;
      const dns = new DnsSession({ servers: [{ address: '127.0.0.1', port: server.port }], timeoutMs: 2000, tries: 2 });
      const r = await runMailauth(m.raw, { ...(m.ip ? { ip: m.ip } : {}), ...(m.sender ? { sender: m.sender } : {}), mta: 'deliverlab', resolver: dns.resolve, strict });
      dns.cancel();
      return r;
    };
    const strict = await run('strict alignment: org and subdomain signatures');
    expect(strict.dkim.results.map((s) => [s.signingDomain, s.status.result, s.status.aligned])).toEqual([
      ['org.mr.test', 'pass', 'org.mr.test'],
      ['sub.org.mr.test', 'pass', false],
    ]);
    expect(strict.dmarc && strict.dmarc.status.result).toBe('pass');
    expect(strict.bimi && strict.bimi.status.result).toBe('pass');
    const relaxed = await run('relaxed alignment through a subdomain signature');
    expect(relaxed.dkim.results[0]?.status.aligned).toBe('mail.relaxed.mr.test');
    expect(relaxed.dmarc && relaxed.dmarc.status.result).toBe('pass');
    expect((await run('ARC sealed, intact')).arc).toMatchObject({ status: { result: 'pass' } });
    expect((await run('ARC sealed, body edited')).arc).toMatchObject({ status: { result: 'fail' } });
    expect((await run('two From fields')).dmarcSkipReason).toBe('multiple-from-fields');
    expect((await run('signed CRLF message later saved with bare LF in the body')).dkim.results.map((s) => s.status.result)).toEqual(['pass', 'pass']);
    expect((await run('l= with a footer added')).dkim.results[0]?.status.result).toBe('pass');
    expect((await run('body over two 1 MiB slices')).dkim.results[0]?.status.result).toBe('pass');
    expect((await run('body over two 1 MiB slices, edited near the end')).dkim.results[0]?.status).toMatchObject({ result: 'neutral', comment: 'body hash did not verify' });

    // The strict reading, and the lenient one beside it where they differ.
    const edited = await run('body over two 1 MiB slices, edited near the end', true);
    expect(edited.dkim.results[0]?.status).toMatchObject({ result: 'fail', comment: 'body hash did not verify' });
    // The same mismatch leniently, only called neutral: derived, not read a second time.
    expect(edited.lenient).toBeUndefined();
    expect(lenientWord(edited.dkim.results[0]!)).toBe('neutral');
    expect((await run('strict alignment: org and subdomain signatures', true)).lenient).toBeUndefined();
    const sha1 = await run('rsa-sha1', true);
    expect(sha1.dkim.results[0]?.status).toMatchObject({ result: 'policy', policy: { 'dkim-rules': 'weak-algorithm' } });
    expect(sha1.lenient?.dkim[0]?.status.result).toBe('pass');
    expect([sha1.dmarc && sha1.dmarc.status.result, sha1.lenient?.dmarc && sha1.lenient.dmarc.status.result]).toEqual(['fail', 'pass']);
    const both = await run('rsa-sha1 beside a good signature', true);
    expect(both.dkim.results.map((r) => r.status.result)).toEqual(['pass', 'policy']);
    expect(both.lenient?.dkim.map((r) => r?.status.result)).toEqual(['pass', 'pass']);
    const unknown = await run('unknown a=', true);
    expect(unknown.dkim.results.map((r) => [r.status.result, r.status.comment])).toEqual([['neutral', 'unknown algorithm']]);
    expect(unknown.lenient?.dkim).toEqual([null]);
    const noC = await run('ARC-Message-Signature without c=, hashed relaxed', true);
    expect(noC.arc && noC.arc.status).toMatchObject({ result: 'fail', comment: 'i=1 no valid signature' });
    expect(noC.lenient?.arc).toMatchObject({ status: { result: 'pass' }, warnings: ['ams-c-default'] });
  }, 60_000);
});

describe('what authenticate refuses', () => {
  it('refuses an authserv-id that is no host name, with authenticate\'s error', async () => {
    const raw = Buffer.from(text('Alice <alice@org.mr.test>'));
    const resolver = async () => {
      throw Object.assign(new Error('no DNS here'), { code: 'ENOTFOUND' });
    };
    for (const mta of [' ', '\u0001', 'x'.repeat(1000)]) {
      const expected = await authenticate(raw, { mta, resolver: resolver as never }).then(
        () => 'accepted',
        (err: Error) => err.message,
      );
      const actual = await runMailauth(raw, { mta, resolver }).then(
        () => 'accepted',
        (err: Error) => err.message,
      );
      expect(expected).toMatch(/Invalid authserv-id/);
      expect(actual).toBe(expected);
    }
  });
});

describe('the header split and line ends', () => {
  it('ends the header section where mailauth does', () => {
    const split = (s: string) => {
      const { header, body } = splitHeader(Buffer.from(s));
      return [header.toString(), body?.toString() ?? null];
    };
    expect(split('A: 1\r\nB: 2\r\n\r\nbody\r\n\r\nmore')).toEqual(['A: 1\r\nB: 2\r\n\r\n', 'body\r\n\r\nmore']);
    expect(split('\r\nA: 1\r\n\r\nbody')).toEqual(['\r\n', 'A: 1\r\n\r\nbody']);
    expect(split('A: 1\r\nB: 2\r\n')).toEqual(['A: 1\r\nB: 2\r\n', null]);
    expect(split('A: 1\r\n\r\n')).toEqual(['A: 1\r\n\r\n', '']);
    // On the bytes as given, before any line end is rewritten.
    expect(split('A: 1\nB: 2\n\nbody\n')).toEqual(['A: 1\nB: 2\n\n', 'body\n']);
    expect(split('\nA: 1\n')).toEqual(['\n', 'A: 1\n']);
    expect(split('A: 1\r\n\nbody')).toEqual(['A: 1\r\n\n', 'body']);
    expect(split('A: 1\n\r\nbody')).toEqual(['A: 1\n\r\n', 'body']);
    expect(split('A: 1\r\r\n\r\nbody')).toEqual(['A: 1\r\r\n\r\n', 'body']);
    expect(split('A: 1\r\nB: 2\r')).toEqual(['A: 1\r\nB: 2\r', null]);
  });

  it('makes every bare LF CRLF, even after a first line that ends in CRLF', () => {
    expect(withCrlf(Buffer.from('A: 1\r\nB: 2\n\nbody\r\nx\n')).toString()).toBe('A: 1\r\nB: 2\r\n\r\nbody\r\nx\r\n');
    expect(withCrlf(Buffer.from('\nA: 1\n')).toString()).toBe('\r\nA: 1\r\n');
    const crlf = Buffer.from('A: 1\r\n\r\nbody\r\n');
    expect(withCrlf(crlf)).toBe(crlf);
  });
});
