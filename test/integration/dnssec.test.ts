import { createHash, X509Certificate } from 'node:crypto';
import { createSocket } from 'node:dgram';
import * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult, Finding } from '../../electron/core/audit/types';
import { DnsError, DnsSession } from '../../electron/core/dns/session';
import { fixtureAudit } from '../helpers/fixture-audit';
import { closedPort } from '../helpers/loopback';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';
import { makeSmtpCerts, type SmtpCerts } from '../lab/smtp-certs';
import { startSmtpServer, type SmtpLabServer } from '../lab/smtp-server';

let dns: DnsServer;
let certs: SmtpCerts;
let smtp: SmtpLabServer;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  certs = makeSmtpCerts(['mx.signed.sec.test', 'mx.mismatch.sec.test', 'mx.pkix.sec.test', 'mx.unsigned.sec.test', 'mx.ta.sec.test']);
  const leaf = new X509Certificate(certs.good.cert);
  const spki = leaf.publicKey.export({ type: 'spki', format: 'der' });
  const ca = new X509Certificate(certs.caPem);
  // The TLSA records that must match are made here, from this run's certificates.
  const zone = parseZone(
    [
      `_25._tcp.mx.signed.sec.test. TLSA 3 1 1 ${sha256(spki)}`,
      'ta.sec.test. MX 10 mx.ta.sec.test.',
      'ta.sec.test. DS 40002 13 2 E460AE09A7377CCD41A28FF7D22AA754098058D2E64B2482B1B0D40F43736961',
      'ta.sec.test. DNSKEY 257 3 13 x4AwteprVpdJlC6bZm2q2sWKDZf9KWVv2anfhGeG9Arzhkgyr+htiwY5LyiCT2LhdsMAier4Ocl/ZFSV6ji7rg==',
      'mx.ta.sec.test. A 127.0.0.1',
      `_25._tcp.mx.ta.sec.test. TLSA 2 0 1 ${sha256(ca.raw)}`,
      // Twelve 200-byte keys: more than the 1232-byte EDNS0 buffer, so the UDP answer is truncated.
      ...Array.from({ length: 12 }, (_, i) => `big.sec.test. DNSKEY 256 3 13 ${Buffer.alloc(200, i).toString('base64')}`),
      'dead.sec.test. TIMEOUT',
      'broken.sec.test. SERVFAIL',
    ].join('\n'),
    loadZoneFixtures(),
  );
  dns = await startDnsServer({ zone });
  smtp = await startSmtpServer({ mode: 'good', cert: certs.good });
});
afterAll(async () => {
  await smtp?.close();
  await dns?.close();
});

const audit = (domain: string, options: { smtpPort?: number; skip?: 'smtp'[] } = {}) =>
  fixtureAudit(dns, domain, {
    network: { smtpPort: options.smtpPort ?? smtp.port, ca: [certs.caPem], timeoutMs: 800 },
    skip: options.skip ?? [],
  });
const secFindings = (r: AuditResult): Finding[] => r.findings.filter((f) => f.check === 'dnssec');
const secCodes = (r: AuditResult) => secFindings(r).map((f) => f.code).sort();

describe('dnssec check', () => {
  it('sees a signed zone and a TLSA record that matches the MX certificate', async () => {
    const r = await audit('signed.sec.test');
    expect(secCodes(r)).toEqual([]);
    const check = r.checks.dnssec;
    expect(check).toMatchObject({ status: 'pass', signed: true, validated: null });
    const leaf = new X509Certificate(certs.good.cert);
    const spkiHash = sha256(leaf.publicKey.export({ type: 'spki', format: 'der' }));
    expect(check?.mx).toEqual([
      {
        host: 'mx.signed.sec.test',
        signed: true,
        tlsa: [{ usage: 3, selector: 1, matchingType: 1, data: spkiHash }],
        daneMatch: true,
        daneNote: `The certificate matches TLSA 3 1 1 ${spkiHash}.`,
      },
    ]);
    // DS, DNSKEY and TLSA went through the session: cached, and in the transcript.
    expect(r.dns.find((q) => q.type === 'DS' && q.name === 'signed.sec.test')?.answer).toEqual(['31589 13 2 E460AE09A7377CCD41A28FF7D22AA754098058D2E64B2482B1B0D40F43736961']);
    expect(r.dns.find((q) => q.type === 'TLSA')?.answer).toEqual([`3 1 1 ${spkiHash}`]);
  });

  it('matches DANE-TA against the CA certificate in the chain', async () => {
    const r = await audit('ta.sec.test');
    expect(secCodes(r)).toEqual([]);
    expect(r.checks.dnssec?.mx[0]).toMatchObject({ host: 'mx.ta.sec.test', signed: true, daneMatch: true });
    expect(r.checks.dnssec?.mx[0]?.daneNote).toContain('TLSA 2 0 1');
  });

  it('flags a TLSA record that matches nothing as critical, with the record to publish', async () => {
    const r = await audit('mismatch.sec.test');
    expect(secCodes(r)).toEqual(['dane.mismatch']);
    const f = secFindings(r)[0];
    expect(f?.severity).toBe('critical');
    const spkiHash = sha256(new X509Certificate(certs.good.cert).publicKey.export({ type: 'spki', format: 'der' }));
    expect(f?.fix).toContain(`_25._tcp.mx.mismatch.sec.test. IN TLSA 3 1 1 ${spkiHash}`);
    expect(f?.evidence).toBe('_25._tcp.mx.mismatch.sec.test. TLSA 3 1 1 ' + '0'.repeat(64));
    expect(r.checks.dnssec).toMatchObject({ status: 'fail', signed: true, mx: [{ daneMatch: false, signed: true }] });
  });

  it('reports an unsigned zone as information, and ignores its TLSA records', async () => {
    const r = await audit('unsigned.sec.test');
    expect(secCodes(r)).toEqual(['dnssec.unsigned']);
    const f = secFindings(r)[0];
    expect(f?.severity).toBe('info');
    expect(f?.fix).toContain('publish the DS record');
    expect(r.checks.dnssec).toMatchObject({ status: 'info', signed: false, validated: null, mx: [{ host: 'mx.unsigned.sec.test', signed: false, daneMatch: false }] });
    expect(r.checks.dnssec?.mx[0]?.daneNote).toContain('not signed');
  });

  it('says a DS without DNSKEY breaks the domain', async () => {
    const r = await audit('halfsigned.sec.test');
    expect(secCodes(r)).toEqual(['dnssec.unsigned']);
    expect(secFindings(r)[0]).toMatchObject({ severity: 'critical', title: 'DNSSEC is half set up for halfsigned.sec.test: a DS record but no DNSKEY' });
    expect(r.checks.dnssec?.signed).toBe(false);
  });

  it('finds the zone of an MX host outside the domain', async () => {
    const r = await audit('outside.sec.test');
    expect(r.checks.dnssec).toMatchObject({ signed: false, mx: [{ host: 'mx.signed.sec.test', signed: true, daneMatch: true }] });
  });

  it('notes PKIX usages as unused for SMTP, with no match and no finding', async () => {
    const r = await audit('pkix.sec.test');
    expect(secCodes(r)).toEqual([]);
    expect(r.checks.dnssec?.mx[0]).toMatchObject({ daneMatch: null, tlsa: [{ usage: 1 }] });
    expect(r.checks.dnssec?.mx[0]?.daneNote).toContain('RFC 7672 §3.1.3');
  });

  it('does not compare when the SMTP probe is skipped or fails', async () => {
    const skipped = await audit('mismatch.sec.test', { skip: ['smtp'] });
    expect(secCodes(skipped)).toEqual([]);
    expect(skipped.checks.dnssec?.mx[0]?.daneMatch).toBeNull();
    expect(skipped.checks.dnssec?.mx[0]?.daneNote).toContain('SMTP probe was skipped');
    expect(skipped.checks.dnssec?.signed).toBe(true);

    const port = await closedPort();
    const failed = await audit('mismatch.sec.test', { smtpPort: port });
    expect(secCodes(failed)).toEqual([]);
    expect(failed.checks.dnssec?.mx[0]?.daneMatch).toBeNull();
    expect(failed.checks.dnssec?.mx[0]?.daneNote).toContain('ECONNREFUSED');
  });
});

describe('DnsSession.queryRaw', () => {
  const session = () => new DnsSession({ servers: [{ address: '127.0.0.1', port: dns.port }], timeoutMs: 300, tries: 2 });
  const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: DnsError) => e.code);

  it('returns DS and DNSKEY answers with flags, cached per session', async () => {
    const s = session();
    const reply = await s.queryRaw('signed.sec.test', 'DNSKEY', { dnssec: true });
    expect(reply.rcode).toBe('NOERROR');
    expect(reply.flags).toEqual({ ad: false, aa: true, tc: false });
    expect(reply.answers.filter((a) => a.type === 'DNSKEY')).toHaveLength(2);
    await s.queryRaw('signed.sec.test', 'DNSKEY', { dnssec: true });
    expect(s.transcript.map((q) => [q.type, q.cached ?? false])).toEqual([
      ['DNSKEY', false],
      ['DNSKEY', true],
    ]);
    expect(s.transcript[0]?.answer?.[0]).toMatch(/^257 3 13 gEGQ/);
  });

  it('uses Node error codes', async () => {
    const s = session();
    expect(await code(s.queryRaw('unsigned.sec.test', 'DS'))).toBe('ENODATA');
    expect(await code(s.queryRaw('nothing.sec.test', 'DS'))).toBe('ENOTFOUND');
    expect(await code(s.queryRaw('broken.sec.test', 'DS'))).toBe('ESERVFAIL');
    // How soon the timeout comes is a bound of `npm run bench -- limits`.
    expect(await code(s.queryRaw('dead.sec.test', 'DS'))).toBe('ETIMEOUT');
    expect(s.transcript.map((q) => q.error)).toEqual(['ENODATA', 'ENOTFOUND', 'ESERVFAIL', 'ETIMEOUT']);
  });

  it('falls back to TCP when the UDP answer is truncated', async () => {
    const reply = await session().queryRaw('big.sec.test', 'DNSKEY');
    expect(reply.answers.filter((a) => a.type === 'DNSKEY')).toHaveLength(12);
    expect(dns.queries.filter((q) => q === 'DNSKEY big.sec.test').length).toBe(2);
  });

  it('passes on the AD flag of a validating resolver, and notes it in the transcript', async () => {
    // A stand-in for a validating resolver: answers every DNSKEY query with one key and AD set.
    const udp = createSocket('udp4');
    udp.on('message', (msg, rinfo) => {
      const q = packet.decode(msg);
      const question = q.questions?.[0];
      if (!question) return;
      const answers: packet.Answer[] = [{ name: question.name, type: 'DNSKEY', ttl: 60, class: 'IN', data: { flags: 257, algorithm: 13, key: Buffer.from([1, 2, 3]) } }];
      udp.send(packet.encode({ id: q.id, type: 'response', flags: packet.AUTHENTIC_DATA | packet.RECURSION_AVAILABLE, questions: q.questions ?? [], answers }), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
    try {
      const s = new DnsSession({ servers: [{ address: '127.0.0.1', port: udp.address().port }], timeoutMs: 300 });
      const reply = await s.queryRaw('validated.sec.test', 'DNSKEY', { dnssec: true });
      expect(reply.flags.ad).toBe(true);
      expect(s.transcript[0]?.answer).toEqual(['257 3 13 AQID', '; AD (validated by the resolver)']);
    } finally {
      udp.close();
    }
  });

  it('reports ECONNREFUSED when no server listens', async () => {
    const port = await closedPort();
    const dead = new DnsSession({ servers: [{ address: '127.0.0.1', port }], timeoutMs: 300 });
    expect(['ECONNREFUSED', 'ETIMEOUT']).toContain(await code(dead.queryRaw('signed.sec.test', 'DS')));
  });
});
