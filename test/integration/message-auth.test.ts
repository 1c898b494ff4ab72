import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dkimSign, dkimVerify, sealMessage } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMessage, MAX_MESSAGE_BYTES, MessageInputError, type AnalyzeOptions } from '../../electron/core/message/analyze';
import type { MessageAnalysis } from '../../electron/core/message/types';
import { CONFORMANCE, conformanceMessages, conformancePath } from '../helpers/conformance';
import { unreadBytes } from '../helpers/unread-bytes';
import { parseZone, rfc8463ZoneLines, rsaKeyTxt, startDnsServer, type DnsServer } from '../lab/dns-server';


/** A TXT record's text as zone strings of at most 255 bytes (RFC 1035 §3.3.14). */

const sender = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const esp = generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const arcKey = generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

function zoneText(): string {
  return [
    `sender.m1.test. TXT "v=spf1 ip4:192.0.2.10 -all"`,
    `_dmarc.sender.m1.test. TXT "v=DMARC1; p=reject; adkim=r; aspf=r"`,
    `s1._domainkey.sender.m1.test. TXT ${rsaKeyTxt(sender.publicKey)}`,
    `default._bimi.sender.m1.test. TXT "v=BIMI1; l=https://sender.m1.test/logo.svg; a="`,
    `esp.m1.test. TXT "v=spf1 ip4:203.0.113.0/24 -all"`,
    `e1._domainkey.esp.m1.test. TXT ${rsaKeyTxt(esp.publicKey)}`,
    `arc._domainkey.fwd.m1.test. TXT ${rsaKeyTxt(arcKey.publicKey)}`,
    ...rfc8463ZoneLines(),
  ].join('\n');
}

let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone: parseZone(zoneText()) });
});
afterAll(() => server?.close());

const options = (extra: Partial<AnalyzeOptions> = {}): AnalyzeOptions => ({
  dns: { servers: [{ address: '127.0.0.1', port: server.port }], timeoutMs: 500, tries: 1 },
  ...extra,
});

const MESSAGE = [
  'Return-Path: <bounce@sender.m1.test>',
  'From: Alice <alice@sender.m1.test>',
  'To: bob@receiver.example',
  'Subject: Quarterly numbers',
  'Date: Tue, 29 Aug 2023 16:00:00 +0000',
  'Message-ID: <1@sender.m1.test>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  'Hello Bob,',
  '',
  'the numbers are in: caf\u00e9 sales are up.',
  '',
  'Alice',
  '',
].join('\r\n');

async function sign(message: string, signer: 'sender' | 'esp' = 'sender'): Promise<string> {
  const key = signer === 'sender' ? { signingDomain: 'sender.m1.test', selector: 's1', privateKey: sender.privateKey } : { signingDomain: 'esp.m1.test', selector: 'e1', privateKey: esp.privateKey };
  // mailauth 7 takes its keys as signatureData (a top-level key alone signs nothing).
  const signed = await dkimSign(message, { ...key, signatureData: [key], canonicalization: 'relaxed/relaxed' });
  expect(signed.signatures).toMatch(/^DKIM-Signature:/);
  expect(signed.errors).toEqual([]);
  return signed.signatures + message;
}

const codes = (a: MessageAnalysis) => a.findings.filter((f) => f.check === 'auth').map((f) => f.code);

describe('message authentication against a loopback zone', () => {
  it('passes SPF, aligned DKIM and DMARC for a well-signed message from an allowed IP', async () => {
    const a = await analyzeMessage(Buffer.from(await sign(MESSAGE)), options({ ip: '192.0.2.10', helo: 'out.sender.m1.test' }));
    expect(a.auth.spf).toMatchObject({ result: 'pass', domain: 'sender.m1.test', record: 'v=spf1 ip4:192.0.2.10 -all' });
    expect(a.auth.dkim).toHaveLength(1);
    expect(a.auth.dkim[0]).toMatchObject({
      domain: 'sender.m1.test',
      selector: 's1',
      result: 'pass',
      aligned: true,
      algorithm: 'rsa-sha256',
      keyBits: 2048,
      canonicalization: 'relaxed/relaxed',
      bodyLength: null,
      bodyHash: { match: true },
    });
    expect(a.auth.dkim[0]?.signedHeaders).toEqual(expect.arrayContaining(['from', 'subject', 'date', 'message-id']));
    expect(a.auth.dmarc).toMatchObject({ result: 'pass', policy: 'reject', domain: 'sender.m1.test', alignment: { spf: true, dkim: true } });
    expect(a.envelope).toMatchObject({ source: 'given', ip: '192.0.2.10', mailFrom: 'bounce@sender.m1.test' });
    // DMARC enforces (p=reject): BIMI is looked up in DNS; the logo is never fetched.
    expect(a.auth.bimi).toMatchObject({ result: 'pass', location: 'https://sender.m1.test/logo.svg' });
    expect(codes(a)).toEqual([]);
    expect(a.summary).toMatchObject({ subject: 'Quarterly numbers', fromDomain: 'sender.m1.test', to: ['bob@receiver.example'], messageId: '<1@sender.m1.test>', bulk: false });
    expect(a.headersOnly).toBe(false);
    expect(a.dns.some((q) => q.name === 's1._domainkey.sender.m1.test' && q.type === 'TXT')).toBe(true);
    expect(a.dns.some((q) => q.name === '_dmarc.sender.m1.test')).toBe(true);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.durationMs).toBeGreaterThan(0);
  });

  it('explains a footer appended after signing, with lengths', async () => {
    const signed = await sign(MESSAGE);
    const a = await analyzeMessage(Buffer.from(`${signed}--\r\nSent through the Example list. Unsubscribe: https://list.example/u\r\n`), options({ ip: '192.0.2.10' }));
    const sig = a.auth.dkim[0];
    expect(sig?.result).not.toBe('pass');
    expect(sig?.bodyHash?.match).toBe(false);
    expect(sig?.bodyHash?.expected).not.toEqual(sig?.bodyHash?.computed);
    expect(sig?.explanation).toMatch(/footer was appended after signing: the first \d+ canonical bytes \(\d+ lines\) still match/);
    expect(sig?.explanation).toContain('starting "--"');
    expect(sig?.explanation).toContain(`canonical body ${sig?.bodyHash?.canonicalLength} bytes, no l= limit`);
    const f = a.findings.find((x) => x.code === 'auth.dkim-fail');
    expect(f).toMatchObject({ severity: 'critical', check: 'auth' });
    expect(f?.title).toMatch(/body hash does not match/);
    // SPF still passes aligned, so DMARC passes.
    expect(codes(a)).toEqual(['auth.dkim-fail']);
  });

  it('explains re-encoding to quoted-printable and copes with LF line endings', async () => {
    const signed = await sign(MESSAGE);
    const qp = signed.replace('Content-Transfer-Encoding: 8bit', 'Content-Transfer-Encoding: quoted-printable').replace('caf\u00e9', 'caf=C3=A9');
    const a = await analyzeMessage(Buffer.from(qp), options({ ip: '192.0.2.10' }));
    expect(a.auth.dkim[0]?.explanation).toMatch(/re-encoded after signing: it is quoted-printable now/);

    // mailauth reads bare LF as a line end, as most verifiers do: a copy saved with LF still verifies.
    const lf = await analyzeMessage(Buffer.from(signed.replace(/\r\n/g, '\n')), options({ ip: '192.0.2.10' }));
    expect(lf.auth.dkim[0]?.result).toBe('pass');
  });

  it('lists the signed headers present when the header signature breaks', async () => {
    const signed = await sign(MESSAGE);
    const a = await analyzeMessage(Buffer.from(signed.replace('Subject: Quarterly numbers', 'Subject: [list] Quarterly numbers')), options({ ip: '192.0.2.10' }));
    const sig = a.auth.dkim[0];
    expect(sig).toMatchObject({ result: 'fail', comment: 'bad signature', bodyHash: { match: true } });
    expect(sig?.signedHeadersPresent).toEqual(expect.arrayContaining([{ name: 'subject', present: true }, { name: 'from', present: true }]));
    expect(sig?.explanation).toMatch(/header signature does not verify/);
    expect(codes(a)).toEqual(['auth.dkim-fail']);
  });

  it('flags a signature and SPF that pass only for a domain that does not align', async () => {
    const message = MESSAGE.replace('Return-Path: <bounce@sender.m1.test>', 'Return-Path: <bounce@esp.m1.test>');
    const a = await analyzeMessage(Buffer.from(await sign(message, 'esp')), options({ ip: '203.0.113.7' }));
    expect(a.auth.dkim[0]).toMatchObject({ domain: 'esp.m1.test', result: 'pass', aligned: false, keyBits: 1024 });
    expect(a.auth.spf).toMatchObject({ result: 'pass', domain: 'esp.m1.test' });
    expect(a.auth.dmarc).toMatchObject({ result: 'fail', alignment: { spf: false, dkim: false } });
    expect(codes(a).sort()).toEqual(['auth.dmarc-fail', 'auth.not-aligned', 'auth.not-aligned']);
    const notAligned = a.findings.filter((f) => f.code === 'auth.not-aligned');
    expect(notAligned.every((f) => f.severity === 'warning' && f.fix?.includes('sender.m1.test'))).toBe(true);
    expect(a.findings.find((f) => f.code === 'auth.dmarc-fail')?.fix).toContain('d=sender.m1.test');
  });

  it('says when a message is not signed at all', async () => {
    const a = await analyzeMessage(Buffer.from(MESSAGE), options({ ip: '192.0.2.10' }));
    expect(a.auth.dkim).toEqual([]);
    expect(a.auth.dmarc).toMatchObject({ result: 'pass', alignment: { spf: true, dkim: false } });
    const f = a.findings.find((x) => x.code === 'auth.dkim-fail');
    expect(f).toMatchObject({ title: 'The message is not DKIM-signed', severity: 'warning' });
    expect(f?.fix).toContain('selector._domainkey.sender.m1.test. TXT "v=DKIM1; k=rsa; p=');
    const spfFail = await analyzeMessage(Buffer.from(MESSAGE), options({ ip: '198.51.100.99' }));
    expect(codes(spfFail)).toEqual(['auth.spf-fail', 'auth.dkim-fail', 'auth.dmarc-fail']);
    expect(spfFail.findings.find((x) => x.code === 'auth.dkim-fail')?.severity).toBe('critical');
  });

  it('fails SPF from another IP, with the record to publish, while DMARC passes through DKIM', async () => {
    const a = await analyzeMessage(Buffer.from(await sign(MESSAGE)), options({ ip: '198.51.100.99' }));
    expect(a.auth.spf.result).toBe('fail');
    expect(codes(a)).toEqual(['auth.spf-fail']);
    const f = a.findings[0];
    expect(f).toMatchObject({ code: 'auth.spf-fail', severity: 'critical' });
    expect(f?.fix).toContain('sender.m1.test. TXT "v=spf1 ip4:192.0.2.10 ip4:198.51.100.99 -all"');
    expect(a.auth.dmarc.result).toBe('pass');
  });

  it('reads the envelope from the receiving hop, and reports SPF as not evaluable without one', async () => {
    const withHops = [
      'Received: from localhost (localhost [127.0.0.1]) by mx.receiver.example with LMTP; Tue, 29 Aug 2023 16:00:03 +0000',
      'Received: from out.sender.m1.test (out.sender.m1.test [192.0.2.10]) by mx.receiver.example with ESMTPS (using TLSv1.3); Tue, 29 Aug 2023 16:00:02 +0000',
      (await sign(MESSAGE)).trimEnd(),
      '',
    ].join('\r\n');
    const a = await analyzeMessage(Buffer.from(withHops), options());
    expect(a.envelope).toMatchObject({ source: 'received', ip: '192.0.2.10', helo: 'out.sender.m1.test', mailFrom: 'bounce@sender.m1.test', trustedHop: 1 });
    expect(a.envelope.explanation).toContain('mx.receiver.example (hop 1)');
    expect(a.auth.spf.result).toBe('pass');
    expect(a.hops).toHaveLength(2);
    expect(a.hops[1]).toMatchObject({ tls: true, tlsVersion: 'TLSv1.3' });
    expect(a.transitSeconds).toBe(1);

    const none = await analyzeMessage(Buffer.from(await sign(MESSAGE)), options());
    expect(none.envelope.source).toBe('none');
    expect(none.auth.spf.result).toBe('none');
    expect(none.auth.spf.comment).toMatch(/Not evaluable/);
    expect(codes(none)).toEqual([]);
  });

  it('reads a received chain: internal hops skipped, TLS, clocks out of order, SPF none, the receiver\'s view', async () => {
    const a = await analyzeMessage(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'messages', 'received-chain.eml')), options());
    expect(a.hops.map((h) => [h.fromIp ?? null, h.by, h.with, h.tls ?? false])).toEqual([
      [null, 'store.receiver.example', 'LMTP', false],
      ['127.0.0.1', 'mx.receiver.example', 'ESMTP', false],
      ['198.51.100.20', 'mx.receiver.example', 'ESMTPS', true],
      ['10.1.2.3', 'out.nospf.m1.test', 'ESMTPSA', true],
    ]);
    expect(a.hops[2]).toMatchObject({ tlsVersion: 'TLSv1.3', delaySeconds: -6, outOfOrder: true, time: '2023-08-29T16:00:03.000Z' });
    expect(a.transitSeconds).toBe(-4);
    expect(a.envelope).toMatchObject({ source: 'received', ip: '198.51.100.20', helo: 'out.nospf.m1.test', mailFrom: 'news@nospf.m1.test', trustedHop: 2 });
    expect(a.envelope.explanation).toMatch(/hop 0 \(it names no sending IP address\), hop 1 \(its sending address 127.0.0.1 is loopback\)/);
    expect(a.auth.spf).toMatchObject({ result: 'none', domain: 'nospf.m1.test' });
    const spf = a.findings.find((f) => f.code === 'auth.spf-fail');
    expect(spf).toMatchObject({ severity: 'warning', title: 'nospf.m1.test has no SPF record' });
    expect(spf?.fix).toContain('nospf.m1.test. TXT "v=spf1 ip4:198.51.100.20 -all"');
    expect(a.summary.bulk).toBe(true);
    expect(a.receiver.results.map((r) => `${r.method}=${r.result}`)).toEqual(['spf=pass', 'dkim=none', 'dmarc=none']);
    expect(a.receiver.differences).toEqual([expect.objectContaining({ method: 'spf', receiver: 'pass', ours: 'none' })]);
  });

  it('analyses headers only, and says what cannot be checked', async () => {
    const signed = await sign(MESSAGE);
    const headers = signed.slice(0, signed.indexOf('\r\n\r\n') + 4);
    const a = await analyzeMessage(Buffer.from(headers), options({ ip: '192.0.2.10' }));
    expect(a.headersOnly).toBe(true);
    expect(a.content).toBeNull();
    expect(a.inputNotes?.[0]).toMatch(/DKIM body hashes.*content checks.*preview/);
    expect(a.auth.dkim[0]?.explanation).toMatch(/cannot be checked without the body/);
    // Not processed rather than failed, and no lenient reading to compare without the body.
    expect(a.auth.dkim[0]).toMatchObject({ result: 'neutral', bodyHash: { match: false } });
    expect(a.auth.dkim[0]?.lenient).toBeUndefined();
    expect(a.auth.spf.result).toBe('pass');
    expect(codes(a)).toEqual([]);
  });

  it('points out where the receiver\'s Authentication-Results differ', async () => {
    const signed = await sign(MESSAGE);
    const tampered = `Authentication-Results: mx.receiver.example; spf=pass smtp.mailfrom=sender.m1.test; dkim=pass header.d=sender.m1.test header.s=s1; dmarc=pass header.from=sender.m1.test\r\n${signed}Footer\r\n`;
    const a = await analyzeMessage(Buffer.from(tampered), options({ ip: '192.0.2.10' }));
    expect(a.receiver.authServId).toBe('mx.receiver.example');
    expect(a.receiver.differences).toEqual([expect.objectContaining({ method: 'dkim (sender.m1.test, s1)', receiver: 'pass' })]);
    const f = a.findings.find((x) => x.code === 'auth.receiver-differs');
    expect(f).toMatchObject({ severity: 'info' });
    expect(f?.detail).toMatch(/changed after it arrived/);
    // Findings come in order: auth, then header, then content.
    const order = a.findings.map((x) => ['auth', 'header', 'content'].indexOf(x.check));
    expect(order).toEqual([...order].sort((x, y) => x - y));
  });

  it('reports a broken ARC chain', async () => {
    const signed = await sign(MESSAGE);
    const seal = await sealMessage(Buffer.from(signed), {
      signingDomain: 'fwd.m1.test',
      selector: 'arc',
      privateKey: arcKey.privateKey,
      authResults: 'fwd.m1.test; dkim=pass header.d=sender.m1.test',
      cv: 'none',
    });
    const sealed = seal.toString() + signed;
    const ok = await analyzeMessage(Buffer.from(sealed), options({ ip: '192.0.2.10' }));
    expect(ok.auth.arc).toMatchObject({ result: 'pass', instances: 1 });
    expect(codes(ok)).toEqual([]);
    const broken = await analyzeMessage(Buffer.from(sealed.replace('Alice\r\n', 'Alice, edited\r\n')), options({ ip: '192.0.2.10' }));
    expect(broken.auth.arc.result).toBe('fail');
    expect(codes(broken)).toContain('auth.arc-fail');
  });

  it('verifies the RFC 8463 vectors (ed25519 and rsa)', async () => {
    const raw = readFileSync(conformancePath('dkim', 'rfc8463-mailauth', 'signed.eml'));
    const a = await analyzeMessage(raw, options({ ip: '192.0.2.10' }));
    expect(a.auth.dkim.map((s) => [s.selector, s.algorithm, s.result, s.keyBits])).toEqual([
      ['brisbane', 'ed25519-sha256', 'pass', 256],
      ['test', 'rsa-sha256', 'pass', 1024],
    ]);
    // mailauth's verification clock is dkimVerify's curTime; authenticate() does not pass it on.
    const direct = await dkimVerify(raw, {
      curTime: new Date(1528637909 * 1000),
      resolver: async (name: string, type: string) => {
        const zone = JSON.parse(readFileSync(conformancePath('dkim', 'rfc8463-mailauth', 'dns.json'), 'utf8')) as Record<string, Record<string, string[][]>>;
        const records = zone[name]?.[type];
        if (!records) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        return records;
      },
    } as Parameters<typeof dkimVerify>[1]);
    expect(direct.results.map((r) => r.status.result)).toEqual(['pass', 'pass']);
  });
});

describe('robustness', () => {
  // How long the refusal takes is a bound of `npm run bench -- messages`.
  it('refuses 50 MB + 1 byte without reading or parsing it', async () => {
    await expect(analyzeMessage(unreadBytes(MAX_MESSAGE_BYTES + 1), options())).rejects.toMatchObject({ name: 'MessageInputError', code: 'too-large' });
    // NUL bytes would read as a binary file: the size is judged before any byte is looked at.
    await expect(analyzeMessage(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x00), options())).rejects.toMatchObject({ code: 'too-large' });
  });

  it('refuses binary and cut-off input with MessageInputError, and analyses a multipart message cut short with a note', async () => {
    await expect(analyzeMessage(Buffer.from('From: a@b.example\r\nSubj\0ect: x\r\n\r\n'), options())).rejects.toMatchObject({ code: 'binary' });
    await expect(analyzeMessage(Buffer.from('From: a@b.example\r\nSubj'), options())).rejects.toMatchObject({ code: 'truncated' });
    const multipart = MESSAGE.replace('Content-Type: text/plain; charset=utf-8', 'Content-Type: multipart/mixed; boundary="b1"').replace(
      'Hello Bob,',
      '--b1\r\nContent-Type: text/plain\r\n\r\nHello Bob,',
    );
    const signed = await sign(`${multipart}\r\n--b1--\r\n`);
    const cut = signed.slice(0, signed.indexOf('--b1--'));
    const a = await analyzeMessage(Buffer.from(cut), options({ ip: '192.0.2.10' }));
    expect(a.inputNotes?.join(' ')).toMatch(/cut short: its multipart boundary "b1" is never closed/);
    expect(a.auth.dkim[0]?.explanation).toMatch(/cut short/);
  });

  it('stays bounded on hostile MIME: thousands of nested parts, a huge header', async () => {
    const depth = 3000;
    let nested = 'From: a@sender.m1.test\r\nSubject: nest\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n';
    for (let i = 0; i < depth; i++) nested += `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n\r\n`;
    nested += 'hello\r\n';
    for (let i = depth; i > 0; i--) nested += `--b${i}--\r\n`;
    const huge = `From: a@sender.m1.test\r\nX-Big: ${'x'.repeat(5 * 1024 * 1024)}\r\nSubject: big\r\n\r\nbody\r\n`;
    // How long each takes (under 15 s) is a bound of `npm run bench -- messages`.
    for (const raw of [nested, huge]) {
      const a = await analyzeMessage(Buffer.from(raw), options({ ip: '192.0.2.10' }));
      expect(a.summary.fromDomain).toBe('sender.m1.test');
      if (raw === nested) expect(a.inputNotes?.join(' ')).toMatch(/MIME structure could not be parsed/);
    }
  }, 60_000);

  it('says so when the resolver does not answer, and still analyses the rest', async () => {
    const a = await analyzeMessage(Buffer.from(await sign(MESSAGE)), { dns: { servers: [{ address: '127.0.0.1', port: 9 }], timeoutMs: 200, tries: 1 }, ip: '192.0.2.10' });
    expect(a.auth.spf.result).toBe('temperror');
    expect(a.auth.dkim[0]?.result).toBe('temperror');
    expect(a.inputNotes?.join(' ')).toMatch(/did not answer.*SPF, DKIM and DMARC are temperror/);
    expect(a.summary.subject).toBe('Quarterly numbers');
    expect(a.findings.filter((f) => f.check === 'auth').every((f) => f.severity === 'warning')).toBe(true);
  }, 20_000);

  it('analyses every conformance .eml without a crash, or refuses it with a clear error', async () => {
    const files = conformanceMessages();
    expect(files.length).toBeGreaterThan(60);
    const tally = { analysed: 0, refused: 0 };
    const refused: string[] = [];
    for (const file of files) {
      try {
        const a = await analyzeMessage(readFileSync(file), options({ ip: '192.0.2.10' }));
        expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
        tally.analysed++;
      } catch (err) {
        if (!(err instanceof MessageInputError)) throw new Error(`${file}: ${(err as Error).stack}`, { cause: err });
        refused.push(`${relative(CONFORMANCE, file)}: ${err.code}: ${err.message}`);
        tally.refused++;
      }
    }
    console.log(`conformance: ${files.length} files, ${tally.analysed} analysed, ${tally.refused} refused\n${refused.join('\n')}`);
    expect(tally.analysed + tally.refused).toBe(files.length);
  }, 120_000);
});
