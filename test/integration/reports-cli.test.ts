/**
 * `deliverlab reports` as a user runs it (the built CLI): exit codes, the JSON shapes of the issue
 * exactly, readable tables, and no control character from a report reaching the terminal.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateXml, gzip, KNOWN_DOMAIN, KNOWN_SOURCES, knownRecords, reportEmail, tlsJson, zip } from '../helpers/dmarc-reports';
import { closedPort } from '../helpers/loopback';
import { runCli } from '../lab/cli';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
let dir: string;
let resolver: string;
const DAY1 = Date.UTC(2024, 5, 3) / 1000;
const RANGE = ['--since', '2024-06-01', '--until', '2024-06-30'];

beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
  resolver = `127.0.0.1:${server.port}`;
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-reports-cli-'));
  const reports = join(dir, 'reports');
  mkdirSync(join(reports, 'mail'), { recursive: true });
  writeFileSync(join(reports, 'a1.xml'), aggregateXml({ org: 'google.com', reportId: 'a1', domain: KNOWN_DOMAIN, begin: DAY1, records: knownRecords(1) }));
  writeFileSync(join(reports, 'a2.xml.gz'), gzip(aggregateXml({ org: 'google.com', reportId: 'a2', domain: KNOWN_DOMAIN, begin: DAY1 + 86_400, records: knownRecords(2) })));
  writeFileSync(
    join(reports, 'mail', 'yahoo.eml'),
    reportEmail([{ name: 'yahoo!brand.test!1717459200.zip', type: 'application/zip', data: zip({ 'yahoo.xml': aggregateXml({ org: 'Yahoo', reportId: 'b2', domain: KNOWN_DOMAIN, begin: DAY1 + 86_400, records: knownRecords(1), dmarcbis: true }) }) }]),
  );
  writeFileSync(
    join(reports, 'tls.json'),
    tlsJson({ org: 'Google Inc.', reportId: 't1', begin: DAY1, policies: [{ type: 'sts', domain: KNOWN_DOMAIN, successes: 900, failures: 12, failureDetails: [{ resultType: 'certificate-expired', sendingMtaIp: '209.85.220.41', receivingMx: 'mx.brand.test', sessions: 12 }] }] }),
  );
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const bad = () => {
  const path = join(dir, 'bad');
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'laughs.xml'), '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><feedback>&a;</feedback>');
  writeFileSync(join(path, 'good.xml'), aggregateXml({ org: 'mail.example', reportId: 'g1', domain: 'other.test', begin: DAY1, records: knownRecords(1).slice(0, 1) }));
  return path;
};

describe('deliverlab reports import', () => {
  it('prints { imported, duplicates, refused, records } and exits 0; again, everything is a duplicate', async () => {
    const db = join(dir, 'import.sqlite');
    const first = await runCli(['reports', 'import', join(dir, 'reports'), '--db', db, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ imported: 4, duplicates: 0, refused: [], records: 25 });
    const again = await runCli(['reports', 'import', join(dir, 'reports'), '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('Imported 0 reports (0 records, 0 messages); 4 already in history; none refused.\n');
  });

  it('exits 1 when a file is refused, naming it and why, and imports the rest', async () => {
    const db = join(dir, 'refused.sqlite');
    const path = bad();
    const json = await runCli(['reports', 'import', path, '--db', db, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      imported: 1,
      duplicates: 0,
      refused: [{ file: join(path, 'laughs.xml'), reason: 'it declares a DOCTYPE, which no report needs: refused unread, so that no entity can expand' }],
      records: 1,
    });
    const text = await runCli(['reports', 'import', join(path, 'laughs.xml'), join(dir, 'nowhere.xml'), '--db', db]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`refused ${join(dir, 'nowhere.xml')}: no such file or folder`);
  });

  it('reads many files through its worker threads as it reads a few', async () => {
    const path = join(dir, 'many');
    mkdirSync(path, { recursive: true });
    for (let i = 0; i < 80; i++) writeFileSync(join(path, `r${i}.xml`), aggregateXml({ org: 'bulk.example', reportId: `bulk-${i}`, domain: 'bulk.test', begin: DAY1 + (i % 5) * 86_400, records: knownRecords(1) }));
    writeFileSync(join(path, 'broken.xml'), '<feedback><report_metadata>');
    const run = await runCli(['reports', 'import', path, '--db', join(dir, 'many.sqlite'), '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ imported: 80, duplicates: 0, records: 640, refused: [{ file: join(path, 'broken.xml') }] });
  });

  it('checks the IMAP options, then connects: a mailbox that cannot be reached is an error in words, exit 2', async () => {
    const port = await closedPort();
    const account = join(dir, 'account.json');
    writeFileSync(account, JSON.stringify({ host: '127.0.0.1', port, security: 'tls', auth: { user: 'dmarc@brand.test', passwordEnv: 'DL_REPORTS_PASS' } }));
    const noFolder = await runCli(['reports', 'import', '--imap', account]);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toMatch(/--imap needs --folder/);
    const badDate = await runCli(['reports', 'import', '--imap', account, '--folder', 'DMARC', '--since', 'yesterday']);
    expect(badDate.stderr).toMatch(/--since: "yesterday" is not a date/);
    const sameFolder = await runCli(['reports', 'import', '--imap', account, '--folder', 'DMARC', '--move-to', 'DMARC']);
    expect(sameFolder.stderr).toBe('deliverlab: --move-to: name another folder than --folder.\n');
    const withFiles = await runCli(['reports', 'import', join(dir, 'reports'), '--folder', 'DMARC']);
    expect(withFiles.stderr).toMatch(/--folder, --since and --move-to belong to an IMAP import/);
    const noSecret = await runCli(['reports', 'import', '--imap', account, '--folder', 'DMARC', '--db', join(dir, 'imap.sqlite')]);
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toBe('deliverlab: the password for dmarc@brand.test is read from $DL_REPORTS_PASS, which is not set\n');
    const down = await runCli(['reports', 'import', '--imap', account, '--folder', 'DMARC', '--since', '2024-06-01', '--db', join(dir, 'imap.sqlite')], { env: { DL_REPORTS_PASS: 'pw' } });
    expect(down.code).toBe(2);
    expect(down.stdout).toBe('');
    expect(down.stderr).toMatch(new RegExp(`^deliverlab: Nothing accepts connections on 127\\.0\\.0\\.1:${port}`));
  });
});

describe('deliverlab reports summary, sources, tls', () => {
  let db: string;
  beforeAll(async () => {
    db = join(dir, 'views.sqlite');
    const run = await runCli(['reports', 'import', join(dir, 'reports'), '--db', db]);
    expect(run.code).toBe(0);
  });

  it('summary --json is the issue\'s object, in messages', async () => {
    const run = await runCli(['reports', 'summary', '--domain', KNOWN_DOMAIN, ...RANGE, '--db', db, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      domain: 'brand.test',
      since: '2024-06-01T00:00:00.000Z',
      until: '2024-06-30T23:59:59.000Z',
      reports: 3,
      messages: 3720,
      dmarcPass: 2960,
      spfAlignedPass: 2000,
      dkimAlignedPass: 2960,
      disposition: { none: 3720, quarantine: 0, reject: 0 },
      reporters: [
        { org: 'google.com', reports: 2, messages: 2790, dmarcPass: 2220 },
        { org: 'Yahoo', reports: 1, messages: 930, dmarcPass: 740 },
      ],
    });
    const text = await runCli(['reports', 'summary', '--domain', KNOWN_DOMAIN, ...RANGE, '--db', db]);
    expect(text.stdout).toContain('brand.test  2024-06-01 to 2024-06-30 (UTC)');
    expect(text.stdout).toContain('  DMARC pass    2,960 (79.6%)');
    expect(text.stdout).toMatch(/REPORTER\s+REPORTS\s+MESSAGES\s+DMARC PASS\s+%\n\s+google\.com\s+2\s+2,790\s+2,220\s+79\.6%/);
  });

  it('sources --json is the issue\'s array; --class keeps one class', async () => {
    const run = await runCli(['reports', 'sources', '--domain', KNOWN_DOMAIN, ...RANGE, '--resolver', resolver, '--db', db, '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('deliverlab: reverse DNS failed for 1 source address(es): each stands alone, named by its address.\n');
    const sources = JSON.parse(run.stdout) as Record<string, unknown>[];
    for (const s of sources) expect(Object.keys(s).sort()).toEqual(['class', 'dkimAlignedPass', 'dmarcPass', 'ips', 'messages', 'organization', 'spfAlignedPass', ...(s.fix ? ['fix'] : [])].sort());
    expect(sources[2]).toEqual({
      organization: 'SendGrid',
      class: 'misconfigured',
      ips: [KNOWN_SOURCES.sendgrid.ip],
      messages: 480,
      dmarcPass: 0,
      spfAlignedPass: 0,
      dkimAlignedPass: 0,
      fix: expect.stringMatching(/^Add a DKIM CNAME for SendGrid/),
    });
    const unknown = await runCli(['reports', 'sources', '--domain', KNOWN_DOMAIN, ...RANGE, '--class', 'unknown', '--resolver', resolver, '--db', db, '--json']);
    expect((JSON.parse(unknown.stdout) as { organization: string; class: string }[]).map((s) => [s.organization, s.class])).toEqual([
      [KNOWN_SOURCES.spoofer.ip, 'unknown'],
      [KNOWN_SOURCES.broken.ip, 'unknown'],
    ]);
  });

  it('sources prints a table, each fix under its source, and the enforcement readiness', async () => {
    const run = await runCli(['reports', 'sources', '--domain', KNOWN_DOMAIN, ...RANGE, '--resolver', resolver, '--db', db]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ORGANIZATION\s+CLASS\s+IPS\s+MESSAGES\s+DMARC\s+SPF\s+DKIM/);
    expect(run.stdout).toMatch(/\n {2}SendGrid\s+misconfigured\s+1\s+480\s+0\.0%\s+0\.0%\s+0\.0%\n {6}Fix: Add a DKIM CNAME for SendGrid/);
    expect(run.stdout).toContain('Reverse DNS failed for 1 address: each is shown by itself, not guessed.');
    expect(run.stdout).toContain('Enforcement readiness');
    expect(run.stdout).toContain('would hurt SendGrid (misconfigured): 480 failing messages');
    expect(run.stdout).toMatch(/Not ready for p=quarantine; pct=25; t=y: /);
  });

  it('tls --json gives the results per policy type, failure types and the reporting MTAs', async () => {
    const run = await runCli(['reports', 'tls', '--domain', KNOWN_DOMAIN, ...RANGE, '--db', db, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      domain: 'brand.test',
      reports: 1,
      successes: 900,
      failures: 12,
      policies: [{ type: 'sts', reports: 1, successes: 900, failures: 12, days: [{ day: '2024-06-03', successes: 900, failures: 12 }] }],
      failureTypes: [{ type: 'certificate-expired', sessions: 12 }],
      mtas: [{ ip: '209.85.220.41', reporter: 'Google Inc.', resultType: 'certificate-expired', receivingMx: 'mx.brand.test', sessions: 12 }],
    });
    const text = await runCli(['reports', 'tls', '--domain', KNOWN_DOMAIN, ...RANGE, '--db', db]);
    expect(text.stdout).toMatch(/SENDING MTA\s+REPORTER\s+FAILURE\s+RECEIVING MX\s+SESSIONS\n\s+209\.85\.220\.41\s+Google Inc\.\s+certificate-expired\s+mx\.brand\.test\s+12/);
  });

  it('shows a reporter\'s control characters as visible escapes, never as terminal commands', async () => {
    const evil = join(dir, 'evil.xml');
    writeFileSync(evil, aggregateXml({ org: 'evil\x1b[2J\x1b]0;pwned\x07corp', reportId: 'e1', domain: 'evil.test', begin: DAY1, records: knownRecords(1).slice(0, 1) }));
    const edb = join(dir, 'evil.sqlite');
    expect((await runCli(['reports', 'import', evil, '--db', edb])).code).toBe(0);
    const run = await runCli(['reports', 'summary', '--domain', 'evil.test', ...RANGE, '--db', edb]);
    expect(run.stdout).not.toContain('\x1b');
    expect(run.stdout).not.toContain('\x07');
    expect(run.stdout).toMatch(/\n {2}evil\\x1b\[2J\\x1b\]0;pwned\\x07corp +1 +500 +500 +100\.0%\n/);
  });

  it('exits 2 on a usage error, saying what to type', async () => {
    const cases: [string[], RegExp][] = [
      [['reports', 'summary', '--db', db], /Name the domain: --domain example\.com/],
      [['reports', 'summary', '--domain', KNOWN_DOMAIN, '--since', 'a while', '--db', db], /--since: "a while" is not a number of days \(30d\) or a date/],
      [['reports', 'sources', '--domain', KNOWN_DOMAIN, '--class', 'spoofing', '--db', db], /--class: use one of compliant, forwarded, misconfigured, unknown/],
      [['reports', 'tls', '--domain', '192.0.2.1', '--db', db], /domain/],
      [['reports', 'summary', '--domain', KNOWN_DOMAIN, '--no-history'], /--no-history: reports are imported into history/],
      [['reports', 'import', '--db', db], /Name the report files or folders to import/],
      [['reports', 'export'], /Unknown reports command "export"/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
    const help = await runCli(['reports', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('deliverlab reports import PATH... [--json] [--db PATH]');
  });
});

describe('deliverlab reports sources when reverse DNS fails', () => {
  const s = KNOWN_SOURCES;
  const ptrName = (ip: string) => `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
  let failing: DnsServer;
  let db: string;
  let answeredDb: string;
  beforeAll(async () => {
    // A resolver that answers SERVFAIL for every source address: nothing is identified by its name.
    failing = await startDnsServer({ zone: parseZone(Object.values(s).map((x) => `${ptrName(x.ip)} SERVFAIL`).join('\n')) });
    db = join(dir, 'ptr-fails.sqlite');
    // Google and SES pass; the domain's own CRM server fails DMARC, as does a spoofer.
    const own = knownRecords(1).filter((r) => ([s.google.ip, s.ses.ip, s.own.ip, s.spoofer.ip] as string[]).includes(r.ip));
    const file = join(dir, 'ptr-fails.xml');
    writeFileSync(file, aggregateXml({ org: 'google.com', reportId: 'ptr-fails-1', domain: KNOWN_DOMAIN, begin: DAY1, records: own }));
    expect((await runCli(['reports', 'import', file, '--db', db])).code).toBe(0);
    // The failures are cached a while: the answered view gets its own history.
    answeredDb = join(dir, 'ptr-answers.sqlite');
    expect((await runCli(['reports', 'import', file, '--db', answeredDb])).code).toBe(0);
  });
  afterAll(() => failing?.close());

  it('cannot judge the readiness, saying how much is unidentified and what to do', async () => {
    const run = await runCli(['reports', 'sources', '--domain', KNOWN_DOMAIN, ...RANGE, '--resolver', `127.0.0.1:${failing.port}`, '--db', db]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Reverse DNS failed for 4 addresses');
    expect(run.stdout).not.toMatch(/Ready for/);
    expect(run.stdout).toContain(
      'Cannot judge yet whether p=quarantine; pct=25; t=y is safe: 55 messages from 2 addresses cannot be identified, because the reverse DNS lookup failed for 2 addresses: some may be your own mail. Check that the resolver answers, then run the analysis again.',
    );
    // With a resolver that answers, the CRM server is the domain's own, and misconfigured.
    const answered = await runCli(['reports', 'sources', '--domain', KNOWN_DOMAIN, ...RANGE, '--resolver', resolver, '--db', answeredDb]);
    expect(answered.stdout).toContain('would hurt brand.test (misconfigured): 25 failing messages');
    expect(answered.stdout).toMatch(/Not ready for p=quarantine; pct=25; t=y: 3\.4% of legitimate mail fails DMARC \(more than 2%\): fix brand\.test first\./);
  });
});
