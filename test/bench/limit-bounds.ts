/**
 * `npm run bench -- limits`: how soon Deliverlab gives up on a peer that does not answer, and how
 * soon it refuses what it will not read. The tests prove that each ends, and how (the timeout
 * error, the refusal, what was read); the time each takes is judged here, against the limits the
 * tests once asserted. Every peer is a loopback one of test/lab.
 */
import { request } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../electron/core/audit/run';
import type { AuditContext } from '../../electron/core/audit/context';
import { checkSpf } from '../../electron/core/audit/spf';
import { DnsError, DnsSession, type DnsSessionOptions } from '../../electron/core/dns/session';
import { parseResolverSpec } from '../../electron/core/dns/servers';
import { HttpsGetError, httpsGet } from '../../electron/core/net/https-get';
import { lintContent } from '../../electron/core/message/content-lint';
import { sendTest } from '../../electron/core/send/send';
import { startServer } from '../../electron/serve/server';
import { runCli } from '../lab/cli';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';
import { startDohServer } from '../lab/doh-server';
import ensureBuild from '../lab/ensure-build';
import { startHttpsServer } from '../lab/https-server';
import { makeSmtpCerts } from '../lab/smtp-certs';
import { startSmtpServer } from '../lab/smtp-server';
import { createTestCa } from '../lab/test-ca';
import { lintInput, msg } from '../helpers/message-lint-input';
import { bound, type Bounded } from './bound';

/** The failure each scenario must end in: anything else is a broken bench, not a slow figure. */
async function failsWith(run: () => Promise<unknown>, code: string): Promise<void> {
  try {
    await run();
  } catch (err) {
    if ((err instanceof DnsError || err instanceof HttpsGetError) && err.code === code) return;
    throw err;
  }
  throw new Error(`expected ${code}, got an answer`);
}

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(`bench scenario went wrong: ${what}`);
}

export async function runLimitBounds(): Promise<Bounded> {
  const out: Bounded = { rows: [], verdicts: [] };
  const closers: (() => unknown)[] = [];
  try {
    const fixtures = await startDnsServer({ zone: loadZoneFixtures() });
    closers.push(() => fixtures.close());
    await dnsBounds(out, fixtures, closers);
    await networkBounds(out, fixtures, closers);
    await serveBounds(out, fixtures, closers);
  } finally {
    for (const close of closers.reverse()) await close();
  }
  return out;
}

async function dnsBounds(out: Bounded, fixtures: DnsServer, closers: (() => unknown)[]): Promise<void> {
  // test/integration/dns-session.test.ts: 300 ms per try, 2 tries.
  await bound(out, 'DNS: give up on a server that never answers (300 ms x 2 tries)', 300 * 3 + 500 + 1000, 5, () =>
    failsWith(() => new DnsSession({ servers: [{ address: '127.0.0.1', port: fixtures.port }], timeoutMs: 300, tries: 2 }).resolveTxt('dead.test'), 'ETIMEOUT'),
  );

  // test/integration/dnssec.test.ts: a DS query nobody answers.
  const sec = await startDnsServer({ zone: parseZone('dead.sec.test. TIMEOUT') });
  closers.push(() => sec.close());
  await bound(out, 'DNSSEC: DS query timeout (300 ms x 2 tries)', 300 * 2 + 500, 5, () =>
    failsWith(() => new DnsSession({ servers: [{ address: '127.0.0.1', port: sec.port }], timeoutMs: 300, tries: 2 }).queryRaw('dead.sec.test', 'DS'), 'ETIMEOUT'),
  );

  // test/integration/dns-modes.test.ts, authoritative mode: the zone's name server is dead.
  const parent = await startDnsServer({ zone: parseZone('lame.test. NS ns.lame.test.\nns.lame.test. A 127.0.0.1') });
  closers.push(() => parent.close());
  const lame = (): DnsSessionOptions => ({ servers: parseResolverSpec(`authoritative@127.0.0.1:${parent.port}`), timeoutMs: 300, tries: 1, lab: { nsPorts: { 'ns.lame.test': 9 } } });
  await bound(out, 'authoritative mode: report a dead name server', 300 * 2 * 4 + 500, 5, async () => {
    const err = await new DnsSession(lame()).resolveTxt('lame.test').catch((e: unknown) => e);
    expect(err instanceof DnsError && ['ECONNREFUSED', 'ETIMEOUT'].includes(err.code), `lame.test: ${String(err)}`);
  });

  // test/integration/dns-modes.test.ts, DNS-over-HTTPS: a hanging server, and the CLI's exit.
  const ca = createTestCa();
  closers.push(() => ca.dispose());
  const doh = await startDohServer({ zone: loadZoneFixtures(), tls: ca.issue(['doh.lab.test', 'localhost']) });
  closers.push(() => doh.close());
  const hang = () => new DnsSession({ servers: parseResolverSpec(`https://doh.lab.test:${doh.port}/hang`), timeoutMs: 300, tries: 2, ca: [ca.caPem], lab: { hosts: { 'doh.lab.test': '127.0.0.1' } } });
  await bound(out, 'DoH: give up on a server that never answers (300 ms x 2 tries)', 300 * 3 + 500 + 500, 5, async () => {
    const dns = hang();
    await failsWith(() => dns.resolveTxt('good.test'), 'ETIMEOUT');
    dns.cancel();
  });
  ensureBuild();
  const url = `https://localhost:${doh.port}/dns-query`;
  await bound(out, 'CLI audit over DoH, start to exit (kept-alive connections closed)', 5000, 3, async () => {
    const run = await runCli(['audit', 'good.test', '--resolver', url, '--ca-file', join(ca.dir, 'ca.pem'), '--skip', 'smtp,http,dnsbl', '--no-history', '--json']);
    expect(run.code === 0, `deliverlab audit over DoH exited ${run.code}: ${run.stderr}`);
  });

  // test/integration/spf-tree.test.ts: a 1,000-include chain.
  const lines = ['chain.hostile.test. TXT "v=spf1 include:c1.hostile.test -all"'];
  for (let i = 1; i < 1000; i++) lines.push(`c${i}.hostile.test. TXT "v=spf1 include:c${i + 1}.hostile.test -all"`);
  const hostile = await startDnsServer({ zone: parseZone(lines.join('\n')) });
  closers.push(() => hostile.close());
  await bound(out, 'SPF: stop a 1,000-include chain', 10_000, 3, async () => {
    const dns = new DnsSession({ servers: [{ address: '127.0.0.1', port: hostile.port }], timeoutMs: 300, tries: 1 });
    const spf = await checkSpf({ domain: 'chain.hostile.test', dns, options: {}, skipped: () => false, need: () => Promise.reject(new Error('not needed')) } as unknown as AuditContext);
    expect(spf.findings.some((f) => f.code === 'spf.lookup-limit'), 'the chain is over the lookup limit');
  });

  // test/integration/message-lint.test.ts: one domain list never answers.
  const lists = await startDnsServer({ zone: parseZone('public.example.dbl.spamhaus.org. A 127.255.255.254\npublic.example.multi.uribl.com. A 127.0.0.1\nslow.example.multi.uribl.com. TIMEOUT') });
  closers.push(() => lists.close());
  const page = msg(
    'From: Shop <news@shop.example>',
    'Date: Thu, 26 Nov 2026 09:58:00 +0000',
    'Message-ID: <l.1@shop.example>',
    'Content-Type: text/html',
    '',
    `<p>${'Our offer for you. '.repeat(30)}</p><a href="https://public.example/">a</a> <a href="https://slow.example/">b</a> <a href="https://clean.example/">c</a>`,
    '',
  );
  await bound(out, 'link domains on the blocklists, one list never answering', 3000, 5, async () => {
    const dns = new DnsSession({ servers: [{ address: '127.0.0.1', port: lists.port }], timeoutMs: 300, tries: 1 });
    await lintContent(await lintInput(page, { checkLinkDomains: true }), dns);
    expect(dns.transcript.some((q) => q.name === 'slow.example.multi.uribl.com' && q.error === 'ETIMEOUT'), 'the silent list timed out');
  });
}

async function networkBounds(out: Bounded, fixtures: DnsServer, closers: (() => unknown)[]): Promise<void> {
  const dns = { servers: [{ address: '127.0.0.1', port: fixtures.port }], timeoutMs: 500 };
  const ca = createTestCa();
  closers.push(() => ca.dispose());
  const hosts = ['hang', 'slow', 'good'].map((d) => `mta-sts.${d}.sts.test`);
  const tls = ca.issue(hosts);
  const path = '/.well-known/mta-sts.txt';
  const https = await startHttpsServer({
    fallback: tls,
    sites: {
      'mta-sts.hang.sts.test': { tls, files: { [path]: { hang: true } } },
      'mta-sts.slow.sts.test': { tls, files: { [path]: { body: 'version: STSv1\nmode: enforce\nmx: mx.slow.sts.test\nmax_age: 86400\n', trickleMs: 200, headers: { 'content-type': 'text/plain' } } } },
    },
  });
  closers.push(() => https.close());
  const silent: Server = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
  closers.push(() => silent.close());
  const silentPort = (silent.address() as AddressInfo).port;

  // test/integration/https-get.test.ts: the fetch's own deadline.
  for (const host of ['mta-sts.hang.sts.test', 'mta-sts.slow.sts.test']) {
    await bound(out, `HTTPS GET: end ${host.split('.')[1]} server by a 400 ms deadline`, 1500, 5, () =>
      failsWith(() => httpsGet(`https://${host}${path}`, { dns: new DnsSession(dns), port: https.port, ca: [ca.caPem], timeoutMs: 400 }), 'ETIMEOUT'),
    );
  }
  await bound(out, 'HTTPS GET: end a TLS handshake that never starts (300 ms)', 1500, 5, () =>
    failsWith(() => httpsGet(`https://mta-sts.good.sts.test${path}`, { dns: new DnsSession(dns), port: silentPort, ca: [ca.caPem], timeoutMs: 300 }), 'ETIMEOUT'),
  );

  // test/integration/mta-sts.test.ts: the whole audit with a 600 ms network deadline.
  for (const domain of ['hang.sts.test', 'slow.sts.test']) {
    await bound(out, `audit ${domain}: MTA-STS policy server ended by 600 ms`, 3000, 3, async () => {
      const r = await runAudit(domain, { dns, network: { httpsPort: https.port, ca: [ca.caPem], timeoutMs: 600 }, skip: ['smtp', 'dnsbl'] });
      expect(r.findings.some((f) => f.code === 'mtasts.policy-unreachable'), `${domain}: policy unreachable`);
    });
  }

  // test/integration/smtp.test.ts: the probe's 800 ms deadline, per stage.
  const certs = makeSmtpCerts(['mx.smtp.test']);
  for (const mode of ['hang', 'tls-hang'] as const) {
    const smtp = await startSmtpServer({ mode, cert: certs.good });
    closers.push(() => smtp.close());
    await bound(out, `audit: SMTP probe ends a ${mode === 'hang' ? 'server without a banner' : 'TLS handshake that never starts'} (800 ms)`, 800 * 4, 3, async () => {
      const r = await runAudit('probe.smtp.test', { dns, network: { smtpPort: smtp.port, ca: [certs.caPem], timeoutMs: 800 }, skip: [] });
      expect(r.checks.smtp?.hosts[0]?.error !== undefined, `SMTP ${mode}: the probe reports the stall`);
    });
  }

  // test/integration/send.test.ts: a submission server that accepts and never greets.
  const sockets: import('node:net').Socket[] = [];
  const mute = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', () => resolve()));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    mute.close();
  });
  const profile = { name: 'mute', host: '127.0.0.1', port: (mute.address() as AddressInfo).port, security: 'starttls' as const, auth: { user: 'sender@lab.test' }, from: 'Sender <sender@lab.test>' };
  await bound(out, 'send: give up on a server that never greets (500 ms)', 3000, 3, async () => {
    const r = await sendTest({ profile, secrets: { password: 'unused' }, to: ['seed@lab.test'], subject: 'never', html: '<p>x</p>', timeoutMs: 500, ca: [ca.caPem] });
    expect(r.error?.code === 'ETIMEDOUT', `the send times out (${r.error?.code})`);
  });
}

/** test/integration/serve-limits.test.ts: an 80 MB message.check refused, three ways. */
async function serveBounds(out: Bounded, fixtures: DnsServer, closers: (() => unknown)[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'deliverlab-bench-serve-'));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  const serve = await startServer({ port: 0, dbPath: ':memory:', resolverDefault: `127.0.0.1:${fixtures.port}`, rendererDir: dir, version: '0', token: 't'.repeat(32) });
  closers.push(() => serve.close());
  const size = 80 * 1024 * 1024;
  const body = Buffer.alloc(size, 0x61);
  const post = (mode: 'declared' | 'chunked' | 'continue') =>
    new Promise<void>((resolve, reject) => {
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Deliverlab-Token': serve.token, Host: `127.0.0.1:${serve.port}` };
      if (mode !== 'chunked') headers['Content-Length'] = String(size);
      if (mode === 'continue') headers.Expect = '100-continue';
      let answered = false;
      const req = request({ host: '127.0.0.1', port: serve.port, method: 'POST', path: '/api/message.check', headers, timeout: 30_000 }, (res) => {
        answered = true;
        res.resume();
        res.on('end', () => (res.statusCode === 413 ? resolve() : reject(new Error(`message.check answered ${res.statusCode}, not 413`))));
      });
      req.on('error', (err) => {
        if (!answered) reject(err);
      });
      req.on('timeout', () => req.destroy(new Error('message.check timed out')));
      const send = () => {
        let offset = 0;
        const pump = () => {
          while (offset < size && !answered && !req.destroyed) {
            const chunk = body.subarray(offset, offset + 65_536);
            offset += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          if (!answered && !req.destroyed) req.end();
        };
        pump();
      };
      if (mode === 'continue') req.on('continue', send);
      else send();
    });
  await bound(out, 'serve: refuse an 80 MB message.check by its Content-Length', 3000, 3, () => post('declared'));
  await bound(out, 'serve: refuse an 80 MB chunked message.check', 5000, 3, () => post('chunked'));
  await bound(out, 'serve: refuse an 80 MB message.check before 100-continue', 1000, 3, () => post('continue'));
}
