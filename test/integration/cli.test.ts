import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/store';
import { dkimSigned, runDkimKey, type RunDkimKey } from '../helpers/run-dkim-key';
import { BIN, ROOT, runCli } from '../lab/cli';
import { makeSmtpCerts } from '../lab/smtp-certs';
import { startSmtpServer } from '../lab/smtp-server';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
let dir: string;
let resolver: string;
beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
  resolver = `127.0.0.1:${server.port}`;
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-'));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deliverlab audit', () => {
  it('prints one JSON object per domain per line, exit 1 when any is critical', async () => {
    const db = join(dir, 'json.sqlite');
    const run = await runCli(['audit', 'good.test', 'bad.test', '--resolver', resolver, '--json', '--db', db, '--skip', 'smtp,http,dnsbl']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.domain)).toEqual(['good.test', 'bad.test']);
    for (const l of lines) expect(Object.keys(l)).toEqual(expect.arrayContaining(['domain', 'startedAt', 'durationMs', 'score', 'checks', 'findings', 'dns']));
    const spfDmarc = (l: { findings: { code: string; check: string }[] }) => l.findings.filter((f) => f.check === 'spf' || f.check === 'dmarc').map((f) => f.code).sort();
    expect(spfDmarc(lines[1])).toEqual(['dmarc.missing', 'spf.missing']);
    expect(spfDmarc(lines[0])).toEqual([]);
    expect(lines[0].checks.smtp?.status ?? 'skipped').toBe('skipped');
    expect(lines[0].checks.dmarc.policy).toBe('reject');
    expect(lines[1].dns.length).toBeGreaterThan(0);
  });

  it('exits 0 when nothing is critical and prints a readable summary', async () => {
    const json = JSON.parse((await runCli(['audit', 'monitor.test', '--resolver', resolver, '--no-history', '--json'])).stdout);
    expect(json.findings.filter((f: { severity: string }) => f.severity === 'critical')).toEqual([]);
    const run = await runCli(['audit', 'monitor.test', '--resolver', resolver, '--no-history']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`monitor\\.test\\s+score ${json.score}/100 \\(${json.grade}\\)`));
    expect(run.stdout).toMatch(/warning\s+dmarc\.policy-none\s+DMARC policy is none/);
    expect(run.stdout).toMatch(/Fix: /);
  });

  it('says in one line that a domain does not exist, with no grade and no list of skipped checks', async () => {
    const run = await runCli(['audit', 'nowhere.good.test', '--resolver', resolver, '--no-history']);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^nowhere\.good\.test {2}does not exist \(NXDOMAIN\): no grade {2}\d+ ms/);
    expect(run.stdout).not.toMatch(/score|skipped|DNSBL|SMTP/);
    expect(run.stdout).toMatch(/critical\s+domain\.nxdomain\s+nowhere\.good\.test does not exist/);
  });

  it('exits 1 on an SPF include that cannot be looked up, where deliverlab spf says temperror', async () => {
    const run = await runCli(['audit', 'tempfail.spf.test', '--resolver', resolver, '--no-history', '--json', '--skip', 'smtp,http,dnsbl']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.checks.spf.status).toBe('error');
    expect(json.findings.find((f: { code: string }) => f.code === 'spf.temperror')).toMatchObject({ severity: 'critical', evidence: 'servfail.spf.test TXT: ESERVFAIL' });
    const text = await runCli(['audit', 'tempfail.spf.test', '--resolver', resolver, '--no-history', '--skip', 'smtp,http,dnsbl']);
    expect(text.stdout).toMatch(/critical\s+spf\.temperror\s+.*servfail\.spf\.test/);
    const spf = await runCli(['spf', 'tempfail.spf.test', '--ip', '203.0.113.9', '--resolver', resolver, '--json']);
    expect(JSON.parse(spf.stdout).result).toBe('temperror');
    expect(spf.code).toBe(2);
  });

  it('colours the summary only when asked', async () => {
    const plain = await runCli(['audit', 'bad.test', '--resolver', resolver, '--no-history']);
    expect(plain.stdout).not.toContain('\u001b[');
    const coloured = await runCli(['audit', 'bad.test', '--resolver', resolver, '--no-history'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\u001b[31m');
  });

  it.each([
    [['audit', 'not a domain', '--no-history'], /"not a domain" is not a valid domain name/],
    [['audit', 'good.test', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['audit', '--no-history'], /Name at least one domain/],
    [['audit', 'good.test', '--resolver', 'dns.example'], /--resolver: "dns.example" is not a DNS server/],
    [['audit', 'good.test', '--db', 'x.sqlite', '--no-history'], /cannot be used together/],
    [['frobnicate'], /Unknown command "frobnicate"/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it.each([
    ['1.2.3.4', /"1\.2\.3\.4" is not a valid domain name: it is an IPv4 address: to check an address, give it as a sending IP\./],
    ['0x7f.1', /"0x7f\.1" is not a valid domain name: it is an IPv4 address \(127\.0\.0\.1 written another way\)/],
    ['0177.0.0.1', /"0177\.0\.0\.1" is not a valid domain name: it is an IPv4 address \(127\.0\.0\.1 written another way\)/],
    ['[192.0.2.1]', /is not a valid domain name: it is an address literal/],
    ['2001:db8::1', /is not a valid domain name: it is an IPv6 address/],
    // Printed escaped: a control character never reaches the terminal as itself.
    ['good\t.test', /"good\t\.test" is not a valid domain name: it contains a control character \(U\+0009\)/],
    ['good.test\u001b[2J', /"good\.test\\x1b\[2J" is not a valid domain name: it contains a control character \(U\+001B\)/],
    [`${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(45)}.test`, /is not a valid domain name: it is 233 characters long: the longest the audit can look up is 228/],
  ])('refuses %j at once with exit 2, auditing nothing', async (name, message) => {
    const run = await runCli(['audit', name, '--resolver', resolver, '--no-history', '--json', '--skip', 'smtp,http,dnsbl']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('exits 2 when the resolver does not answer', async () => {
    const run = await runCli(['audit', 'good.test', '--resolver', '127.0.0.1:9', '--no-history', '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/The DNS resolver 127\.0\.0\.1:9 did not answer/);
  });

  it('writes nothing with --no-history, and into the platform data folder by default', async () => {
    const home = join(dir, 'xdg');
    const env = { XDG_DATA_HOME: home };
    const off = await runCli(['audit', 'good.test', '--resolver', resolver, '--no-history'], { env });
    expect(off.code).toBe(0);
    expect(existsSync(join(home, 'deliverlab'))).toBe(false);
    const on = await runCli(['audit', 'good.test', '--resolver', resolver], { env });
    expect(on.code).toBe(0);
    expect(existsSync(join(home, 'deliverlab', 'history.sqlite'))).toBe(true);
    const list = await runCli(['history', 'list', '--json'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n').map((l) => JSON.parse(l).domain)).toEqual(['good.test']);
  });
});

describe('batches and change tracking', () => {
  it('audits a list from --file in the given order, with bounded concurrency, and reports bad lines', async () => {
    const list = join(dir, 'domains.csv');
    writeFileSync(list, 'domain,client\nbad.test,a\nGOOD.test,b\nmonitor.test\nnot a domain\n');
    const run = await runCli(['audit', '--file', list, '--resolver', resolver, '--json', '--no-history', '--concurrency', '2', '--skip', 'smtp,http']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--file line 5: "not a domain": Not a valid domain name: " " cannot appear in a domain name/);
    expect(run.stdout.trim().split('\n').map((l) => JSON.parse(l).domain)).toEqual(['bad.test', 'good.test', 'monitor.test']);
  });

  it('shows what changed since the previous audit with --diff', async () => {
    const db = join(dir, 'diff.sqlite');
    const first = await runCli(['audit', 'good.test', '--resolver', resolver, '--db', db, '--diff', '--skip', 'smtp,http']);
    expect(first.stdout).toMatch(/No previous audit of this domain/);
    const second = await runCli(['audit', 'good.test', '--resolver', resolver, '--db', db, '--diff', '--skip', 'smtp,http']);
    expect(second.stdout).toMatch(/Since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: score (\d+) → \1/);
    expect(second.stdout).toMatch(/No change\./);
    const json = JSON.parse((await runCli(['audit', 'good.test', '--resolver', resolver, '--db', db, '--json', '--skip', 'smtp,http'])).stdout);
    expect(json.diff).toMatchObject({ records: [], added: [], resolved: [] });
  });
});

describe('lab flags', () => {
  it('points the SMTP probe at a loopback peer with --smtp-port and trusts its CA with --ca-file', async () => {
    const certs = makeSmtpCerts(['mx.smtp.test']);
    const smtp = await startSmtpServer({ mode: 'good', cert: certs.good });
    const ca = join(dir, 'lab-ca.pem');
    writeFileSync(ca, certs.caPem);
    try {
      const run = await runCli(['audit', 'probe.smtp.test', '--resolver', resolver, '--no-history', '--json', '--skip', 'http,dnsbl', '--smtp-port', String(smtp.port), '--ca-file', ca, '--network-timeout', '3000']);
      const result = JSON.parse(run.stdout);
      expect(result.checks.smtp.hosts[0]).toMatchObject({ host: 'mx.smtp.test', address: '127.0.0.1', port: smtp.port, starttls: true });
      expect(result.checks.smtp.hosts[0].tls.certificate).toMatchObject({ chainValid: true, nameMatch: true });
      expect(result.findings.filter((f: { check: string }) => f.check === 'smtp')).toEqual([]);
      expect(smtp.commands.filter((c) => /^(MAIL|RCPT|DATA)/i.test(c))).toEqual([]);
    } finally {
      await smtp.close();
    }
  });

  it('refuses a bad --network-timeout', async () => {
    const run = await runCli(['audit', 'good.test', '--network-timeout', '5', '--no-history']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--network-timeout takes milliseconds/);
  });
});

describe('deliverlab dkim-keygen', () => {
  it('writes the private key for the owner only and prints the record to publish', async () => {
    const out = join(dir, 'dkim.pem');
    const run = await runCli(['dkim-keygen', 'example.test', '--selector', 's2026', '--out', out, '--json']);
    expect(run.code).toBe(0);
    const key = JSON.parse(run.stdout);
    expect(key).toMatchObject({ type: 'rsa', bits: 2048, recordName: 's2026._domainkey.example.test', privateKeyFile: out });
    expect(key.privateKeyPem).toBeUndefined();
    expect(key.record).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
    expect(key.txtStrings.every((t: string) => Buffer.byteLength(t) <= 255)).toBe(true);
    expect(key.txtStrings.join('')).toBe(key.record);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const again = await runCli(['dkim-keygen', 'example.test', '--selector', 's2026', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists already; not overwriting a key/);
  });

  it('makes Ed25519 keys and refuses bad input', async () => {
    const ed = await runCli(['dkim-keygen', 'example.test', '--selector', 'ed1', '--type', 'ed25519']);
    expect(ed.code).toBe(0);
    expect(ed.stdout).toMatch(/ed1\._domainkey\.example\.test/);
    expect(ed.stdout).toMatch(/k=ed25519/);
    const bad = await runCli(['dkim-keygen', 'example.test', '--selector', 's1', '--bits', '1024']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bits/);
  });
});

describe('deliverlab spf', () => {
  it('evaluates check_host for an IP: exit 0 on pass, 1 on fail', async () => {
    const pass = await runCli(['spf', 'good.test', '--ip', '198.51.100.7', '--resolver', resolver, '--json']);
    expect(pass.code).toBe(0);
    const out = JSON.parse(pass.stdout);
    expect(out).toMatchObject({ result: 'pass', ip: '198.51.100.7', mailFrom: 'postmaster@good.test' });
    expect(out.header).toMatch(/^Received-SPF: pass/);
    expect(out.dns.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['good.test', '_spf.good.test']));
    const fail = await runCli(['spf', 'good.test', '--ip', '203.0.113.9', '--mail-from', 'news', '--resolver', resolver]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/news@good\.test from 203\.0\.113\.9: fail/);
    const none = await runCli(['spf', 'bad.test', '--ip', '203.0.113.9', '--resolver', resolver, '--json']);
    expect(JSON.parse(none.stdout).result).toBe('none');
    expect(none.code).toBe(1);
  });

  it('checks the HELO identity on its own when --helo comes without --mail-from (RFC 7208 §2.3)', async () => {
    // 192.0.2.77 may send for good.test, not for the HELO name mail.helo.spf.test ("a" is 192.0.2.40).
    const run = await runCli(['spf', 'good.test', '--ip', '192.0.2.77', '--helo', 'mail.helo.spf.test', '--resolver', resolver, '--json']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ identity: 'helo', result: 'fail', domain: 'mail.helo.spf.test', helo: 'mail.helo.spf.test', mailFrom: 'postmaster@mail.helo.spf.test' });
    // RFC 7208 §9.1: envelope-from only when the MAIL FROM identity was checked.
    expect(out.header).toMatch(/helo=mail\.helo\.spf\.test;/);
    expect(out.header).not.toMatch(/envelope-from=/);
    const text = await runCli(['spf', '--ip', '192.0.2.40', '--helo', 'mail.helo.spf.test', '--resolver', resolver]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^HELO identity mail\.helo\.spf\.test \(postmaster@mail\.helo\.spf\.test\) from 192\.0\.2\.40: pass$/m);
    const named = await runCli(['spf', 'good.test', '--ip', '192.0.2.77', '--helo', 'mail.helo.spf.test', '--resolver', resolver]);
    expect(named.stdout).toMatch(/HELO identity mail\.helo\.spf\.test .*: fail/);
    expect(named.stdout).toMatch(/not good\.test: give --mail-from to check an address there/);
  });

  it('evaluates a --mail-from in another domain for that domain, and shows the expanded exp= explanation on fail', async () => {
    const run = await runCli(['spf', 'good.test', '--ip', '203.0.113.9', '--mail-from', 'news@exp.spf.test', '--resolver', resolver, '--json']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ identity: 'mailfrom', result: 'fail', domain: 'exp.spf.test', mailFrom: 'news@exp.spf.test' });
    // RFC 7208 §6.2, macros per §7.3: %{i} the IP, %{d} the domain, %{l} the local part.
    expect(out.explanation).toBe("203.0.113.9 is not one of exp.spf.test's mail servers: see https://exp.spf.test/spf (sender news)");
    const text = await runCli(['spf', 'good.test', '--ip', '203.0.113.9', '--mail-from', 'news@exp.spf.test', '--resolver', resolver]);
    expect(text.stdout).toMatch(/^MAIL FROM news@exp\.spf\.test from 203\.0\.113\.9: fail$/m);
    expect(text.stdout).toMatch(/not good\.test: receivers check the domain of the address/);
    expect(text.stdout).toMatch(/Explanation from exp\.spf\.test \(exp=, RFC 7208 §6\.2\): 203\.0\.113\.9 is not one of exp\.spf\.test's mail servers/);
    const pass = JSON.parse((await runCli(['spf', 'exp.spf.test', '--ip', '192.0.2.5', '--resolver', resolver, '--json'])).stdout);
    expect(pass.result).toBe('pass');
    expect(pass.explanation).toBeUndefined();
  });

  it.each([
    ['--mail-from', 'news@bad..example'],
    ['--mail-from', 'news@[192.0.2.1]'],
    ['--mail-from', `news@${'a'.repeat(64)}.example`],
    ['--helo', '[192.0.2.1]'],
    ['--helo', 'localhost'],
  ])('gives none for a malformed domain from the envelope (%s %s), per RFC 7208 §4.3', async (flag, value) => {
    const run = await runCli(['spf', 'good.test', '--ip', '192.0.2.1', flag, value, '--resolver', resolver, '--json']);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).result).toBe('none');
    expect(run.code).toBe(1);
  });

  it.each([
    [['spf', 'good.test'], /--ip is required/],
    [['spf', 'good.test', '--ip', '300.1.1.1'], /ip: Not an IPv4 or IPv6 address/],
    [['spf', '--ip', '192.0.2.1'], /Name one domain/],
    [['spf', '--ip', '192.0.2.1', '--mail-from', 'news'], /Name one domain/],
    [['spf', '1.2.3.4', '--ip', '192.0.2.1'], /domain: Not a valid domain name: it is an IPv4 address/],
    [['spf', 'good.test', '--ip', '192.0.2.1', '--mail-from', 'news\r\nX-Injected: 1@good.test'], /mailFrom: .*control character/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe('audit flags', () => {
  it.each([
    [['audit', 'good.test', '--skip', 'smtp,ftp'], /--skip takes smtp, http and dnsbl, not "ftp"/],
    [['audit', 'good.test', '--sending-ip', 'nope'], /--sending-ip: "nope" is not an IPv4 or IPv6 address/],
    [['audit', 'good.test', '--smtp-port', '0'], /--smtp-port takes a port/],
    [['audit', 'good.test', '--ca-file', '/nonexistent/ca.pem'], /--ca-file: cannot read \/nonexistent\/ca\.pem/],
    [['audit', 'good.test', '--selectors', 'bad selector!', '--no-history'], /selectors\.0: A DKIM selector is a DNS label/],
  ])('refuses %j', async (args, message) => {
    const run = await runCli([...args, '--no-history'].filter((a, i, all) => a !== '--no-history' || all.indexOf(a) === i));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe('deliverlab history list', () => {
  it('lists past audits newest first, as a table or JSON lines', async () => {
    const db = join(dir, 'history.sqlite');
    const good = JSON.parse((await runCli(['audit', 'good.test', '--resolver', resolver, '--db', db, '--json'])).stdout);
    const bad = JSON.parse((await runCli(['audit', 'bad.test', '--resolver', resolver, '--db', db, '--json'])).stdout);
    const count = (r: { findings: { severity: string }[] }, severity: string) => r.findings.filter((f) => f.severity === severity).length;
    const table = await runCli(['history', 'list', '--db', db]);
    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^ID\s+DATE \(UTC\)\s+DOMAIN\s+SCORE\s+CRITICAL\s+WARNING$/);
    expect(rows[1]).toMatch(new RegExp(`bad\\.test\\s+${bad.score} \\(${bad.grade}\\)\\s+${count(bad, 'critical')}\\s+${count(bad, 'warning')}$`));
    expect(rows[2]).toMatch(new RegExp(`good\\.test\\s+${good.score} \\(${good.grade}\\)\\s+${count(good, 'critical')}\\s+${count(good, 'warning')}$`));
    expect(count(bad, 'critical')).toBeGreaterThanOrEqual(2);
    const json = await runCli(['history', 'list', '--db', db, '--json', '--domain', 'bad.test']);
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ domain: 'bad.test', score: bad.score, critical: count(bad, 'critical'), warning: count(bad, 'warning') }),
    ]);
  });

  it('says so when history is empty', async () => {
    const run = await runCli(['history', 'list', '--db', join(dir, 'empty.sqlite')]);
    expect(run.stdout).toMatch(/No audits in history yet/);
  });
});

describe('deliverlab check', () => {
  const DOMAIN = 'signed.msgapi.test';
  let signedDns: DnsServer;
  let signedResolver: string;
  let key: RunDkimKey;

  beforeAll(async () => {
    // The key is made per run and published at seen1._domainkey (see msgapi.zone).
    key = runDkimKey(DOMAIN, 'seen1');
    const zone = loadZoneFixtures();
    parseZone(key.zoneLine, zone);
    signedDns = await startDnsServer({ zone });
    signedResolver = `127.0.0.1:${signedDns.port}`;
  });
  afterAll(() => signedDns?.close());

  /** A message received by mx.receiver.example from `ip`; DKIM-signed by signed.msgapi.test unless told otherwise. */
  async function message(options: { ip?: string; sign?: boolean } = {}): Promise<Buffer> {
    const ip = options.ip ?? '192.0.2.50';
    const body = Buffer.from(
      [
        `Return-Path: <bounce@${DOMAIN}>`,
        `Received: from mx.${DOMAIN} (mx.${DOMAIN} [${ip}]) by mx.receiver.example with ESMTPS id 2; Thu, 26 Nov 2026 10:00:04 +0000`,
        `Received: from app.${DOMAIN} (app.${DOMAIN} [10.0.0.5]) by mx.${DOMAIN} with ESMTP id 1; Thu, 26 Nov 2026 10:00:01 +0000`,
        `From: Billing <billing@${DOMAIN}>`,
        'To: customer@receiver.example',
        'Subject: Your invoice',
        'Date: Thu, 26 Nov 2026 10:00:00 +0000',
        `Message-ID: <cli-${Math.random().toString(36).slice(2)}@${DOMAIN}>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Thank you for your order.',
        '',
      ].join('\r\n'),
    );
    if (options.sign === false) return body;
    return dkimSigned(body, key);
  }

  it('prints a readable report of a message file, exit 0, and keeps it in history with its raw copy', async () => {
    const file = join(dir, 'good.eml');
    writeFileSync(file, await message());
    const db = join(dir, 'check.sqlite');
    const run = await runCli(['check', file, '--resolver', signedResolver, '--db', db, '--no-link-check']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Your invoice {2}from .*billing@signed\.msgapi\.test/);
    expect(run.stdout).toMatch(/SPF pass {2}DKIM pass {2}DMARC pass \(p=reject\) {2}ARC none {2}BIMI \S+ {2}no critical finding/);
    expect(run.stdout).toMatch(/Envelope +IP 192\.0\.2\.50, HELO mx\.signed\.msgapi\.test, MAIL FROM bounce@signed\.msgapi\.test/);
    expect(run.stdout).toMatch(/Hops +2 Received headers, 3 s in transit, oldest first/);
    expect(run.stdout).toMatch(/mx\.signed\.msgapi\.test \[192\.0\.2\.50\] → mx\.receiver\.example {2}ESMTPS.* \+3 s ← trusted/);
    expect(run.stdout).toMatch(/✓ DKIM +d=signed\.msgapi\.test s=seen1: pass, aligned/);
    const store = HistoryStore.open(db);
    expect(store.listMessages().items).toEqual([expect.objectContaining({ subject: 'Your invoice', spf: 'pass', dkim: 'pass', dmarc: 'pass', rawStored: true })]);
    expect(store.selectorsSeen(DOMAIN)).toEqual(['seen1']);
    store.close();
    const bare = await runCli(['check', file, '--resolver', signedResolver, '--db', db, '--no-store-raw', '--no-link-check']);
    expect(bare.code).toBe(0);
    const again = HistoryStore.open(db);
    expect(again.listMessages().items.map((i) => i.rawStored)).toEqual([false, true]);
    again.close();
  });

  it('reads the message from standard input with -, and prints one JSON object with --json', async () => {
    const raw = await message();
    const run = await runCli(['check', '-', '--resolver', signedResolver, '--json', '--no-history'], { input: raw.toString('latin1') });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0] as string);
    expect(json).toMatchObject({
      size: raw.length,
      id: null,
      auth: { spf: { result: 'pass' }, dmarc: { result: 'pass', policy: 'reject' }, arc: { result: 'none' } },
      envelope: { ip: '192.0.2.50', source: 'received', trustedHop: 0 },
    });
    expect(json.auth.dkim).toEqual([expect.objectContaining({ domain: DOMAIN, selector: 'seen1', result: 'pass', aligned: true })]);
    expect(json.hops).toHaveLength(2);
  });

  it('exits 1 on a critical finding: unsigned mail from an IP outside SPF fails DMARC', async () => {
    const file = join(dir, 'spoofed.eml');
    writeFileSync(file, await message({ ip: '203.0.113.9', sign: false }));
    const run = await runCli(['check', file, '--resolver', signedResolver, '--json', '--no-history', '--no-link-check']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.auth.spf.result).toBe('fail');
    expect(json.auth.dmarc.result).toBe('fail');
    expect(json.findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'auth.dmarc-fail', severity: 'critical' })]));
    const text = await runCli(['check', file, '--resolver', signedResolver, '--no-history', '--no-link-check']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/SPF fail {2}DKIM none {2}DMARC fail \(p=reject\)/);
    expect(text.stdout).toMatch(/critical\s+auth\.dmarc-fail/);
  });

  it('takes the envelope from --ip, --helo and --mail-from over the Received headers', async () => {
    const file = join(dir, 'given.eml');
    writeFileSync(file, await message({ ip: '203.0.113.9' }));
    const run = await runCli(['check', file, '--resolver', signedResolver, '--json', '--no-history', '--ip', '192.0.2.51', '--helo', 'out.signed.msgapi.test', '--mail-from', `b@${DOMAIN}`]);
    const json = JSON.parse(run.stdout);
    expect(json.envelope).toMatchObject({ ip: '192.0.2.51', helo: 'out.signed.msgapi.test', mailFrom: `b@${DOMAIN}`, source: 'given' });
    expect(json.auth.spf.result).toBe('pass');
    expect(run.code).toBe(0);
  });

  it('exits 2 with a clear message for a missing file, a folder, garbage, or a message over 50 MB', async () => {
    const zip = join(dir, 'archive.eml');
    writeFileSync(zip, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(4000, 9)]));
    const good = join(dir, 'unreachable.eml');
    writeFileSync(good, await message());
    const huge = join(dir, 'huge.eml');
    writeFileSync(huge, Buffer.alloc(50 * 1024 * 1024 + 1, 0x61));
    const cases: [string[], RegExp][] = [
      [['check', join(dir, 'nope.eml'), '--no-history'], /nope\.eml: no such file/],
      [['check', dir, '--no-history'], /is a folder: name a message file/],
      [['check', zip, '--no-history', '--resolver', signedResolver], /archive\.eml: .*ZIP/],
      [['check', huge, '--no-history'], /huge\.eml is larger than 50 MB/],
      [['check', '--no-history'], /Name one message file, or -/],
      [['check', zip, '--ip', 'nope', '--no-history'], /--ip: "nope" is not an IPv4 or IPv6 address/],
      [['check', zip, '--db', 'x.sqlite', '--no-history'], /cannot be used together/],
      [['check', good, '--resolver', '127.0.0.1:9', '--no-history'], /The DNS resolver 127\.0\.0\.1:9 did not answer/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
    }
  });

  it('refuses more than 50 MB on standard input while reading it', async () => {
    // runCli cannot be used: the CLI stops reading and exits, and writing the rest then fails (EPIPE).
    const child = spawn(process.execPath, [BIN, 'check', '-', '--no-history'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => {});
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    for (let i = 0; i < 60 && child.exitCode === null && !child.stdin.destroyed; i++) {
      if (!child.stdin.write(chunk)) await new Promise((resolve) => child.stdin.once('drain', resolve).once('close', resolve));
      sent += chunk.length;
    }
    child.stdin.end();
    expect(await exited).toBe(2);
    expect(stderr).toMatch(/The message on standard input is larger than 50 MB/);
    expect(sent).toBeGreaterThan(50 * 1024 * 1024);
  });
});
