/**
 * Output is never cut: every command's output reaches a slow reader whole, however large.
 *
 * Exiting right after writing drops whatever the pipe has not taken yet (all but its first 64 KB).
 * Each test pipes a command's output through a reader far slower than the CLI and checks that every
 * byte arrived and parses. audit, check and send reach more than 1 MB with ordinary input; history
 * (at most 500 rows) and placement (a line per seed) cannot, and are checked at the size they reach.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/store';
import type { AuditResult } from '../../electron/core/audit/types';
import { runCli } from '../lab/cli';
import { throughSlowReader, wholeLines } from '../lab/cli-process';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';
import { startSmtpSink, type SmtpSink } from '../lab/smtp-sink';

const MB = 1024 * 1024;
let dns: DnsServer;
let resolver: string;
let dir: string;
const batch = Array.from({ length: 220 }, (_, i) => `d${i}.batch.test`);

beforeAll(async () => {
  const zone = loadZoneFixtures();
  const lines = ['_spf.batch.test. TXT "v=spf1 ip4:198.51.100.0/24 -all"'];
  for (const [i, d] of batch.entries()) {
    lines.push(`${d}. MX 10 mx.${d}.`, `mx.${d}. A 192.0.2.${i % 250}`, `${d}. TXT "v=spf1 mx include:_spf.batch.test -all"`, `_dmarc.${d}. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@${d}"`);
  }
  parseZone(lines.join('\n'), zone);
  dns = await startDnsServer({ zone });
  resolver = `127.0.0.1:${dns.port}`;
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-output-'));
});
afterAll(async () => {
  await dns?.close();
  rmSync(dir, { recursive: true, force: true });
});

const AUDIT = ['--resolver', () => resolver, '--no-history', '--skip', 'smtp,http,dnsbl'] as const;
const auditFlags = () => AUDIT.map((a) => (typeof a === 'function' ? a() : a));

describe('audit', () => {
  it('--json of a batch from --file: more than 1 MB, every line whole, in the given order', async () => {
    const domains = batch.slice(0, 45);
    const list = join(dir, 'domains.txt');
    writeFileSync(list, `${domains.join('\n')}\n`);
    const run = await throughSlowReader(['audit', '--file', list, '--json', ...auditFlags()]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(MB);
    const results = wholeLines(run.stdout).map((line) => JSON.parse(line) as AuditResult);
    expect(results.map((r) => r.domain)).toEqual(domains);
    expect(results.every((r) => r.checks.spf?.status === 'pass')).toBe(true);
  });

  it('the readable summary of many domains: more than 1 MB, each domain whole', async () => {
    const run = await throughSlowReader(['audit', ...batch, ...auditFlags()]);
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(MB);
    const text = run.stdout.toString();
    expect([...text.matchAll(/^(d\d+\.batch\.test) {2}score \d+\/100/gm)].map((m) => m[1])).toEqual(batch);
    // The last domain's block is complete: its last check line and the blank line after it.
    expect(text.endsWith('\n\n')).toBe(true);
    expect(text.slice(text.lastIndexOf(`${batch.at(-1)}  score`))).toMatch(/PROVIDERS[^\n]*\n\n$/);
  });
});

describe('check', () => {
  it('--json of a message with a large HTML part: more than 1 MB, one whole line', async () => {
    const html = `<html><body>${Array.from({ length: 24_000 }, (_, i) => `<p>Paragraph ${i} of the autumn newsletter.</p>`).join('\n')}</body></html>`;
    const message = [
      'From: News <news@good.test>',
      'To: reader@example.test',
      'Subject: A long newsletter',
      'Date: Thu, 26 Nov 2026 10:00:00 +0000',
      'Message-ID: <long-1@good.test>',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      html,
      '',
    ].join('\r\n');
    const file = join(dir, 'long.eml');
    writeFileSync(file, message);
    const run = await throughSlowReader(['check', file, '--json', '--no-history', '--no-link-check', '--resolver', resolver, '--ip', '198.51.100.7']);
    expect(run.stderr).toBe('');
    expect([0, 1]).toContain(run.code);
    expect(run.stdout.length).toBeGreaterThan(MB);
    const lines = wholeLines(run.stdout);
    expect(lines).toHaveLength(1);
    const analysis = JSON.parse(lines[0] as string);
    expect(analysis.summary.subject).toBe('A long newsletter');
    expect(analysis.content.html.trim()).toBe(html.trim());
  });
});

describe('history list', () => {
  it('--json of 500 rows (the most it lists), and the table, every row whole', async () => {
    const db = join(dir, 'history.sqlite');
    const one = JSON.parse((await runCli(['audit', 'good.test', '--json', ...auditFlags()])).stdout) as AuditResult;
    const store = HistoryStore.open(db);
    // Long names (63-character labels) make the rows as wide as real ones can be.
    const names = Array.from({ length: 500 }, (_, i) => `${'a'.repeat(60)}${String(i).padStart(3, '0')}.${'b'.repeat(63)}.${'c'.repeat(63)}.example`);
    for (const domain of names) store.saveAudit({ ...one, domain });
    store.close();
    const json = await throughSlowReader(['history', 'list', '--json', '--limit', '500', '--db', db]);
    expect(json.code).toBe(0);
    expect(json.stdout.length).toBeGreaterThan(128 * 1024);
    const rows = wholeLines(json.stdout).map((line) => JSON.parse(line) as { domain: string });
    expect(rows.map((r) => r.domain)).toEqual([...names].reverse());
    const table = await throughSlowReader(['history', 'list', '--limit', '500', '--db', db]);
    expect(table.code).toBe(0);
    const tableRows = wholeLines(table.stdout);
    expect(tableRows).toHaveLength(501);
    expect(tableRows.at(-1)).toContain(names[0]);
  });
});

describe('send', () => {
  let sink: SmtpSink;
  let profile: string;
  let html: string;
  beforeAll(async () => {
    // A long (but lawful: under 512 octets) reply to every recipient, as some servers give.
    sink = await startSmtpSink({ rcptReply: (address) => `2.1.5 ${address} recipient ok; ${'this server explains itself at length '.repeat(11)}` });
    profile = join(dir, 'sink-profile.json');
    writeFileSync(profile, JSON.stringify({ name: 'sink', host: '127.0.0.1', port: sink.port, security: 'none', from: 'Sender <sender@good.test>' }));
    html = join(dir, 'mail.html');
    writeFileSync(html, '<p>Hello</p>');
  });
  afterAll(() => sink?.close());

  const to = Array.from({ length: 1200 }, (_, i) => `reader${i}@good.test`);
  const sendArgs = () => ['send', '--profile', profile, '--subject', 'Many readers', '--html', html, '--no-history', ...to.flatMap((t) => ['--to', t])];

  it('--json --transcript to many recipients: more than 1 MB, one whole line', async () => {
    const run = await throughSlowReader([...sendArgs(), '--json', '--transcript']);
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(MB);
    const lines = wholeLines(run.stdout);
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] as string);
    expect(result.recipients).toHaveLength(to.length);
    expect(result.recipients.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
  });

  it('the readable report with --transcript: more than 1 MB, ending with the whole transcript', async () => {
    const run = await throughSlowReader([...sendArgs(), '--transcript']);
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(MB);
    const text = run.stdout.toString();
    expect(text.match(/^accepted {2}reader\d+@good\.test/gm)).toHaveLength(to.length);
    expect(wholeLines(text).at(-1)).toMatch(/C: QUIT|S: 221 2\.0\.0 Bye|Closing connection/);
  });
});

describe('small outputs', () => {
  it('spf and dkim-keygen arrive whole through the same pipe', async () => {
    const spf = await throughSlowReader(['spf', 'good.test', '--ip', '198.51.100.7', '--resolver', resolver, '--json']);
    expect(spf.code).toBe(0);
    expect(JSON.parse(wholeLines(spf.stdout)[0] as string)).toMatchObject({ result: 'pass' });
    const key = await throughSlowReader(['dkim-keygen', 'good.test', '--selector', 's1', '--json']);
    expect(key.code).toBe(0);
    expect(JSON.parse(wholeLines(key.stdout)[0] as string).privateKeyPem).toMatch(/-----END PRIVATE KEY-----\n$/);
  });
});
