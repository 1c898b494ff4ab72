import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../electron/serve/server';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let dns: DnsServer;
let serve: RunningServer;
let dir: string;

beforeAll(async () => {
  dns = await startDnsServer({ zone: loadZoneFixtures() });
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-serve-limits-'));
  serve = await startServer({ port: 0, dbPath: ':memory:', resolverDefault: `127.0.0.1:${dns.port}`, rendererDir: dir, version: '0', token: 't'.repeat(32) });
});
afterAll(async () => {
  await serve?.close();
  await dns?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: string;
  /** Bytes of the body the client had written when the answer came. */
  written: number;
}

const MB = 1024 * 1024;
/**
 * More than the loopback socket buffers on both ends can hold (a few MB each): a client that had
 * written less than this when the answer came was refused before the server read its body.
 */
const UNREAD = 16 * MB;

/**
 * POSTs `size` bytes (or `body`) to an operation, streaming them in 64 KB chunks as a browser would.
 *
 * Resolves on the answer, even when the server closes the connection before the upload is done:
 * that early answer is what is under test.
 */
function post(op: string, options: { body?: Buffer; size?: number; chunked?: boolean; expectContinue?: boolean }): Promise<Reply> {
  let written = 0;
  const body = options.body ?? Buffer.alloc(options.size ?? 0, 0x61);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Deliverlab-Token': serve.token, Host: `127.0.0.1:${serve.port}` };
    if (!options.chunked) headers['Content-Length'] = String(body.length);
    if (options.expectContinue) headers.Expect = '100-continue';
    const req = request({ host: '127.0.0.1', port: serve.port, method: 'POST', path: `/api/${op}`, headers, timeout: 30_000 }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      const done = () => resolve({ status: res.statusCode ?? 0, body: text, written });
      res.on('end', done);
      res.on('error', done);
    });
    let answered = false;
    req.on('response', () => (answered = true));
    // Writing into a connection the server has closed fails: expected after a 413.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.on('timeout', () => req.destroy(new Error(`POST ${op} timed out`)));
    const send = () => {
      let offset = 0;
      const pump = () => {
        while (offset < body.length && !answered && !req.destroyed) {
          const chunk = body.subarray(offset, offset + 65_536);
          offset += chunk.length;
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered && !req.destroyed) req.end();
      };
      pump();
    };
    if (options.expectContinue) req.on('continue', send);
    else send();
  });
}

/** A plain message of about `bytes` bytes. */
function message(bytes: number): string {
  const head = 'From: Sender <sender@good.test>\r\nTo: rcpt@example.test\r\nSubject: big\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <big@good.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n';
  const line = `${'lorem ipsum dolor sit amet '.repeat(2)}\r\n`;
  return head + line.repeat(Math.ceil(bytes / line.length));
}

const errorOf = (reply: Reply) => (JSON.parse(reply.body) as { error: { code: string; message: string } }).error;

describe('serve request body limits', () => {
  it('accepts a 2 MB message for message.check', async () => {
    const raw = message(2 * MB);
    const reply = await post('message.check', { body: Buffer.from(JSON.stringify({ raw: Buffer.from(raw).toString('base64'), encoding: 'base64', checkLinkDomains: false })) });
    expect(reply.status, reply.body.slice(0, 300)).toBe(200);
    const { result } = JSON.parse(reply.body) as { result: { size: number; summary: { subject: string }; id: number } };
    expect(result.size).toBe(Buffer.byteLength(raw));
    expect(result.summary.subject).toBe('big');
    expect(result.id).toBeGreaterThan(0);
  });

  it('refuses 2 MB for any other operation with 413, declared or chunked', async () => {
    const declared = await post('settings.set', { size: 2 * MB });
    expect(declared.status).toBe(413);
    expect(errorOf(declared)).toEqual({ code: 'invalid-input', message: 'The request body is larger than 1 MB, the most settings.set accepts.' });
    const chunked = await post('audit.run', { size: 2 * MB, chunked: true });
    expect(chunked.status).toBe(413);
    expect(errorOf(chunked).message).toMatch(/larger than 1 MB/);
    // The server is still there and answers the next call.
    const info = await post('app.info', { body: Buffer.from('{}') });
    expect(info.status).toBe(200);
  });

  it('refuses a declared length over the limit before reading any of it', async () => {
    const declared = await post('settings.set', { size: 64 * MB });
    expect(declared.status).toBe(413);
    expect(declared.written).toBeLessThan(UNREAD);
  });

  it('refuses operation names every object inherits (constructor, __proto__, toString) with 404, without reading the body', async () => {
    for (const op of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      for (const chunked of [false, true]) {
        const reply = await post(op, { size: 64 * MB, chunked });
        expect(reply.status, `${op} chunked=${chunked}`).toBe(404);
        expect(errorOf(reply)).toEqual({ code: 'unknown-operation', message: `There is no operation "${op}".` });
        expect(reply.written, `${op} chunked=${chunked}`).toBeLessThan(UNREAD);
      }
    }
    const info = await post('app.info', { body: Buffer.from('{}') });
    expect(info.status).toBe(200);
  });

  it('refuses an unknown operation before reading its body', async () => {
    const reply = await post('shell.exec', { size: 64 * MB });
    expect(reply.status).toBe(404);
    expect(reply.written).toBeLessThan(UNREAD);
  });

  it('refuses an 80 MB message.check without reading it all', async () => {
    const declared = await post('message.check', { size: 80 * MB });
    expect(declared.status).toBe(413);
    expect(errorOf(declared).message).toBe('The request body is larger than 70 MB, the most message.check accepts (messages up to 50 MB).');
    // Answered from the declared length: the upload stalled after what the socket buffers hold.
    expect(declared.written).toBeLessThan(UNREAD);
    // Without a declared length the server reads up to the limit, then stops: the rest is never sent.
    const size = 100 * MB;
    const chunked = await post('message.check', { size, chunked: true });
    expect(chunked.status).toBe(413);
    expect(errorOf(chunked).message).toMatch(/larger than 70 MB/);
    expect(chunked.written).toBeLessThan(size);
    // A client that asks first (Expect: 100-continue) is refused before it sends anything.
    const asked = await post('message.check', { size: 80 * MB, expectContinue: true });
    expect(asked.status).toBe(413);
    expect(asked.written).toBe(0);
  });

  it('says a message over 50 MB that fits in the body limit is too large, as the analysis words it', async () => {
    // 51 MB of text in base64 is 68 MB: inside the body limit, over the message limit.
    const raw = Buffer.from(message(51 * MB)).toString('base64');
    const reply = await post('message.check', { body: Buffer.from(JSON.stringify({ raw, encoding: 'base64' })) });
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/50 MB/) });
  });
});
