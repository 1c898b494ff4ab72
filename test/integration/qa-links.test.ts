/**
 * The link check against real web servers on loopback: HTTP on 127.0.0.1 to 127.0.0.4, HTTPS on
 * 127.0.0.1 with a certificate from the test CA. The servers log every request and connection, so
 * what must never be requested is proved absent from the log.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkLinks, linkFindings, type LinkCheckOptions, type LinkRef, type ResolvedAddress } from '../../electron/core/qa/links';
import { PAGE_BODY_LIMIT } from '../../electron/core/qa/link-request';
import { closedPort } from '../helpers/loopback';
import { until } from '../helpers/until';
import { startLinkLab, type LabRoute, type LinkLab } from '../lab/link-lab';
import { createTestCa, type TestCa } from '../lab/test-ca';

const image = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'images', name));
const PNG = image('red-37x23.png');
const GIF = image('blank-40x30.gif');
const WEBP = image('green-301x157-vp8l.webp');
// A JPEG whose frame header comes after 80 KB of EXIF-sized segments, sent without a Content-Length.
const APP1 = Buffer.concat([Buffer.from([0xff, 0xe1, 40_000 >> 8, 40_000 & 0xff]), Buffer.alloc(40_000 - 2, 0x41)]);
const JPEG_SOURCE = image('green-301x157.jpg');
const JPEG = Buffer.concat([JPEG_SOURCE.subarray(0, 2), APP1, APP1, JPEG_SOURCE.subarray(2)]);

/** A body far larger than anything the check may read. */
const HUGE = 256 * 1024 * 1024;

let ca: TestCa;
let lab: LinkLab;

const send = (status: number, body: string | Buffer = '', headers: Record<string, string> = {}): LabRoute => (_req, res) => {
  const bytes = Buffer.from(body);
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': String(bytes.length), ...headers }).end(bytes);
};
const redirect = (to: string | (() => string), status = 302): LabRoute => (_req, res) => {
  res.writeHead(status, { location: typeof to === 'string' ? to : to(), 'content-length': '0' }).end();
};
const methods = (head: LabRoute, get: LabRoute): LabRoute => (req, res, l) => (req.method === 'HEAD' ? head(req, res, l) : get(req, res, l));

/** Streams `total` bytes (starting with `first`) for as long as the client reads, and records how many were written. */
function stream(path: string, total: number, headers: Record<string, string>, first = Buffer.alloc(0)): LabRoute {
  return (_req, res, l) => {
    res.writeHead(200, headers);
    const chunk = Buffer.alloc(64 * 1024);
    let sent = 0;
    res.on('close', () => l.wrote(path, sent));
    const pump = () => {
      while (sent < total && !res.destroyed) {
        const piece = sent === 0 ? Buffer.concat([first, chunk]).subarray(0, chunk.length) : chunk;
        sent += piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      if (sent >= total) res.end();
    };
    pump();
  };
}

/**
 * Answers each request after 50 ms: long enough that a client over its bound has a third request in
 * progress at the server, which counts what arrives (how fast it answers is not measured).
 */
function slowly(): LabRoute {
  return (_req: IncomingMessage, res: ServerResponse) => {
    const timer = setTimeout(() => res.writeHead(200, { 'content-length': '0' }).end(), 50);
    res.on('close', () => clearTimeout(timer));
  };
}

const NAMES: Record<string, string> = { 'secure.links.test': '127.0.0.1', 'img.links.test': '127.0.0.1', 'rebind.links.test': '127.0.0.1' };
/** The test's resolver: lab names to 127.0.0.1, anything else does not exist. The system resolver knows none of these names. */
function labLookup(asked: string[] = []) {
  return async (host: string): Promise<ResolvedAddress[]> => {
    asked.push(host);
    const address = NAMES[host];
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  };
}

const https = (path: string, host = 'secure.links.test') => `https://${host}:${lab.httpsPort}${path}`;
const run = (links: LinkRef[], extra: Partial<LinkCheckOptions> = {}) => checkLinks(links, { allowPrivate: true, ca: ca.caPem, lookup: labLookup(), timeoutMs: 20_000, ...extra });
const link = (url: string, line?: number): LinkRef => ({ url, kind: 'link', ...(line !== undefined ? { line } : {}) });
const img = (url: string, line?: number): LinkRef => ({ url, kind: 'image', ...(line !== undefined ? { line } : {}) });
const logged = (path: string) => lab.requests.filter((r) => r.path === path).map((r) => r.method);

beforeAll(async () => {
  ca = createTestCa();
  lab = await startLinkLab({
    addresses: ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'],
    tls: ca.issue(Object.keys(NAMES)),
    routes: {
      '/ok': send(200, '<!doctype html><title>ok</title>'),
      '/missing': send(404, 'not here'),
      '/error': send(500, 'broken'),
      '/no-head': methods(send(405, '', { allow: 'GET' }), send(200, '<p>GET works</p>')),
      '/head-breaks': methods((req) => req.socket.destroy(), send(200, '<p>GET works</p>')),
      '/chain/3': redirect('/chain/2'),
      '/chain/2': redirect('/chain/1', 301),
      '/chain/1': redirect('/ok', 307),
      '/loop': redirect('/loop'),
      '/down': redirect(() => lab.http('127.0.0.2', '/ok'), 301),
      '/hang': () => {},
      '/drop': (req) => req.socket.destroy(),
      '/huge': methods(send(405), stream('/huge', HUGE, { 'content-type': 'text/html', 'content-length': String(HUGE) })),
      '/huge.png': stream('/huge.png', HUGE, { 'content-type': 'image/png' }, PNG),
      '/img/a.png': send(200, PNG, { 'content-type': 'image/png' }),
      '/img/a.gif': send(200, GIF, { 'content-type': 'image/gif' }),
      '/img/a.webp': send(200, WEBP, { 'content-type': 'image/webp' }),
      '/img/a.jpg': (_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG),
      '/img/heavy.png': stream('/img/heavy.png', 600 * 1024, { 'content-type': 'image/png', 'content-length': String(600 * 1024) }, PNG),
      '/img/page.png': send(200, '<!doctype html><title>Sign in</title>'),
      '/tracked': redirect('/unsubscribe?id=4'),
      '/slowly': slowly(),
      '/to-private': redirect('http://10.9.8.7/inside'),
    },
  });
});
afterAll(async () => {
  await lab?.close();
  ca?.dispose();
});
beforeEach(() => lab.reset());

describe('the link check against loopback web servers', () => {
  it('reports status, time, final URL and each hop, with HEAD and the GET fallback', async () => {
    const port = await closedPort();
    const [ok, missing, error, noHead, headBreaks, chain, loop, down, secure, refused] = await run([
      link(lab.http('127.0.0.1', '/ok'), 1),
      link(lab.http('127.0.0.1', '/missing'), 2),
      link(lab.http('127.0.0.2', '/error'), 3),
      link(lab.http('127.0.0.2', '/no-head'), 4),
      link(lab.http('127.0.0.1', '/head-breaks'), 5),
      link(lab.http('127.0.0.1', '/chain/3'), 6),
      link(lab.http('127.0.0.2', '/loop'), 7),
      link(https('/down'), 8),
      link(https('/ok'), 9),
      link(`http://127.0.0.1:${port}/`, 10),
    ]);
    expect(ok).toMatchObject({ status: 200, finalUrl: lab.http('127.0.0.1', '/ok'), requested: true, method: 'HEAD', hops: [{ url: lab.http('127.0.0.1', '/ok'), status: 200 }], line: 1 });
    expect(ok?.ms).toBeGreaterThan(0);
    expect(missing).toMatchObject({ status: 404, method: 'GET' });
    expect(error).toMatchObject({ status: 500, method: 'GET' });
    // HEAD refused with 405, or breaking the connection: GET decides.
    expect(noHead).toMatchObject({ status: 200, method: 'GET' });
    expect(logged('/no-head')).toEqual(['HEAD', 'GET']);
    expect(headBreaks).toMatchObject({ status: 200, method: 'GET' });
    expect(logged('/head-breaks')).toEqual(['HEAD', 'GET']);
    // A chain of 3 redirects, each hop recorded.
    expect(chain?.hops.map((h) => [h.url.replace(/^http:\/\/[^/]+/, ''), h.status])).toEqual([
      ['/chain/3', 302],
      ['/chain/2', 301],
      ['/chain/1', 307],
      ['/ok', 200],
    ]);
    expect(chain).toMatchObject({ status: 200, finalUrl: lab.http('127.0.0.1', '/ok') });
    // A loop stops after 5 redirects: 6 requests in all.
    expect(loop).toMatchObject({ errorKind: 'too-many-redirects', status: 302 });
    expect(loop?.hops).toHaveLength(6);
    expect(logged('/loop')).toEqual(Array(6).fill('HEAD'));
    // https down to http, verified against the test CA on the way.
    expect(down?.hops).toEqual([
      { url: https('/down'), status: 301 },
      { url: lab.http('127.0.0.2', '/ok'), status: 200 },
    ]);
    expect(secure).toMatchObject({ status: 200, finalUrl: https('/ok') });
    expect(refused).toMatchObject({ errorKind: 'refused', status: null, requested: true });

    const findings = linkFindings([ok, missing, error, noHead, headBreaks, chain, loop, down, secure, refused].map((c) => c!));
    expect(findings.map((f) => [f.code, f.severity, f.line])).toEqual([
      ['link.broken', 'critical', 2],
      ['link.too-many-redirects', 'warning', 7],
      ['link.insecure', 'warning', 8],
      ['link.redirect-chain', 'info', 6],
    ]);
    expect(findings[0]?.evidence).toContain(`line 3: ${lab.http('127.0.0.2', '/error')} — HTTP 500`);
  });

  it('does not trust a certificate the test CA did not sign for', async () => {
    const [untrusted] = await run([link(https('/ok'))], { ca: undefined });
    expect(untrusted).toMatchObject({ errorKind: 'cert', status: null });
  });

  it('ends a server that never answers by the deadline, and one that drops the connection', async () => {
    const [hang, drop] = await run([link(lab.http('127.0.0.4', '/hang')), link(lab.http('127.0.0.4', '/drop'))], { timeoutMs: 300 });
    expect(hang).toMatchObject({ errorKind: 'timeout', status: null, requested: true });
    expect(hang?.error).toMatch(/no complete answer within 300 ms/);
    // No GET after a HEAD that timed out: it would wait for the same silence twice.
    expect(logged('/hang')).toEqual(['HEAD']);
    expect(drop).toMatchObject({ errorKind: 'reset', status: null });
    expect(logged('/drop')).toEqual(['HEAD', 'GET']);
  });

  it('stops reading a huge body early and closes the connection', async () => {
    const [page, picture] = await run([link(lab.http('127.0.0.1', '/huge')), img(lab.http('127.0.0.2', '/huge.png'))]);
    await until(() => lab.written.has('/huge') && lab.written.has('/huge.png'), 'the servers to see the client go');
    expect(page).toMatchObject({ status: 200, method: 'GET' });
    // The page is read to 8 KiB, the image counted to 1 MiB: the server wrote a small part of 256 MiB
    // (what the client read plus what the sockets' buffers held) before the client closed.
    expect(lab.written.get('/huge')).toBeLessThan(HUGE / 8);
    expect(picture).toMatchObject({ status: 200, format: 'png', width: 37, height: 23, bytesAtLeast: true });
    expect(picture?.bytes).toBeGreaterThanOrEqual(1024 * 1024);
    expect(picture?.bytes).toBeLessThan(HUGE / 8);
    expect(lab.written.get('/huge.png')).toBeLessThan(HUGE / 8);
    expect(PAGE_BODY_LIMIT).toBe(8 * 1024);
  });

  it('measures PNG, GIF, JPEG and WebP images: dimensions and weight', async () => {
    const at = (path: string) => `https://img.links.test:${lab.httpsPort}${path}`;
    const [png, gif, jpeg, webp, heavy, missing, page, plain] = await run([
      img(at('/img/a.png'), 1),
      img(at('/img/a.gif'), 2),
      img(at('/img/a.jpg'), 3),
      img(at('/img/a.webp'), 4),
      img(at('/img/heavy.png'), 5),
      img(at('/img/gone.png'), 6),
      img(at('/img/page.png'), 7),
      img(lab.http('127.0.0.3', '/img/a.gif'), 8),
    ]);
    expect(png).toMatchObject({ status: 200, format: 'png', width: 37, height: 23, bytes: PNG.length, method: 'GET' });
    expect(gif).toMatchObject({ format: 'gif', width: 40, height: 30, bytes: GIF.length });
    // No Content-Length: the weight is counted by reading to the end.
    expect(jpeg).toMatchObject({ format: 'jpeg', width: 301, height: 157, bytes: JPEG.length });
    expect(jpeg?.bytesAtLeast).toBeUndefined();
    expect(webp).toMatchObject({ format: 'webp', width: 301, height: 157, bytes: WEBP.length });
    // Announced weight: only the header is read.
    expect(heavy).toMatchObject({ format: 'png', width: 37, height: 23, bytes: 600 * 1024 });
    await until(() => lab.written.has('/img/heavy.png'), 'the server to see the client go');
    const mostBytes = 600 * 1024;
    expect(lab.written.get('/img/heavy.png')).toBeLessThan(mostBytes);
    // Images are fetched with GET only.
    expect(lab.requests.filter((r) => r.path.startsWith('/img/')).every((r) => r.method === 'GET')).toBe(true);
    expect(missing).toMatchObject({ status: 404 });
    expect(page).toMatchObject({ status: 200, contentType: 'text/html' });
    expect(page?.format).toBeUndefined();
    expect(plain).toMatchObject({ status: 200, format: 'gif' });

    const findings = linkFindings([png, gif, jpeg, webp, heavy, missing, page, plain].map((c) => c!));
    expect(findings.map((f) => [f.code, f.severity, f.line])).toEqual([
      ['image.broken', 'critical', 6],
      ['image.insecure', 'warning', 8],
      ['image.heavy', 'warning', 5],
    ]);
    expect(findings[0]?.evidence).toContain('page.png — answers HTTP 200 with text/html, not an image');
  });

  it('never requests an unsubscribe link, nor follows a redirect into one', async () => {
    const links: LinkRef[] = [
      { url: lab.http('127.0.0.1', '/u/1'), kind: 'link', text: 'Unsubscribe' },
      link(lab.http('127.0.0.1', '/unsubscribe?id=2')),
      link(https('/email-preferences?id=3')),
      { url: lab.http('127.0.0.2', '/l/5'), kind: 'link', unsubscribe: true },
      link(lab.http('127.0.0.2', '/account/opt_out')),
      link(lab.http('127.0.0.1', '/tracked')),
      link(lab.http('127.0.0.1', '/ok')),
    ];
    const checks = await run(links);
    expect(checks.map((c) => [c.reason, c.requested])).toEqual([
      ['unsubscribe', false],
      ['unsubscribe', false],
      ['unsubscribe', false],
      ['unsubscribe', false],
      ['unsubscribe', false],
      ['unsubscribe', true],
      [undefined, true],
    ]);
    expect(checks[5]).toMatchObject({ status: 302, finalUrl: lab.http('127.0.0.1', '/unsubscribe?id=4'), hops: [{ url: lab.http('127.0.0.1', '/tracked'), status: 302 }] });
    // The servers' log: the tracking link and the ordinary one, nothing else.
    expect(lab.requests.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['HEAD /tracked', 'HEAD /ok']));
    expect(lab.requests).toHaveLength(2);
  });

  it('requests nothing at all without private addresses allowed, and says why for each link', async () => {
    const links: LinkRef[] = [
      link(lab.http('127.0.0.1', '/ok')),
      link(lab.http('127.0.0.2', '/chain/3')),
      link(https('/ok')),
      img(`https://img.links.test:${lab.httpsPort}/img/a.png`),
      link(lab.http('127.0.0.1', '/unsubscribe?id=9')),
      link('mailto:help@links.test'),
      link(`http://localhost:${lab.httpPort['127.0.0.1']}/ok`),
      link(`http://[::1]:${lab.httpPort['127.0.0.1']}/ok`),
    ];
    const checks = await checkLinks(links, { allowPrivate: false, ca: ca.caPem, lookup: async (host) => (host === 'localhost' ? [{ address: '127.0.0.1', family: 4 }] : labLookup()(host)) });
    expect(lab.connections).toBe(0);
    expect(lab.requests).toEqual([]);
    expect(checks.map((c) => [c.reason, c.requested, c.refused?.address])).toEqual([
      ['private', false, '127.0.0.1'],
      ['private', false, '127.0.0.2'],
      ['private', false, '127.0.0.1'],
      ['private', false, '127.0.0.1'],
      ['unsubscribe', false, undefined],
      ['not-http', false, undefined],
      ['private', false, '127.0.0.1'],
      ['private', false, '::1'],
    ]);
    expect(checks[0]?.refused?.range).toMatch(/loopback/);
    expect(linkFindings(checks).map((f) => f.code)).toEqual(['link.private']);
  });

  it('refuses a redirect to an address it may not reach, before connecting', async () => {
    const [refused] = await run([link(lab.http('127.0.0.3', '/to-private'))]);
    // In the test suites nothing beyond loopback is reached, whatever allowPrivate says; the hop is
    // checked like the link itself.
    expect(refused).toMatchObject({ requested: true, status: 302, reason: 'loopback-only', finalUrl: 'http://10.9.8.7/inside', refused: { address: '10.9.8.7' } });
    expect(lab.requests.map((r) => r.path)).toEqual(['/to-private']);
  });

  it('looks a name up once per hop and connects to the address it checked', async () => {
    const asked: string[] = [];
    const [check] = await run([link(https('/no-head', 'rebind.links.test'))], { lookup: labLookup(asked) });
    // HEAD refused, GET to the same checked address: one lookup (the system resolver does not know the name at all).
    expect(check).toMatchObject({ status: 200, method: 'GET' });
    expect(asked).toEqual(['rebind.links.test']);
  });

  it('requests a URL written twice once, and keeps each line', async () => {
    const url = lab.http('127.0.0.1', '/ok');
    const checks = await run([link(url, 3), link(url, 40)]);
    expect(checks.map((c) => [c.line, c.status])).toEqual([
      [3, 200],
      [40, 200],
    ]);
    expect(logged('/ok')).toEqual(['HEAD']);
  });

  it('keeps to two requests at a time on one host, with 40 links to it', async () => {
    const links = Array.from({ length: 40 }, (_, i) => link(lab.http('127.0.0.3', `/slowly?n=${i}`)));
    const checks = await run(links);
    expect(checks.every((c) => c.status === 200)).toBe(true);
    expect(lab.requests.filter((r) => r.server === '127.0.0.3')).toHaveLength(40);
    expect(lab.maxActive.get('127.0.0.3')).toBeLessThanOrEqual(2);
    // A wider bound lets more through: the server sees the client's bound, not a limit of its own.
    lab.reset();
    const wider = await run(links.slice(0, 10), { perHost: 5 });
    expect(wider.every((c) => c.status !== null)).toBe(true);
    expect(lab.maxActive.get('127.0.0.3')).toBeGreaterThan(2);
  });

  it('stops every request when the signal aborts', async () => {
    const controller = new AbortController();
    const links = Array.from({ length: 6 }, (_, i) => link(lab.http('127.0.0.4', `/hang?n=${i}`)));
    const arrived = once(lab, 'request');
    const checking = run(links, { signal: controller.signal, timeoutMs: 600_000 });
    await arrived;
    await until(() => lab.requests.length === 2, 'both allowed requests to arrive');
    controller.abort();
    await expect(checking).rejects.toMatchObject({ name: 'AbortError' });
    // Every connection closed, and nothing started after the stop.
    await until(() => (lab.open.get('127.0.0.4') ?? 0) === 0, 'the connections to close');
    expect(lab.requests).toHaveLength(2);
  });
});
