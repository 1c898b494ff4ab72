import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
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
    const events: { event: string; data: { runId?: string; check: string; state: string } }[] = [];
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: serve.port, path: `/api/events?token=${serve.token}`, headers: { Host: `127.0.0.1:${serve.port}` } }, resolve);
      req.on('error', reject);
      req.end();
    });
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
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    });
    const reply = await call('audit.run', { domain: 'good.test', runId: 'run-42' });
    expect(reply.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
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
