import { describe, expect, it } from 'vitest';
import { certificateProblems, probeFindings } from '../../electron/core/audit/smtp';
import type { SmtpCertificate, SmtpHostProbe } from '../../electron/core/audit/types';
import { ehloExtensions, isOldTls, offersStarttls, ProbeError, takeReply } from '../../electron/core/smtp/probe';

describe('takeReply (RFC 5321 §4.2.1)', () => {
  it('takes a one-line reply and leaves the rest', () => {
    expect(takeReply('220 mx.example ESMTP\r\n250 ok\r\n')).toEqual({ reply: { code: 220, lines: ['mx.example ESMTP'] }, rest: '250 ok\r\n' });
  });

  it('joins a multi-line reply', () => {
    expect(takeReply('250-mx.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n')?.reply).toEqual({ code: 250, lines: ['mx.example', 'PIPELINING', 'STARTTLS'] });
  });

  it('accepts a bare code and bare LF line ends', () => {
    expect(takeReply('250\n')?.reply).toEqual({ code: 250, lines: [''] });
  });

  it('waits for the rest of an incomplete reply', () => {
    expect(takeReply('250-mx.example\r\n250-PIPE')).toBeNull();
    expect(takeReply('22')).toBeNull();
    expect(takeReply('')).toBeNull();
  });

  it('rejects what is not SMTP', () => {
    expect(() => takeReply('HTTP/1.1 400 Bad Request\r\n')).toThrow(ProbeError);
    expect(() => takeReply('SSH-2.0-OpenSSH_9.6')).toThrow('not an SMTP reply: "SSH-2.0-OpenSSH_9.6"');
    expect(() => takeReply('250-a\r\n251 b\r\n')).toThrow('code 251 inside a 250 reply');
    expect(() => takeReply('2500 x\r\n')).toThrow(ProbeError);
  });

  it('bounds line length and line count', () => {
    expect(() => takeReply(`220 ${'x'.repeat(5000)}`)).toThrow('longer than');
    expect(() => takeReply('250-x\r\n'.repeat(150))).toThrow('more than 100 lines');
  });

  it('shows garbage printably', () => {
    expect(() => takeReply('\u0000\u0001\u0002\u0003junk\n')).toThrow('"????junk"');
  });
});

describe('EHLO and TLS helpers', () => {
  it('lists extensions after the greeting line and finds STARTTLS', () => {
    const ext = ehloExtensions({ code: 250, lines: ['mx.example Hello', 'PIPELINING', 'SIZE 1000', 'starttls'] });
    expect(ext).toEqual(['PIPELINING', 'SIZE 1000', 'starttls']);
    expect(offersStarttls(ext)).toBe(true);
    expect(offersStarttls(['PIPELINING', 'XSTARTTLS', 'AUTH STARTTLS'])).toBe(false);
  });

  it('classifies TLS versions (RFC 8996)', () => {
    expect(['SSLv3', 'TLSv1', 'TLSv1.1'].map(isOldTls)).toEqual([true, true, true]);
    expect(['TLSv1.2', 'TLSv1.3'].map(isOldTls)).toEqual([false, false]);
  });
});

const now = new Date('2026-11-26T12:00:00Z');
const goodCert: SmtpCertificate = {
  subject: 'CN=mx.example.com',
  issuer: "C=US, O=Let's Encrypt, CN=R11",
  validFrom: '2026-10-01T00:00:00.000Z',
  validTo: '2026-12-30T00:00:00.000Z',
  names: ['mx.example.com'],
  nameMatch: true,
  chainValid: true,
};
const probe = (over: Partial<SmtpHostProbe>): SmtpHostProbe => ({
  host: 'mx.example.com',
  address: '192.0.2.1',
  port: 25,
  starttls: true,
  timings: {},
  tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', certificate: goodCert },
  ...over,
});

describe('certificateProblems', () => {
  it('finds nothing wrong with a good certificate', () => {
    expect(certificateProblems(goodCert, 'mx.example.com', now)).toEqual([]);
  });

  it('names each problem, with dates', () => {
    const expired = { ...goodCert, validTo: '2026-01-01T00:00:00.000Z', chainValid: false, error: 'CERT_HAS_EXPIRED' };
    expect(certificateProblems(expired, 'mx.example.com', now)).toEqual([{ short: 'expired', long: 'expired on 2026-01-01T00:00:00.000Z (valid from 2026-10-01T00:00:00.000Z)' }]);
    const future = { ...goodCert, validFrom: '2027-01-01T00:00:00.000Z', chainValid: false, error: 'CERT_NOT_YET_VALID' };
    expect(certificateProblems(future, 'mx.example.com', now).map((p) => p.short)).toEqual(['not yet valid']);
    const self = { ...goodCert, issuer: 'CN=mx.example.com', chainValid: false, error: 'DEPTH_ZERO_SELF_SIGNED_CERT' };
    expect(certificateProblems(self, 'mx.example.com', now).map((p) => p.short)).toEqual(['self-signed']);
    const untrusted = { ...goodCert, chainValid: false, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' };
    expect(certificateProblems(untrusted, 'mx.example.com', now)[0]?.long).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const wrong = { ...goodCert, names: ['www.example.com'], nameMatch: false };
    expect(certificateProblems(wrong, 'mx.example.com', now)).toEqual([{ short: 'name mismatch', long: 'is for www.example.com, not for mx.example.com' }]);
  });
});

describe('probeFindings', () => {
  it('raises nothing for a good probe', () => {
    expect(probeFindings(probe({}), now)).toEqual([]);
  });

  it('raises tls-old for TLS 1.1, and only that', () => {
    const f = probeFindings(probe({ tls: { version: 'TLSv1.1', cipher: 'ECDHE-RSA-AES128-SHA', certificate: goodCert } }), now);
    expect(f.map((x) => [x.code, x.severity])).toEqual([['smtp.tls-old', 'warning']]);
    expect(f[0]?.evidence).toBe('TLSv1.1 ECDHE-RSA-AES128-SHA');
  });

  it('raises no-starttls (critical) without STARTTLS', () => {
    const f = probeFindings(probe({ starttls: false, tls: undefined as never, ehlo: ['PIPELINING'] }), now);
    expect(f.map((x) => [x.code, x.severity])).toEqual([['smtp.no-starttls', 'critical']]);
  });

  it('raises unreachable with the port 25 hint for a connection failure', () => {
    const p: SmtpHostProbe = { host: 'mx.example.com', address: '192.0.2.1', port: 25, starttls: false, timings: {}, error: 'the TCP connection took longer than 10000 ms', stage: 'connect' };
    const f = probeFindings(p, now);
    expect(f.map((x) => x.code)).toEqual(['smtp.unreachable']);
    expect(f[0]?.detail).toContain('port 25 is often blocked on home and office networks');
  });
});
