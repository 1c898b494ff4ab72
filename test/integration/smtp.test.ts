import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult, Finding } from '../../electron/core/audit/types';
import { probeSmtp } from '../../electron/core/smtp/probe';
import { fixtureAudit } from '../helpers/fixture-audit';
import { closedPort } from '../helpers/loopback';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';
import { makeSmtpCerts, type SmtpCerts } from '../lab/smtp-certs';
import { startSmtpServer, type SmtpLabServer, type SmtpServerOptions } from '../lab/smtp-server';

let dns: DnsServer;
let certs: SmtpCerts;
const servers: SmtpLabServer[] = [];

beforeAll(async () => {
  dns = await startDnsServer({ zone: loadZoneFixtures() });
  certs = makeSmtpCerts(['mx.smtp.test', 'mx2.smtp.test', 'mx.signed.sec.test']);
});
afterAll(() => dns?.close());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function lab(options: SmtpServerOptions): Promise<SmtpLabServer> {
  const server = await startSmtpServer(options);
  servers.push(server);
  return server;
}

const TIMEOUT = 800;
const audit = (domain: string, smtpPort: number, extra: { skip?: 'smtp'[]; ca?: string[] } = {}) =>
  fixtureAudit(dns, domain, {
    network: { smtpPort, ca: extra.ca ?? [certs.caPem], timeoutMs: TIMEOUT },
    skip: extra.skip ?? [],
  });
const smtpFindings = (r: AuditResult): Finding[] => r.findings.filter((f) => f.check === 'smtp');
const smtpCodes = (r: AuditResult) => smtpFindings(r).map((f) => f.code).sort();

/** A port on 127.0.0.1 with nothing listening. */

describe('smtp check against a loopback SMTP peer', () => {
  it('passes a server with STARTTLS, TLS 1.3 and a valid certificate, and never sends MAIL/RCPT/DATA', async () => {
    const server = await lab({ mode: 'good', cert: certs.good });
    const r = await audit('probe.smtp.test', server.port);
    expect(smtpCodes(r)).toEqual([]);
    const smtp = r.checks.smtp;
    expect(smtp?.status).toBe('pass');
    const host = smtp?.hosts[0];
    expect(host).toMatchObject({ host: 'mx.smtp.test', address: '127.0.0.1', port: server.port, starttls: true });
    expect(host?.error).toBeUndefined();
    expect(host?.banner).toBe('220 mx.smtp.test ESMTP lab | no UCE');
    expect(host?.ehlo).toContain('STARTTLS');
    expect(host?.tls?.version).toBe('TLSv1.3');
    expect(host?.tls?.certificate).toMatchObject({ nameMatch: true, chainValid: true, names: ['mx.smtp.test', 'mx2.smtp.test', 'mx.signed.sec.test'] });
    expect(host?.tls?.certificate.subject).toContain('CN=mx.smtp.test');
    expect(host?.tls?.certificate.issuer).toContain('Deliverlab SMTP Test CA');
    expect(host?.tls?.certificate.der).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(host?.tls?.certificate.chainDer?.length).toBe(1);
    for (const k of ['connectMs', 'bannerMs', 'ehloMs', 'tlsMs'] as const) expect(host?.timings[k]).toBeGreaterThanOrEqual(0);
    expect(server.commands).toEqual(['EHLO deliverlab.invalid', 'STARTTLS', 'EHLO deliverlab.invalid', 'QUIT']);
  });

  it('probes every MX host in parallel', async () => {
    const server = await lab({ mode: 'good', cert: certs.good });
    const r = await audit('two.smtp.test', server.port);
    expect(r.checks.smtp?.hosts.map((h) => h.host)).toEqual(['mx.smtp.test', 'mx2.smtp.test']);
    expect(smtpCodes(r)).toEqual([]);
    expect(server.connections).toBe(2);
  });

  it('flags a server without STARTTLS as critical', async () => {
    const server = await lab({ mode: 'no-starttls' });
    const r = await audit('probe.smtp.test', server.port);
    expect(smtpCodes(r)).toEqual(['smtp.no-starttls']);
    const f = smtpFindings(r)[0];
    expect(f?.severity).toBe('critical');
    expect(f?.detail).toContain('unencrypted');
    expect(f?.fix).toContain('mx.smtp.test');
    expect(r.checks.smtp).toMatchObject({ status: 'fail', hosts: [{ starttls: false }] });
    expect(server.commands).toEqual(['EHLO deliverlab.invalid', 'QUIT']);
  });

  it('flags STARTTLS that is offered but refused', async () => {
    const server = await lab({ mode: 'starttls-refused', cert: certs.good });
    const r = await audit('probe.smtp.test', server.port);
    expect(smtpCodes(r)).toEqual(['smtp.no-starttls']);
    expect(smtpFindings(r)[0]?.detail).toContain('454');
    expect(r.checks.smtp?.hosts[0]).toMatchObject({ starttls: true, stage: 'starttls' });
  });

  it('reports an expired certificate with its dates', async () => {
    const server = await lab({ mode: 'good', cert: certs.expired });
    const r = await audit('probe.smtp.test', server.port);
    expect(smtpCodes(r)).toEqual(['smtp.cert-invalid']);
    const f = smtpFindings(r)[0];
    expect(f?.severity).toBe('warning');
    expect(f?.title).toContain('expired');
    const validTo = new X509Certificate(certs.expired.cert).validToDate;
    expect(validTo.getTime()).toBeLessThan(Date.now());
    expect(f?.detail).toContain(`expired on ${validTo.toISOString()}`);
    expect(f?.detail).not.toContain('name');
    expect(r.checks.smtp?.hosts[0]?.tls?.certificate).toMatchObject({ chainValid: false, nameMatch: true, error: 'CERT_HAS_EXPIRED' });
  });

  it('reports a certificate for another name', async () => {
    const server = await lab({ mode: 'good', cert: certs.wrongName });
    const r = await audit('probe.smtp.test', server.port);
    expect(smtpCodes(r)).toEqual(['smtp.cert-invalid']);
    const f = smtpFindings(r)[0];
    expect(f?.title).toContain('name mismatch');
    expect(f?.detail).toContain('is for other.invalid, not for mx.smtp.test');
    expect(r.checks.smtp?.hosts[0]?.tls?.certificate).toMatchObject({ chainValid: true, nameMatch: false });
  });

  it('reports a self-signed certificate', async () => {
    const server = await lab({ mode: 'good', cert: certs.selfSigned });
    const r = await audit('probe.smtp.test', server.port);
    expect(smtpCodes(r)).toEqual(['smtp.cert-invalid']);
    expect(smtpFindings(r)[0]?.title).toContain('self-signed');
    expect(r.checks.smtp?.hosts[0]?.tls?.certificate).toMatchObject({ chainValid: false, nameMatch: true, error: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('reports a CA-signed certificate as untrusted when the CA is not trusted', async () => {
    const server = await lab({ mode: 'good', cert: certs.good });
    const r = await audit('probe.smtp.test', server.port, { ca: [] });
    expect(smtpCodes(r)).toEqual(['smtp.cert-invalid']);
    expect(smtpFindings(r)[0]?.title).toContain('untrusted');
  });

  it('warns about TLS 1.0', async () => {
    const server = await lab({ mode: 'tls10', cert: certs.good });
    const r = await audit('probe.smtp.test', server.port);
    expect(smtpCodes(r)).toEqual(['smtp.tls-old']);
    const f = smtpFindings(r)[0];
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe('mx.smtp.test negotiates TLSv1');
    expect(r.checks.smtp?.hosts[0]?.tls?.version).toBe('TLSv1');
  });

  it('reports a closed port as not measured, with the port-25 hint, and costs no points', async () => {
    const port = await closedPort();
    const r = await audit('probe.smtp.test', port);
    expect(smtpCodes(r)).toEqual(['smtp.unreachable']);
    const f = smtpFindings(r)[0];
    expect(f?.severity).toBe('info');
    expect(f?.title).toBe(`Not measured: could not connect to mx.smtp.test on port ${port}`);
    expect(f?.evidence).toContain('ECONNREFUSED');
    expect(f?.detail).toContain('port 25 is often blocked on home and office networks');
    expect(f?.detail).toContain('not measured and not counted in the score');
    expect(r.checks.smtp).toMatchObject({ status: 'skipped', notMeasured: true, skipped: expect.stringMatching(/^not measured: .*may block outbound port/) });
    expect(r.checks.smtp?.hosts[0]).toMatchObject({ stage: 'connect' });
    // The grade must not depend on the auditor's network: the same as with the probe turned off.
    const off = await audit('probe.smtp.test', port, { skip: ['smtp'] });
    expect(r.score).toBe(off.score);
    expect(r.grade).toBe(off.grade);
  });

  it('says once, not per host, when no MX host takes a connection', async () => {
    const r = await audit('two.smtp.test', await closedPort());
    expect(smtpCodes(r)).toEqual(['smtp.unreachable']);
    const f = smtpFindings(r)[0];
    expect(f?.title).toMatch(/^Not measured: could not connect to any of the 2 MX hosts on port \d+$/);
    expect(f?.detail).toContain('cannot tell a dead server from a blocked port');
    expect(r.checks.smtp).toMatchObject({ status: 'skipped', notMeasured: true });
    expect(f?.evidence?.split('\n')).toHaveLength(2);
    expect(r.checks.smtp?.hosts.map((h) => h.stage)).toEqual(['connect', 'connect']);
  });

  // How soon the probe ends is a bound of `npm run bench -- limits`, as for the TLS hang below.
  it('ends a server that never sends a banner within its deadline', async () => {
    const server = await lab({ mode: 'hang' });
    const r = await audit('probe.smtp.test', server.port);
    expect(smtpCodes(r)).toEqual(['smtp.unreachable']);
    expect(r.checks.smtp?.hosts[0]).toMatchObject({ stage: 'banner', error: `no banner within ${TIMEOUT} ms` });
    expect(smtpFindings(r)[0]?.detail).toContain('accepted the connection but did not hold an SMTP conversation');
  });

  it('ends a TLS handshake that never starts within its deadline, as broken STARTTLS', async () => {
    const server = await lab({ mode: 'tls-hang', cert: certs.good });
    const r = await audit('probe.smtp.test', server.port);
    expect(smtpCodes(r)).toEqual(['smtp.no-starttls']);
    expect(smtpFindings(r)[0]?.title).toBe('STARTTLS on mx.smtp.test does not work');
    expect(r.checks.smtp?.hosts[0]).toMatchObject({ stage: 'tls', starttls: true, error: `the TLS handshake took longer than ${TIMEOUT} ms` });
  });

  it('ends a server that drops the line after the banner', async () => {
    const server = await lab({ mode: 'drop-after-banner' });
    const r = await audit('probe.smtp.test', server.port);
    expect(smtpCodes(r)).toEqual(['smtp.unreachable']);
    expect(r.checks.smtp?.hosts[0]).toMatchObject({ stage: 'ehlo', banner: '220 mx.smtp.test ESMTP lab' });
    expect(r.checks.smtp?.hosts[0]?.error).toMatch(/closed the connection|ECONNRESET|EPIPE/);
  });

  it('ends a server that answers with garbage', async () => {
    const server = await lab({ mode: 'garbage' });
    const r = await audit('probe.smtp.test', server.port);
    expect(smtpCodes(r)).toEqual(['smtp.unreachable']);
    expect(r.checks.smtp?.hosts[0]).toMatchObject({ stage: 'banner', error: 'not an SMTP reply: "HTTP/1.1 400 Bad Request"' });
  });

  it('is skipped by --skip smtp, and when there is no MX or a null MX', async () => {
    const server = await lab({ mode: 'good', cert: certs.good });
    const skipped = await audit('probe.smtp.test', server.port, { skip: ['smtp'] });
    expect(skipped.checks.smtp).toEqual({ status: 'skipped', skipped: 'SMTP probing turned off (--skip smtp)', turnedOff: true, hosts: [] });
    expect(server.connections).toBe(0);
    expect((await audit('nomx.smtp.test', server.port)).checks.smtp).toMatchObject({ status: 'skipped', hosts: [] });
    expect((await audit('nullmx.smtp.test', server.port)).checks.smtp).toMatchObject({ status: 'skipped', skipped: 'null MX: the domain receives no mail' });
    expect(server.connections).toBe(0);
  });

  it('reports an MX host without an address as unreachable', async () => {
    const r = await audit('noaddr.smtp.test', 1);
    expect(smtpCodes(r)).toEqual(['smtp.unreachable']);
    expect(r.checks.smtp?.hosts[0]).toMatchObject({ host: 'ghost.smtp.test', stage: 'address' });
  });
});

describe('probeSmtp', () => {
  it('gives EHLO the name it is told', async () => {
    const server = await lab({ mode: 'no-starttls' });
    const p = await probeSmtp({ host: 'mx.smtp.test', address: '127.0.0.1', port: server.port, timeoutMs: TIMEOUT, ehloName: 'probe.example' });
    expect(p.error).toBeUndefined();
    expect(server.commands[0]).toBe('EHLO probe.example');
  });
});
