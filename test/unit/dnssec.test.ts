import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import * as packet from 'dns-packet';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchDane, tlsaAssociation, tlsaMatches, usableTlsa } from '../../electron/core/audit/dnssec';
import type { TlsaRecord } from '../../electron/core/audit/types';
import { buildQuery, formatRecord, parseResponse, RawDnsError } from '../../electron/core/dns/raw';
import { makeSmtpCerts } from '../lab/smtp-certs';

let leaf: Buffer;
let ca: Buffer;
let other: Buffer;
const hash = (alg: string, b: Buffer) => createHash(alg).update(b).digest('hex');
const spki = (der: Buffer) => new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });

beforeAll(() => {
  const certs = makeSmtpCerts(['mx.example.test']);
  leaf = new X509Certificate(certs.good.cert).raw;
  ca = new X509Certificate(certs.caPem).raw;
  other = new X509Certificate(certs.selfSigned.cert).raw;
});

const rec = (usage: number, selector: number, matchingType: number, data: string): TlsaRecord => ({ usage, selector, matchingType, data });

describe('TLSA matching (RFC 6698 §2.1, RFC 7672 §3.1)', () => {
  it('computes the association for every selector and matching type', () => {
    expect(tlsaAssociation(leaf, 0, 0)).toBe(leaf.toString('hex'));
    expect(tlsaAssociation(leaf, 0, 1)).toBe(hash('sha256', leaf));
    expect(tlsaAssociation(leaf, 0, 2)).toBe(hash('sha512', leaf));
    expect(tlsaAssociation(leaf, 1, 0)).toBe(spki(leaf).toString('hex'));
    expect(tlsaAssociation(leaf, 1, 1)).toBe(hash('sha256', spki(leaf)));
    expect(tlsaAssociation(leaf, 1, 2)).toBe(hash('sha512', spki(leaf)));
    expect(tlsaAssociation(leaf, 2, 1)).toBeNull();
    expect(tlsaAssociation(leaf, 1, 3)).toBeNull();
  });

  it('agrees with openssl on the SPKI SHA-256 (the usual "3 1 1" record)', () => {
    const pem = `-----BEGIN CERTIFICATE-----\n${leaf.toString('base64')}\n-----END CERTIFICATE-----\n`;
    const pub = execFileSync('/usr/bin/openssl', ['x509', '-noout', '-pubkey'], { input: pem });
    const der = execFileSync('/usr/bin/openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: pub });
    expect(tlsaAssociation(leaf, 1, 1)).toBe(hash('sha256', der));
  });

  it('matches DANE-EE against the leaf, case-insensitively', () => {
    expect(tlsaMatches(rec(3, 1, 1, hash('sha256', spki(leaf)).toUpperCase()), leaf)).toBe(true);
    expect(tlsaMatches(rec(3, 0, 2, hash('sha512', leaf)), leaf)).toBe(true);
    expect(tlsaMatches(rec(3, 1, 1, hash('sha256', spki(other))), leaf)).toBe(false);
  });

  it('matches DANE-TA only against certificates above the leaf', () => {
    const ta = rec(2, 0, 1, hash('sha256', ca));
    expect(matchDane([ta], leaf, [ca])).toEqual(ta);
    expect(matchDane([ta], leaf, [])).toBeNull();
    // A DANE-TA record naming the leaf itself is not a trust anchor for it.
    expect(matchDane([rec(2, 0, 1, hash('sha256', leaf))], leaf, [ca])).toBeNull();
  });

  it('never matches PKIX usages or unknown parameters in SMTP', () => {
    const data = hash('sha256', spki(leaf));
    for (const r of [rec(0, 1, 1, data), rec(1, 1, 1, data), rec(3, 2, 1, data), rec(3, 1, 9, data), rec(4, 1, 1, data)]) {
      expect(usableTlsa(r)).toBe(false);
      expect(matchDane([r], leaf, [ca])).toBeNull();
    }
    expect(usableTlsa(rec(3, 1, 1, data))).toBe(true);
    expect(usableTlsa(rec(2, 0, 0, data))).toBe(true);
  });

  it('matches nothing against a certificate that does not parse', () => {
    expect(tlsaMatches(rec(3, 1, 1, '00'), Buffer.from('not a certificate'))).toBe(false);
  });
});

describe('raw DNS replies', () => {
  const reply = (over: packet.Packet) =>
    packet.encode({ id: 7, type: 'response', questions: [{ type: 'DS', name: 'example.test', class: 'IN' }], ...over });

  it('builds a query with RD, AD, EDNS0 and the DO bit', () => {
    const q = packet.decode(buildQuery(42, 'example.test', 'DNSKEY', true));
    expect(q).toMatchObject({ id: 42, flag_rd: true, flag_ad: true, questions: [{ name: 'example.test', type: 'DNSKEY' }] });
    const opt = q.additionals?.find((a) => a.type === 'OPT') as packet.OptAnswer;
    expect(opt.udpPayloadSize).toBe(1232);
    expect(opt.flag_do).toBe(true);
    const plain = packet.decode(buildQuery(43, 'example.test', 'TLSA', false));
    expect((plain.additionals?.[0] as packet.OptAnswer).flag_do).toBe(false);
    expect(plain.flag_ad).toBe(false);
  });

  it('reads the rcode, the AD/AA/TC flags and the sections', () => {
    const ds = { name: 'example.test', type: 'DS' as const, ttl: 60, class: 'IN' as const, data: { keyTag: 1, algorithm: 13, digestType: 2, digest: Buffer.from('ab', 'hex') } };
    const r = parseResponse(reply({ flags: packet.AUTHENTIC_DATA | packet.RECURSION_AVAILABLE, answers: [ds] }), 7, 'example.test.', 'DS');
    expect(r).toMatchObject({ rcode: 'NOERROR', flags: { ad: true, aa: false, tc: false }, authorities: [] });
    expect(r.answers.map(formatRecord)).toEqual(['1 13 2 AB']);
    expect(parseResponse(reply({ flags: 3 | packet.AUTHORITATIVE_ANSWER }), 7, 'example.test', 'DS')).toMatchObject({ rcode: 'NXDOMAIN', flags: { aa: true } });
    expect(parseResponse(reply({ flags: packet.TRUNCATED_RESPONSE }), 7, 'example.test', 'DS').flags.tc).toBe(true);
  });

  it('refuses replies to another query, and malformed ones', () => {
    expect(() => parseResponse(reply({}), 8, 'example.test', 'DS')).toThrow(RawDnsError);
    expect(() => parseResponse(reply({}), 7, 'other.test', 'DS')).toThrow('another question');
    expect(() => parseResponse(reply({}), 7, 'example.test', 'TLSA')).toThrow('another question');
    expect(() => parseResponse(Buffer.from([0, 7, 0x80]), 7, 'example.test', 'DS')).toThrow('malformed DNS reply');
  });

  it('formats DNSKEY, TLSA and RRSIG records for the transcript', () => {
    const base = { name: 'x.test', ttl: 60, class: 'IN' as const };
    expect(formatRecord({ ...base, type: 'DNSKEY', data: { flags: 257, algorithm: 13, key: Buffer.from([1, 2, 3]) } })).toBe('257 3 13 AQID');
    expect(formatRecord({ ...base, type: 'TLSA', data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.from('ABCD', 'hex') } })).toBe('3 1 1 abcd');
    expect(
      formatRecord({ ...base, type: 'RRSIG', data: { typeCovered: 'DS', algorithm: 13, labels: 2, originalTTL: 60, expiration: 2, inception: 1, keyTag: 9, signersName: 'test', signature: Buffer.alloc(1) } }),
    ).toBe('RRSIG DS 13 2 60 2 1 9 test');
  });
});

describe('rawQuery input', () => {
  it('turns a name it cannot encode into EBADNAME, without sending anything', async () => {
    const { rawQuery } = await import('../../electron/core/dns/raw');
    await expect(rawQuery({ address: '127.0.0.1', port: 9 }, `${'a'.repeat(64)}.test`, 'TLSA')).rejects.toMatchObject({ code: 'EBADNAME' });
  });
});
