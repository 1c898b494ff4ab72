/**
 * `deliverlab health` as a user runs it (the built CLI): recipient providers by MX through the
 * resolver given, overlapping CSV exports counted once and rows with new counts updated, exit codes
 * (1 when a row is refused or a limit is exceeded), the summary's JSON shape, and no control
 * character from an export reaching the terminal.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../lab/cli';
import { parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'health');
let server: DnsServer;
let dir: string;
let resolver: string;

beforeAll(async () => {
  server = await startDnsServer({
    zone: parseZone(
      [
        'workspace.test.   MX  1 aspmx.l.google.com.',
        'o365.test.        MX  0 o365-test.mail.protection.outlook.com.',
        'own.test.         MX  10 mx.own.test.',
        'broken.test.      SERVFAIL',
      ].join('\n'),
    ),
  });
  resolver = `127.0.0.1:${server.port}`;
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-health-cli-'));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deliverlab health import', () => {
  it('tells recipient providers by MX through the resolver, a failed lookup as unknown; the same file again adds nothing', async () => {
    const db = join(dir, 'mx.sqlite');
    const csv = join(dir, 'mx.csv');
    writeFileSync(
      csv,
      [
        'date,sending_domain,ip,recipient_domain,sent,delivered',
        '2026-05-01,mx.example,192.0.2.40,workspace.test,100,100',
        '2026-05-01,mx.example,192.0.2.40,o365.test,50,50',
        '2026-05-01,mx.example,192.0.2.40,own.test,20,20',
        '2026-05-01,mx.example,192.0.2.40,broken.test,7,7',
      ].join('\n'),
    );
    const first = await runCli(['health', 'import', csv, '--db', db, '--resolver', resolver, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ added: 4, duplicates: 0, refusedRows: 0, ips: ['192.0.2.40'], domains: ['mx.example'], files: [{ format: 'csv', detected: true }] });
    const summary = await runCli(['health', 'summary', '--domain', 'mx.example', '--since', '2026-05-01', '--until', '2026-05-01', '--db', db, '--json']);
    expect(summary.code).toBe(0);
    const providers = Object.fromEntries((JSON.parse(summary.stdout) as { providers: { provider: string; sent: number }[] }).providers.map((p) => [p.provider, p.sent]));
    expect(providers).toEqual({ gmail: 100, microsoft: 50, other: 20, unknown: 7 });
    const again = await runCli(['health', 'import', csv, '--db', db, '--resolver', resolver]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('imported before: nothing added');
    expect(again.stdout).toContain('Added 0 rows from 1 file; 4 imported before; none refused.');
    expect(again.stdout).toContain('4 rows read, 0 added, imported before: nothing added');
  });

  it('counts the days of overlapping weekly exports once, and says how many rows a later export updated (text and --json)', async () => {
    const db = join(dir, 'weekly.sqlite');
    const run = (file: string, ...flags: string[]) => runCli(['health', 'import', join(FIXTURES, file), '--db', db, '--resolver', resolver, ...flags]);
    expect((await run('weekly-a.csv')).code).toBe(0);
    const b = await run('weekly-b.csv', '--json');
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ read: 7, added: 3, duplicates: 4, updated: 0, files: [{ added: 3, duplicates: 4, updated: 0, alreadyImported: false }] });
    const c = await run('weekly-c.csv');
    expect(c.code).toBe(0);
    expect(c.stdout).toContain("weekly-c.csv: Deliverlab's generic CSV (told from its content): 1 row read, 0 added, 1 row updated");
    expect(c.stdout).toContain('Added 0 rows from 1 file; none imported before; 1 row updated; none refused.');
    const range = ['--domain', 'weekly.example', '--db', db, '--json'];
    const day7 = await runCli(['health', 'summary', '--since', '2026-05-07', '--until', '2026-05-07', ...range]);
    expect(day7.code).toBe(1);
    const s = JSON.parse(day7.stdout);
    expect(s.totals).toMatchObject({ sent: 1000, delivered: 980, complaints: 5, opens: 420 });
    expect(s.findings.map((f: { code: string }) => f.code)).toEqual(['health.complaint-rate']);
    const all = JSON.parse((await runCli(['health', 'summary', '--since', '2026-05-01', '--until', '2026-05-10', ...range])).stdout);
    expect(all.totals).toMatchObject({ sent: 10_000, complaints: 5, opens: 9 * 300 + 420 });
  });

  it('replaces a Mailchimp campaign report downloaded again after more opens came in', async () => {
    const db = join(dir, 'mailchimp.sqlite');
    expect((await runCli(['health', 'import', join(FIXTURES, 'mailchimp-may.csv'), '--db', db, '--resolver', resolver])).code).toBe(0);
    const again = await runCli(['health', 'import', join(FIXTURES, 'mailchimp-may-again.csv'), '--db', db, '--resolver', resolver, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ read: 3, added: 1, duplicates: 1, updated: 1, files: [{ format: 'mailchimp', updated: 1 }] });
    const summary = JSON.parse((await runCli(['health', 'summary', '--domain', 'club.example', '--since', '2026-05-05', '--until', '2026-05-05', '--db', db, '--json'])).stdout);
    expect(summary.totals).toMatchObject({ sent: 7000, delivered: 6930, opens: 2300, complaints: 3 });
  });

  it('exits 1 when a row is refused, naming its line, and prints no control character from the file', async () => {
    const db = join(dir, 'rows.sqlite');
    const csv = join(dir, 'rows.csv');
    writeFileSync(csv, 'date,ip,sent,delivered,colour\u001b[31m\n2026-05-02,192.0.2.41,10,9,x\n2026-05-03,192.0.2.41,ten,9,x\n');
    const run = await runCli(['health', 'import', csv, '--db', db]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('refused line 3: sent: "ten" is not a count');
    expect(run.stdout).toContain('unknown column "colour\\x1b[31m": not counted');
    expect(run.stdout).not.toContain('\u001b');
  });

  it('refuses an unknown --format with exit 2', async () => {
    const run = await runCli(['health', 'import', join(FIXTURES, 'ses.jsonl'), '--format', 'xml', '--db', join(dir, 'x.sqlite')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('deliverlab: --format: use one of ses, sendgrid, mailgun, postmark, mailchimp, csv.\n');
  });
});

describe('deliverlab health summary', () => {
  it('exits 1 when the complaint limit is exceeded, with the finding; --json carries rates, thresholds and findings', async () => {
    const db = join(dir, 'breach.sqlite');
    expect((await runCli(['health', 'import', join(FIXTURES, 'complaint-breach.csv'), '--db', db, '--resolver', resolver])).code).toBe(0);
    const text = await runCli(['health', 'summary', '--domain', 'alerts.example', '--since', '2026-04-01', '--until', '2026-04-14', '--db', db]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('health.complaint-rate  Complaint rate over the 0.30 % limit for alerts.example');
    expect(text.stdout).toMatch(/Gmail\s+14,000\s+99\.0%\s+1\.0%\s+0\.51%/);
    const json = await runCli(['health', 'summary', '--domain', 'alerts.example', '--since', '2026-04-01', '--until', '2026-04-14', '--db', db, '--json']);
    expect(json.code).toBe(1);
    const s = JSON.parse(json.stdout);
    expect(Object.keys(s).sort()).toEqual(['appleShare', 'days', 'domain', 'domains', 'findings', 'ips', 'limitExceeded', 'opensUnreliable', 'providers', 'since', 'thresholds', 'totals', 'until'].sort());
    expect(s).toMatchObject({ domain: 'alerts.example', limitExceeded: true, thresholds: { complaints: { target: 0.001, limit: 0.003 }, bounces: { warning: 0.02, limit: 0.05 } } });
    expect(s.findings.map((f: { code: string }) => f.code)).toEqual(['health.complaint-rate']);
    expect(s.totals).toMatchObject({ sent: 21_000, complaints: 70, rates: { delivery: 0.99 } });
  });

  it('exits 0 within the limits, and 2 on a range that is not one', async () => {
    const db = join(dir, 'spike.sqlite');
    await runCli(['health', 'import', join(FIXTURES, 'volume-spike.csv'), '--db', db]);
    const ok = await runCli(['health', 'summary', '--since', '2026-04-01', '--until', '2026-04-11', '--db', db]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('health.volume-spike  Volume spike from 192.0.2.20');
    const bad = await runCli(['health', 'summary', '--since', 'last week', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since: "last week" is not a number of days (30d) or a date (2024-05-01).');
  });
});
