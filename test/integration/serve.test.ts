import { mkdtempSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../lab/cli';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let dns: DnsServer;
let serve: ServeProcess;
let dir: string;

beforeAll(async () => {
  dns = await startDnsServer({ zone: loadZoneFixtures() });
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-serve-'));
  serve = await startServe(['--port', '0', '--resolver', `127.0.0.1:${dns.port}`, '--db', join(dir, 'history.sqlite')]);
});
afterAll(async () => {
  await serve?.stop();
  await dns?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so that tests can send any Host and Origin a hostile page could. */
function http(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: serve.port, method, path, headers: { Host: `127.0.0.1:${serve.port}`, ...headers }, timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a streaming GET (the event stream) and resolves with the response once its headers arrive. */
function open(path: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: serve.port, path, headers: { Host: `127.0.0.1:${serve.port}`, ...headers }, timeout: 10_000 }, (res) => {
      // The deadline is for the answer's headers; a stream may then stay quiet between events.
      req.setTimeout(0);
      resolve(res);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

const call = (op: string, input: unknown, headers: Record<string, string> = {}) =>
  http('POST', `/api/${op}`, { 'Content-Type': 'application/json', 'X-Deliverlab-Token': serve.token, ...headers }, JSON.stringify(input));

describe('deliverlab serve', () => {
  it('prints its URL first and serves the renderer with a strict CSP', async () => {
    expect(serve.url).toBe(`http://127.0.0.1:${serve.port}/?token=${serve.token}`);
    expect(serve.token.length).toBeGreaterThanOrEqual(32);
    const page = await http('GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<div id="root">/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });

  it('runs an operation for a caller with the token', async () => {
    const reply = await call('audit.run', { domain: 'bad.test' });
    expect(reply.status).toBe(200);
    const { ok, result } = JSON.parse(reply.body);
    expect(ok).toBe(true);
    const findings = result.findings as { code: string; check: string; severity: string }[];
    expect(findings.filter((f) => f.check === 'spf' || f.check === 'dmarc').map((f) => f.code).sort()).toEqual(['dmarc.missing', 'spf.missing']);
    expect(result.id).toBeGreaterThan(0);
    const list = JSON.parse((await call('history.list', {})).body);
    expect(list.result.items[0]).toMatchObject({ id: result.id, domain: 'bad.test', critical: findings.filter((f) => f.severity === 'critical').length });
  });

  it('refuses a missing or wrong token', async () => {
    const none = await http('POST', '/api/app.info', { 'Content-Type': 'application/json' }, '{}');
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error.message).toMatch(/token/);
    const wrong = await call('app.info', {}, { 'X-Deliverlab-Token': 'x'.repeat(serve.token.length) });
    expect(wrong.status).toBe(401);
    const events = await http('GET', '/api/events?token=nope');
    expect(events.status).toBe(401);
    const eventsWrongHeader = await http('GET', '/api/events', { 'X-Deliverlab-Token': 'nope' });
    expect(eventsWrongHeader.status).toBe(401);
  });

  it('takes the token in the address only for the event stream, never for an operation', async () => {
    const json = { 'Content-Type': 'application/json' };
    const inAddress = await http('POST', `/api/app.info?token=${serve.token}`, json, '{}');
    expect(inAddress.status).toBe(401);
    expect(JSON.parse(inAddress.body).error).toEqual({ code: 'unauthorized', message: 'Send the token in the X-Deliverlab-Token header, never in the address.' });
    // Refused even beside the right header: an address with the token must not work anywhere it was copied to.
    const both = await http('POST', `/api/app.info?token=${serve.token}`, { ...json, 'X-Deliverlab-Token': serve.token }, '{}');
    expect(both.status).toBe(401);
    expect((await http('POST', '/api/app.info?token=nope', { ...json, 'X-Deliverlab-Token': serve.token }, '{}')).status).toBe(401);

    // The event stream takes it either way: EventSource cannot send a header.
    for (const [path, headers] of [
      [`/api/events?token=${serve.token}`, {}],
      ['/api/events', { 'X-Deliverlab-Token': serve.token }],
    ] as const) {
      const stream = await open(path, headers);
      expect(stream.statusCode, path).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream');
      stream.destroy();
    }
  });

  it('serves the page without a token: it holds no data, and the address the user opens carries the token for the page to keep', async () => {
    const page = await http('GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(serve.token);
    const withToken = await http('GET', `/?token=${serve.token}`);
    expect(withToken.status).toBe(200);
    expect(withToken.body).toBe(page.body);
  });

  it('answers 400, never 500, to a malformed percent-encoding in the path', async () => {
    for (const path of ['/%E0%A4%A', '/%zz', '/assets/%E0%A4%A.js', '/%']) {
      const reply = await http('GET', path);
      expect(reply.status, path).toBe(400);
      expect(JSON.parse(reply.body).error, path).toEqual({ code: 'invalid-input', message: 'The address has a malformed percent-encoding.' });
    }
    for (const path of ['/api/%zz', '/api/%E0%A4%A', '/api/app.info%']) {
      const reply = await http('POST', path, { 'Content-Type': 'application/json', 'X-Deliverlab-Token': serve.token }, '{}');
      expect(reply.status, path).toBe(400);
    }
    expect((await http('GET', '/api/events%zz?token=x')).status).toBe(400);
    // Well-formed encodings still work, and the server is still there.
    expect((await http('GET', '/%69ndex.html')).status).toBe(200);
    expect((await call('app.info', {})).status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding), even with the token', async () => {
    const reply = await call('app.info', {}, { Host: `evil.example:${serve.port}` });
    expect(reply.status).toBe(421);
    const page = await http('GET', '/', { Host: 'evil.example' });
    expect(page.status).toBe(421);
  });

  it('refuses a foreign Origin, even with the token', async () => {
    const reply = await call('app.info', {}, { Origin: 'https://evil.example' });
    expect(reply.status).toBe(403);
    const own = await call('app.info', {}, { Origin: `http://127.0.0.1:${serve.port}` });
    expect(own.status).toBe(200);
  });

  it('refuses form posts, wrong methods, bad JSON and invalid input with a clear error', async () => {
    const form = await http('POST', '/api/app.info', { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Deliverlab-Token': serve.token }, 'a=b');
    expect(form.status).toBe(415);
    expect((await http('GET', '/api/app.info', { 'X-Deliverlab-Token': serve.token })).status).toBe(405);
    const badJson = await http('POST', '/api/app.info', { 'Content-Type': 'application/json', 'X-Deliverlab-Token': serve.token }, '{');
    expect(badJson.status).toBe(400);
    const invalid = await call('audit.run', { domain: 'not a domain' });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error).toMatchObject({ code: 'invalid-input', message: 'domain: Not a valid domain name: " " cannot appear in a domain name' });
    const unknown = await call('shell.exec', {});
    expect(unknown.status).toBe(404);
    const missing = await call('history.get', { id: 999999 });
    expect(missing.status).toBe(404);
  });

  it('does not serve files outside the renderer', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/assets/../../package.json']) {
      const reply = await http('GET', path);
      expect(reply.status, path).toBe(404);
      expect(reply.body).not.toMatch(/"name": "deliverlab"/);
    }
  });

  it('streams audit.progress events to a subscriber', async () => {
    const events: { event: string; data: { runId?: string; check: string; state: string; done: number; total: number } }[] = [];
    // The stream and the reply travel on different connections: the last progress event (every
    // check done) may come after the reply, so the test waits for it, not for a timer.
    let allDone: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (allDone = resolve));
    const stream = await open(`/api/events?token=${serve.token}`);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    let buffer = '';
    stream.on('data', (d) => {
      buffer += d;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.+)$/m.exec(frame)?.[1];
        const data = /^data: (.+)$/m.exec(frame)?.[1];
        if (!event || !data) continue;
        const parsed = JSON.parse(data) as (typeof events)[number]['data'];
        events.push({ event, data: parsed });
        if (event === 'audit.progress' && parsed.runId === 'run-42' && parsed.state === 'done' && parsed.done === parsed.total) allDone();
      }
    });
    const reply = await call('audit.run', { domain: 'good.test', runId: 'run-42' });
    expect(reply.status).toBe(200);
    await finished;
    stream.destroy();
    const mine = events.filter((e) => e.event === 'audit.progress' && e.data.runId === 'run-42');
    const states = mine.map((e) => `${e.data.check}:${e.data.state}`);
    expect(states).toEqual(expect.arrayContaining(['dmarc:done', 'dmarc:running', 'mx:done', 'mx:running', 'spf:done', 'spf:running']));
    // Every check that started also finished, each once.
    const started = states.filter((s) => s.endsWith(':running')).map((s) => s.split(':')[0]).sort();
    expect(states.filter((s) => s.endsWith(':done')).map((s) => s.split(':')[0]).sort()).toEqual(started);
    expect(new Set(started).size).toBe(started.length);
  });

  it('keeps settings in its database', async () => {
    const set = await call('settings.set', { dnsTimeoutMs: 1500 });
    expect(JSON.parse(set.body).result).toMatchObject({ resolver: `127.0.0.1:${dns.port}`, dnsTimeoutMs: 1500 });
    const bad = await call('settings.set', { resolver: 'nonsense' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/not a DNS server/);
    expect(JSON.parse((await call('settings.get', {})).body).result.dnsTimeoutMs).toBe(1500);
  });
});
