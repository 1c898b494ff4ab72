/**
 * Ctrl-C and SIGTERM stop every command: nothing new is started, what finished is kept whole, and
 * the exit code is 130 (SIGINT) or 143 (SIGTERM), as a shell reports a command those signals ended.
 *
 * Each test waits for a sign that the work is under way (a line printed, a DNS question or an SMTP
 * connection reaching the loopback peer) before signalling. How fast the process stops is measured
 * by `npm run bench -- startup`, not here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult } from '../../electron/core/audit/types';
import { HistoryStore } from '../../electron/core/history/store';
import { runCli } from '../lab/cli';
import { startCli, startThroughSlowReader, until, wholeLines } from '../lab/cli-process';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';
import { readMailLab } from '../lab/mail-lab/lab-info';
import { startSmtpServer } from '../lab/smtp-server';

let dir: string;
let dns: DnsServer;
let resolver: string;

/** A zone of `count` mail domains named <prefix><i>.batch.test, each a handful of queries deep. */
function batchZone(prefix: string, count: number): string {
  const lines = ['_spf.batch.test. TXT "v=spf1 ip4:198.51.100.0/24 -all"'];
  for (let i = 0; i < count; i++) {
    const d = `${prefix}${i}.batch.test`;
    lines.push(`${d}. MX 10 mx.${d}.`, `mx.${d}. A 192.0.2.${i % 250}`, `${d}. TXT "v=spf1 mx include:_spf.batch.test -all"`, `_dmarc.${d}. TXT "v=DMARC1; p=reject"`);
  }
  return lines.join('\n');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-signals-'));
  // hang.sig.test never answers: whatever asks about it is still waiting when the signal comes.
  const zone = parseZone('hang.sig.test. TIMEOUT\n', loadZoneFixtures());
  dns = await startDnsServer({ zone });
  resolver = `127.0.0.1:${dns.port}`;
});
afterAll(async () => {
  await dns?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a batch audit', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: stops after the lines it printed, starts no new domain, keeps what it saved; exit %i', async (signal, exit) => {
    const prefix = signal === 'SIGINT' ? 'i' : 't';
    const count = 30;
    const concurrency = 2;
    // 150 ms an answer: each audit takes several round trips, the whole batch many seconds.
    const slow = await startDnsServer({ zone: parseZone(batchZone(prefix, count)), delayMs: 150 });
    try {
      const domains = Array.from({ length: count }, (_, i) => `${prefix}${i}.batch.test`);
      const db = join(dir, `${signal}.sqlite`);
      const run = startCli(['audit', ...domains, '--resolver', `127.0.0.1:${slow.port}`, '--json', '--db', db, '--skip', 'smtp,http,dnsbl', '--concurrency', String(concurrency)]);
      await run.firstLine;
      run.child.kill(signal);
      const done = await run.finished;
      expect(done.signal).toBeNull();
      expect(done.code).toBe(exit);
      const printed = wholeLines(done.stdout).map((line) => JSON.parse(line) as AuditResult);
      expect(printed.length).toBeGreaterThan(0);
      expect(printed.length).toBeLessThan(count);
      expect(done.stderr).toMatch(new RegExp(`stopped by ${signal}: ${printed.length} of ${count} domains audited, \\d+ not started\\.`));
      // Domains the server was asked about: at most those printed plus the ones in flight at the signal.
      const started = new Set(slow.queries.map((q) => new RegExp(`\\b${prefix}\\d+\\.batch\\.test`).exec(q)?.[0]).filter(Boolean));
      expect(started.size).toBeLessThanOrEqual(printed.length + concurrency);
      // Every audit printed is in history, whole; nothing is saved that was not finished.
      const store = HistoryStore.open(db);
      try {
        const saved = store.listAudits({ limit: 500 }).items;
        expect(saved.map((s) => s.domain)).toEqual(expect.arrayContaining(printed.map((p) => p.domain)));
        expect(saved.length).toBeLessThanOrEqual(started.size);
        for (const p of printed) expect(store.getAudit(p.id as number)?.findings).toEqual(p.findings);
      } finally {
        store.close();
      }
    } finally {
      await slow.close();
    }
  });
});

describe('a reader that goes away', () => {
  it('stops a batch audit like a signal: no new domain, a line on stderr, exit 141, no stack trace', async () => {
    const count = 30;
    const slow = await startDnsServer({ zone: parseZone(batchZone('p', count)), delayMs: 150 });
    try {
      const domains = Array.from({ length: count }, (_, i) => `p${i}.batch.test`);
      const run = startCli(['audit', ...domains, '--resolver', `127.0.0.1:${slow.port}`, '--json', '--no-history', '--skip', 'smtp,http,dnsbl', '--concurrency', '2']);
      await run.firstLine;
      // As `deliverlab ... | head -1` does once it has its line.
      run.child.stdout?.destroy();
      const done = await run.finished;
      expect(done.code).toBe(141);
      expect(done.stderr).toMatch(/^deliverlab: standard output was closed: \d+ of 30 domains audited, \d+ not started\.\n$/);
      const started = new Set(slow.queries.map((q) => /\bp\d+\.batch\.test/.exec(q)?.[0]).filter(Boolean));
      expect(started.size).toBeLessThan(count);
    } finally {
      await slow.close();
    }
  });
});

describe('one-shot commands', () => {
  it('spf: SIGTERM while the record is being looked up exits 143, printing nothing half-done', async () => {
    const before = dns.queries.length;
    const run = startCli(['spf', 'hang.sig.test', '--ip', '192.0.2.1', '--resolver', resolver, '--json']);
    await until(() => dns.queries.slice(before).some((q) => q.includes('hang.sig.test')), 'the SPF lookup');
    run.child.kill('SIGTERM');
    const done = await run.finished;
    expect(done.code).toBe(143);
    expect(done.stdout.toString()).toBe('');
    expect(done.stderr).toBe('deliverlab: stopped by SIGTERM\n');
  });

  it('check: SIGINT during the analysis exits 130 and saves nothing', async () => {
    const file = join(dir, 'hang.eml');
    writeFileSync(file, ['From: a@hang.sig.test', 'To: b@example.test', 'Subject: waiting', 'Date: Thu, 26 Nov 2026 10:00:00 +0000', 'Message-ID: <w1@hang.sig.test>', '', 'Hello', ''].join('\r\n'));
    const db = join(dir, 'check.sqlite');
    const before = dns.queries.length;
    const run = startCli(['check', file, '--ip', '192.0.2.1', '--mail-from', 'a@hang.sig.test', '--resolver', resolver, '--db', db, '--no-link-check']);
    await until(() => dns.queries.slice(before).some((q) => q.includes('hang.sig.test')), 'a lookup of the sender domain');
    run.child.kill('SIGINT');
    const done = await run.finished;
    expect(done.code).toBe(130);
    expect(done.stdout.toString()).toBe('');
    expect(done.stderr).toBe('deliverlab: stopped by SIGINT\n');
    const store = HistoryStore.open(db);
    expect(store.listMessages().total).toBe(0);
    store.close();
  });

  it('history list: SIGINT while a slow reader is behind exits 130 with whole lines only', async () => {
    const db = join(dir, 'history.sqlite');
    const one = JSON.parse((await runCli(['audit', 'good.test', '--json', '--no-history', '--resolver', resolver, '--skip', 'smtp,http,dnsbl'])).stdout) as AuditResult;
    const store = HistoryStore.open(db);
    const names = Array.from({ length: 500 }, (_, i) => `${'a'.repeat(60)}${String(i).padStart(3, '0')}.${'b'.repeat(63)}.${'c'.repeat(63)}.example`);
    for (const domain of names) store.saveAudit({ ...one, domain });
    store.close();
    const run = await startThroughSlowReader(['history', 'list', '--json', '--limit', '500', '--db', db]);
    await run.firstLine;
    run.child.kill('SIGINT');
    const done = await run.finished;
    expect(done.code).toBe(130);
    const rows = wholeLines(done.stdout).map((line) => JSON.parse(line) as { domain: string });
    expect(rows.length).toBeLessThan(500);
    expect(rows.map((r) => r.domain)).toEqual([...names].reverse().slice(0, rows.length));
    expect(done.stderr).toBe(`deliverlab: stopped by SIGINT: ${rows.length} of 500 rows printed.\n`);
  });
});

describe('send', () => {
  it('SIGINT while the server has not answered: the send is abandoned, reported whole, exit 130', async () => {
    const silent = await startSmtpServer({ mode: 'hang' });
    try {
      const profile = join(dir, 'silent.json');
      writeFileSync(profile, JSON.stringify({ name: 'silent', host: '127.0.0.1', port: silent.port, security: 'none', from: 'a@good.test' }));
      const html = join(dir, 'hello.html');
      writeFileSync(html, '<p>Hello</p>');
      const run = startCli(['send', '--profile', profile, '--to', 'b@good.test', '--subject', 'Hi', '--html', html, '--json', '--no-history', '--timeout', '20000']);
      await until(() => silent.connections > 0, 'the SMTP connection');
      run.child.kill('SIGINT');
      const done = await run.finished;
      expect(done.code).toBe(130);
      const lines = wholeLines(done.stdout);
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] as string)).toMatchObject({ ok: false, error: { code: 'ECANCELLED' } });

      const test = startCli(['send', '--profile', profile, '--test-connection', '--timeout', '20000']);
      await until(() => silent.connections > 1, 'the test connection');
      test.child.kill('SIGTERM');
      const stopped = await test.finished;
      expect(stopped.code).toBe(143);
      expect(stopped.stdout.toString()).toBe('');
      expect(stopped.stderr).toMatch(/deliverlab: stopped by SIGTERM\n$/);
    } finally {
      await silent.close();
    }
  });
});

describe('placement and serve', () => {
  it('placement: SIGINT after the run has started exits 130', async () => {
    const lab = readMailLab();
    const profile = join(dir, 'lab-profile.json');
    writeFileSync(profile, JSON.stringify({ name: 'lab', host: lab.host, port: lab.ports.submission, security: 'starttls', auth: { user: lab.sender.user, passwordEnv: 'LAB_SENDER_PW' }, from: `Lab <${lab.sender.user}>` }));
    const seed = lab.seeds[18] as { user: string; password: string };
    const seeds = join(dir, 'seeds.json');
    writeFileSync(seeds, JSON.stringify({ name: 'seed19', address: seed.user, provider: 'other', host: lab.host, port: lab.ports.imap, security: 'starttls', auth: { user: seed.user, passwordEnv: 'LAB_SEED_PW' } }));
    const html = join(dir, 'probe.html');
    writeFileSync(html, '<p>Probe</p>');
    const ca = join(dir, 'lab-ca.pem');
    writeFileSync(ca, lab.caPem);
    const run = startCli(['placement', '--profile', profile, '--seeds', seeds, '--subject', 'Stopped probe', '--html', html, '--ca-file', ca, '--no-history', '--cleanup', '--deadline', '5m'], {
      env: { LAB_SENDER_PW: lab.sender.password, LAB_SEED_PW: seed.password },
    });
    expect(await run.firstLine).toMatch(/^Placement \S+ · 1 seed · deadline/);
    run.child.kill('SIGINT');
    const done = await run.finished;
    expect(done.code).toBe(130);
    wholeLines(done.stdout);
  });

  it('serve: SIGINT stops the server, exit 130', async () => {
    const served = startCli(['serve', '--no-history']);
    expect(await served.firstLine).toMatch(/^Deliverlab is running at http:\/\/127\.0\.0\.1:\d+\//);
    served.child.kill('SIGINT');
    expect((await served.finished).code).toBe(130);
  });
});
