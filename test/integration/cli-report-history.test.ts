/**
 * The audit report's history through the built CLI: two stored audits of one domain with a zone
 * change between them give a report with the score trend and what changed (the SPF record, the new
 * finding, the score); --from renders it again byte for byte; --diff compares with another report's
 * audit instead; and the readable audit output prints each fix's record as a zone line.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmbeddedReport } from '../../electron/core/report/html';
import { runCli } from '../lab/cli';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer, type Zone } from '../lab/dns-server';

const DOMAIN = 'history.report.test';
const BEFORE = 'v=spf1 ip4:192.0.2.10 -all';
const AFTER = 'v=spf1 ip4:192.0.2.10 +all';
const SKIP = ['--skip', 'smtp,http,dnsbl'];

let server: DnsServer;
let zone: Zone;
let dir: string;
let db: string;
let resolver: string;
let first: { score: number; grade: string; id: number };
let second: { score: number; grade: string; id: number; findings: { code: string }[] };

/** The domain's zone with `spf` as its SPF record; a second call replaces the first's TXT records. */
function publish(spf: string): void {
  zone.records.delete(DOMAIN);
  parseZone([`${DOMAIN}. MX 10 mx.${DOMAIN}.`, `${DOMAIN}. TXT "${spf}"`].join('\n'), zone);
}

const file = (name: string) => join(dir, name);
const read = (name: string) => readFileSync(file(name), 'utf8');

async function audit(): Promise<typeof second> {
  const run = await runCli(['audit', DOMAIN, '--resolver', resolver, '--db', db, '--json', ...SKIP]);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as typeof second;
}

async function report(args: string[]): Promise<void> {
  const run = await runCli(['report', ...args]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

beforeAll(async () => {
  zone = parseZone(
    [`mx.${DOMAIN}. A 192.0.2.44`, `_dmarc.${DOMAIN}. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@${DOMAIN}"`, `evil.history.report.test. MX 10 mx.${DOMAIN}.`, 'evil.history.report.test. TXT "v=spf1 ip4:192.0.2.1 \x1b[2J +all"'].join('\n'),
    loadZoneFixtures(),
  );
  publish(BEFORE);
  server = await startDnsServer({ zone });
  resolver = `127.0.0.1:${server.port}`;
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-report-history-'));
  db = file('history.sqlite');
  first = await audit();
  await report([DOMAIN, '--out', file('old.html'), '--db', db]);
  publish(AFTER);
  second = await audit();
  await report([DOMAIN, '--out', file('new.html'), '--db', db, '--client', 'Good Ltd']);
  // good.test is stored too, but was never in old.html.
  expect((await runCli(['audit', 'good.test', '--resolver', resolver, '--db', db, '--json', ...SKIP])).code).toBe(0);
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deliverlab report with history', () => {
  it('the first report says there is no earlier audit', () => {
    const html = read('old.html');
    expect(html).toContain(`There is no earlier audit of ${DOMAIN} in history: this is the first.`);
    expect(html).toContain(`There is no earlier audit of ${DOMAIN} in history to compare with.`);
    expect(html).not.toContain('<svg');
  });

  it('the second shows the trend, the changed SPF record, the new finding and the score change', () => {
    expect(second.score).toBeLessThan(first.score);
    const html = read('new.html');
    expect(html).toContain('<dt>Client</dt><dd>Good Ltd</dd>');
    expect(html).toMatch(/<svg role="img" aria-labelledby="d1-trend-chart"/);
    expect(readEmbeddedReport(html).audits[0]?.trend?.map((p) => p.score)).toEqual([first.score, second.score]);
    const changes = html.slice(html.indexOf('What changed since the previous audit'), html.indexOf('<h3>Checks</h3>'));
    expect(changes).toContain(`Grade ${second.grade}, was ${first.grade}. Score ${second.score} of 100, was ${first.score} (down ${first.score - second.score}).`);
    expect(changes).toMatch(/<h4>New findings<\/h4><ul><li><span class="sev sev-critical">critical<\/span> <code>spf\.all-pass<\/code>/);
    expect(changes).toContain(`<tr><td>SPF</td><td class="wrap">${BEFORE}</td><td class="wrap">${AFTER}</td></tr>`);
    expect(changes).toContain('<tr><td>SPF</td><td>Pass</td><td>Fail</td></tr>');
  });

  it('--from renders the same bytes again, trend and changes included, with no history at hand', async () => {
    await report(['--from', file('new.html'), '--out', file('again.html')]);
    expect(read('again.html')).toBe(read('new.html'));
    await report(['--from', file('new.html'), '--out', file('again.md')]);
    await report([DOMAIN, '--out', file('direct.md'), '--db', db, '--client', 'Good Ltd']);
    expect(read('again.md')).toBe(read('direct.md'));
    expect(read('again.md')).toContain(`| SPF | Pass | Fail |`);
  });

  it('--diff compares each domain with its audit in another report, from the store or from --from alike', async () => {
    await report([DOMAIN, '--diff', file('old.html'), '--out', file('diff.md'), '--db', db]);
    await report(['--from', file('new.html'), '--diff', file('old.html'), '--out', file('changes.md'), '--client', '']);
    const md = read('diff.md');
    expect(read('changes.md')).toBe(md);
    expect(md).toMatch(/Compared with the audit of .* in the other report\\\./);
    expect(md).toContain(`\`\`\`text\n- ${BEFORE}\n+ ${AFTER}\n\`\`\``);
    expect(md).toContain('- **critical** ` spf.all-pass `');

    // The other way round: the old audit against the new report, where the finding is resolved.
    await report(['--audit', String(first.id), '--diff', file('new.html'), '--out', file('back.md'), '--db', db]);
    expect(read('back.md')).toMatch(/#### Resolved findings\n\n- \*\*critical\*\* ` spf\.all-pass `/);

    await report([DOMAIN, 'good.test', '--diff', file('old.html'), '--out', file('two.md'), '--db', db]);
    expect(read('two.md')).toContain('The other report has no audit of good\\.test\\: there is nothing to compare with\\.');
  });

  it('refuses a --diff file that is not a Deliverlab report or was changed, and a bad --client, writing nothing (exit 2)', async () => {
    writeFileSync(file('plain.html'), '<!DOCTYPE html><title>x</title><p>hello</p>');
    writeFileSync(file('changed.html'), read('old.html').replace(`"score":${first.score}`, '"score":100'));
    const cases: [string[], RegExp][] = [
      [['--diff', file('plain.html')], /--diff .*plain\.html: the file holds no Deliverlab result .*not a Deliverlab HTML report/],
      [['--diff', file('changed.html')], /--diff .*changed\.html: the result embedded in the report does not match the SHA-256/],
      [['--diff', file('missing.html')], /Cannot read --diff .*missing\.html/],
      [['--client', 'Good\x1b]0;pwned\x07 Ltd'], /--client: The client's name contains a control character \(U\+001B\)/],
      [['--client', 'x'.repeat(201)], /--client: The client's name is longer than 200 characters/],
      [['--diff', file('old.html'), '--format', 'csv'], /--diff adds "What changed" to an html, pdf or md report/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['report', DOMAIN, '--out', file('refused.md'), '--db', db, ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain('\x1b');
      expect(existsSync(file('refused.md'))).toBe(false);
    }
    const message = await runCli(['report', '--message', '1', '--diff', file('old.html'), '--out', file('refused.md'), '--db', db]);
    expect(message.code).toBe(2);
    expect(message.stderr).toContain('--diff goes with a report of audits, not --message.');
  });
});

describe('deliverlab audit, readable output', () => {
  it('prints the fix record under the fix as a zone line, its control characters shown as escapes', async () => {
    const run = await runCli(['audit', 'evil.history.report.test', '--resolver', resolver, '--no-history', ...SKIP]);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    const fix = lines.findIndex((l) => l.includes('spf.all-pass'));
    const record = lines.slice(fix).find((l) => l.includes('Record:'));
    expect(record?.trim()).toBe('Record: evil.history.report.test. 3600 IN TXT "v=spf1 ip4:192.0.2.1 \\x1b[2J ~all"');
    expect(run.stdout).not.toContain('\x1b');
    // The missing TLS-RPT record's fix: a record of another name.
    expect(run.stdout).toContain('Record: _smtp._tls.evil.history.report.test. 3600 IN TXT "v=TLSRPTv1; rua=mailto:tls-reports@evil.history.report.test"');
  });
});
