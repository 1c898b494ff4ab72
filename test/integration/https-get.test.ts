import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsSession } from '../../electron/core/dns/session';
import { HttpsGetError, httpsGet } from '../../electron/core/net/https-get';
import { closedPort } from '../helpers/loopback';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';
import { startHttpsServer, type HttpsLab } from '../lab/https-server';
import { createTestCa, type TestCa } from '../lab/test-ca';

let dns: DnsServer;
let ca: TestCa;
let lab: HttpsLab;
let silent: Server;
let silentPort: number;

const POLICY = 'version: STSv1\r\nmode: enforce\r\nmx: mx1.good.sts.test\r\nmax_age: 86400\r\n';

beforeAll(async () => {
  dns = await startDnsServer({ zone: loadZoneFixtures() });
  ca = createTestCa();
  const good = ca.issue(['mta-sts.good.sts.test', 'mta-sts.hang.sts.test', 'mta-sts.slow.sts.test', 'mta-sts.big.sts.test', 'mta-sts.redirect.sts.test', 'mta-sts.notfound.sts.test']);
  lab = await startHttpsServer({
    fallback: good,
    sites: {
      'mta-sts.good.sts.test': { tls: good, files: { '/.well-known/mta-sts.txt': POLICY } },
      'mta-sts.expired.sts.test': { tls: ca.issue(['mta-sts.expired.sts.test'], { expired: true }), files: { '/.well-known/mta-sts.txt': POLICY } },
      'mta-sts.wrongname.sts.test': { tls: ca.issue(['www.elsewhere.sts.test']), files: { '/.well-known/mta-sts.txt': POLICY } },
      'mta-sts.testing.sts.test': { tls: ca.selfSigned(['mta-sts.testing.sts.test']), files: { '/.well-known/mta-sts.txt': POLICY } },
      'mta-sts.hang.sts.test': { tls: good, files: { '/.well-known/mta-sts.txt': { hang: true } } },
      'mta-sts.slow.sts.test': { tls: good, files: { '/.well-known/mta-sts.txt': { body: POLICY, trickleMs: 100, headers: { 'content-type': 'text/plain' } } } },
      'mta-sts.big.sts.test': {
        tls: good,
        files: {
          '/.well-known/mta-sts.txt': { body: 'x'.repeat(70_000), headers: { 'content-type': 'text/plain' } },
          '/chunked': { body: 'x'.repeat(70_000), omitLength: true, headers: { 'content-type': 'text/plain' } },
        },
      },
      'mta-sts.redirect.sts.test': { tls: good, files: { '/.well-known/mta-sts.txt': { status: 302, headers: { location: 'https://mta-sts.good.sts.test/.well-known/mta-sts.txt' } } } },
      'mta-sts.notfound.sts.test': { tls: good, files: {} },
    },
  });
  // Accepts TCP and never speaks TLS: a handshake that never ends.
  silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
  silentPort = (silent.address() as AddressInfo).port;
});
afterAll(async () => {
  await lab?.close();
  await dns?.close();
  silent?.close();
  ca?.dispose();
});

const session = () => new DnsSession({ servers: [{ address: '127.0.0.1', port: dns.port }], timeoutMs: 500 });
const get = (host: string, extra: { timeoutMs?: number; maxBytes?: number; port?: number; ca?: string[]; path?: string; dns?: DnsSession } = {}) =>
  httpsGet(`https://${host}${extra.path ?? '/.well-known/mta-sts.txt'}`, {
    dns: extra.dns ?? session(),
    port: extra.port ?? lab.port,
    ca: extra.ca ?? [ca.caPem],
    timeoutMs: extra.timeoutMs ?? 2000,
    ...(extra.maxBytes ? { maxBytes: extra.maxBytes } : {}),
  });

async function failure(promise: Promise<unknown>): Promise<HttpsGetError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof HttpsGetError) return err;
    throw err;
  }
  throw new Error('expected the fetch to fail');
}

describe('httpsGet against the loopback HTTPS lab', () => {
  it('has a lab that fails loudly without openssl', () => {
    expect(() => createTestCa('x', { openssl: '/nonexistent/openssl' })).toThrow(/needs the openssl CLI at \/nonexistent\/openssl/);
  });

  it('fetches over verified TLS, resolving the host through the audit session', async () => {
    const dnsSession = session();
    const res = await get('mta-sts.good.sts.test', { dns: dnsSession });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(POLICY);
    expect(res.contentType).toBe('text/plain');
    expect(res.tls.authorized).toBe(true);
    expect(res.tls.version).toMatch(/^TLSv1\.[23]$/);
    expect(res.tls.cipher).toBeTruthy();
    // The lookup is in the transcript: the fetch went where the fixture zone said.
    expect(dnsSession.transcript.some((q) => q.name === 'mta-sts.good.sts.test' && q.type === 'A' && q.answer?.[0] === '127.0.0.1')).toBe(true);
  });

  it('does not trust the lab CA unless told to', async () => {
    const err = await failure(get('mta-sts.good.sts.test', { ca: [] }));
    expect(err.code).toBe('ECERT');
    expect(err.message).toMatch(/not signed by a trusted authority/);
  });

  it('says why a certificate is refused: expired, wrong name, self-signed', async () => {
    const expired = await failure(get('mta-sts.expired.sts.test'));
    expect(expired).toMatchObject({ code: 'ECERT', extra: { cause: 'CERT_HAS_EXPIRED' } });
    expect(expired.message).toMatch(/certificate has expired/);
    const wrong = await failure(get('mta-sts.wrongname.sts.test'));
    expect(wrong).toMatchObject({ code: 'ECERT', extra: { cause: 'ERR_TLS_CERT_ALTNAME_INVALID' } });
    expect(wrong.message).toMatch(/for another name.*www\.elsewhere\.sts\.test/);
    const self = await failure(get('mta-sts.testing.sts.test'));
    expect(self).toMatchObject({ code: 'ECERT', extra: { cause: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
    expect(self.message).toMatch(/self-signed/);
  });

  it('refuses redirects and reports non-200 answers with their status', async () => {
    const before = lab.requests.length;
    const redirect = await failure(get('mta-sts.redirect.sts.test'));
    expect(redirect).toMatchObject({ code: 'EREDIRECT', extra: { status: 302, location: 'https://mta-sts.good.sts.test/.well-known/mta-sts.txt' } });
    expect(lab.requests.slice(before)).toEqual(['mta-sts.redirect.sts.test /.well-known/mta-sts.txt']);
    const missing = await failure(get('mta-sts.notfound.sts.test'));
    expect(missing).toMatchObject({ code: 'EHTTP', extra: { status: 404 } });
    expect(missing.message).toMatch(/HTTP 404/);
  });

  // How soon each ends is a bound of `npm run bench -- limits`.
  it('ends a server that never answers, or answers too slowly, by the deadline', async () => {
    for (const host of ['mta-sts.hang.sts.test', 'mta-sts.slow.sts.test']) {
      const err = await failure(get(host, { timeoutMs: 400 }));
      expect(err.code).toBe('ETIMEOUT');
      expect(err.message).toMatch(/within 400 ms/);
    }
    // A TCP peer that never starts TLS is held to the same deadline.
    const err = await failure(get('mta-sts.good.sts.test', { timeoutMs: 300, port: silentPort }));
    expect(err.code).toBe('ETIMEOUT');
    expect(err.message).toMatch(/within 300 ms/);
  });

  it('stops at the size limit, announced or streamed', async () => {
    const announced = await failure(get('mta-sts.big.sts.test', { maxBytes: 65_536 }));
    expect(announced).toMatchObject({ code: 'ETOOBIG', extra: { bytes: 70_000 } });
    const streamed = await failure(get('mta-sts.big.sts.test', { maxBytes: 65_536, path: '/chunked' }));
    expect(streamed.code).toBe('ETOOBIG');
    expect(streamed.extra.bytes).toBeGreaterThan(65_536);
  });

  it('reports a name without an address, a closed port and a non-https URL', async () => {
    const nohost = await failure(get('mta-sts.nohost.sts.test'));
    expect(nohost.code).toBe('ENOTFOUND');
    expect(nohost.message).toMatch(/does not exist in DNS/);
    const port = await closedPort();
    const refused = await failure(get('mta-sts.good.sts.test', { port }));
    expect(refused.code).toBe('ECONNREFUSED');
    const plain = await failure(httpsGet('http://mta-sts.good.sts.test/', { dns: session() }));
    expect(plain.code).toBe('EURL');
  });
});
